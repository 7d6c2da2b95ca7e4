"""What a coupon takes off a price, and whether a client may use it (decision 0055).

A coupon lowers the tariff's own fee of a billed period (add-ons and licences keep their
price). :class:`Discount` is the same for a coupon and for a discount staff give on a quote:
a percentage (an exact decimal) or a fixed amount off the period, never more than the
period's amount. The discounted net of a whole period is

    percentage: amount * (100 - percent) / 100
    fixed:      amount - min(fixed, amount)

rounded once, half up, with :func:`hostledger.core.money.round_half_up`; the discount
shown is the undiscounted amount less that net, so the two always add up to the price. A
part of a period (a plan change) is prorated on the exact discounted amount and rounded
once (``hostledger.subscriptions.proration.discounted_share_minor``).

:func:`check_coupon` says why a code cannot be used, under the field ``coupon``; nothing
here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError, NotFound
from hostledger.core.money import Money, round_half_up

from .models import PERCENT_PLACES, Coupon, CouponRedemption, DiscountKind, Tariff

PERCENT_SCALE = 10**PERCENT_PLACES
"""A percentage as a whole number of ten-thousandths of a per cent (12.5 % is 125000)."""
HUNDRED_PERCENT = 100 * PERCENT_SCALE
COUPON_FIELD = "coupon"


@dataclass(frozen=True)
class Discount:
    """What is taken off the price of a period: ``percent`` per cent, or ``amount`` (in the
    price's currency). ``label`` names it on the invoice line (a coupon's code)."""

    kind: str
    percent: Decimal | None = None
    amount: Money | None = None
    label: str = ""

    @property
    def percent_scaled(self) -> int:
        """The percentage in ten-thousandths of a per cent, exact."""
        assert self.percent is not None
        return int(self.percent * PERCENT_SCALE)

    def describe(self) -> str:
        """How the discount reads on an invoice line: "SPRING: 10 % off"."""
        if self.kind == DiscountKind.PERCENTAGE:
            value = f"{self.percent.normalize():f} %"
        else:
            value = str(self.amount)
        text = _("%(value)s off") % {"value": value}
        return f"{self.label}: {text}" if self.label else text

    def net_minor(self, amount_minor: int) -> int:
        """The discounted net of a whole period billed ``amount_minor``, rounded once."""
        if amount_minor <= 0:
            return amount_minor
        if self.kind == DiscountKind.PERCENTAGE:
            exact = Decimal(amount_minor) * (HUNDRED_PERCENT - self.percent_scaled)
            return int(round_half_up(exact.scaleb(-2 - PERCENT_PLACES), 0))
        assert self.amount is not None
        return amount_minor - min(self.amount.minor, amount_minor)

    def off_minor(self, amount_minor: int) -> int:
        """What the discount takes off a whole period billed ``amount_minor``."""
        return amount_minor - self.net_minor(amount_minor)


def coupon_discount(coupon: Coupon) -> Discount:
    """The discount a coupon gives, labelled with its code."""
    return Discount(
        kind=coupon.kind,
        percent=coupon.percent,
        amount=coupon.amount,
        label=coupon.code.upper(),
    )


def coupon_by_code(code: str) -> Coupon | None:
    """The coupon with ``code`` whatever its letter case, or None."""
    if not isinstance(code, str) or not code.strip():
        return None
    return Coupon.objects.filter(code__iexact=code.strip()).first()


def client_redemptions(coupon: Coupon, client) -> int:
    return CouponRedemption.objects.filter(coupon=coupon, client=client).count()


def coupon_problem(coupon: Coupon, *, client, tariff: Tariff, today: date) -> str:
    """Why ``client`` cannot use ``coupon`` on ``tariff`` today ("" when it can)."""
    if not coupon.is_active:
        return _("This coupon code is not valid.")
    if coupon.valid_from is not None and today < coupon.valid_from:
        return _("This coupon is valid from %(day)s.") % {"day": coupon.valid_from.isoformat()}
    if coupon.valid_until is not None and today > coupon.valid_until:
        return _("This coupon expired on %(day)s.") % {"day": coupon.valid_until.isoformat()}
    if coupon.kind == DiscountKind.FIXED and coupon.currency != tariff.currency:
        return _("This coupon does not apply to this product.")
    tariff_ids = {pk for pk in coupon.tariffs.values_list("pk", flat=True)}
    family_ids = {pk for pk in coupon.families.values_list("pk", flat=True)}
    if (tariff_ids or family_ids) and not (
        tariff.pk in tariff_ids or tariff.family_id in family_ids
    ):
        return _("This coupon does not apply to this product.")
    if coupon.max_redemptions is not None and coupon.redemption_count >= coupon.max_redemptions:
        return _("This coupon has been used up.")
    if coupon.max_per_client is not None and (
        client is not None and client_redemptions(coupon, client) >= coupon.max_per_client
    ):
        return _("You have already used this coupon as many times as it allows.")
    return ""


def check_coupon(code, *, client, tariff: Tariff, today: date) -> Coupon:
    """The coupon named by ``code`` if ``client`` may use it on ``tariff`` today; otherwise a
    DomainError naming the field ``coupon`` with the reason."""
    coupon = coupon_by_code(code) if isinstance(code, str) else None
    problem = (
        _("This coupon code is not valid.")
        if coupon is None
        else coupon_problem(coupon, client=client, tariff=tariff, today=today)
    )
    if problem:
        raise DomainError("invalid_coupon", f"coupon: {problem}", fields={COUPON_FIELD: problem})
    assert coupon is not None
    return coupon


# Staff reads --------------------------------------------------------------------------------


def coupons_for_staff() -> QuerySet[Coupon]:
    """Every coupon, by code, with how many clients redeemed it."""
    return Coupon.objects.annotate(
        client_count=Count("redemptions__client", distinct=True)
    ).order_by("code")


def staff_coupon(public_id: str) -> Coupon:
    found = (
        Coupon.objects.filter(public_id=public_id).prefetch_related("tariffs", "families").first()
    )
    if found is None:
        raise NotFound("coupon")
    return found


def coupon_redemptions(coupon: Coupon, *, limit: int = 200) -> list[CouponRedemption]:
    return list(CouponRedemption.objects.filter(coupon=coupon).select_related("client")[:limit])


def coupon_is_redeemed(coupon: Coupon) -> bool:
    return CouponRedemption.objects.filter(Q(coupon=coupon)).exists()
