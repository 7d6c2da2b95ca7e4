"""Tests of hostledger.core.calendar: working days by the provider's country (AUT-05)."""

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostledger.core import calendar
from hostledger.core.calendar import add_working_days, is_working_day, working_days_between
from hostledger.core.conf import CALENDAR_COUNTRY, CALENDAR_COUNTRY_CHOICES
from hostledger.core.errors import DomainError
from hostledger.core.registry import (
    get_declaration,
    provider_setting_change,
    provider_setting_reset,
    setting_value,
)

ESTONIAN_HOLIDAYS_2026 = [
    date(2026, 1, 1),  # New Year's Day
    date(2026, 2, 24),  # Independence Day
    date(2026, 4, 3),  # Good Friday
    date(2026, 5, 1),  # Spring Day
    date(2026, 6, 23),  # Victory Day
    date(2026, 6, 24),  # Midsummer Day
    date(2026, 8, 20),  # Day of Restoration of Independence
    date(2026, 12, 24),  # Christmas Eve
    date(2026, 12, 25),  # Christmas Day
    date(2026, 12, 26),  # Boxing Day (a Saturday in 2026)
]


@pytest.mark.parametrize("day", ESTONIAN_HOLIDAYS_2026, ids=str)
def test_estonian_public_holidays_are_not_working_days__AUT_05(day):
    assert not is_working_day(day, country="EE")


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 23),  # Monday before Independence Day
        date(2026, 4, 6),  # Easter Monday is not a holiday in Estonia
        date(2026, 6, 22),
        date(2026, 12, 23),
        date(2026, 12, 28),
        date(2026, 12, 31),
    ],
    ids=str,
)
def test_ordinary_weekdays_are_working_days_in_estonia__AUT_05(day):
    assert is_working_day(day, country="EE")


def test_weekends_are_not_working_days__AUT_05():
    assert not is_working_day(date(2026, 2, 28), country="EE")  # Saturday
    assert not is_working_day(date(2026, 3, 1), country="EE")  # Sunday
    assert is_working_day(date(2026, 3, 2), country="EE")  # Monday


@pytest.mark.django_db
def test_estonia_is_the_default_calendar__AUT_05():
    assert setting_value(CALENDAR_COUNTRY) == "EE"
    assert not is_working_day(date(2026, 2, 24))
    assert is_working_day(date(2026, 5, 4))  # a Latvian holiday, working in Estonia
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_add_working_days_skips_christmas__AUT_05():
    # Wed 23 Dec: 24, 25 (holidays), 26 (holiday, Saturday), 27 (Sunday) are skipped.
    assert add_working_days(date(2026, 12, 23), 1, country="EE") == date(2026, 12, 28)
    # Issued Friday 18 Dec, due within 5 working days: 21, 22, 23, 28, 29.
    assert add_working_days(date(2026, 12, 18), 5, country="EE") == date(2026, 12, 29)
    # Into the next year: 31 Dec, then 1 Jan is New Year's Day.
    assert add_working_days(date(2026, 12, 30), 2, country="EE") == date(2027, 1, 4)
    assert add_working_days(date(2025, 12, 31), 1, country="EE") == date(2026, 1, 2)


def test_add_working_days_counts_after_the_start_day__AUT_05():
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1, country="EE") == date(2026, 3, 9)
    # Starting on a weekend or holiday: the start day still does not count.
    assert add_working_days(date(2026, 3, 7), 1, country="EE") == date(2026, 3, 9)
    assert add_working_days(date(2026, 12, 24), 1, country="EE") == date(2026, 12, 28)


def test_add_zero_working_days_rolls_forward_to_a_working_day__AUT_05():
    assert add_working_days(date(2026, 12, 23), 0, country="EE") == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 24), 0, country="EE") == date(2026, 12, 28)
    assert add_working_days(date(2026, 2, 28), 0, country="EE") == date(2026, 3, 2)


def test_negative_working_days_go_back__AUT_05():
    assert add_working_days(date(2026, 12, 28), -1, country="EE") == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 29), -5, country="EE") == date(2026, 12, 18)
    assert add_working_days(date(2026, 2, 25), -1, country="EE") == date(2026, 2, 23)


