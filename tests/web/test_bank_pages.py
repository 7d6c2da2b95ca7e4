"""Staff pages of bank files and reversals (BIL-06, BIL-01): the import result lists every
line not recorded with its reason, a refused file names the line on the form, staff reverse
a wrongly recorded payment with a reason, and assigning from the queue is all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import proforma_create
from hostledger.invoicing.lines import LineInput
from hostledger.ledger.actions import bank_statement_import
from hostledger.ledger.models import Payment, PaymentReversal
from hostledger.ledger.selectors import balance_of
from hostledger.notifications.models import Notification
from tests.ledger.camt import Line, camt053
from tests.web.conftest import login, make_staff_user
from tests.web.staff_money_helpers import eur, money_state, pay, reference_of


@pytest.fixture
def billing(client, db):
    member = make_staff_user("billing")
    login(client, member)
    return member


def _upload(http, content: bytes, name: str = "statement.xml"):
    file = SimpleUploadedFile(name, content, content_type="application/xml")
    return http.post(reverse("web:staff_payment_statements"), {"file": file})


def test_import_page_lists_each_line_not_recorded_with_its_reason__BIL_06(
    billing, client, client_a
):
    content = camt053(
        [
            Line("10.00", "P-1", structured_reference=reference_of(client_a)),
            Line("55.50", "P-2", direction="DBIT"),
        ],
        statement_id="WEB-1",
    )
    first = client.get(_upload(client, content)["Location"])
    html = first.content.decode()
    assert "statement WEB-1, entry 2 (reference P-2)" in html
    assert "outgoing payment (debit)" in html

    again = client.get(_upload(client, content)["Location"])
    html = again.content.decode()
    earlier = first.context["record"].public_id
    assert f"duplicate: recorded by import {earlier}" in html
    assert balance_of(client_a) == eur("10.00")


def test_a_refused_file_names_statement_entry_and_reference_on_the_form__BIL_06(billing, client):
    content = camt053([Line("1.00", "OK-1"), Line("0.00", "ZERO-2")], statement_id="WEB-0")
    before = money_state()
    response = _upload(client, content)
    assert response.status_code == 400
    error = response.context["form"].errors["file"][0]
    assert error == (
        "statement WEB-0, entry 2 (reference ZERO-2): amount: must be above zero (got '0.00')."
    )
    assert "entry 2 (reference ZERO-2)" in response.content.decode()
    assert money_state() == before


def test_staff_reverse_a_wrong_payment_with_a_reason__BIL_01_BIL_06(billing, client, client_a):
    payment = pay(client_a, "40.00", "WRONG-1", billing)
    page = client.get(reverse("web:staff_payment_reverse", args=[payment.public_id]))
    assert page.status_code == 200 and "Reverse a payment" in page.content.decode()

    before = money_state()
    refused = client.post(reverse("web:staff_payment_reverse", args=[payment.public_id]), {})
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["reason"]
    assert money_state() == before

    done = client.post(
        reverse("web:staff_payment_reverse", args=[payment.public_id]),
        {"reason": "Entered for the wrong client"},
    )
    assert done["Location"] == reverse("web:staff_payments")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED
    assert balance_of(client_a) == eur("0.00")
    [reversal] = PaymentReversal.objects.all()
    assert (reversal.reason, reversal.source, reversal.applied_by) == (
        "Entered for the wrong client",
        "staff",
        billing,
    )
    event = AuditEvent.objects.get(action="ledger.payment_reversed")
    assert event.actor_id == billing.pk and event.data["reason"] == "Entered for the wrong client"
    assert Notification.objects.filter(client=client_a, event="payment_reversed").count() == 1

    before = money_state()
    twice = client.post(
        reverse("web:staff_payment_reverse", args=[payment.public_id]),
        {"reason": "Again"},
    )
    assert twice.status_code == 400
    assert "already reversed" in twice.content.decode()
    assert money_state() == before


def test_assigning_leaves_nothing_changed_when_applying_the_money_fails__BIL_06(
    billing, client, client_a, payer_a
):
    """A proforma dated tomorrow cannot be paid today (invalid_date): the assignment must
    not stay posted behind an error answer."""
    proforma_create(
        client=client_a,
        payer=payer_a,
        lines=[LineInput("VPS Start, one month", "1", eur("5.00"))],
        issued_on=timezone.localdate() + timedelta(days=1),
    )
    bank_statement_import(content=camt053([Line("50.00", "Q-1", text="no ref")]), actor=billing)
    waiting = Payment.objects.get(status=Payment.Status.UNMATCHED)
    before = money_state()
    response = client.post(
        reverse("web:staff_payment_assign", args=[waiting.public_id]),
        {"client": client_a.public_id},
    )
    assert response.status_code == 400
    assert money_state() == before
    waiting.refresh_from_db()
    assert waiting.status == Payment.Status.UNMATCHED


def test_bank_reversal_waiting_in_the_queue_is_applied_by_staff__BIL_06(billing, client, client_a):
    payment = pay(client_a, "25.00", "PAID-25", billing)
    bank_statement_import(
        content=camt053(
            [Line("25.00", "BACK-1", direction="DBIT", reversal=True, end_to_end_id="E-NONE")]
        ),
        actor=billing,
    )
    [waiting] = PaymentReversal.objects.all()
    page = client.get(reverse("web:staff_payments_unmatched")).content.decode()
    assert waiting.public_id in page and "no recorded payment carries" in page

    url = reverse("web:staff_reversal_resolve", args=[waiting.public_id])
    before = money_state()
    unknown = client.post(url, {"payment": "pmt_doesnotexist"})
    assert unknown["Location"] == reverse("web:staff_payments_unmatched")
    assert money_state() == before

    client.post(url, {"payment": payment.public_id})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.payment) == (PaymentReversal.Status.APPLIED, payment)
    assert balance_of(client_a) == eur("0.00")
