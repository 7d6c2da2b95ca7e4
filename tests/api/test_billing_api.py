"""The balance through API v1: statement, payments, top-ups and paying proformas from the
balance; staff record and match payments, import bank statements and post refunds, credits
and corrections (BIL-01, BIL-06)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from hostledger.accounts import actions as accounts
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.models import Invoice
from hostledger.ledger import actions as ledger
from hostledger.ledger.models import (
    BankStatementImport,
    ClientPaymentReference,
    GatewayTopUp,
    Payment,
)
from hostledger.ledger.references import reference_number_from_base
from hostledger.ledger.selectors import balance_from_entries, balance_of
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import eur, money
from tests.ledger.camt import Line, camt053
from tests.ledger.helpers import ledger_snapshot

TALLINN = ZoneInfo("Europe/Tallinn")
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=TALLINN)


@pytest.fixture
def account(client_a):
    return client_a.client


@pytest.fixture
def payer(client_a, account):
    return accounts.payer_create(client=account, actor=client_a, data=COMPANY)


@pytest.fixture
def billing_member(db):
    return make_staff_user("billing")


def balance(client) -> str:
    return str(balance_of(client).amount)


# ----------------------------------------------------------------------------- clients


def test_the_client_reads_its_reference_and_the_providers_account__BIL_06(client_a, account):
    provider_setting_change(key="invoicing.provider_iban", raw_value="EE47 1000 0010 2014 5685")
    provider_setting_change(key="invoicing.provider_bic", raw_value="eehkee2x")
    reference = ClientPaymentReference.objects.get(client=account)  # given at registration

    response = api_by_token(client_a).get("/billing/bank-transfer")

    assert response.status_code == 200
    assert response.json() == {
        "client_id": account.public_id,
        "beneficiary": "SmartApe OÜ",
        "iban": "EE471000001020145685",
        "bic": "EEHKEE2X",
        "bank_name": "Demo Bank AS",
        "reference_number": reference.reference_number,
        "creditor_reference": reference.creditor_reference,
    }
    assert reference.reference_number == reference_number_from_base(f"10{account.pk}")


def test_the_balance_is_the_sum_of_payments_less_charges__BIL_01(
    client_a, account, payer, billing_member
):
    factories.record_payment(account, billing_member, "100.00", "B-1")
    proforma = factories.make_proforma(account, payer)  # 10.00 + 24 % VAT = 12.40
    api_by_token(client_a).post(f"/invoices/{proforma.public_id}/pay")

    response = api_by_token(client_a).get("/billing/balance")

    assert response.status_code == 200
    assert response.json() == {
        "client_id": account.public_id,
        "balance": {"amount": "87.60", "currency": "EUR"},
    }
    assert balance_from_entries(account) == eur("87.60")


def test_the_statement_has_a_running_balance_over_a_range_of_days__BIL_01(
    client_a, account, payer, billing_member
):
    with time_machine.travel(at(2), tick=False):
        factories.record_payment(account, billing_member, "50.00", "B-1")
    with time_machine.travel(at(3), tick=False):
        factories.record_payment(account, billing_member, "20.00", "B-2")
    with time_machine.travel(at(4), tick=False):
        proforma = factories.make_proforma(account, payer)
        api_by_token(client_a).post(f"/invoices/{proforma.public_id}/pay")
    with time_machine.travel(at(5), tick=False):
        factories.record_payment(account, billing_member, "5.00", "B-3")
        api = api_by_token(client_a)
        body = api.get("/billing/statement?date_from=2026-03-03&date_to=2026-03-04").json()
        second_page = api.get(
            "/billing/statement?date_from=2026-03-03&date_to=2026-03-04&limit=1&offset=1"
        ).json()

    assert body["opening_balance"] == money("50.00")
    assert body["closing_balance"] == money("57.60")
    assert [
        (line["kind"], line["amount"]["amount"], line["running_balance"]["amount"])
        for line in body["items"]
    ] == [("payment", "20.00", "70.00"), ("charge", "-12.40", "57.60")]
    assert body["items"][1]["description"] == f"Payment of proforma {proforma.public_id}"
    assert (body["count"], body["date_from"], body["date_to"]) == (2, "2026-03-03", "2026-03-04")
    assert second_page["items"] == body["items"][1:]
    assert second_page["opening_balance"] == money("50.00")
    assert second_page["count"] == 2


def test_a_statement_range_that_ends_before_it_starts_is_refused__BIL_01(client_a):
    response = api_by_token(client_a).get(
        "/billing/statement?date_from=2026-03-05&date_to=2026-03-04"
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"date_to": "On or after date_from."}


def test_payments_are_listed_newest_first__BIL_06(client_a, account, billing_member):
    first = factories.record_payment(account, billing_member, "10.00", "B-1")
    second = factories.record_payment(account, billing_member, "20.50", "B-2")

    body = api_by_token(client_a).get("/billing/payments").json()

    assert [(item["id"], item["amount"]["amount"]) for item in body["items"]] == [
        (second.public_id, "20.50"),
        (first.public_id, "10.00"),
    ]
    assert body["items"][0]["source"] == "staff"
    assert body["items"][0]["status"] == "matched"
    assert "payer_name" not in body["items"][0]


def test_only_gateways_offered_here_are_listed__BIL_06(client_a):
    api = api_by_token(client_a)

    assert api.get("/billing/gateways").json()["items"] == []
    factories.enable_local_gateway()
    assert api.get("/billing/gateways").json()["items"] == [
        {"name": "local", "label": "Local test payments (no real money)"}
    ]


def test_a_top_up_answers_the_gateway_page_and_pays_in_once__BIL_01_BIL_06(client_a, account):
    factories.enable_local_gateway()

    response = api_by_token(client_a).post(
        "/billing/top-ups", {"gateway": "local", "amount": money("25.00")}
    )

    assert response.status_code == 201
    body = response.json()
    top_up = GatewayTopUp.objects.get()
    assert body["id"] == top_up.public_id
    assert body["redirect_url"] == f"{settings.SITE_URL}/billing/local-gateway/{top_up.public_id}/"
    assert (body["status"], body["amount"]) == ("pending", money("25.00"))
    assert balance(account) == "0.00"
    ledger.local_top_up_pay(top_up=top_up)
    ledger.local_top_up_pay(top_up=top_up)
    assert balance(account) == "25.00"


@pytest.mark.parametrize(
    ("payload", "code", "fields"),
    [
        (
            {"gateway": "local", "amount": money("0.99")},
            "invalid_amount",
            {"amount": "between 1.00 EUR and 10000.00 EUR"},
        ),
        (
            {"gateway": "local", "amount": money("5.00", "USD")},
            "invalid_currency",
            {"amount": "must be EUR"},
        ),
        ({"gateway": "paypal", "amount": money("5.00")}, "unknown_gateway", {"gateway": "unknown"}),
        (
            {"gateway": "stripe", "amount": money("5.00")},
            "gateway_not_configured",
            {"gateway": "not configured"},
        ),
        (
            {"gateway": "local", "amount": money("5.00"), "return_path": "//evil.example/"},
            "invalid_input",
            None,
        ),
    ],
)
def test_a_top_up_that_cannot_start_is_refused_and_records_nothing__BIL_01(
    client_a, payload, code, fields
):
    factories.enable_local_gateway()
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/billing/top-ups", payload)

    assert response.status_code == 400
    assert error_of(response)["code"] == code
    if fields is not None:
        assert error_of(response)["fields"] == fields
    assert database_state() == before


def test_paying_a_proforma_from_the_balance_numbers_it__BIL_01_BIL_04(
    client_a, account, payer, billing_member
):
    factories.record_payment(account, billing_member, "50.00", "B-1")
    proforma = factories.make_proforma(account, payer)
    api = api_by_token(client_a)

    response = api.post(f"/invoices/{proforma.public_id}/pay")

    assert response.status_code == 200
    body = response.json()
    invoice = Invoice.objects.get(pk=proforma.pk)
    assert (invoice.kind, invoice.status) == ("final", "paid")
    assert body["invoice"]["number"] == invoice.number_display
    assert body["invoice"]["gross"] == money("12.40")
    assert body["balance"] == money("37.60")
    before = database_state()
    again = api.post(f"/invoices/{proforma.public_id}/pay")
    assert again.status_code == 400
    assert error_of(again)["code"] == "invoice_not_awaiting_payment"
    assert database_state() == before


def test_a_balance_short_of_the_proforma_is_refused__BIL_01(
    client_a, account, payer, billing_member
):
    factories.record_payment(account, billing_member, "12.39", "B-1")
    proforma = factories.make_proforma(account, payer)
    api = api_by_token(client_a)
    before = database_state()

    response = api.post(f"/invoices/{proforma.public_id}/pay")

    assert response.status_code == 400
    assert error_of(response)["code"] == "insufficient_balance"
    assert error_of(response)["fields"] == {"balance": "needs 12.40 EUR"}
    assert database_state() == before


def test_a_read_only_trusted_user_reads_the_balance_but_pays_nothing__ACC_06_BIL_01(
    trusted_reader, account, payer, billing_member
):
    factories.enable_local_gateway()
    factories.record_payment(account, billing_member, "50.00", "B-1")
    proforma = factories.make_proforma(account, payer)
    api = api_by_token(trusted_reader)
    acting = f"?client={account.public_id}"
    before = database_state()

    read = api.get(f"/billing/balance{acting}")
    top_up = api.post(f"/billing/top-ups{acting}", {"gateway": "local", "amount": money("5.00")})
    pay = api.post(f"/invoices/{proforma.public_id}/pay{acting}")

    assert read.json()["balance"] == money("50.00")
    assert (top_up.status_code, pay.status_code) == (403, 403)
    assert database_state() == before


def test_another_clients_proforma_is_not_found__BIL_01(client_b, account, payer):
    proforma = factories.make_proforma(account, payer)
    api = api_by_token(client_b)
    before = database_state()

    response = api.post(f"/invoices/{proforma.public_id}/pay")

    assert response.status_code == 404
    assert database_state() == before


# ----------------------------------------------------------------------------- staff


def test_staff_record_a_payment_once_per_reference__BIL_06(billing_member, account):
    api = api_by_token(billing_member)
    path = f"/staff/clients/{account.public_id}/payments"
    payload = {
        "amount": money("40.00"),
        "value_date": factories.in_days(0),
        "reference": "SWED-123",
        "payer_name": "Mari Maasikas",
    }

    first = api.post(path, payload)
    again = api.post(path, payload)

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["payer"]["payer_name"] == "Mari Maasikas"
    assert (first.json()["client_id"], first.json()["status"]) == (account.public_id, "matched")
    assert balance(account) == "40.00"
    before = ledger_snapshot()
    other_amount = api.post(path, {**payload, "amount": money("41.00")})
    assert other_amount.status_code == 400
    assert error_of(other_amount)["code"] == "duplicate_payment_reference"
    future = api.post(path, {**payload, "reference": "SWED-124", "value_date": "2199-01-01"})
    assert future.status_code == 400
    assert error_of(future)["fields"] == {"value_date": "future"}
    assert ledger_snapshot() == before


def test_the_review_queue_shows_payers_to_those_allowed_and_audits_it__BIL_06_GDPR_12(
    billing_member, account
):
    waiting = factories.unmatched_payment("30.00", "LHV-9")
    no_personal_data = factories.make_bookkeeper()

    shown = api_by_token(billing_member).get("/staff/payments/unmatched").json()
    hidden = api_by_token(no_personal_data).get("/staff/payments/unmatched").json()

    assert [item["id"] for item in shown["items"]] == [waiting.public_id]
    assert shown["items"][0]["payer"] == {
        "payer_name": "MARI TAMM",
        "payer_account": "EE471000001020145685",
        "remittance_information": "arve",
    }
    assert shown["items"][0]["client_id"] is None
    assert shown["items"][0]["review_note"] == "no payment reference"
    assert hidden["items"][0]["payer"] is None
    reads = AuditEvent.objects.filter(action="personal_data.read")
    assert [(event.actor_id, event.data["what"]) for event in reads] == [
        (billing_member.pk, f"payers of unmatched payments {waiting.public_id} (API)")
    ]


def test_staff_assign_a_queued_payment_to_its_client_once__BIL_06(
    billing_member, account, client_b
):
    waiting = factories.unmatched_payment("30.00", "LHV-9")
    api = api_by_token(billing_member)
    path = f"/staff/payments/{waiting.public_id}/assign"
    before = ledger_snapshot()

    unknown = api.post(path, {"client": "cli_0000000000000000"})
    assert unknown.status_code == 400
    assert error_of(unknown)["fields"] == {"client": "No such client."}
    assert ledger_snapshot() == before

    assigned = api.post(path, {"client": account.public_id})
    assert assigned.status_code == 200
    assert (assigned.json()["status"], assigned.json()["client_id"]) == (
        "matched",
        account.public_id,
    )
    assert balance(account) == "30.00"
    again = api.post(path, {"client": account.public_id})
    assert (again.status_code, again.json()["status"]) == (200, "matched")
    assert balance(account) == "30.00"
    before = ledger_snapshot()
    elsewhere = api.post(path, {"client": client_b.client.public_id})
    assert elsewhere.status_code == 400
    assert error_of(elsewhere)["code"] == "payment_already_assigned"
    assert ledger_snapshot() == before


def _upload(api, content: bytes, name: str = "statement.xml"):
    return api.upload(
        "/staff/bank-statements",
        {"file": SimpleUploadedFile(name, content, content_type="application/xml")},
    )


def test_a_bank_statement_records_each_line_once__BIL_06(billing_member, account):
    reference = ledger.client_payment_reference_ensure(client=account).reference_number
    statement = camt053(
        [
            Line(amount="25.00", bank_reference="SWED-1", structured_reference=reference),
            Line(amount="9.99", bank_reference="SWED-2", text="for hosting"),
            Line(amount="100.00", bank_reference="SWED-3", direction="DBIT"),
        ]
    )
    api = api_by_token(billing_member)

    first = _upload(api, statement)
    again = _upload(api, statement)

    assert first.status_code == again.status_code == 201
    summary = first.json()
    assert summary["id"] == BankStatementImport.objects.order_by("id").first().public_id
    assert {
        key: summary[key]
        for key in (
            "file_name",
            "credit_lines",
            "payments_recorded",
            "duplicates",
            "matched",
            "unmatched",
            "debit_lines_skipped",
        )
    } == {
        "file_name": "statement.xml",
        "credit_lines": 2,
        "payments_recorded": 2,
        "duplicates": 0,
        "matched": 1,
        "unmatched": 1,
        "debit_lines_skipped": 1,
    }
    assert (again.json()["payments_recorded"], again.json()["duplicates"]) == (0, 2)
    assert balance(account) == "25.00"
    assert Payment.objects.filter(status="unmatched").count() == 1


def test_a_file_that_is_not_a_statement_is_refused_naming_it__BIL_06(billing_member):
    api = api_by_token(billing_member)
    before = database_state()

    not_xml = _upload(api, b"date;amount\n2026-03-02;10.00\n", "statement.csv")
    missing = api.upload("/staff/bank-statements", {})

    assert not_xml.status_code == 400
    assert list(error_of(not_xml)["fields"]) == ["file"]
    assert missing.status_code == 400
    assert list(error_of(missing)["fields"]) == ["file"]
    assert database_state() == before


def test_a_refund_is_posted_once_per_idempotency_key__BIL_01_BIL_06(billing_member, account):
    paid = factories.record_payment(account, billing_member, "100.00", "B-1")
    api = api_by_token(billing_member)
    path = f"/staff/clients/{account.public_id}/refunds"
    payload = {
        "amount": money("30.00"),
        "reason": "Overpaid",
        "idempotency_key": "refund-1",
        "payment": paid.public_id,
    }

    first = api.post(path, payload)
    again = api.post(path, payload)

    assert first.status_code == again.status_code == 201
    assert first.json()["amount"] == money("-30.00")
    assert first.json()["balance"] == money("70.00")
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["description"] == "Overpaid"
    assert balance(account) == "70.00"
    before = ledger_snapshot()
    reused = api.post(path, {**payload, "amount": money("31.00")})
    assert reused.status_code == 400
    assert error_of(reused)["code"] == "idempotency_key_reused"
    too_much = api.post(path, {**payload, "amount": money("70.01"), "idempotency_key": "r-2"})
    assert too_much.status_code == 400
    assert error_of(too_much)["code"] == "insufficient_balance"
    assert ledger_snapshot() == before


def test_a_refund_names_a_payment_of_this_client_only__BIL_01(billing_member, account, client_b):
    theirs = factories.record_payment(client_b.client, billing_member, "10.00", "B-9")
    factories.record_payment(account, billing_member, "10.00", "B-1")
    before = ledger_snapshot()

    response = api_by_token(billing_member).post(
        f"/staff/clients/{account.public_id}/refunds",
        {
            "amount": money("5.00"),
            "reason": "Overpaid",
            "idempotency_key": "refund-1",
            "payment": theirs.public_id,
        },
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"payment": "No such payment."}
    assert ledger_snapshot() == before


def test_credits_and_signed_corrections_move_the_balance_with_a_reason__BIL_01(
    billing_member, account
):
    api = api_by_token(billing_member)
    base = f"/staff/clients/{account.public_id}"

    credit = api.post(
        f"{base}/credits",
        {"amount": money("7.50"), "reason": "Outage on 2 March", "idempotency_key": "c-1"},
    )
    down = api.post(
        f"{base}/corrections",
        {"amount": money("-2.25"), "reason": "Entered twice", "idempotency_key": "k-1"},
    )

    assert (credit.status_code, down.status_code) == (201, 201)
    assert (credit.json()["kind"], credit.json()["amount"]) == ("credit", money("7.50"))
    assert (down.json()["kind"], down.json()["amount"]) == ("correction", money("-2.25"))
    assert down.json()["balance"] == money("5.25")
    assert balance(account) == "5.25"
    assert AuditEvent.objects.filter(action="ledger.correction_posted").count() == 1
    before = ledger_snapshot()
    zero = api.post(
        f"{base}/corrections",
        {"amount": money("0.00"), "reason": "Nothing", "idempotency_key": "k-2"},
    )
    no_reason = api.post(f"{base}/corrections", {"amount": money("1.00"), "idempotency_key": "k-3"})
    a_float = api.post(
        f"{base}/credits",
        {"amount": {"amount": 1.1, "currency": "EUR"}, "reason": "x", "idempotency_key": "c-2"},
    )
    assert [r.status_code for r in (zero, no_reason, a_float)] == [400, 400, 400]
    assert error_of(zero)["fields"] == {"amount": "not zero"}
    assert error_of(no_reason)["fields"] == {"reason": "This field is required."}
    assert error_of(a_float)["fields"] == {"amount.amount": "Must be a string."}
    assert ledger_snapshot() == before


def test_staff_read_a_clients_balance_statement_and_payments__BIL_01(billing_member, account):
    factories.record_payment(account, billing_member, "15.00", "B-1")
    api = api_by_token(billing_member)
    base = f"/staff/clients/{account.public_id}"

    assert api.get(f"{base}/balance").json()["balance"] == money("15.00")
    statement = api.get(f"{base}/statement").json()
    assert [line["running_balance"] for line in statement["items"]] == [money("15.00")]
    payments = api.get(f"{base}/payments").json()
    assert payments["items"][0]["payer"] == {
        "payer_name": "Mari Maasikas",
        "payer_account": "",
        "remittance_information": "",
    }
    assert api.get("/staff/clients/cli_0000000000000000/balance").status_code == 404


@pytest.mark.parametrize("role", ["support", "abuse", "privacy_officer"])
def test_staff_without_billing_manage_move_no_money__BIL_01_ACC_11(role, account):
    member = make_staff_user(role)
    api = api_by_token(member)
    base = f"/staff/clients/{account.public_id}"
    before = database_state()

    responses = [
        api.get(f"{base}/balance"),
        api.post(
            f"{base}/payments",
            {"amount": money("1.00"), "value_date": factories.in_days(0), "reference": "X"},
        ),
        api.post(
            f"{base}/credits",
            {"amount": money("1.00"), "reason": "x", "idempotency_key": "c-1"},
        ),
        _upload(api, camt053([Line(amount="1.00", bank_reference="X-1")])),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    assert database_state() == before