def test_working_days_between__AUT_05():
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 29), country="EE") == 5
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 27), country="EE") == 0
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 23), country="EE") == 0
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 18), country="EE") == -5
    # All of 2026 in Estonia: 261 weekdays minus the 9 holidays that fall on a weekday.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), country="EE") == 252


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=-40, max_value=40).filter(bool),
    country=st.sampled_from([code for code, _ in CALENDAR_COUNTRY_CHOICES]),
)
def test_working_days_between_inverts_add_working_days__AUT_05(start, days, country):
    end = add_working_days(start, days, country=country)
    assert is_working_day(end, country=country)
    assert (end > start) == (days > 0)
    assert working_days_between(start, end, country=country) == days


def test_datetimes_are_read_in_the_local_time_zone__AUT_05():
    # 23:30 UTC on 23 Dec is already 24 Dec (Christmas Eve) in Tallinn.
    late_evening = datetime(2026, 12, 23, 23, 30, tzinfo=UTC)
    assert not is_working_day(late_evening, country="EE")
    assert is_working_day(datetime(2026, 12, 23, 12, 0, tzinfo=UTC), country="EE")
    assert is_working_day(datetime(2026, 12, 23, 23, 30), country="EE")  # naive: as written
    assert add_working_days(late_evening, 1, country="EE") == date(2026, 12, 28)


def test_weekend_working_days_of_a_country_count__AUT_05():
    # Hungary works Saturday 10 Jan 2026 in exchange for Friday 2 Jan off.
    assert is_working_day(date(2026, 1, 10), country="HU")
    assert not is_working_day(date(2026, 1, 2), country="HU")
    assert add_working_days(date(2026, 1, 9), 1, country="HU") == date(2026, 1, 10)


@pytest.mark.django_db
def test_changed_calendar_country_changes_the_result__AUT_05():
    assert is_working_day(date(2026, 5, 4))
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)

    provider_setting_change(key=CALENDAR_COUNTRY, raw_value="LV", reason="moved to Riga")
    # Restoration of Independence of Latvia.
    assert not is_working_day(date(2026, 5, 4))
    assert not is_working_day(date(2026, 12, 31))

    provider_setting_change(key=CALENDAR_COUNTRY, raw_value="DE")
    # Christmas Eve is a working day in Germany; Easter Monday is not.
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert not is_working_day(date(2026, 4, 6))
    assert is_working_day(date(2026, 2, 24))
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 6

    provider_setting_reset(key=CALENDAR_COUNTRY)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)


@pytest.mark.django_db
def test_explicit_country_wins_over_the_setting__AUT_05():
    provider_setting_change(key=CALENDAR_COUNTRY, raw_value="DE")
    assert is_working_day(date(2026, 4, 6), country="EE")
    assert is_working_day(date(2026, 4, 6), country="ee")
    assert not is_working_day(date(2026, 4, 6))


def test_unknown_country_raises_domain_error__AUT_05():
    with pytest.raises(DomainError) as error:
        is_working_day(date(2026, 1, 5), country="QQ")
    assert "country" in error.value.fields
    with pytest.raises(DomainError):
        add_working_days(date(2026, 1, 5), 1, country="")


def test_bad_argument_types_are_refused__AUT_05():
    with pytest.raises(TypeError):
        add_working_days(date(2026, 1, 5), 1.5, country="EE")
    with pytest.raises(TypeError):
        is_working_day("2026-01-05", country="EE")


def test_calendar_country_setting_is_declared_with_supported_choices__AUT_05():
    declaration = get_declaration(CALENDAR_COUNTRY)
    assert declaration.default == "EE"
    assert declaration.kind == "choice"
    assert declaration.rule == "AUT-05"
    supported = holidays.list_supported_countries()
    codes = [code for code, _ in declaration.choices]
    assert "EE" in codes and "LV" in codes and "DE" in codes
    for code in codes:
        assert code in supported
        assert calendar._year_calendar(code, 2026).public_holidays


def test_holiday_tables_are_built_once_per_country_and_year__AUT_05(monkeypatch):
    built = []
    real_country_holidays = holidays.country_holidays

    def counting_country_holidays(country, **options):
        built.append(country)
        return real_country_holidays(country, **options)

    calendar._year_calendar.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", counting_country_holidays)
    try:
        day = date(2026, 1, 1)
        for offset in range(365):
            is_working_day(day + timedelta(days=offset), country="EE")
        add_working_days(date(2026, 12, 30), 3, country="EE")
        assert built == ["EE", "EE"]  # 2026, then 2027
        is_working_day(date(2026, 6, 1), country="LV")
        assert built == ["EE", "EE", "LV"]
    finally:
        calendar._year_calendar.cache_clear()
