"""Cells of report tables as people read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from hostledger.core.money import Money, format_money
from hostledger.web.templatetags.hostledger_money import DISPLAY_LOCALE

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """Money as "€1,234.50", numbers with thousands separators, dates as YYYY-MM-DD."""
    if value is None:
        return "—"
    if isinstance(value, Money):
        return format_money(value, DISPLAY_LOCALE)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,f}"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter
def is_number(value) -> bool:
    """Whether a cell is aligned as a number."""
    return isinstance(value, Money | int | Decimal) and not isinstance(value, bool)
