"""The bounds of input in force, read from the provider settings of ``core.conf``.

Staff amounts (prices, payments) have a maximum and a threshold above which staff confirm;
dates typed anywhere lie between two years. Web forms, API handlers and actions read the
bounds here so that every path applies the same ones.
"""

from __future__ import annotations

from datetime import date

from hostledger.core import conf
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.core.registry import setting_value


def _money(key: str, currency: str = DEFAULT_CURRENCY) -> Money:
    return Money.of(setting_value(key), currency, rounding=True)


def staff_price_maximum() -> Money:
    """The highest monthly fee a tariff, add-on, licence or price change may have (CAT-02)."""
    return _money(conf.STAFF_PRICE_MAXIMUM)


def staff_price_confirm_threshold() -> Money:
    """A monthly fee above this needs staff's confirmation."""
    return _money(conf.STAFF_PRICE_CONFIRM_ABOVE)


def staff_payment_maximum() -> Money:
    """The highest payment, refund, credit or correction staff record at once (BIL-01)."""
    return _money(conf.STAFF_PAYMENT_MAXIMUM)


def staff_payment_confirm_threshold() -> Money:
    """A payment, refund, credit or correction above this needs staff's confirmation."""
    return _money(conf.STAFF_PAYMENT_CONFIRM_ABOVE)


def date_input_bounds() -> tuple[date, date]:
    """The first and last day a date typed into a form, a filter or the API may name."""
    first = int(setting_value(conf.DATE_INPUT_FIRST_YEAR))
    last = int(setting_value(conf.DATE_INPUT_LAST_YEAR))
    return date(first, 1, 1), date(max(first, last), 12, 31)
