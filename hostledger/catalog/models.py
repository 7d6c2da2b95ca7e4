"""The catalog: product families, tariffs, add-ons, metered items, OS images, price versions (CAT).

Amounts are whole minor units (cents) in a ``BigIntegerField`` plus a currency code, as
everywhere in HostLedger. Metered unit prices are finer than a cent (a GB-hour of cloud disk
costs a fraction of a cent), so they are stored as whole **micro-units** (millionths of the
currency's major unit: 4300 is €0.0043), and quantities of metered items the same way. No
amount or quantity is ever a float.

Rows are written only by ``hostledger.catalog.actions`` and read by
``hostledger.catalog.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.providers.models import default_entity_id

MICRO_PLACES = 6
"""Decimals of a micro-unit: unit prices and metered quantities are stored times 10**6."""


def from_micro(value: int) -> Decimal:
    """The exact decimal of a stored micro-unit integer (4300 → Decimal("0.004300"))."""
    return Decimal(value).scaleb(-MICRO_PLACES)


class FamilyCode(models.TextChoices):
    """The eight product families of the provider's contract (CAT-01, seed 003 annexes 1-9)."""

    DOMAIN = "domain", _("Domain registration")
    SHARED_HOSTING = "shared_hosting", _("Unlimited shared hosting")
    CMS_HOSTING = "cms_hosting", _("CMS-optimised hosting")
    VPS = "vps", _("Virtual server (VPS)")
    CLOUD = "cloud", _("Cloud data center")
    DEDICATED = "dedicated", _("Dedicated server")
    COLOCATION = "colocation", _("Colocation")
    LICENCE = "licence", _("Microsoft licence rental")


OS_IMAGE_FAMILIES = (FamilyCode.VPS, FamilyCode.CLOUD, FamilyCode.DEDICATED)
"""The families whose services run an operating system chosen from the image list (CAT-05)."""

RESOURCE_SPEC_FAMILIES = (FamilyCode.VPS, FamilyCode.CLOUD)
"""Families whose tariffs must state cpu, ram_gb and disk_gb: virtual servers and cloud pools
are built and checked (ORD-05) from these numbers."""


class ProductFamily(models.Model):
    """One of the eight product families (CAT-01), created by a data migration.

    The minimum service period and the commencement term (CAT-03) may be set per family;
    left empty they follow the provider settings ``catalog.minimum_service_months`` and
    ``catalog.commencement_working_days`` (``catalog.domain_commencement_working_days`` for
    domains), read through ``selectors.family_terms``.
    """

    code = models.CharField(max_length=20, choices=FamilyCode.choices, unique=True)
    entity = models.ForeignKey(
        "providers.ProviderEntity",
        on_delete=models.PROTECT,
        default=default_entity_id,
        related_name="product_families",
        help_text="The provider entity that sells this family's products and bills them.",
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    minimum_service_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Empty: the provider setting catalog.minimum_service_months applies.",
    )
    commencement_working_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Empty: the provider's commencement term for this family applies.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name_plural = "product families"

    def __str__(self) -> str:
        return self.name

    @property
    def offers_os_images(self) -> bool:
        return self.code in OS_IMAGE_FAMILIES


class PublicationStatus(models.TextChoices):
    """Whether a tariff or a price version is live (CAT-02, CAT-06).

    Staff create both as drafts: a draft is seen only in the staff area, is never offered,
    ordered or billed, and its fee may still be corrected. Publishing makes it live: a tariff
    is offered to clients, a price version is announced and applies from its date."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Tariff(models.Model):
    """A product a client can order: a fixed monthly subscription fee in EUR (CAT-02).

    ``monthly_fee_minor`` is the fee the tariff was created with. Later changes are
    announced :class:`PriceVersion` rows that apply from the first billing period starting
    on or after their effective date (CAT-06); ``selectors.price_in_force`` gives the fee of
    a period. ``specs`` holds the resources the tariff provides (``cpu``, ``ram_gb``,
    ``disk_gb`` for virtual servers and cloud pools, free-form for others).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "trf"), editable=False
    )
    family = models.ForeignKey(ProductFamily, on_delete=models.PROTECT, related_name="tariffs")
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    monthly_fee_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    specs = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family__sort_order", "sort_order", "monthly_fee_minor", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_fee_minor__gte=0), name="catalog_tariff_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def monthly_fee(self) -> Money:
        """The fee the tariff was created with (see ``selectors.price_in_force``)."""
        return Money(self.monthly_fee_minor, self.currency)


