"""What goes into a monthly act of acceptance, worked out from paid invoices (DOC-01).

Pure functions, no database: the forming action loads the lines and calls these.

Which act a line lands in
    An act covers one payer, one calendar month (the reporting period) and one currency. A
    line of a paid final invoice with a service period (``period_start`` to ``period_end``,
    both days included) is split into one part per calendar month the period touches; a
    line without a period is one part in the month the invoice was finalised (paid). Each
    part lands in the act of the *later* of its service month and the month the invoice was
    finalised: services are listed in the month they were rendered, and services paid late
    (a debt settled after the month ended) in the month they were paid, because the earlier
    act was formed already and an act is never edited. So every part of every line is in
    exactly one act, and the acts of a payer together add up to its paid invoices less its
    credit notes. A credit-note line is subtracted, whole, in the month the credit note was
    issued.

How a line's amount is split between months
    In proportion to the days of its period falling in each month, by the largest-remainder
    method of :meth:`hostledger.core.money.Money.allocate`: each month first gets the whole
    cents of its exact share, and the cents left over go one each to the months with the
    largest fractional remainders (the earlier month on a tie). Net and VAT are split
    separately, so the parts of a line add up to its net, its VAT and its gross amount
    exactly, and each part is within one cent of its exact share. The split depends only on
    the line, so acts formed months apart take their parts from the same split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hostledger.core.money import Money

ONE_DAY = timedelta(days=1)


def month_start(day: date) -> date:
    """The first day of the calendar month ``day`` falls in."""
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    """The first day of the calendar month after the one ``day`` falls in."""
    first = month_start(day)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def month_end(day: date) -> date:
    """The last day of the calendar month ``day`` falls in."""
    return next_month_start(day) - ONE_DAY


def previous_month_start(day: date) -> date:
    """The first day of the calendar month before the one ``day`` falls in."""
    return month_start(month_start(day) - ONE_DAY)


def paper_period_bounds(day: date, months: int) -> tuple[date, date]:
    """The first and last day of the paper-act period (a quarter for ``months=3``) that
    ``day`` falls in; periods are counted from January, so ``months`` must divide 12."""
    if months <= 0 or 12 % months:
        raise ValueError(f"A paper-act period of {months} months does not divide the year.")
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    end = month_end(date(day.year, first_month + months - 1, 1))
    return start, end


@dataclass(frozen=True, slots=True)
class LinePart:
    """The share of one document line that belongs to one calendar month.

    ``service_month`` is the first day of that month; ``period_start``/``period_end`` are
    the days of the line's period inside it, or None for a line without a period.
    """

    service_month: date
    period_start: date | None
    period_end: date | None
    net_minor: int
    vat_minor: int

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.vat_minor


def line_parts(
    *,
    net_minor: int,
    vat_minor: int,
    currency: str,
    period_start: date | None,
    period_end: date | None,
    fallback_day: date,
) -> list[LinePart]:
    """Split a line into its monthly parts, in month order (DOC-01).

    A line with a period is split by the days of the period in each month (largest
    remainder, see the module docstring); a line without one is a single part in the month
    of ``fallback_day`` (the date the invoice was finalised). The parts' net and VAT amounts
    always add up to the line's exactly.
    """
    if period_start is None or period_end is None:
        return [LinePart(month_start(fallback_day), None, None, net_minor, vat_minor)]
    if period_end < period_start:
        raise ValueError("A line's period cannot end before it starts.")
    pieces: list[tuple[date, date, date]] = []
    first = period_start
    while first <= period_end:
        last = min(month_end(first), period_end)
        pieces.append((month_start(first), first, last))
        first = last + ONE_DAY
    days = [(last - first).days + 1 for _, first, last in pieces]
    nets = Money(net_minor, currency).allocate(days)
    vats = Money(vat_minor, currency).allocate(days)
    return [
        LinePart(month, first, last, net.minor, vat.minor)
        for (month, first, last), net, vat in zip(pieces, nets, vats, strict=True)
    ]


def act_month_of_part(part: LinePart, finalised_on: date) -> date:
    """The month (its first day) whose act lists ``part`` of a line of an invoice finalised
    on ``finalised_on``: the later of the service month and the finalisation month."""
    return max(part.service_month, month_start(finalised_on))
