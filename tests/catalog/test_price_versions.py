"""Announced price changes apply from the next period (CAT-06, seed 003 §2.2.6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hostledger.catalog import actions, conf
from hostledger.catalog.selectors import (
    add_on_price_in_force,
    fees_in_force,
    price_in_force,
    price_versions_of,
    upcoming_price_changes,
)
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.core.registry import get_declaration, provider_setting_change
from tests.catalog.conftest import catalog_state
from tests.catalog_helpers import create_published_tariff

TALLINN = ZoneInfo("Europe/Tallinn")
ANNOUNCED = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)


@pytest.fixture
def vps_s(vps):
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=TALLINN), tick=False):
        return create_published_tariff(
            family=vps,
            code="vps-s",
            name="VPS S",
            monthly_fee="5.49",
            specs={"cpu": 1, "ram_gb": 2, "disk_gb": 40},
        )


def test_notice_period_is_a_setting_of_thirty_days__CAT_06():
    declaration = get_declaration(conf.PRICE_CHANGE_NOTICE_DAYS)
    assert declaration.default == 30
    assert declaration.rule == "CAT-06"
    assert "2.2.6" in declaration.help_text


def test_announced_change_applies_only_from_the_next_period__CAT_06(vps_s, staff):
    with time_machine.travel(ANNOUNCED, tick=False):
        version = actions.price_change_announce(
            tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 15), actor=staff
        )
    assert version.monthly_fee == Money(599)
    assert version.announced_by == staff
    # A period that began before the effective date keeps the old fee, even if it runs past it.
    assert price_in_force(vps_s, period_start=date(2026, 4, 1)) == Money(549)
    assert price_in_force(vps_s, period_start=date(2026, 4, 14)) == Money(549)
    # The next period starting on or after it pays the new fee.
    assert price_in_force(vps_s, period_start=date(2026, 4, 15)) == Money(599)
    assert price_in_force(vps_s, period_start=date(2026, 5, 1)) == Money(599)
    assert price_in_force(vps_s, period_start=datetime(2026, 5, 1, 0, 30, tzinfo=TALLINN)) == (
        Money(599)
    )
    event = AuditEvent.objects.get(action="catalog.price_change.announced")
    assert event.actor_id == staff.pk
    assert event.data["old_fee"] == "5.49 EUR"
    assert event.data["new_fee"] == "5.99 EUR"
    assert event.data["effective_from"] == "2026-04-15"


def test_later_changes_supersede_earlier_ones_by_date__CAT_06(vps_s):
    with time_machine.travel(ANNOUNCED, tick=False):
        actions.price_change_announce(tariff=vps_s, new_fee="5.99", effective_from=date(2026, 5, 1))
        actions.price_change_announce(tariff=vps_s, new_fee="6.49", effective_from=date(2026, 7, 1))
        actions.price_change_announce(tariff=vps_s, new_fee="5.79", effective_from=date(2026, 5, 1))
    assert price_in_force(vps_s, period_start=date(2026, 4, 30)) == Money(549)
    assert price_in_force(vps_s, period_start=date(2026, 5, 1)) == Money(579)
    assert price_in_force(vps_s, period_start=date(2026, 7, 1)) == Money(649)
    assert len(price_versions_of(tariff=vps_s)) == 3


def test_change_with_too_short_notice_is_refused_and_nothing_written__CAT_06(vps_s):
    before = catalog_state()
    with time_machine.travel(ANNOUNCED, tick=False), pytest.raises(DomainError) as error:
        actions.price_change_announce(
            tariff=vps_s, new_fee="5.99", effective_from=date(2026, 3, 31)
        )
    assert error.value.code == "price_change_notice_too_short"
    assert error.value.fields == {"effective_from": "on or after 2026-04-01"}
    assert catalog_state() == before
    # Exactly the notice is enough.
    with time_machine.travel(ANNOUNCED, tick=False):
        actions.price_change_announce(tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 1))


def test_notice_follows_the_setting__CAT_06(vps_s):
    provider_setting_change(key=conf.PRICE_CHANGE_NOTICE_DAYS, raw_value="60")
    with time_machine.travel(ANNOUNCED, tick=False):
        with pytest.raises(DomainError):
            actions.price_change_announce(
                tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 15)
            )
        actions.price_change_announce(tariff=vps_s, new_fee="5.99", effective_from=date(2026, 5, 1))


def test_bad_new_fee_or_target_is_refused_naming_the_field__CAT_06(vps_s):
    before = catalog_state()
    far = date(2030, 1, 1)
    for fee, field in ((5.99, "new_fee"), ("-1", "new_fee"), ("5.999", "new_fee")):
        with pytest.raises(DomainError) as error:
            actions.price_change_announce(tariff=vps_s, new_fee=fee, effective_from=far)
        assert list(error.value.fields) == [field]
    with pytest.raises(DomainError) as error:
        actions.price_change_announce(new_fee="1", effective_from=far)
    assert error.value.code == "invalid_price_target"
    with pytest.raises(DomainError) as error:
        actions.price_change_announce(tariff=vps_s, new_fee="1", effective_from="2030-01-01")
    assert list(error.value.fields) == ["effective_from"]
    assert catalog_state() == before


def test_add_on_price_changes_the_same_way__CAT_06(vps):
    ipv4 = actions.add_on_create(family=vps, code="ipv4", name="IPv4", monthly_fee="2.00")
    with time_machine.travel(ANNOUNCED, tick=False):
        actions.price_change_announce(add_on=ipv4, new_fee="2.50", effective_from=date(2026, 6, 1))
    assert add_on_price_in_force(ipv4, period_start=date(2026, 5, 31)) == Money(200)
    assert add_on_price_in_force(ipv4, period_start=date(2026, 6, 1)) == Money(250)


def test_withdrawn_change_never_applies_and_one_in_force_cannot_be_withdrawn__CAT_06(vps_s):
    with time_machine.travel(ANNOUNCED, tick=False):
        version = actions.price_change_announce(
            tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 15)
        )
        assert upcoming_price_changes() == [version]
        actions.price_change_withdraw(price_version=version)
        assert upcoming_price_changes() == []
    assert price_in_force(vps_s, period_start=date(2026, 5, 1)) == Money(549)
    assert AuditEvent.objects.filter(action="catalog.price_change.withdrawn").count() == 1

    with time_machine.travel(ANNOUNCED, tick=False):
        kept = actions.price_change_announce(
            tariff=vps_s, new_fee="6.49", effective_from=date(2026, 4, 15)
        )
    before = catalog_state()
    later = time_machine.travel(ANNOUNCED + timedelta(days=44), tick=False)
    with later, pytest.raises(DomainError) as error:
        actions.price_change_withdraw(price_version=kept)
    assert error.value.code == "price_change_in_force"
    assert catalog_state() == before


def test_fees_of_many_items_in_one_query_per_kind__CAT_06(vps_s, vps, django_assert_num_queries):
    ipv4 = actions.add_on_create(family=vps, code="ipv4", name="IPv4", monthly_fee="2.00")
    with time_machine.travel(ANNOUNCED, tick=False):
        actions.price_change_announce(
            tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 15)
        )
    with django_assert_num_queries(2):
        before = fees_in_force(
            period_start=date(2026, 4, 14), tariff_ids=[vps_s.pk], add_on_ids=[ipv4.pk]
        )
    assert before == {("tariff", vps_s.pk): Money(549), ("add_on", ipv4.pk): Money(200)}
    after = fees_in_force(period_start=date(2026, 4, 15), tariff_ids=[vps_s.pk])
    assert after == {("tariff", vps_s.pk): Money(599)}
