"""Staff API of bank files and reversals (BIL-06, BIL-01): the import answer lists every line
not recorded, a refused file names the line, payments are reversed with a reason, waiting
bank reversals are settled, and an error answer to an assignment leaves nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import proforma_create
from hostledger.ledger.models import Payment, PaymentReversal
from hostledger.ledger.selectors import balance_of
from hostledger.notifications.models import Notification
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.ledger.camt import Line, camt053


@pytest.fixture
def account(client_a):
    return client_a.client


@pytest.fixture
def billing_member(db):
    return make_staff_user("billing")


def _upload(api, content: bytes):
    file = SimpleUploadedFile("statement.xml", content, content_type="application/xml")
    return api.upload("/staff/bank-statements", {"file": file})


def test_import_answer_lists_lines_not_recorded_and_names_the_earlier_import__BIL_06(
    billing_member,
):
    api = api_by_token(billing_member)
    content = camt053(
        [Line("9.00", "A-1", text="no ref"), Line("3.00", "A-2", direction="DBIT")],
        statement_id="API-1",
    )
    first = _upload(api, content).json()
    assert first["message_type"] == "camt.053"
    assert first["not_recorded"] == [
        {
            "line": "statement API-1, entry 2 (reference A-2)",
            "amount": "3.00",
            "reason": "outgoing payment (debit)",
        }
    ]
    again = _upload(api, content).json()
    [duplicate] = [row for row in again["not_recorded"] if "duplicate" in row["reason"]]
    assert duplicate["line"] == "statement API-1, entry 1 (reference A-1)"
    assert duplicate["reason"].startswith(f"duplicate: recorded by import {first['id']} as pmt_")


def test_refused_file_names_statement_entry_and_reference__BIL_06(billing_member):
    api = api_by_token(billing_member)
    before = database_state()
    response = _upload(api, camt053([Line("0.00", "ZERO-API")], statement_id="API-0"))
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "file": "statement API-0, entry 1 (reference ZERO-API): amount: must be above zero "
        "(got '0.00')."
    }
    assert database_state() == before


def test_staff_reverse_a_payment_with_a_reason_through_the_api__BIL_01_BIL_06(
    billing_member, account
):
    payment = factories.record_payment(account, None, "40.00", "API-WRONG-1")
    api = api_by_token(billing_member)
    path = f"/staff/payments/{payment.public_id}/reverse"

    before = database_state()
    missing = api.post(path, {"reason": ""})
    assert missing.status_code in (400, 422)
    assert database_state() == before

    done = api.post(path, {"reason": "Recorded twice"})
    assert done.status_code == 201
    body = done.json()
    assert (body["status"], body["payment_id"], body["amount"]["amount"]) == (
        "applied",
        payment.public_id,
        "40.00",
    )
    assert str(balance_of(account).amount) == "0.00"
    assert AuditEvent.objects.filter(action="ledger.payment_reversed").count() == 1
    assert Notification.objects.filter(client=account, event="payment_reversed").count() == 1

    before = database_state()
    twice = api.post(path, {"reason": "Again"})
    assert twice.status_code == 400
    assert error_of(twice)["code"] == "payment_not_reversible"
    assert database_state() == before


def test_waiting_bank_reversal_is_listed_and_settled_by_staff__BIL_06(billing_member, account):
    payment = factories.record_payment(account, None, "100.00", "API-PAID-1")
    waiting = factories.waiting_reversal("100.00", "API-REVERSAL-1")
    api = api_by_token(billing_member)
    listed = api.get("/staff/payment-reversals/waiting").json()
    assert [item["id"] for item in listed["items"]] == [waiting.public_id]
    assert listed["items"][0]["review_note"] == (
        "no recorded payment carries the reversal's references"
    )

    resolved = api.post(
        f"/staff/payment-reversals/{waiting.public_id}/resolve", {"payment": payment.public_id}
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "applied"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED
    assert str(balance_of(account).amount) == "0.00"
    assert api.get("/staff/payment-reversals/waiting").json()["items"] == []


def test_an_error_answer_to_an_assignment_leaves_nothing_changed__BIL_06(
    billing_member, account, client_a
):
    """Issue 11: staff got 400 invalid_date while the payment was posted. A proforma dated
    tomorrow cannot be paid today; the assignment now fails whole."""
    payer = accounts.payer_create(
        client=account,
        actor=client_a,
        data={
            "kind": "natural",
            "name": "Mari Maasikas",
            "street": "Ahtri 12",
            "city": "Tallinn",
            "country": "EE",
        },
    )
    proforma_create(
        client=account,
        payer=payer,
        lines=factories.one_line("5.00"),
        issued_on=timezone.localdate() + timedelta(days=1),
    )
    waiting = factories.unmatched_payment("30.00", "API-ASSIGN-1")
    api = api_by_token(billing_member)
    before = database_state()

    response = api.post(
        f"/staff/payments/{waiting.public_id}/assign", {"client": account.public_id}
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_date"
    assert database_state() == before
    waiting.refresh_from_db()
    assert (waiting.status, waiting.client) == (Payment.Status.UNMATCHED, None)
    assert PaymentReversal.objects.count() == 0