class AddOn(models.Model):
    """An optional extra chosen in the order (CAT-02), with its own monthly fee.

    Family-wide when ``tariff`` is empty (offered with every tariff of the family), else
    offered only with that tariff. ``max_quantity`` is how many a service may take (for
    example up to 16 extra IPv4 addresses).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "add"), editable=False
    )
    family = models.ForeignKey(ProductFamily, on_delete=models.PROTECT, related_name="add_ons")
    tariff = models.ForeignKey(
        Tariff, on_delete=models.PROTECT, null=True, blank=True, related_name="add_ons"
    )
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    monthly_fee_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    max_quantity = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "monthly_fee_minor", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_fee_minor__gte=0), name="catalog_add_on_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_quantity__gte=1), name="catalog_add_on_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def monthly_fee(self) -> Money:
        return Money(self.monthly_fee_minor, self.currency)


class MeteredItem(models.Model):
    """A resource billed from usage records (CAT-02, BIL-08), for example a GB-hour of disk.

    ``unit_price_micro`` is the price of one ``unit`` in millionths of the currency
    (4300 = €0.0043), because such prices are finer than a cent. ``included_quantity_micro``
    is the quantity per billing period the fee already covers, also in millionths of a unit.
    A usage amount is priced by ``hostledger.catalog.pricing.metered_charge``, which rounds
    the total once, half up, to cents. Family-wide when ``tariff`` is empty.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "met"), editable=False
    )
    family = models.ForeignKey(
        ProductFamily, on_delete=models.PROTECT, related_name="metered_items"
    )
    tariff = models.ForeignKey(
        Tariff, on_delete=models.PROTECT, null=True, blank=True, related_name="metered_items"
    )
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=30, help_text='What one unit is, e.g. "GB-hour".')
    unit_price_micro = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    included_quantity_micro = models.BigIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price_micro__gte=0), name="catalog_metered_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(included_quantity_micro__gte=0),
                name="catalog_metered_included_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def unit_price(self) -> Decimal:
        """The exact price of one unit (Decimal("0.004300") for €0.0043)."""
        return from_micro(self.unit_price_micro)

    @property
    def included_quantity(self) -> Decimal:
        return from_micro(self.included_quantity_micro)


