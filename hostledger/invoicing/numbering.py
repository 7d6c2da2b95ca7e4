"""Gapless document numbers per series (BIL-04).

:func:`series_next_number` locks the series row (``SELECT … FOR UPDATE``) and advances its
counter in the caller's transaction. The lock is held until that transaction ends, so two
payments finalising proformas at once take consecutive numbers one after the other, and a
transaction that rolls back returns its number with it: a number is used only when the
document carrying it is committed. On SQLite the database's single writer (transactions
begin IMMEDIATE) gives the same guarantee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext

from hostledger.core.errors import DomainError
from hostledger.invoicing.models import InvoiceSeries, InvoiceSeriesCounter

NEVER_RESTARTS = 0
"""The counter year of a series that does not restart each year."""


@dataclass(frozen=True, slots=True)
class SeriesNumber:
    """A number taken from a series: the series, the counter year, the number, the text."""

    series: InvoiceSeries
    year: int
    number: int
    display: str


def series_lock(series_code: str) -> InvoiceSeries:
    """The series row, locked until the current transaction ends."""
    series = InvoiceSeries.objects.select_for_update().filter(code=series_code).first()
    if series is None:
        raise DomainError(
            "unknown_series",
            gettext("series_code: there is no numbering series '%(series_code)s'.")
            % {"series_code": series_code},
            fields={"series_code": "no such numbering series"},
        )
    return series


def series_next_number(*, series_code: str, issued_on: date) -> SeriesNumber:
    """Take the next number of ``series_code`` for a document issued on ``issued_on`` (BIL-04).

    Must run inside the transaction that stores the numbered document; the number is
    consumed only if that transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "series_next_number() must run inside the transaction that stores the document, "
            "or a number could be used without a document."
        )
    series = series_lock(series_code)
    year = issued_on.year if series.restart_yearly else NEVER_RESTARTS
    counter, _ = InvoiceSeriesCounter.objects.get_or_create(series=series, year=year)
    number = counter.last_number + 1
    InvoiceSeriesCounter.objects.filter(pk=counter.pk).update(last_number=number)
    return SeriesNumber(
        series=series,
        year=year,
        number=number,
        display=series.format_number(year=issued_on.year, number=number),
    )
