"""Cells of report tables as people read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.money import Money, format_money
from hostledger.web.templatetags.hostledger_money import display_locale

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """Money as "€1,234.50", numbers with thousands separators (both in the page's language),
    dates as YYYY-MM-DD."""
    if value is None:
        return "—"
    if isinstance(value, Money):
        return format_money(value, display_locale())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_decimal(value, locale=display_locale())
    if isinstance(value, Decimal):
        places = 0 if value == value.to_integral() else max(-value.as_tuple().exponent, 0)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=display_locale())
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter
def is_number(value) -> bool:
    """Whether a cell is aligned as a number."""
    return isinstance(value, Money | int | Decimal) and not isinstance(value, bool)
