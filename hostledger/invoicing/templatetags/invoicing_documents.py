"""Template filters of invoice and credit-note documents (BIL-10): amounts, rates, quantities.

``{% load invoicing_documents %}`` then ``{{ line.net|money }}`` (``€24.00`` in English,
``24,00 €`` in Estonian), ``{{ line.vat_rate|percent }}`` (``24%``, ``25.5%``),
``{{ line.quantity|quantity }}`` (``3``, ``1.5``) and ``{{ account|iban }}`` (an IBAN in
groups of four). Amounts are printed exactly as stored, never rounded again (BIL-02).
"""

from decimal import Decimal

from django import template
from django.utils import translation

from hostledger.core.money import Money, format_money

register = template.Library()


@register.filter
def money(value: Money) -> str:
    """The amount in the active language's notation, with the currency's decimals."""
    if not isinstance(value, Money):
        return ""
    return format_money(value, translation.get_language() or "en")


@register.filter
def percent(value) -> str:
    """A VAT rate in percent without trailing zeros: 24.00 → "24%", 25.50 → "25.5%"."""
    if value is None or value == "":
        return ""
    return f"{plain_decimal(Decimal(value))}%"


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros: 3.0000 → "3", 1.5000 → "1.5"."""
    if value is None or value == "":
        return ""
    return plain_decimal(Decimal(value))


@register.filter
def iban(value) -> str:
    """An IBAN in groups of four characters, as printed on paper (EE38 2200 2210 …)."""
    compact = "".join(str(value or "").split()).upper()
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def plain_decimal(value: Decimal) -> str:
    """``value`` without an exponent or trailing zeros (10, 0.25, -3)."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