class OsImage(models.Model):
    """An operating system offered for virtual, cloud and dedicated servers (CAT-05).

    Images needing a paid licence (Windows Server, a cPanel licence) are marked
    ``requires_paid_licence`` and carry the licence's monthly fee; free images have none.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "osi"), editable=False
    )
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    families = models.ManyToManyField(ProductFamily, related_name="os_images")
    requires_paid_licence = models.BooleanField(default=False)
    licence_monthly_fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(requires_paid_licence=True, licence_monthly_fee_minor__gt=0)
                    | Q(requires_paid_licence=False, licence_monthly_fee_minor=0)
                ),
                name="catalog_os_image_licence_fee_matches_flag",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def licence_monthly_fee(self) -> Money:
        return Money(self.licence_monthly_fee_minor, self.currency)


class PriceVersion(models.Model):
    """An announced new monthly fee of a tariff or an add-on (CAT-06, seed 003 §2.2.6).

    It applies to a client from the first billing period that starts on or after
    ``effective_from``; a period already running keeps the fee it started with. The
    announcement must come at least ``catalog.price_change_notice_days`` before
    ``effective_from`` so that clients can terminate before the change. A version withdrawn
    before its date (``withdrawn_at``) never applies; versions are kept, never deleted.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "prv"), editable=False
    )
    tariff = models.ForeignKey(
        Tariff, on_delete=models.PROTECT, null=True, blank=True, related_name="price_versions"
    )
    add_on = models.ForeignKey(
        AddOn, on_delete=models.PROTECT, null=True, blank=True, related_name="price_versions"
    )
    monthly_fee_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    announced_at = models.DateTimeField()
    effective_from = models.DateField()
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["effective_from", "announced_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tariff__isnull=False, add_on__isnull=True)
                    | Q(tariff__isnull=True, add_on__isnull=False)
                ),
                name="catalog_price_version_one_target",
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee_minor__gte=0), name="catalog_price_version_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["tariff", "effective_from"], name="catalog_prv_tariff_idx"),
            models.Index(fields=["add_on", "effective_from"], name="catalog_prv_add_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.monthly_fee} from {self.effective_from}"

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def monthly_fee(self) -> Money:
        return Money(self.monthly_fee_minor, self.currency)


class DiscountKind(models.TextChoices):
    """How a coupon lowers a price: a share of it, or a fixed amount off it."""

    PERCENTAGE = "percentage", "Percentage"
    FIXED = "fixed", "Fixed amount"


class CouponRecurrence(models.TextChoices):
    """Which billed periods of a service a coupon lowers: the first one (the order), or
    every period (the order and each renewal)."""

    FIRST_PERIOD = "first_period", "First period"
    EVERY_PERIOD = "every_period", "Every period"


PERCENT_PLACES = 4
"""Decimals of a coupon's percentage: 12.5 and 33.3333 are exact, nothing finer."""


class Coupon(models.Model):
    """A promotion code a client types in the order form (decision 0055).

    ``code`` is unique whatever its letter case (``SPRING`` and ``spring`` are one code).
    A coupon takes ``percent`` per cent off (an exact decimal of up to four places) or
    ``amount_minor`` off (in its currency, never more than the price it lowers), from the
    tariff's own fee of the first period or of every period (renewals too). It may be
    redeemed at most ``max_redemptions`` times in all and ``max_per_client`` times by one
    client (empty: no limit), from ``valid_from`` to ``valid_until`` (both included; empty:
    open), for the tariffs and families named (none named: every tariff). What it takes
    off (kind, value, recurrence) cannot change once it has been redeemed: services that
    carry it renew on the terms the client accepted.

    ``redemption_count`` is kept by one conditional UPDATE per redemption so that two
    clients taking the last use at once cannot both have it.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "cpn"), editable=False
    )
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=DiscountKind.choices)
    percent = models.DecimalField(
        max_digits=7, decimal_places=PERCENT_PLACES, null=True, blank=True
    )
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    recurrence = models.CharField(
        max_length=14, choices=CouponRecurrence.choices, default=CouponRecurrence.FIRST_PERIOD
    )
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    max_per_client = models.PositiveIntegerField(null=True, blank=True)
    redemption_count = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    tariffs = models.ManyToManyField(Tariff, blank=True, related_name="coupons")
    families = models.ManyToManyField(ProductFamily, blank=True, related_name="coupons")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="catalog_coupon_code_unique_any_case"),
            models.CheckConstraint(
                condition=(
                    Q(kind="percentage", percent__gt=0, percent__lte=100, amount_minor__isnull=True)
                    | Q(kind="fixed", amount_minor__gt=0, percent__isnull=True)
                ),
                name="catalog_coupon_one_discount",
            ),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True)
                | Q(redemption_count__lte=F("max_redemptions")),
                name="catalog_coupon_within_total_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def amount(self) -> Money | None:
        return None if self.amount_minor is None else Money(self.amount_minor, self.currency)

    @property
    def percent_text(self) -> str:
        """The percentage as staff typed it, without trailing zeros ("12.5", "20")."""
        return "" if self.percent is None else format(self.percent.normalize(), "f")

    @property
    def is_every_period(self) -> bool:
        return self.recurrence == CouponRecurrence.EVERY_PERIOD

    @property
    def remaining(self) -> int | None:
        """Uses left in all (None: no limit)."""
        if self.max_redemptions is None:
            return None
        return max(self.max_redemptions - self.redemption_count, 0)


class CouponRedemption(models.Model):
    """One use of a coupon by a client, recorded in the transaction that places the order
    it lowers; ``order_reference`` is that order's public id, ``discount_minor`` what the
    coupon took off its first period."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="coupon_redemptions"
    )
    order_reference = models.CharField(max_length=24)
    discount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    redeemed_at = models.DateTimeField()

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "order_reference"], name="catalog_coupon_redeemed_once_per_order"
            ),
        ]
        indexes = [
            models.Index(fields=["coupon", "client"], name="catalog_cpr_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon} for {self.order_reference}"

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.currency)
