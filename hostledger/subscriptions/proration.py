"""Proration to the day of amounts billed for a paid period (ORD-04, ORD-06, ORD-07).

A service is billed for periods of whole months (``ServicePeriod``: ``starts_on`` to
``ends_on``, both inclusive), and the price of a month does not depend on how many days it
has. When only part of a period is used or changed, its share of the period's amount is
counted in days of *that* period:

    share(first .. ends_on) = amount * days(first .. ends_on) / days(starts_on .. ends_on)

computed on integer minor units and rounded once, half up, with the one rounding function
of HostLedger (``hostledger.core.money.round_half_up``). A 31-day March billed 24.00 leaves
24.00 * 22 / 31 = 17.03 for 10-31 March; a 28-day February billed 14.10 leaves
14.10 * 20 / 28 = 10.07 for 9-28 February; a leap February has 29 days.

Shares of other day ranges are differences of these remaining shares:
``share(a .. b) = remaining(a) - remaining(b + 1)``. So a range that ends on the last day of
the period (what a plan change, a cancellation or a withdrawal credits or bills) is rounded
exactly once, and the shares of consecutive ranges that cover a period always add up to the
period's amount to the cent — no cent is created or lost between the used and the unused
part.

The functions are pure and exact: integers and dates in, integers out. ``amount_minor`` may
be negative (the difference of a downgrade); halves round away from zero either way.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hostledger.catalog.coupons import HUNDRED_PERCENT
from hostledger.catalog.models import DiscountKind
from hostledger.core.money import Money, round_half_up

ONE_DAY = timedelta(days=1)


def days_between(first: date, last: date) -> int:
    """How many days ``first`` to ``last`` has, both included (0 when ``last`` is earlier)."""
    return max((last - first).days + 1, 0)


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (away from zero) to a whole number.

    The exact quotient is cut after its first decimal, which is enough to decide a half-up
    rounding exactly (the fraction r/d is at least one half exactly when its first decimal is
    at least 5), and that decimal goes through :func:`round_half_up`, the single rounding
    rule of BIL-02.
    """
    if isinstance(numerator, bool) or not isinstance(numerator, int):
        raise TypeError("numerator: expected an int of minor units.")
    if isinstance(denominator, bool) or not isinstance(denominator, int) or denominator <= 0:
        raise ValueError("denominator: expected a whole number above zero.")
    quotient, remainder = divmod(abs(numerator), denominator)
    tenths = quotient * 10 + (remainder * 10) // denominator
    rounded = int(round_half_up(Decimal(tenths).scaleb(-1), 0))
    return rounded if numerator >= 0 else -rounded


def remaining_share_minor(amount_minor: int, *, starts_on: date, ends_on: date, first: date) -> int:
    """The share of ``amount_minor`` billed for ``starts_on``-``ends_on`` that falls on the
    days from ``first`` to ``ends_on`` (ORD-04, ORD-06): the whole amount when ``first`` is on
    or before the start, nothing when it is after the end, otherwise
    ``amount * remaining days / days of the period``, rounded once, half up."""
    if ends_on < starts_on:
        raise ValueError("ends_on: a period cannot end before it starts.")
    if first <= starts_on:
        return amount_minor
    if first > ends_on:
        return 0
    remaining = days_between(first, ends_on)
    return divide_half_up(amount_minor * remaining, days_between(starts_on, ends_on))


def share_minor(
    amount_minor: int, *, starts_on: date, ends_on: date, first: date, last: date
) -> int:
    """The share of ``amount_minor`` billed for ``starts_on``-``ends_on`` that falls on the
    days ``first`` to ``last`` (both included, clipped to the period).

    ``remaining(first) - remaining(last + 1)``: shares of consecutive ranges covering the
    period add up to ``amount_minor`` exactly.
    """
    if last < first:
        return 0
    return remaining_share_minor(
        amount_minor, starts_on=starts_on, ends_on=ends_on, first=first
    ) - remaining_share_minor(
        amount_minor, starts_on=starts_on, ends_on=ends_on, first=last + ONE_DAY
    )


def remaining_share(amount: Money, *, starts_on: date, ends_on: date, first: date) -> Money:
    """:func:`remaining_share_minor` of a :class:`Money` amount, in its currency."""
    return Money(
        remaining_share_minor(amount.minor, starts_on=starts_on, ends_on=ends_on, first=first),
        amount.currency,
    )


def months_of_period(starts_on: date, ends_on: date) -> int:
    """How many whole months a billed period has (a period from 31 January to 27 February is
    one month, as ``add_months`` counts it); at least one."""
    after = ends_on + ONE_DAY
    months = (after.year - starts_on.year) * 12 + after.month - starts_on.month
    return max(months, 1)


def discounted_remaining_share_minor(
    amount_minor: int, discount, *, starts_on: date, ends_on: date, first: date
) -> int:
    """The discounted share of ``amount_minor`` (a period's undiscounted price) that falls on
    the days from ``first`` to ``ends_on`` (decision 0055): the discount (a
    ``hostledger.catalog.coupons.Discount``) is applied to the exact prorated amount and
    the result rounded once, half up — never a rounded share rounded again.

    percentage: amount * (100 - percent) / 100 * remaining / days
    fixed:      (amount - min(fixed, amount)) * remaining / days
    """
    return discounted_change_share_minor(
        0, amount_minor, discount, starts_on=starts_on, ends_on=ends_on, first=first
    )


def discounted_change_share_minor(
    old_minor: int,
    new_minor: int,
    discount,
    *,
    other_delta_minor: int = 0,
    starts_on: date,
    ends_on: date,
    first: date,
) -> int:
    """The share from ``first`` to ``ends_on`` of a plan change whose discounted part moves
    from ``old_minor`` to ``new_minor`` for the period (the tariff's fee, lowered by the
    service's every-period coupon) and whose other part (add-ons) by ``other_delta_minor``,
    computed exactly and rounded once, half up (ORD-04, decision 0055). Without a discount
    it is ``remaining_share_minor`` of the whole difference."""
    if ends_on < starts_on:
        raise ValueError("ends_on: a period cannot end before it starts.")
    if first > ends_on:
        return 0
    days = days_between(starts_on, ends_on)
    remaining = days if first <= starts_on else days_between(first, ends_on)
    if discount is None:
        return divide_half_up((new_minor - old_minor + other_delta_minor) * remaining, days)
    if discount.kind == DiscountKind.PERCENTAGE:
        kept = HUNDRED_PERCENT - discount.percent_scaled
        numerator = (new_minor - old_minor) * kept + other_delta_minor * HUNDRED_PERCENT
        return divide_half_up(numerator * remaining, HUNDRED_PERCENT * days)
    fixed = discount.amount.minor

    def lowered(amount: int) -> int:
        return amount - min(fixed, amount) if amount > 0 else amount

    delta = lowered(new_minor) - lowered(old_minor) + other_delta_minor
    return divide_half_up(delta * remaining, days)
