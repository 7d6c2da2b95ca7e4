"""Working days by the provider's country calendar (SPEC AUT-05).

Deadlines such as "payment is due within 5 working days of issue" (BIL-03) are counted in
working days: not a weekend day and not a public holiday of the provider's country, which is
the provider setting ``core.calendar_country`` (Estonia by default). Public holidays come
from the ``holidays`` package, including the Saturdays some countries declare working days
in exchange for a bridge holiday. The table of a (country, year) is built once per process.

Counting convention, used by every function here: adding *n* working days to a date counts
the working days strictly after it, the way a deadline "within n working days of issue" is
read, so the start day itself never counts, whether or not it is a working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.conf import CALENDAR_COUNTRY
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _YearCalendar:
    """The days off of one country in one calendar year."""

    public_holidays: frozenset[date]
    weekend_weekdays: frozenset[int]
    weekend_working_days: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day.weekday() in self.weekend_weekdays:
            return day in self.weekend_working_days
        return day not in self.public_holidays


@lru_cache(maxsize=256)
def _year_calendar(country: str, year: int) -> _YearCalendar:
    """The holiday table of ``country`` for ``year``, built once per process.

    The neighbouring years are computed too, because a holiday observed on another day can
    fall into the previous or next calendar year.
    """
    try:
        table = holidays.country_holidays(country, years=range(year - 1, year + 2))
    except NotImplementedError:
        raise DomainError(
            "unknown_calendar_country",
            _("country: no public-holiday calendar is known for '%(country)s'.")
            % {"country": country},
            fields={"country": "no holiday calendar for this country"},
        ) from None
    return _YearCalendar(
        public_holidays=frozenset(day for day in table if day.year == year),
        weekend_weekdays=frozenset(table.weekend),
        weekend_working_days=frozenset(day for day in table.weekend_workdays if day.year == year),
    )


def _resolve_country(country: str | None) -> str:
    """The given country code, or the provider's ``core.calendar_country`` when None."""
    if country is None:
        country = setting_value(CALENDAR_COUNTRY)
    if not isinstance(country, str) or not country.strip():
        raise DomainError(
            "unknown_calendar_country",
            _("country: '%(country)s' is not a country code.") % {"country": country},
            fields={"country": "not a country code"},
        )
    return country.strip().upper()


def _as_date(value: date | datetime, field: str) -> date:
    """The calendar day of ``value``; an aware datetime is read in the current time zone."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{field}: expected a date or datetime, not {type(value).__name__}.")


def _is_working_day(day: date, country: str) -> bool:
    return _year_calendar(country, day.year).is_working_day(day)


def is_working_day(day: date | datetime, *, country: str | None = None) -> bool:
    """Whether ``day`` is a working day: no weekend day, no public holiday of ``country``.

    ``country`` is an ISO 3166-1 alpha-2 code; None means the provider's calendar country.
    """
    return _is_working_day(_as_date(day, "day"), _resolve_country(country))


def add_working_days(start: date | datetime, days: int, *, country: str | None = None) -> date:
    """The date ``days`` working days after ``start`` (before it when ``days`` is negative).

    The start day itself never counts: adding 1 to a Friday gives the next Monday (or the
    first working day after it), and adding 5 to the issue date of an invoice gives its due
    date under "due within 5 working days of issue". With ``days=0`` the result is
    ``start`` if it is a working day, else the first working day after it.
    For ``days != 0``, ``working_days_between(start, result) == days``.
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days: expected an int, not {type(days).__name__}.")
    day = _as_date(start, "start")
    code = _resolve_country(country)
    if days == 0:
        while not _is_working_day(day, code):
            day += ONE_DAY
        return day
    step = ONE_DAY if days > 0 else -ONE_DAY
    remaining = abs(days)
    while remaining:
        day += step
        if _is_working_day(day, code):
            remaining -= 1
    return day


def working_days_between(
    start: date | datetime, end: date | datetime, *, country: str | None = None
) -> int:
    """How many working days lie after ``start`` up to and including ``end``.

    The inverse of :func:`add_working_days`: from Friday to the next Monday is 1, from a day
    to itself is 0. When ``end`` is before ``start`` the result is negative: minus the
    working days from ``end`` (included) up to ``start`` (excluded).
    """
    first = _as_date(start, "start")
    last = _as_date(end, "end")
    code = _resolve_country(country)
    if last < first:
        return -working_days_between(last - ONE_DAY, first - ONE_DAY, country=code)
    count = 0
    day = first + ONE_DAY
    while day <= last:
        if _is_working_day(day, code):
            count += 1
        day += ONE_DAY
    return count
