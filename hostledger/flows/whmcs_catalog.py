"""The WHMCS catalog: each product becomes a draft tariff of its family, through the catalog's
actions (CAT-01, CAT-02; docs/decisions/0040-importing-from-whmcs.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.catalog.actions import tariff_create
from hostledger.catalog.models import FamilyCode, Tariff
from hostledger.catalog.selectors import family_by_code, tariff_by_code
from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.imports import actions as imports
from hostledger.imports.report import ImportReport

PRICE_COLUMNS = (
    ("monthly", 1),
    ("quarterly", 3),
    ("semiannually", 6),
    ("annually", 12),
    ("biennially", 24),
    ("triennially", 36),
)
# Product group names that tell the family of a WHMCS product better than its type does.
GROUP_WORDS = (
    ("licen", FamilyCode.LICENCE),
    ("coloc", FamilyCode.COLOCATION),
    ("dedicated", FamilyCode.DEDICATED),
    ("cloud", FamilyCode.CLOUD),
    ("vps", FamilyCode.VPS),
    ("virtual", FamilyCode.VPS),
    ("wordpress", FamilyCode.CMS_HOSTING),
    ("cms", FamilyCode.CMS_HOSTING),
)
TYPE_FAMILIES = {
    "hostingaccount": FamilyCode.SHARED_HOSTING,
    "reselleraccount": FamilyCode.SHARED_HOSTING,
    "server": FamilyCode.DEDICATED,
}


def _family_code(product: dict, group_name: str) -> tuple[str | None, str]:
    """The family of a WHMCS product, or None with the reason."""
    words = group_name.lower()
    for word, code in GROUP_WORDS:
        if word in words:
            if code in (FamilyCode.VPS, FamilyCode.CLOUD):
                return None, (
                    f"product group says {code}: its tariffs need cpu, ram_gb and disk_gb, which "
                    "WHMCS does not hold; make the tariff here and pass --product "
                    f"{product['id']}=TARIFF_CODE"
                )
            return code, ""
    kind = str(product.get("type") or "")
    if kind in TYPE_FAMILIES:
        return TYPE_FAMILIES[kind], ""
    return None, (
        f"product type '{kind}' has no HostLedger family; pass --product "
        f"{product['id']}=TARIFF_CODE"
    )


def _monthly_fee_minor(prices: dict | None) -> int | None:
    """The monthly price of the shortest billing cycle sold (WHMCS marks a cycle not sold
    with -1), rounded half up to the cent."""
    if prices is None:
        return None
    for column, months in PRICE_COLUMNS:
        value = Decimal(prices.get(column) if prices.get(column) is not None else -1)
        if value >= 0:
            return int((value * 100 / months).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return None


def products_import(context, report: ImportReport, chosen: dict[int, str]) -> None:
    """Each WHMCS product becomes a draft tariff of its family (staff review and publish it
    before clients can order it), or the existing tariff named for it in ``chosen``."""
    groups = context.database.product_groups()
    prices = context.database.product_prices()
    euro = next((key for key, code in context.currencies.items() if code == DEFAULT_CURRENCY), None)
    known = context.known("tblproducts")
    for product in context.database.products():
        product_id = int(product["id"])
        if str(product_id) in known:
            tariff = Tariff.objects.filter(pk=known[str(product_id)]).first()
            context.tariffs[product_id] = tariff or "its tariff was deleted here"
            report.skipped("tblproducts")
            continue
        try:
            with transaction.atomic():
                if product_id in chosen:
                    tariff = tariff_by_code(chosen[product_id], include_inactive=True)
                else:
                    tariff = _tariff_of(product, groups, prices.get((product_id, euro)))
                imports.source_record_add(
                    run=context.run, table="tblproducts", source_key=product_id, target=tariff
                )
        except DomainError as error:
            reason = getattr(error, "message", None) or str(error)
            context.tariffs[product_id] = f"product {product_id} was not mapped: {reason}"
            report.unmapped("tblproducts", product_id, reason)
            continue
        known[str(product_id)] = tariff.pk
        context.tariffs[product_id] = tariff
        report.imported("tblproducts")


def _tariff_of(product: dict, groups: dict, prices: dict | None) -> Tariff:
    group_name = str((groups.get(int(product["gid"] or 0)) or {}).get("name") or "")
    code, reason = _family_code(product, group_name)
    if code is None:
        raise DomainError("unmapped", reason)
    fee = _monthly_fee_minor(prices)
    if fee is None:
        raise DomainError("unmapped", _("no price in EUR for any billing cycle"))
    return tariff_create(
        family=family_by_code(code, include_inactive=True),
        code=f"whmcs-{product['id']}",
        name=str(product["name"] or f"WHMCS product {product['id']}")[:120],
        monthly_fee=Money.from_minor(fee),
        description=str(product.get("description") or ""),
        is_active=not bool(product.get("retired")),
    )
