"""Compensation is credited in the next period, capped at the previous period's charges."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import (
    charge_post,
    charge_reverse_post,
    compensation_credit_post,
    compensation_room,
    payment_record,
)
from hostledger.ledger.selectors import balance_from_entries, balance_of
from tests.ledger.helpers import eur, ledger_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def charged_in_march(client_record, staff):
    with time_machine.travel("2026-03-02 10:00 +0200", tick=False):
        payment_record(
            client=client_record,
            amount=eur("100.00"),
            value_date=date(2026, 3, 2),
            reference="BANK-1",
            actor=staff,
        )
        charge_post(client=client_record, amount=eur("30.00"), idempotency_key="c1")
        charge_post(client=client_record, amount=eur("12.40"), idempotency_key="c2")
        charge_reverse_post(client=client_record, amount=eur("2.40"), idempotency_key="cn1")
    return client_record


def test_compensation_is_capped_at_last_months_net_charges__BIL_09(charged_in_march, staff):
    client = charged_in_march
    with time_machine.travel("2026-04-03 10:00 +0300", tick=False):
        assert compensation_room(client) == eur("40.00")
        compensation_credit_post(
            client=client, amount=eur("25.00"), reason="Outage", idempotency_key="k1", actor=staff
        )
        assert compensation_room(client) == eur("15.00")
        before = ledger_snapshot()
        with pytest.raises(DomainError) as refused:
            compensation_credit_post(
                client=client, amount=eur("15.01"), reason="Outage", idempotency_key="k2"
            )
        assert refused.value.code == "compensation_over_cap"
        assert refused.value.fields == {"amount": f"at most {eur('15.00')}"}
        assert ledger_snapshot() == before
        compensation_credit_post(
            client=client, amount=eur("15.00"), reason="Outage", idempotency_key="k2"
        )
        assert compensation_room(client) == eur("0.00")
    assert balance_of(client) == eur("100.00")
    assert balance_from_entries(client) == eur("100.00")


def test_a_replayed_compensation_posts_once_even_at_the_cap__BIL_09_BIL_06(charged_in_march):
    client = charged_in_march
    with time_machine.travel("2026-04-03 10:00 +0300", tick=False):
        first = compensation_credit_post(
            client=client, amount=eur("40.00"), reason="Outage", idempotency_key="k1"
        )
        again = compensation_credit_post(
            client=client, amount=eur("40.00"), reason="Outage", idempotency_key="k1"
        )
    assert again.pk == first.pk
    assert balance_of(client) == eur("100.00")  # 60.00 left after March, and 40.00 once


def test_the_cap_counts_only_the_month_before__BIL_09(charged_in_march):
    client = charged_in_march
    with time_machine.travel("2026-03-20 10:00 +0200", tick=False):
        assert compensation_room(client) == eur("0.00")  # nothing charged in February
    with time_machine.travel("2026-05-04 10:00 +0300", tick=False):
        assert compensation_room(client) == eur("0.00")  # nothing charged in April


def test_the_cap_follows_the_setting_and_a_reason_is_required__BIL_09(charged_in_march):
    client = charged_in_march
    provider_setting_change(key="ledger.compensation_cap_percent", raw_value="50")
    with time_machine.travel("2026-04-03 10:00 +0300", tick=False):
        assert compensation_room(client) == eur("20.00")
        with pytest.raises(DomainError) as refused:
            compensation_credit_post(
                client=client, amount=eur("1.00"), reason="  ", idempotency_key="k1"
            )
    assert refused.value.fields == {"reason": "required"}
