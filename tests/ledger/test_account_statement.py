"""The client's statement: a running balance summed from the entries, and its CSV rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from hostledger.ledger.actions import charge_post, payment_record
from hostledger.ledger.selectors import (
    STATEMENT_CSV_HEADER,
    account_statement,
    account_statement_csv_rows,
    balance_of,
)
from tests.ledger.helpers import eur

pytestmark = pytest.mark.django_db


def _movements(client, staff):
    with time_machine.travel("2026-03-02 10:00 +0200", tick=False):
        payment_record(
            client=client,
            amount=eur("100.00"),
            value_date=date(2026, 3, 2),
            reference="BANK-1",
            actor=staff,
        )
    with time_machine.travel("2026-03-10 10:00 +0200", tick=False):
        charge_post(client=client, amount=eur("12.40"), idempotency_key="charge:1", memo="VPS")
    with time_machine.travel("2026-04-01 10:00 +0300", tick=False):
        charge_post(client=client, amount=eur("0.01"), idempotency_key="charge:2", memo="Usage")


def test_statement_has_a_running_balance_equal_to_the_entries__BIL_01(client_record, staff):
    _movements(client_record, staff)

    statement = account_statement(client_record)

    assert statement.opening_balance == eur("0.00")
    assert [line.amount for line in statement.lines] == [eur("100.00"), eur("-12.40"), eur("-0.01")]
    assert [line.running_balance for line in statement.lines] == [
        eur("100.00"),
        eur("87.60"),
        eur("87.59"),
    ]
    assert statement.closing_balance == balance_of(client_record)


def test_statement_of_a_range_opens_with_the_balance_before_it__BIL_01(client_record, staff):
    _movements(client_record, staff)

    statement = account_statement(
        client_record, date_from=date(2026, 3, 5), date_to=date(2026, 3, 31)
    )

    assert statement.opening_balance == eur("100.00")
    assert [line.memo for line in statement.lines] == ["VPS"]
    assert statement.closing_balance == eur("87.60")
    empty = account_statement(
        client_record, date_from=timezone.localdate() + timedelta(days=1), date_to=None
    )
    assert empty.lines == [] and empty.opening_balance == balance_of(client_record)


def test_statement_csv_rows_are_plain_decimals__BIL_01_BIL_02(client_record, staff):
    _movements(client_record, staff)

    rows = account_statement_csv_rows(account_statement(client_record, date_from=date(2026, 3, 1)))

    assert rows[0] == STATEMENT_CSV_HEADER
    assert rows[1] == ("2026-03-01", "", "opening", "Opening balance", "", "0.00")
    assert [row[4:] for row in rows[2:]] == [
        ("100.00", "100.00"),
        ("-12.40", "87.60"),
        ("-0.01", "87.59"),
    ]
    assert rows[3][0] == "2026-03-10" and rows[3][2] == "charge"
