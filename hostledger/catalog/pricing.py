"""Exact prices of the catalog: reading fees from input and pricing metered usage (CAT-02).

Fees are whole cents; metered unit prices and quantities are whole millionths (micro-units),
because a GB-hour costs a fraction of a cent. A metered total is computed exactly and rounded
once, with :func:`hostledger.core.money.round_half_up`, to cents: 1234 GB-hours at €0.0043
is €5.3062, billed as €5.31. Floats are refused everywhere with a DomainError naming the
field, so a caller learns which input to fix.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.limits import staff_price_maximum
from hostledger.core.money import (
    DEFAULT_CURRENCY,
    Money,
    minor_unit_places,
    parse_staff_amount,
    parse_staff_decimal,
    refuse_above_maximum,
    round_half_up,
)

from .models import MICRO_PLACES, MeteredItem, from_micro

CATALOG_CURRENCY = DEFAULT_CURRENCY
"""The catalog is priced in EUR (CAT-02)."""


def _exact_decimal(value: object, *, field: str) -> Decimal:
    """A finite Decimal from a Decimal, int or str; floats and bools are refused."""
    if isinstance(value, float):
        raise DomainError(
            "float_not_accepted",
            _("%(field)s: give an exact decimal such as '12.34', not the float %(value)s.")
            % {"field": field, "value": f"{value!r}"},
            fields={field: "must be an exact decimal, not a float"},
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise DomainError(
            "invalid_amount",
            _("%(field)s: a number is required.") % {"field": field},
            fields={field: "a number is required"},
        )
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise DomainError(
            "invalid_amount",
            _("%(field)s: '%(value)s' is not a number.") % {"field": field, "value": value},
            fields={field: "not a number"},
        ) from None
    if not number.is_finite() or (number and number.adjusted() >= 15):
        raise DomainError(
            "invalid_amount",
            _("%(field)s: '%(value)s' is not a usable number.") % {"field": field, "value": value},
            fields={field: "not a usable number"},
        )
    return number


def _refuse_negative(number: Decimal, *, field: str) -> None:
    if number < 0:
        raise DomainError(
            "negative_price",
            _("%(field)s: a price cannot be negative.") % {"field": field},
            fields={field: "cannot be negative"},
        )


def parse_fee(value: object, *, field: str) -> Money:
    """A monthly fee in EUR from a Money, Decimal, int (whole euros) or str ("9.90").

    Text is read strictly by :func:`~hostledger.core.money.parse_staff_amount` (digits and
    at most two decimals: no ``1e6``, no thousands separators). Refuses floats, negative
    amounts, more decimals than cents, other currencies and fees above the provider's
    ``core.staff_price_maximum``, each with a DomainError naming ``field`` (CAT-02).
    """
    if isinstance(value, float):
        _exact_decimal(value, field=field)
    if isinstance(value, Money):
        if value.currency != CATALOG_CURRENCY:
            raise DomainError(
                "invalid_currency",
                _("%(field)s: catalog prices are in %(catalog_currency)s, not %(currency)s.")
                % {
                    "field": field,
                    "catalog_currency": CATALOG_CURRENCY,
                    "currency": value.currency,
                },
                fields={field: f"must be in {CATALOG_CURRENCY}"},
            )
        _refuse_negative(value.amount, field=field)
    elif isinstance(value, str) and value.strip().startswith("-"):
        _refuse_negative(Decimal(-1), field=field)
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        _refuse_negative(_exact_decimal(value, field=field), field=field)
    fee = parse_staff_amount(value, field=field, currency=CATALOG_CURRENCY)
    refuse_above_maximum(fee, maximum=staff_price_maximum(), field=field)
    return fee


def parse_unit_price(value: object, *, field: str) -> int:
    """A metered unit price as whole micro-units (``"0.0043"`` → 4300), exact or refused;
    text is read strictly (digits and at most six decimals, no exponent)."""
    if isinstance(value, str) and not value.strip().startswith("-"):
        return _to_micro(
            parse_staff_decimal(value, field=field, places=MICRO_PLACES),
            field=field,
            what="a unit price",
        )
    number = _exact_decimal(value.amount if isinstance(value, Money) else value, field=field)
    _refuse_negative(number, field=field)
    return _to_micro(number, field=field, what="a unit price")


def parse_quantity(value: object, *, field: str) -> Decimal:
    """A metered quantity (usage or included amount): exact, not negative, ≤ 6 decimals."""
    number = _exact_decimal(value, field=field)
    if number < 0:
        raise DomainError(
            "negative_quantity",
            _("%(field)s: a quantity cannot be negative.") % {"field": field},
            fields={field: "cannot be negative"},
        )
    _to_micro(number, field=field, what="a quantity")
    return number


def _to_micro(number: Decimal, *, field: str, what: str) -> int:
    scaled = number.scaleb(MICRO_PLACES)
    if scaled != scaled.to_integral_value():
        raise DomainError(
            "too_many_decimals",
            _("%(field)s: %(what)s has at most %(micro_places)s decimals; got '%(number)s'.")
            % {"field": field, "what": what, "micro_places": MICRO_PLACES, "number": number},
            fields={field: f"at most {MICRO_PLACES} decimals"},
        )
    return int(scaled)


def quantity_to_micro(value: object, *, field: str) -> int:
    """A quantity as stored: whole millionths of a unit."""
    return _to_micro(parse_quantity(value, field=field), field=field, what="a quantity")


def price_quantity(
    *, quantity: object, unit_price_micro: int, currency: str = CATALOG_CURRENCY
) -> Money:
    """``quantity`` units at ``unit_price_micro`` millionths each, rounded once half up (BIL-02).

    The product is exact (both factors have at most six decimals); only the total is
    rounded to the currency's minor unit.
    """
    number = parse_quantity(quantity, field="quantity")
    total = number * from_micro(unit_price_micro)
    return Money.of(round_half_up(total, minor_unit_places(currency)), currency)


def metered_charge(item: MeteredItem, *, quantity: object) -> Money:
    """The charge for ``quantity`` units of ``item`` used in one billing period (CAT-02, BIL-08).

    The period's included quantity is free; only the excess is priced, and the total is
    rounded once, half up, to cents.
    """
    used = parse_quantity(quantity, field="quantity")
    billable = max(used - item.included_quantity, Decimal(0))
    return price_quantity(
        quantity=billable, unit_price_micro=item.unit_price_micro, currency=item.currency
    )
