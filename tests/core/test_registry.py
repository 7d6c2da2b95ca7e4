"""Tests of hostledger.core.registry: provider settings with seed defaults and history.

SPEC.md makes every number a provider setting with the seed's value as default; that
sentence has no rule id of its own, so each test carries the ids of the rules whose settings
it exercises: the real ``core.calendar_country`` (AUT-05) and settings shaped like the payment
term (BIL-03: 5 working days), the late-payment penalty (BIL-07: 0.1 % per day) and a
switch to automatic decisions (AUT-06). Those are declared here, in a private copy of the
registry that is dropped when each test ends.
"""

from decimal import Decimal

import pytest

from hostledger.accounts.models import User
from hostledger.core import registry
from hostledger.core.conf import CALENDAR_COUNTRY
from hostledger.core.errors import DomainError
from hostledger.core.models import ProviderSettingChange, ProviderSettingValue
from hostledger.core.registry import (
    ProviderSetting,
    all_settings,
    current_values,
    declare,
    get_declaration,
    provider_setting_change,
    provider_setting_reset,
    setting_value,
)

TERM = "testing.payment_term_days"
RATE = "testing.penalty_percent_per_day"
AUTOMATIC = "testing.automatic_termination"
NOTE = "testing.calendar_note"


@pytest.fixture(autouse=True)
def declared(monkeypatch):
    """A private copy of the registry with test settings of every kind."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    declare(
        ProviderSetting(
            key=TERM,
            default=5,
            kind="int",
            label="Payment term",
            rule="BIL-03",
            unit="days",
            minimum=1,
            maximum=60,
        ),
        ProviderSetting(
            key=RATE,
            default=Decimal("0.1"),
            kind="decimal",
            label="Penalty rate",
            rule="BIL-07",
            unit="percent per day",
            minimum=Decimal("0"),
            maximum=Decimal("0.5"),
        ),
        ProviderSetting(
            key=AUTOMATIC,
            default=False,
            kind="bool",
            label="Terminate automatically",
            rule="AUT-06",
        ),
        ProviderSetting(
            key=NOTE,
            default="Estonian public holidays",
            kind="str",
            label="Calendar note",
            rule="AUT-05",
        ),
    )


@pytest.fixture
def staff(db):
    return User.objects.create_user("staff@example.com", "a long enough password", is_staff=True)


def nothing_written():
    return not ProviderSettingValue.objects.exists() and not ProviderSettingChange.objects.exists()


@pytest.mark.django_db
def test_declared_default_applies_without_override__AUT_05_BIL_03_BIL_07_AUT_06():
    assert setting_value(CALENDAR_COUNTRY) == "EE"
    assert setting_value(TERM) == 5
    assert setting_value(RATE) == Decimal("0.1")
    assert setting_value(AUTOMATIC) is False
    assert current_values()[TERM] == 5
    assert current_values()[CALENDAR_COUNTRY] == "EE"


@pytest.mark.django_db
def test_override_takes_effect_and_is_recorded_with_old_and_new_value__AUT_05(staff):
    result = provider_setting_change(
        key=CALENDAR_COUNTRY, raw_value="LV", actor=staff, reason="office moved"
    )
    assert result == "LV"
    assert setting_value(CALENDAR_COUNTRY) == "LV"
    stored = ProviderSettingValue.objects.get(key=CALENDAR_COUNTRY)
    assert stored.value == "LV"
    assert stored.updated_by == staff
    change = ProviderSettingChange.objects.get(key=CALENDAR_COUNTRY)
    assert change.old_value == "EE"
    assert change.new_value == "LV"
    assert change.reset_to_default is False
    assert change.changed_by == staff
    assert change.reason == "office moved"


@pytest.mark.django_db
def test_each_change_records_the_previous_override_as_old_value__BIL_03():
    provider_setting_change(key=TERM, raw_value="10")
    provider_setting_change(key=TERM, raw_value=14)
    assert setting_value(TERM) == 14
    assert ProviderSettingValue.objects.filter(key=TERM).count() == 1
    history = list(
        ProviderSettingChange.objects.filter(key=TERM)
        .order_by("id")
        .values_list("old_value", "new_value")
    )
    assert history == [(5, 10), (10, 14)]


@pytest.mark.django_db
def test_decimal_setting_is_stored_exactly__BIL_07():
    provider_setting_change(key=RATE, raw_value="0.10")
    assert setting_value(RATE) == Decimal("0.10")
    assert isinstance(setting_value(RATE), Decimal)
    assert current_values()[RATE] == Decimal("0.10")
    change = ProviderSettingChange.objects.get(key=RATE)
    assert (change.old_value, change.new_value) == ("0.1", "0.10")


@pytest.mark.django_db
def test_reset_restores_default_and_is_recorded__AUT_05(staff):
    provider_setting_change(key=CALENDAR_COUNTRY, raw_value="DE")
    result = provider_setting_reset(key=CALENDAR_COUNTRY, actor=staff, reason="back home")
    assert result == "EE"
    assert setting_value(CALENDAR_COUNTRY) == "EE"
    assert not ProviderSettingValue.objects.filter(key=CALENDAR_COUNTRY).exists()
    reset = ProviderSettingChange.objects.filter(key=CALENDAR_COUNTRY).order_by("-id").first()
    assert reset.reset_to_default is True
    assert (reset.old_value, reset.new_value) == ("DE", "EE")
    assert reset.changed_by == staff
    assert reset.reason == "back home"
    assert ProviderSettingChange.objects.filter(key=CALENDAR_COUNTRY).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "raw"),
    [
        (TERM, "five"),
        (TERM, "1.5"),
        (TERM, True),
        (RATE, "abc"),
        (RATE, "NaN"),
        (RATE, "Infinity"),
        (AUTOMATIC, "maybe"),
        (AUTOMATIC, "ture"),
        (CALENDAR_COUNTRY, "XX"),
        (CALENDAR_COUNTRY, "Estonia"),
    ],
)
def test_invalid_value_raises_domain_error_naming_the_key__AUT_05_BIL_03_BIL_07_AUT_06(key, raw):
    with pytest.raises(DomainError) as error:
        provider_setting_change(key=key, raw_value=raw)
    assert key in error.value.fields
    assert key in error.value.message
    assert nothing_written()
    assert setting_value(key) == get_declaration(key).default


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "raw", "bound"),
    [
        (TERM, "0", "at least 1"),
        (TERM, -3, "at least 1"),
        (TERM, "61", "at most 60"),
        (RATE, "-0.01", "at least 0"),
        (RATE, "0.51", "at most 0.5"),
    ],
)
def test_minimum_and_maximum_are_enforced__BIL_03_BIL_07(key, raw, bound):
    with pytest.raises(DomainError) as error:
        provider_setting_change(key=key, raw_value=raw)
    assert error.value.fields == {key: f"must be {bound}"}
    assert nothing_written()


@pytest.mark.django_db
def test_bounds_themselves_are_accepted__BIL_03_BIL_07():
    assert provider_setting_change(key=TERM, raw_value="1") == 1
    assert provider_setting_change(key=TERM, raw_value="60") == 60
    assert provider_setting_change(key=RATE, raw_value="0.5") == Decimal("0.5")
    assert provider_setting_change(key=RATE, raw_value="0") == Decimal("0")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        ("yes", True),
        ("On", True),
        ("1", True),
        (False, False),
        ("off", False),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_bool_setting_accepts_the_usual_words__AUT_06(raw, expected):
    assert provider_setting_change(key=AUTOMATIC, raw_value=raw) is expected
    assert setting_value(AUTOMATIC) is expected


@pytest.mark.django_db
def test_text_setting_is_stripped__AUT_05():
    assert provider_setting_change(key=NOTE, raw_value="  Latvian holidays  ") == (
        "Latvian holidays"
    )
    assert setting_value(NOTE) == "Latvian holidays"


@pytest.mark.django_db
def test_unknown_key_raises_domain_error__AUT_05_BIL_03():
    with pytest.raises(DomainError) as error:
        setting_value("testing.no_such_setting")
    assert error.value.code == "unknown_setting"
    with pytest.raises(DomainError):
        provider_setting_change(key="testing.no_such_setting", raw_value="1")
    with pytest.raises(DomainError):
        provider_setting_reset(key="testing.no_such_setting")
    assert nothing_written()


def test_declaring_a_key_twice_differently_is_refused__BIL_03():
    same = get_declaration(TERM)
    declare(same)  # re-importing a conf module declares the same thing again: fine
    with pytest.raises(RuntimeError, match=TERM):
        declare(ProviderSetting(key=TERM, default=7, kind="int", label="Payment term"))
    assert get_declaration(TERM).default == 5


def test_all_settings_lists_declarations_by_key__AUT_05():
    keys = [item.key for item in all_settings()]
    assert keys == sorted(keys)
    assert {TERM, RATE, AUTOMATIC, NOTE, CALENDAR_COUNTRY} <= set(keys)
    assert get_declaration(TERM).app == "testing"
    assert get_declaration(CALENDAR_COUNTRY).app == "core"
