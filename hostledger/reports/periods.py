"""The calendar months a report covers, chosen by staff (default: the last months up to now)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.reports import conf

MAX_MONTHS = 120


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Whole calendar months from ``first_month`` to ``last_month`` (both first days)."""

    first_month: date
    last_month: date

    @property
    def starts_on(self) -> date:
        return self.first_month

    @property
    def ends_on(self) -> date:
        return month_end(self.last_month)

    @property
    def months(self) -> list[date]:
        count = (self.last_month.year - self.first_month.year) * 12
        count += self.last_month.month - self.first_month.month + 1
        return [add_months(self.first_month, index) for index in range(count)]

    @property
    def label(self) -> str:
        return _("%(first)s to %(last)s") % {
            "first": f"{self.first_month:%Y-%m}",
            "last": f"{self.last_month:%Y-%m}",
        }


def default_period(today: date) -> ReportPeriod:
    """The last ``reports.default_months`` calendar months, the current one included."""
    months = setting_value(conf.DEFAULT_MONTHS)
    last = month_start(today)
    return ReportPeriod(add_months(last, -(months - 1)), last)


def report_period(*, first_month: date, last_month: date) -> ReportPeriod:
    """The months from ``first_month`` to ``last_month``; a reversed or overlong range is a
    clear error naming the field."""
    first, last = month_start(first_month), month_start(last_month)
    if last < first:
        raise DomainError(
            "invalid_input",
            _("The last month is before the first month."),
            fields={"last_month": "must not be before the first month"},
        )
    if (last.year - first.year) * 12 + last.month - first.month + 1 > MAX_MONTHS:
        raise DomainError(
            "invalid_input",
            _("A report covers at most %(max_months)s months.") % {"max_months": MAX_MONTHS},
            fields={"first_month": f"at most {MAX_MONTHS} months before the last month"},
        )
    return ReportPeriod(first, last)


def day_after(day: date) -> date:
    return day + timedelta(days=1)
