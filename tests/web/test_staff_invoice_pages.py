"""Staff pages of invoices: the list across clients, one invoice, credit notes of all or
chosen lines, and the cancellation of an unpaid proforma (BIL-02, BIL-03, BIL-04).

Amounts are exact; every refused input names its field and leaves every row as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.invoicing.models import CreditNote, Invoice
from tests.web.conftest import login, make_staff_user
from tests.web.staff_money_helpers import final_invoice, money_state, proforma


@pytest.fixture
def billing(client, db):
    member = make_staff_user("billing")
    login(client, member)
    return member


def _html(response) -> str:
    return response.content.decode()


def test_invoice_list_filters_by_kind_status_and_client__BIL_04(
    billing, client, client_a, client_b
):
    open_a = proforma(client_a)
    paid_b = final_invoice(client_b, lines=(("Hosting", "2", "5.00"),))
    html = _html(client.get(reverse("web:staff_invoices")))
    assert "€12.40" in html and paid_b.number_display in html

    proformas = client.get(reverse("web:staff_invoices"), {"kind": "proforma"})
    assert proformas.context["invoices"] == [open_a]
    paid = client.get(reverse("web:staff_invoices"), {"status": "paid"})
    assert paid.context["invoices"] == [paid_b]
    of_b = client.get(reverse("web:staff_invoices"), {"client": "bert@example.com"})
    assert of_b.context["invoices"] == [paid_b]
    unknown = client.get(reverse("web:staff_invoices"), {"client": "nobody@example.com"})
    assert unknown.context["invoices"] == [] and "client" in unknown.context["form"].errors


def test_invoice_detail_shows_lines_and_records_reading_the_payer__BIL_04_GDPR_12(
    billing, client, client_a
):
    invoice = final_invoice(client_a, lines=(("Web hosting S", "3", "3.33"), ("VPS", "1", "12")))
    response = client.get(reverse("web:staff_invoice", args=[invoice.public_id]))
    html = _html(response)
    for text in ("Web hosting S", "€3.33", "€9.99", "€2.40", "€12.00", "€2.88", "€27.27"):
        assert text in html, text
    assert "Anna Tamm" in html or "Maasikas" in html
    event = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last()
    assert event.subject_client_id == client_a.pk


def test_full_credit_note_is_issued_with_its_reason__BIL_04(billing, client, client_a):
    invoice = final_invoice(client_a)
    response = client.post(
        reverse("web:staff_invoice_credit_note", args=[invoice.public_id]),
        {"mode": "full", "reason": "Order cancelled"},
    )
    assert response["Location"] == reverse("web:staff_invoice", args=[invoice.public_id])
    note = CreditNote.objects.get()
    assert (note.gross_minor, note.reason, note.created_by) == (-1240, "Order cancelled", billing)
    html = _html(client.get(response["Location"]))
    assert note.number_display in html and "-€12.40" in html


def test_credit_note_of_chosen_lines_and_amounts__BIL_04_BIL_02(billing, client, client_a):
    invoice = final_invoice(client_a, lines=(("Web hosting S", "3", "3.33"), ("VPS", "1", "12")))
    response = client.post(
        reverse("web:staff_invoice_credit_note", args=[invoice.public_id]),
        {
            "mode": "lines",
            "reason": "Two days of downtime",
            "line_1_include": "on",
            "line_1_quantity": "1",
            "line_1_unit_price": "3.33",
            "line_2_quantity": "1",
            "line_2_unit_price": "12.00",
        },
    )
    assert response.status_code == 302
    note = CreditNote.objects.get()
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-333, -80, -413)
    assert list(note.lines.values_list("description", "net_minor")) == [("Web hosting S", -333)]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mode": "full", "reason": ""}, "reason"),
        ({"mode": "lines", "reason": "x"}, "mode"),
        (
            {"mode": "lines", "reason": "x", "line_1_include": "on", "line_1_quantity": "abc"},
            "line_1_quantity",
        ),
        (
            {"mode": "lines", "reason": "x", "line_1_include": "on", "line_1_quantity": "2"},
            "mode",
        ),
    ],
)
def test_bad_credit_note_input_is_refused_naming_the_field__BIL_04(
    billing, client, client_a, data, field
):
    invoice = final_invoice(client_a)
    data = {"line_1_unit_price": "10.00", **data}
    before = money_state()
    response = client.post(reverse("web:staff_invoice_credit_note", args=[invoice.public_id]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert money_state() == before


def test_unpaid_proforma_is_cancelled_with_a_reason__BIL_04(billing, client, client_a):
    invoice = proforma(client_a)
    url = reverse("web:staff_invoice_cancel", args=[invoice.public_id])
    before = money_state()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert list(refused.context["cancel_form"].errors) == ["reason"]
    assert money_state() == before

    assert client.post(url, {"reason": "Ordered by mistake"}).status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (Invoice.Status.CANCELLED, None)


def test_a_final_invoice_cannot_be_cancelled_and_nothing_changes__BIL_04(billing, client, client_a):
    invoice = final_invoice(client_a)
    before = money_state()
    response = client.post(
        reverse("web:staff_invoice_cancel", args=[invoice.public_id]),
        {"reason": "Try"},
        follow=True,
    )
    assert "only an unpaid proforma can be cancelled" in _html(response)
    assert money_state() == before
