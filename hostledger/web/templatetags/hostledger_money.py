"""Template helpers of the money pages: amounts, metered prices, tariff resources (BIL-02).

Amounts are shown exactly as stored, never rounded again: :func:`money` writes a
:class:`~hostledger.core.money.Money` with its currency's decimals, and :func:`unit_price`
writes a metered price finer than a cent with every decimal it has (CAT-02).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language

from hostledger.core.money import Money, format_money

register = template.Library()


def display_locale() -> str:
    """The locale amounts and numbers are written in: the page's language ("en", "et", "ru")."""
    return (get_language() or "en").split("-")[0]


SPEC_LABELS = {
    "cpu": ("", "vCPU", "vCPU"),
    "cores": ("", "core", "cores"),
    "cpu_model": ("", "", ""),
    "ram_gb": ("GB", "RAM", "RAM"),
    "disk_gb": ("GB", "disk", "disk"),
    "disks": ("", "", ""),
    "sites": ("", "site", "sites"),
    "mailboxes": ("", "mailbox", "mailboxes"),
    "php_workers": ("", "PHP worker", "PHP workers"),
    "units": ("U", "rack space", "rack space"),
    "power_w": ("W", "power", "power"),
    "object_cache": ("", "object cache", "object cache"),
}
"""How the resources a tariff states (``Tariff.specs``) read on the catalog."""


@register.filter
def money(value) -> str:
    """``Money`` as people of the page's language read it ("€1,234.50" in English,
    "1 234,50 €" in Estonian and Russian); anything else unchanged."""
    if isinstance(value, Money):
        return format_money(value, display_locale())
    return "" if value is None else str(value)


@register.filter
def money_signed(value) -> str:
    """A movement of the balance with its sign: "+€10.00", "\u2212€4.99" (a minus sign)."""
    if not isinstance(value, Money):
        return money(value)
    sign = "+" if value.is_positive() else "\u2212" if value.is_negative() else ""
    return sign + format_money(abs(value), display_locale())


@register.filter
def unit_price(item) -> str:
    """A metered item's price per unit with all its decimals, at least cents ("€0.0043",
    "0,0043 €")."""
    price: Decimal = item.unit_price
    return format_currency(
        price.normalize(), item.currency, locale=display_locale(), decimal_quantization=False
    )


@register.filter
def quantity(value) -> str:
    """An exact decimal quantity without trailing zeros or grouping ("1000", "0.5"; "0,5"
    in Estonian and Russian)."""
    if not isinstance(value, Decimal):
        return str(value)
    return format_decimal(
        value.normalize(),
        locale=display_locale(),
        group_separator=False,
        decimal_quantization=False,
    )


@register.filter
def spec_list(specs) -> list[str]:
    """A tariff's resources in words, in the order stated: ["2 vCPU", "4 GB RAM", …]."""
    if not isinstance(specs, dict):
        return []
    items = []
    for key, value in specs.items():
        if key == "zone":
            items.append(f".{value} zone")
            continue
        words = key.replace("_", " ")
        unit, singular, plural = SPEC_LABELS.get(key, ("", words, words))
        if isinstance(value, str) and value.lower() == "unlimited":
            items.append(f"Unlimited {plural}".strip())
        else:
            noun = singular if value == 1 and not unit else plural
            items.append(" ".join(part for part in (str(value), unit, noun) if part))
    return items


@register.filter
def negate(value):
    """The opposite amount (a credit note's negative total as the amount it takes back)."""
    if isinstance(value, Money):
        return -value
    return value
