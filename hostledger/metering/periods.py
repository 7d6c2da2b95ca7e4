"""Usage periods: the calendar months usage is billed for (BIL-08, seed 003 §4.2).

The seed bills "the amount and cost of Services rendered to the Client for each month" from
the provider's accounting instruments, and the reporting period of the acts is the calendar
month (DOC-01); so a usage period is one calendar month, and the included quantity of a
metered item is per month. A usage record belongs to the month its window starts in, on the
provider's clock (``settings.TIME_ZONE``). Pure functions, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.invoicing.acts import month_end, month_start, next_month_start


@dataclass(frozen=True)
class UsagePeriod:
    """One calendar month: ``start`` and ``end`` are both included days."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        """Midnight at the start of the first day, on the provider's clock."""
        return day_start(self.start)

    @property
    def ends_before(self) -> datetime:
        """Midnight after the last day: records starting before it belong to the period."""
        return day_start(next_month_start(self.start))

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the provider's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def usage_period_of(day: date) -> UsagePeriod:
    """The usage period (calendar month) ``day`` falls in."""
    return UsagePeriod(start=month_start(day), end=month_end(day))


def check_usage_period(period_start, period_end) -> UsagePeriod:
    """The usage period from ``period_start`` to ``period_end``, or a DomainError naming the
    field: a usage period is one whole calendar month, first day to last day."""
    for field, value in (("period_start", period_start), ("period_end", period_end)):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise DomainError(
                "invalid_date",
                _("%(field)s: expected a date.") % {"field": field},
                fields={field: "expected a date"},
            )
    if period_start.day != 1:
        raise DomainError(
            "invalid_period",
            _("period_start: usage is billed per calendar month, from its first day."),
            fields={"period_start": "the first day of a month"},
        )
    if period_end != month_end(period_start):
        raise DomainError(
            "invalid_period",
            _("period_end: the usage period from %(period_start)s ends on %(period_start2)s.")
            % {"period_start": period_start, "period_start2": month_end(period_start)},
            fields={"period_end": f"must be {month_end(period_start)}"},
        )
    return UsagePeriod(start=period_start, end=period_end)


def usage_period_of_moment(moment: datetime) -> UsagePeriod:
    """The usage period a record whose window starts at ``moment`` belongs to."""
    return usage_period_of(timezone.localtime(moment).date())
