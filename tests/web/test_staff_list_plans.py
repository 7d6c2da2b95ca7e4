"""The staff lists and the staff search are served by indexes on PostgreSQL (issue 11 §8).

With 100,000 clients and 200,000 invoices the lists took 150-600 ms because no index served
their sort order and the search ORed across a join. Here the tables get enough rows, made
with ``generate_series`` and analysed, for the planner to choose as it does on a big
database (with ``enable_seqscan`` on); each list's and search's statements are captured as
the pages run them and EXPLAINed: the sort comes from an index scan and no big table is read
whole. Each plan check is shown able to fail: without the index the same statement is
planned as a sequential scan. Skipped on SQLite. Timings at full size are in ``bench/``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hostledger.invoicing.staff_selectors import invoices_for_staff
from hostledger.ledger.chart import provider_account
from hostledger.ledger.models import LedgerAccount
from hostledger.ledger.staff_selectors import payments_for_staff, payments_recorded_between
from hostledger.providers.models import default_entity_id
from hostledger.web.overviews import day_bounds, find_clients
from tests.web.conftest import make_client_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL"
)

CLIENTS = 20_000
INVOICES = 2 * CLIENTS
BIG_TABLES = (
    "accounts_client",
    "accounts_user",
    "accounts_clientsearchtoken",
    "invoicing_invoice",
    "ledger_payment",
)
"""The tables filled here. Orders and services are found by primary key only; left empty,
their look-ups plan as a scan of nothing."""


def _fill_tables() -> None:
    """CLIENTS users, clients and payers; 2·CLIENTS invoices (60 % numbered); CLIENTS
    payments; ten search tokens per client; all over three years; then ANALYZE."""
    bank = provider_account(LedgerAccount.Kind.BANK)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, public_id, email, full_name,
                is_active, is_staff, date_joined, preferred_language, extra_permissions)
            SELECT '!', false, 'usr_plan' || n, 'plan' || n || '@example.com', '', true, false,
                now() - (n || ' minutes')::interval, 'en', '[]'::jsonb
            FROM generate_series(1, %s) AS n
            """,
            [CLIENTS],
        )
        cursor.execute(
            """
            INSERT INTO accounts_client (public_id, owner_id, kind, first_name, last_name,
                company_name, registry_code, vat_number, street, city, postal_code, country,
                phone, phone_index, created_at)
            SELECT 'cli_plan' || substr(u.public_id, 9), u.id, 'natural', '', '', '', '', '', '',
                '', '', 'EE', '', '', u.date_joined
            FROM accounts_user u WHERE u.public_id LIKE 'usr_plan%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO accounts_payer (public_id, client_id, kind, name, registry_code,
                vat_number, vat_number_format_valid, street, city, postal_code, country,
                invoice_email, buyer_reference, is_default, created_at)
            SELECT 'pay_plan' || c.id, c.id, 'natural', '', '', '', false, '', '', '', 'EE', '',
                '', true, c.created_at
            FROM accounts_client c WHERE c.public_id LIKE 'cli_plan%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO accounts_clientsearchtoken (client_id, token)
            SELECT c.id, md5(c.id::text || '-' || k)
            FROM accounts_client c, generate_series(1, 10) AS k
            WHERE c.public_id LIKE 'cli_plan%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO invoicing_invoice (public_id, kind, status, client_id, payer_id,
                payer_snapshot, provider_snapshot, number_display, issued_on, due_on,
                currency, net_minor, vat_minor, gross_minor, vat_scheme, vat_rate,
                vat_country, vat_reason, created_at, entity_id)
            SELECT 'inv_plan' || n, 'proforma',
                CASE WHEN n %% 5 = 0 THEN 'cancelled' WHEN n %% 5 < 3 THEN 'paid'
                ELSE 'issued' END,
                p.client_id, p.id, '', '{}'::jsonb,
                CASE WHEN n %% 5 IN (1, 2) THEN 'P-' || n ELSE '' END,
                current_date - (n %% 1095), current_date - (n %% 1095) + 7,
                'EUR', 1000, 240, 1240, 'domestic', 24.00, 'EE', 'Domestic.', now(), %s
            FROM generate_series(1, %s) AS n
            JOIN accounts_payer p ON p.public_id = 'pay_plan' || (
                SELECT id FROM accounts_client
                WHERE public_id = 'cli_plan' || (1 + n %% %s)
            )
            """,
            [default_entity_id(), INVOICES, CLIENTS],
        )
        cursor.execute(
            """
            INSERT INTO ledger_payment (public_id, source, external_id, amount_minor, currency,
                value_date, reference, payer_name, payer_account, remittance_information,
                counter_account_id, client_id, status, review_note, recorded_at,
                bank_account, bank_references, named_invoice)
            SELECT 'pmt_plan' || c.id, 'bank_statement', 'PLAN-' || c.id, 1240, 'EUR',
                c.created_at::date, '', '', '', '', %s, c.id, 'matched', '', c.created_at,
                '', '', ''
            FROM accounts_client c WHERE c.public_id LIKE 'cli_plan%%'
            """,
            [bank.pk],
        )
        cursor.execute("ANALYZE")
        cursor.execute("SET enable_seqscan = on")


@pytest.fixture
def big_tables(policies):
    make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    _fill_tables()


def _plans(call) -> list[str]:
    """The plan of every statement ``call`` runs, as the page runs it."""
    with CaptureQueriesContext(connection) as queries:
        call()
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def _reads_a_big_table_whole(plans: list[str]) -> list[str]:
    return [
        table for plan in plans for table in BIG_TABLES if f"Seq Scan on {table} " in plan + " "
    ]


def _without_index(index: str, call) -> list[str]:
    """The plans with ``index`` dropped, inside the test's transaction (undone after)."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{index}"')
    return _plans(call)


@pytest.mark.parametrize(
    ("name", "call", "index"),
    [
        ("client list", lambda: find_clients(""), "accounts_client_newest_idx"),
        ("invoice list", lambda: invoices_for_staff(), "invoicing_invoice_newest_idx"),
        ("payment list", lambda: payments_for_staff(), "ledger_payment_newest_idx"),
    ],
)
def test_staff_lists_read_their_sort_order_from_an_index(big_tables, name, call, index):
    plans = _plans(call)
    matching = [plan for plan in plans if index in plan]
    assert matching, plans
    main = matching[0]
    assert f"Index Scan using {index}" in main, main
    assert "Sort" not in main.split(f"Index Scan using {index}")[0], main
    assert _reads_a_big_table_whole(plans) == [], plans
    unindexed = _without_index(index, call)
    assert _reads_a_big_table_whole(unindexed), "the check could not fail: too few rows?"


@pytest.mark.parametrize(
    "query",
    ["tamm", "anna tamm", "anna@example.com", "+372 5555 0101", "P-101", "#101", "Order 12"],
)
def test_staff_search_reads_no_big_table_whole(big_tables, query):
    plans = _plans(lambda: find_clients(query))
    assert _reads_a_big_table_whole(plans) == [], plans


def test_search_by_invoice_number_needs_its_index(big_tables):
    def call():
        return find_clients("P-101")

    assert _reads_a_big_table_whole(_plans(call)) == []
    assert "invoicing_invoice" in _reads_a_big_table_whole(
        _without_index("invoicing_invoice_number_idx", call)
    )


def test_todays_payments_are_counted_from_the_index(big_tables):
    plans = _plans(lambda: payments_recorded_between(*day_bounds(timezone.localdate())))
    assert _reads_a_big_table_whole(plans) == [], plans
    assert "ledger_payment_newest_idx" in plans[0], plans[0]
