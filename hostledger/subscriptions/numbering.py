"""Order numbers for people: a series per calendar year, ``2026-00042`` (ORD-01).

Orders are addressed by opaque public ids in URLs and the API; people read, quote and search
their number, and invoices print it as the order reference (BT-13). Decision 0023.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from hostledger.subscriptions.models import OrderNumberCounter

NUMBER_DIGITS = 5
"""Numbers are padded to this many digits; a year with more orders simply has longer ones."""


def format_order_number(*, year: int, number: int) -> str:
    return f"{year}-{number:0{NUMBER_DIGITS}d}"


def order_number_next(*, placed_on: date) -> str:
    """The next number of the year of ``placed_on``, taken under the counter's lock inside the
    caller's transaction: a rolled-back order gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Order numbers are taken inside transaction.atomic only.")
    OrderNumberCounter.objects.get_or_create(year=placed_on.year)
    counter = OrderNumberCounter.objects.select_for_update().get(year=placed_on.year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_order_number(year=placed_on.year, number=counter.last_number)
