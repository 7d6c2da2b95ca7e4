"""The arithmetic of compensation for interruptions, done by code so that staff never do it
(SUP-03, BIL-09): confirmed downtime inside a calendar month, the availability it leaves, the
SLA table's band for it, and the service's charge for the month the band's percent applies to.
Pure functions of their inputs; the action in :mod:`hostledger.incidents.actions` reads the
rows and writes the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from hostledger.core.money import Money, round_half_up
from hostledger.core.registry import setting_value
from hostledger.incidents.conf import SLA_TABLE, sla_bands


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the month after, in the provider's time zone."""
    return (
        timezone.make_aware(datetime.combine(month, time.min)),
        timezone.make_aware(datetime.combine(next_month(month), time.min)),
    )


def months_touched(start: datetime, end: datetime) -> list[date]:
    """The calendar months (first days) that the span [start, end) falls in."""
    first = month_start(timezone.localtime(start).date())
    last = month_start(timezone.localtime(end - timedelta(microseconds=1)).date())
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def downtime_seconds(spans: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime):
    """Seconds of [start, end) covered by at least one span: two reports of the same outage
    that overlap count the overlap once."""
    clipped = sorted(
        (max(span_start, start), min(span_end, end))
        for span_start, span_end in spans
        if span_start < end and span_end > start
    )
    total = timedelta(0)
    current_start = current_end = None
    for span_start, span_end in clipped:
        if current_end is None or span_start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = span_start, span_end
        else:
            current_end = max(current_end, span_end)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds())


def compensation_percent(availability: Fraction, table: str | None = None) -> Decimal:
    """The SLA table's compensation percent for an availability (a share of the month, 0..1):
    the band with the highest availability the month reached (BIL-09)."""
    bands = sla_bands(table if table is not None else setting_value(SLA_TABLE))
    for floor, percent in bands:  # highest availability first
        if availability * 100 >= Fraction(floor):
            return percent
    return bands[-1][1]


def availability_share(downtime: int, month: date) -> Fraction:
    start, end = month_bounds(month)
    length = int((end - start).total_seconds())
    return Fraction(length - min(downtime, length), length)


def month_charge(periods: Iterable, month: date) -> Money:
    """The service's charge for ``month``: each paid period's net amount prorated to the days
    of the month it covers, with the VAT of the invoice that billed it, rounded once (BIL-02).
    ``periods`` are rows with ``starts_on``, ``ends_on`` (inclusive), ``amount_minor``,
    ``currency`` and ``invoice`` (its ``vat_rate``, or None)."""
    first, after = month, next_month(month)
    total = Decimal(0)
    currency = None
    for period in periods:
        overlap_start = max(period.starts_on, first)
        overlap_end = min(period.ends_on + timedelta(days=1), after)
        if overlap_end <= overlap_start:
            continue
        days = (period.ends_on - period.starts_on).days + 1
        share = Decimal((overlap_end - overlap_start).days) / Decimal(days)
        rate = period.invoice.vat_rate if period.invoice is not None else Decimal(0)
        total += Decimal(period.amount_minor) * share * (1 + Decimal(rate) / 100)
        currency = period.currency
    if currency is None:
        return Money.zero()
    return Money.from_minor(int(round_half_up(total, 0)), currency)


def availability_percent_stored(share: Fraction) -> Decimal:
    """The availability as stored and shown: a percent rounded down to 4 places, so that a
    month short of 100 % never shows as 100 %."""
    scaled = share * 100 * 10_000
    return Decimal(scaled.numerator // scaled.denominator) / Decimal(10_000)
