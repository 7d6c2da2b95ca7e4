"""Schemas of the catalog endpoints (CAT-01 … CAT-06) and the conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_money import (
    FIRST_DAY,
    LAST_DAY,
    InputDate,
    MoneyIn,
    MoneyOut,
    UnitPriceOut,
    confirm_flag,
    multiline_text,
    unit_price_of,
)
from hostledger.catalog import selectors
from hostledger.catalog.models import OS_IMAGE_FAMILIES, MeteredItem, OsImage, PriceVersion
from hostledger.catalog.models import FamilyCode as FamilyCodes

FamilyCode = Literal[tuple(FamilyCodes.values)]
OsImageFamily = Literal[tuple(str(code) for code in OS_IMAGE_FAMILIES)]

CODE_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
UNIT_PRICE_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"
QUANTITY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
MAX_SPEC_NUMBER = 1_000_000_000

Code = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=CODE_PATTERN,
        description="Stable code: lower-case letters, digits, '-' and '_'.",
        examples=["vps-start"],
    ),
]
SpecName = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
SpecValue = Annotated[int, Field(ge=0, le=MAX_SPEC_NUMBER)] | text(120, "A short text.", ["SSD"])
SortOrder = Annotated[int, Field(ge=0, le=32767, description="Display order, lowest first.")]


# ----------------------------------------------------------------------------- output


class PriceChangeOut(Schema):
    """An announced fee and the day from which it applies (CAT-06)."""

    monthly_fee: MoneyOut
    effective_from: date


class OfferedAddOnOut(Schema):
    """An add-on a client may choose with the tariff (CAT-02)."""

    id: str = Field(description="Public id of the add-on.", examples=["add_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["extra-ipv4"])
    name: str = Field(examples=["Extra IPv4 address"])
    description: str
    tariff_id: str | None = Field(
        description="Offered only with this tariff; null when offered with every tariff of "
        "the family."
    )
    max_quantity: int = Field(description="How many one service may take.", examples=[16])
    monthly_fee: MoneyOut = Field(description="The fee in force today.")
    next_change: PriceChangeOut | None = Field(description="The next announced fee, if any.")


class MeteredItemOut(Schema):
    """A resource billed from usage records (CAT-02, BIL-08)."""

    id: str = Field(description="Public id of the item.", examples=["met_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["cloud-disk-gb-hour"])
    name: str = Field(examples=["Cloud disk"])
    unit: str = Field(description="What one unit is.", examples=["GB-hour"])
    unit_price: UnitPriceOut = Field(description="Price of one unit, up to six decimals.")
    included_quantity: str = Field(
        description="Units per billing period the fee already covers (six decimals).",
        examples=["0.000000"],
    )
    tariff_id: str | None = Field(description="Only with this tariff; null: family-wide.")


class OsImageOut(Schema):
    """An operating system offered for the family's servers (CAT-05)."""

    id: str = Field(description="Public id of the image.", examples=["osi_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["debian-12"])
    name: str = Field(examples=["Debian 12"])
    requires_paid_licence: bool = Field(description="Whether a paid licence is needed.")
    licence_monthly_fee: MoneyOut | None = Field(
        description="The licence's monthly fee; null for a free image."
    )

    @staticmethod
    def resolve_id(image: OsImage) -> str:
        return image.public_id

    @staticmethod
    def resolve_licence_monthly_fee(image: OsImage):
        return image.licence_monthly_fee if image.requires_paid_licence else None


class TrialOut(Schema):
    """The free trial a family offers (CAT-04)."""

    max_days: int = Field(examples=[10])
    once_per_client: bool


class OfferedTariffOut(Schema):
    """An active tariff with its fee in force and what may be ordered with it (CAT-02)."""

    id: str = Field(description="Public id of the tariff.", examples=["trf_3k9d2m7q8w1x4z6v"])
    family: str = Field(description="Code of the product family.", examples=["vps"])
    code: str = Field(examples=["vps-start"])
    name: str = Field(examples=["VPS Start"])
    description: str
    specs: dict[str, int | str] = Field(
        description="Resources the tariff provides.",
        examples=[{"cpu": 2, "ram_gb": 4, "disk_gb": 80}],
    )
    monthly_fee: MoneyOut = Field(description="The fee in force today.")
    next_change: PriceChangeOut | None = Field(description="The next announced fee, if any.")
    add_ons: list[OfferedAddOnOut]
    metered_items: list[MeteredItemOut]


class FamilyTermsFields(Schema):
    minimum_service_months: int = Field(
        description="Minimum service period (CAT-03).", examples=[1]
    )
    commencement_working_days: int = Field(
        description="Working days after payment within which a service starts (CAT-03).",
        examples=[1],
    )
    trial: TrialOut | None = Field(description="The free trial (CAT-04); null when none.")


class OfferedFamilyOut(FamilyTermsFields):
    """An active product family as clients see it (CAT-01)."""

    code: str = Field(examples=["vps"])
    name: str = Field(examples=["Virtual server (VPS)"])
    description: str
    tariffs: list[OfferedTariffOut]
    os_images: list[OsImageOut] = Field(description="Empty for families without OS images.")


class OfferedTariffDetailOut(OfferedTariffOut, FamilyTermsFields):
    """One tariff with the terms and OS images of its family."""

    os_images: list[OsImageOut] = Field(description="Empty for families without OS images.")


class PriceChangeNoticeOut(Schema):
    """An announced change of a tariff's or an add-on's fee (CAT-06)."""

    id: str = Field(
        description="Public id of the price version.", examples=["prv_2q8w1x4z6v3k9d7m"]
    )
    tariff_id: str | None = Field(description="The tariff whose fee changes, if a tariff.")
    add_on_id: str | None = Field(description="The add-on whose fee changes, if an add-on.")
    family: str = Field(examples=["vps"])
    code: str = Field(examples=["vps-start"])
    name: str = Field(examples=["VPS Start"])
    monthly_fee: MoneyOut = Field(description="The new monthly fee.")
    effective_from: date = Field(description="From the first period starting on this day.")
    announced_at: datetime
    note: str


class StaffTariffOut(Schema):
    """A tariff as staff manage it, active or not (CAT-02)."""

    id: str = Field(examples=["trf_3k9d2m7q8w1x4z6v"])
    family: str = Field(examples=["vps"])
    code: str = Field(examples=["vps-start"])
    name: str = Field(examples=["VPS Start"])
    description: str
    specs: dict[str, int | str]
    monthly_fee: MoneyOut = Field(description="The fee in force today (CAT-06).")
    is_active: bool
    status: Literal["draft", "published"] = Field(
        description="A draft is seen by staff only; publishing offers it to clients (CAT-02)."
    )
    published_at: datetime | None
    sort_order: int
    created_at: datetime
    updated_at: datetime


class StaffAddOnOut(Schema):
    """An add-on as staff manage it (CAT-02)."""

    id: str = Field(examples=["add_3k9d2m7q8w1x4z6v"])
    family: str = Field(examples=["vps"])
    tariff_id: str | None
    code: str = Field(examples=["extra-ipv4"])
    name: str
    description: str
    monthly_fee: MoneyOut = Field(description="The fee in force today (CAT-06).")
    max_quantity: int
    is_active: bool
    sort_order: int


class StaffMeteredItemOut(MeteredItemOut):
    """A metered item as staff manage it (CAT-02)."""

    family: str = Field(examples=["cloud"])
    is_active: bool
    sort_order: int


class StaffOsImageOut(OsImageOut):
    """An OS image as staff manage it (CAT-05)."""

    families: list[str] = Field(examples=[["vps", "cloud"]])
    is_active: bool
    sort_order: int

    @staticmethod
    def resolve_families(image: OsImage) -> list[str]:
        return sorted(family.code for family in image.families.all())


class PriceVersionOut(Schema):
    """An announced fee of a tariff or add-on, kept even when withdrawn (CAT-06)."""

    id: str = Field(examples=["prv_2q8w1x4z6v3k9d7m"])
    tariff_id: str | None
    add_on_id: str | None
    monthly_fee: MoneyOut
    effective_from: date
    announced_at: datetime = Field(
        description="When it was published (announced); for a draft, when it was prepared."
    )
    status: Literal["draft", "published"] = Field(
        description="A draft applies to nobody; publishing announces it (CAT-06)."
    )
    note: str
    withdrawn_at: datetime | None


# ----------------------------------------------------------------------------- input


class TariffCreateIn(InputSchema):
    family: FamilyCode = Field(description="Code of the product family.", examples=["vps"])
    code: Code
    name: text(120, "Name shown to clients.", ["VPS Start"])
    monthly_fee: MoneyIn = Field(description="Monthly fee in EUR.")
    description: multiline_text(5000, "Description shown to clients.", ["2 vCPU, 4 GB"]) = ""
    specs: dict[SpecName, SpecValue] = Field(
        default_factory=dict,
        max_length=30,
        description="Resources: VPS and cloud tariffs state cpu, ram_gb and disk_gb.",
        examples=[{"cpu": 2, "ram_gb": 4, "disk_gb": 80}],
    )
    sort_order: SortOrder = 0
    is_active: bool = Field(
        True, description="Offer it to new orders once published (it starts as a draft)."
    )
    confirm: bool = confirm_flag()


class TariffPatchIn(InputSchema):
    """Only the fields sent change. The fee of a published tariff changes by a price version
    (CAT-06); a draft's fee may be corrected here."""

    name: text(120, "Name shown to clients.", ["VPS Start"]) | None = None
    description: multiline_text(5000, "Description.", ["2 vCPU, 4 GB"]) | None = None
    specs: dict[SpecName, SpecValue] | None = Field(None, max_length=30)
    sort_order: SortOrder | None = None
    monthly_fee: MoneyIn | None = Field(
        None, description="A draft's monthly fee in EUR; refused once the tariff is published."
    )
    confirm: bool = confirm_flag()


class AddOnCreateIn(InputSchema):
    family: FamilyCode = Field(examples=["vps"])
    tariff: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Offer it only with this tariff of the family; omit for every tariff.",
    )
    code: Code
    name: text(120, "Name shown to clients.", ["Extra IPv4 address"])
    monthly_fee: MoneyIn = Field(description="Monthly fee in EUR.")
    description: multiline_text(5000, "Description.", [""]) = ""
    max_quantity: int = Field(1, ge=1, le=10_000, description="How many one service may take.")
    sort_order: SortOrder = 0
    confirm: bool = confirm_flag()


class AddOnPatchIn(InputSchema):
    name: text(120, "Name shown to clients.", ["Extra IPv4 address"]) | None = None
    description: multiline_text(5000, "Description.", [""]) | None = None
    max_quantity: int | None = Field(None, ge=1, le=10_000)
    sort_order: SortOrder | None = None


class MeteredItemCreateIn(InputSchema):
    family: FamilyCode = Field(examples=["cloud"])
    tariff: str | None = Field(
        None, pattern=PUBLIC_ID_PATTERN, description="Only with this tariff; omit: family-wide."
    )
    code: Code
    name: text(120, "Name.", ["Cloud disk"])
    unit: text(30, "What one unit is.", ["GB-hour"])
    unit_price: str = Field(
        pattern=UNIT_PRICE_PATTERN,
        description="Price of one unit in EUR, up to six decimals.",
        examples=["0.0043"],
    )
    included_quantity: str = Field(
        "0", pattern=QUANTITY_PATTERN, description="Units per period the fee covers."
    )
    sort_order: SortOrder = 0


class MeteredItemPatchIn(InputSchema):
    """The unit price is fixed once offered (CAT-06): create a new item to change it."""

    name: text(120, "Name.", ["Cloud disk"]) | None = None
    unit: text(30, "What one unit is.", ["GB-hour"]) | None = None
    included_quantity: str | None = Field(None, pattern=QUANTITY_PATTERN)
    sort_order: SortOrder | None = None


class OsImageCreateIn(InputSchema):
    code: Code
    name: text(120, "Name shown to clients.", ["Debian 12"])
    families: list[OsImageFamily] = Field(
        min_length=1, max_length=3, description="vps, cloud and/or dedicated.", examples=[["vps"]]
    )
    requires_paid_licence: bool = False
    licence_monthly_fee: MoneyIn | None = Field(
        None, description="Monthly licence fee in EUR; required for a paid licence."
    )
    sort_order: SortOrder = 0
    confirm: bool = confirm_flag()


class OsImagePatchIn(InputSchema):
    name: text(120, "Name shown to clients.", ["Debian 12"]) | None = None
    families: list[OsImageFamily] | None = Field(None, min_length=1, max_length=3)
    requires_paid_licence: bool | None = None
    licence_monthly_fee: MoneyIn | None = None
    sort_order: SortOrder | None = None
    confirm: bool = confirm_flag()


class PriceVersionCreateIn(InputSchema):
    """Name exactly one of ``tariff`` and ``add_on``."""

    tariff: str | None = Field(None, pattern=PUBLIC_ID_PATTERN, description="The tariff.")
    add_on: str | None = Field(None, pattern=PUBLIC_ID_PATTERN, description="The add-on.")
    new_fee: MoneyIn = Field(description="The new monthly fee in EUR.")
    effective_from: InputDate = Field(
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="First day of the fee; at least the notice period from today.",
    )
    note: multiline_text(2000, "Why the fee changes, for the notice.", ["New hardware"]) = ""
    confirm: bool = confirm_flag()


# ----------------------------------------------------------------------------- conversions


def metered_item_row(item: MeteredItem, tariff_id: str | None) -> dict:
    """A metered item as :class:`MeteredItemOut`; ``tariff_id`` is the public id of the
    tariff it is limited to, or None for a family-wide item."""
    return {
        "id": item.public_id,
        "code": item.code,
        "name": item.name,
        "unit": item.unit,
        "unit_price": unit_price_of(item.unit_price_micro, item.currency),
        "included_quantity": f"{item.included_quantity:.6f}",
        "tariff_id": tariff_id,
    }


def offered_tariff(offered, family_code: str) -> dict:
    """An ``OfferedTariff`` of ``catalog_for_browsing`` as :class:`OfferedTariffOut`. Add-ons
    and metered items limited to a tariff are offered only with it, so their tariff is this
    one."""
    tariff = offered.tariff

    def own(row) -> str | None:
        return tariff.public_id if row.tariff_id == tariff.pk else None

    return {
        "id": tariff.public_id,
        "family": family_code,
        "code": tariff.code,
        "name": tariff.name,
        "description": tariff.description,
        "specs": tariff.specs or {},
        "monthly_fee": offered.monthly_fee,
        "next_change": offered.next_change,
        "add_ons": [
            {
                "id": item.add_on.public_id,
                "code": item.add_on.code,
                "name": item.add_on.name,
                "description": item.add_on.description,
                "tariff_id": own(item.add_on),
                "max_quantity": item.add_on.max_quantity,
                "monthly_fee": item.monthly_fee,
                "next_change": item.next_change,
            }
            for item in offered.add_ons
        ],
        "metered_items": [metered_item_row(item, own(item)) for item in offered.metered_items],
    }


def _family_terms(offered_family_row) -> dict:
    terms = offered_family_row.terms
    trial = offered_family_row.trial
    return {
        "minimum_service_months": terms.minimum_service_months,
        "commencement_working_days": terms.commencement_working_days,
        "trial": (
            {"max_days": trial.max_days, "once_per_client": trial.once_per_client}
            if trial
            else None
        ),
    }


def offered_family(offered) -> dict:
    """An ``OfferedFamily`` of ``catalog_for_browsing`` as :class:`OfferedFamilyOut`."""
    family = offered.family
    return {
        "code": family.code,
        "name": family.name,
        "description": family.description,
        **_family_terms(offered),
        "tariffs": [offered_tariff(item, family.code) for item in offered.tariffs],
        "os_images": offered.os_images,
    }


def offered_tariff_detail(family_offer, tariff_offer) -> dict:
    """One tariff of the browsing with its family's terms and OS images."""
    return {
        **offered_tariff(tariff_offer, family_offer.family.code),
        **_family_terms(family_offer),
        "os_images": family_offer.os_images,
    }


def price_change_notice(version: PriceVersion) -> dict:
    """An upcoming price version (with its tariff or add-on loaded) as a notice."""
    target = version.tariff if version.tariff_id else version.add_on
    return {
        "id": version.public_id,
        "tariff_id": version.tariff.public_id if version.tariff_id else None,
        "add_on_id": version.add_on.public_id if version.add_on_id else None,
        "family": target.family.code,
        "code": target.code,
        "name": target.name,
        "monthly_fee": version.monthly_fee,
        "effective_from": version.effective_from,
        "announced_at": version.announced_at,
        "status": version.status,
        "note": version.note,
    }


def _staff_tariff_row(tariff, fee) -> dict:
    return {
        "id": tariff.public_id,
        "family": tariff.family.code,
        "code": tariff.code,
        "name": tariff.name,
        "description": tariff.description,
        "specs": tariff.specs or {},
        "monthly_fee": fee,
        "is_active": tariff.is_active,
        "status": tariff.status,
        "published_at": tariff.published_at,
        "sort_order": tariff.sort_order,
        "created_at": tariff.created_at,
        "updated_at": tariff.updated_at,
    }


def staff_tariff(tariff) -> dict:
    """A tariff with its fee in force today, as :class:`StaffTariffOut`."""
    fee = selectors.price_in_force(tariff, period_start=timezone.localdate())
    return _staff_tariff_row(tariff, fee)


def staff_tariffs(tariffs) -> list[dict]:
    """Tariffs with their fees in force today, read in one query (habit 3)."""
    fees = selectors.fees_in_force(
        period_start=timezone.localdate(), tariff_ids=[tariff.pk for tariff in tariffs]
    )
    return [_staff_tariff_row(tariff, fees[("tariff", tariff.pk)]) for tariff in tariffs]


def staff_add_on(add_on, fee=None) -> dict:
    """An add-on with its fee in force today (read unless ``fee`` is given), as
    :class:`StaffAddOnOut`."""
    if fee is None:
        fee = selectors.add_on_price_in_force(add_on, period_start=timezone.localdate())
    return {
        "id": add_on.public_id,
        "family": add_on.family.code,
        "tariff_id": add_on.tariff.public_id if add_on.tariff_id else None,
        "code": add_on.code,
        "name": add_on.name,
        "description": add_on.description,
        "monthly_fee": fee,
        "max_quantity": add_on.max_quantity,
        "is_active": add_on.is_active,
        "sort_order": add_on.sort_order,
    }


def staff_metered_item(item: MeteredItem) -> dict:
    """A metered item as :class:`StaffMeteredItemOut`."""
    return {
        **metered_item_row(item, item.tariff.public_id if item.tariff_id else None),
        "family": item.family.code,
        "is_active": item.is_active,
        "sort_order": item.sort_order,
    }


def price_version_row(version: PriceVersion, *, tariff=None, add_on=None) -> dict:
    """A price version of ``tariff`` or ``add_on`` as :class:`PriceVersionOut`."""
    return {
        "id": version.public_id,
        "tariff_id": tariff.public_id if tariff is not None else None,
        "add_on_id": add_on.public_id if add_on is not None else None,
        "monthly_fee": version.monthly_fee,
        "effective_from": version.effective_from,
        "announced_at": version.announced_at,
        "status": version.status,
        "note": version.note,
        "withdrawn_at": version.withdrawn_at,
    }


class SellerOut(Schema):
    """A provider entity that sells part of the catalog: its details as its documents print
    them, and the product families it sells."""

    id: str = Field(examples=["ent_default"])
    legal_name: str = Field(examples=["SmartApe OÜ"])
    brand_name: str = Field(description="Empty when the entity has no brand of its own.")
    registry_code: str = Field(examples=["16124388"])
    vat_number: str = Field(examples=["EE102329731"])
    country: str = Field(examples=["EE"])
    terms_url: str = Field(description="Empty when the entity has no terms of its own.")
    families: list[str] = Field(description="Codes of the product families it sells.")


def seller(entity, snapshot: dict, families: list[str]) -> dict:
    """A provider entity as :class:`SellerOut`, its details as its documents print them."""
    return {
        "id": entity.public_id,
        "legal_name": snapshot.get("legal_name") or "",
        "brand_name": entity.brand_name,
        "registry_code": snapshot.get("registry_code") or "",
        "vat_number": snapshot.get("vat_number") or "",
        "country": snapshot.get("country") or "",
        "terms_url": entity.terms_url,
        "families": families,
    }
