"""Invoices and credit notes through API v1: the client's documents with PDF and e-invoice
downloads, and staff corrections (BIL-02 … BIL-05, BIL-10)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hostledger.accounts import actions as accounts
from hostledger.core.models import AuditEvent
from hostledger.invoicing.models import CreditNote, Invoice
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import money

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "postal_code": "10117",
    "country": "EE",
    "invoice_email": "arved@pilvepood.example",
}


@pytest.fixture
def payer(client_a):
    return accounts.payer_create(client=client_a.client, actor=client_a, data=COMPANY)


@pytest.fixture
def payer_b(client_b):
    return accounts.payer_create(
        client=client_b.client, actor=client_b, data={**COMPANY, "name": "Puravik OÜ"}
    )


@pytest.fixture
def billing_member(db):
    return make_staff_user("billing")


@pytest.fixture
def documents(client_a, payer):
    """On Monday 2 March 2026: a proforma of 10.00 net and an invoice of 20.00 net, paid,
    with a credit note of 5.00 net."""
    with time_machine.travel(MONDAY, tick=False):
        proforma = factories.make_proforma(client_a.client, payer)
        invoice = factories.make_final_invoice(client_a.client, payer, "20.00")
        credit_note = factories.make_credit_note(invoice)
    return {"proforma": proforma, "invoice": invoice, "credit_note": credit_note}


# ----------------------------------------------------------------------------- clients


def test_a_proforma_reads_with_exact_amounts_due_date_and_payer__BIL_02_BIL_03_ACC_04(
    client_a, payer, documents
):
    proforma = documents["proforma"]

    response = api_by_token(client_a).get(f"/invoices/{proforma.public_id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": proforma.public_id,
        "kind": "proforma",
        "status": "issued",
        "number": None,
        "issued_on": "2026-03-02",
        "due_on": "2026-03-09",
        "finalised_on": None,
        "net": money("10.00"),
        "vat": money("2.40"),
        "gross": money("12.40"),
        "payer": {
            "payer_id": payer.public_id,
            "kind": "legal",
            "name": "Pilvepood OÜ",
            "registry_code": "12345678",
            "vat_number": "",
            "street": "Narva mnt 5",
            "city": "Tallinn",
            "postal_code": "10117",
            "country": "EE",
            "invoice_email": "arved@pilvepood.example",
        },
        "vat_scheme": "domestic",
        "vat_rate": "24.00",
        "vat_country": "EE",
        "vat_reason": proforma.vat_reason,
        "lines": [
            {
                "position": 1,
                "description": "VPS Start, one month",
                "quantity": "1.0000",
                "unit_price": money("10.00"),
                "net": money("10.00"),
                "vat_rate": "24.00",
                "vat": money("2.40"),
                "period_start": None,
                "period_end": None,
            }
        ],
        "credited": money("0.00"),
        "credit_note_ids": [],
        "penalty": None,
    }


def test_the_payer_printed_stays_as_issued_after_it_changes__ACC_04_BIL_04(
    client_a, payer, documents
):
    accounts.payer_update(payer=payer, actor=client_a, data={"name": "Pilvepood AS"})

    body = api_by_token(client_a).get(f"/invoices/{documents['invoice'].public_id}").json()

    assert body["payer"]["name"] == "Pilvepood OÜ"


def test_invoices_list_newest_first_with_filters__BIL_04(client_a, documents):
    api = api_by_token(client_a)

    everything = api.get("/invoices").json()
    finals = api.get("/invoices?kind=final").json()
    awaiting = api.get("/invoices?status=issued").json()

    invoice, proforma = documents["invoice"], documents["proforma"]
    assert [item["id"] for item in everything["items"]] == [invoice.public_id, proforma.public_id]
    assert everything["items"][0]["number"] == "INV-2026-000001"
    assert everything["items"][0]["gross"] == money("24.80")
    assert [item["id"] for item in finals["items"]] == [invoice.public_id]
    assert [item["id"] for item in awaiting["items"]] == [proforma.public_id]


def test_a_credited_invoice_shows_what_its_credit_notes_took_back__BIL_04(client_a, documents):
    invoice, note = documents["invoice"], documents["credit_note"]
    api = api_by_token(client_a)

    body = api.get(f"/invoices/{invoice.public_id}").json()
    notes = api.get("/credit-notes").json()
    detail = api.get(f"/credit-notes/{note.public_id}").json()

    assert (body["status"], body["finalised_on"]) == ("paid", "2026-03-02")
    assert body["credited"] == money("6.20")
    assert body["credit_note_ids"] == [note.public_id]
    assert notes["items"] == [
        {
            "id": note.public_id,
            "invoice_id": invoice.public_id,
            "number": "CN-2026-000001",
            "issued_on": "2026-03-02",
            "reason": "Service interrupted",
            "net": money("-5.00"),
            "vat": money("-1.20"),
            "gross": money("-6.20"),
        }
    ]
    assert detail["lines"][0]["quantity"] == "-1.0000"
    assert detail["lines"][0]["unit_price"] == money("5.00")
    assert detail["lines"][0]["net"] == money("-5.00")
    assert detail["payer"]["name"] == "Pilvepood OÜ"


def test_another_clients_documents_are_not_found__BIL_04(client_b, documents):
    api = api_by_token(client_b)

    for path in (
        f"/invoices/{documents['invoice'].public_id}",
        f"/invoices/{documents['invoice'].public_id}/pdf",
        f"/credit-notes/{documents['credit_note'].public_id}",
        f"/credit-notes/{documents['credit_note'].public_id}/xml",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    assert api.get("/invoices").json()["count"] == 0


def test_invoices_download_as_pdf_and_e_invoice__BIL_10(client_a, documents):
    invoice = documents["invoice"]
    api = api_by_token(client_a)

    pdf = api.get(f"/invoices/{invoice.public_id}/pdf")
    xml = api.get(f"/invoices/{invoice.public_id}/xml")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="INV-2026-000001.pdf"'
    assert pdf.content.startswith(b"%PDF-")
    assert xml.status_code == 200
    assert xml["Content-Type"] == "application/xml"
    assert xml["Content-Disposition"] == 'attachment; filename="INV-2026-000001.xml"'
    assert b"CrossIndustryInvoice" in xml.content
    assert b"<ram:ID>INV-2026-000001</ram:ID>" in xml.content


def test_credit_notes_download_as_pdf_and_e_invoice__BIL_10(client_a, documents):
    note = documents["credit_note"]
    api = api_by_token(client_a)

    pdf = api.get(f"/credit-notes/{note.public_id}/pdf")
    xml = api.get(f"/credit-notes/{note.public_id}/xml")

    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml")
    assert b"<ram:ID>CN-2026-000001</ram:ID>" in xml.content


def test_a_proforma_has_a_pdf_but_no_e_invoice__BIL_10(client_a, documents):
    proforma = documents["proforma"]
    api = api_by_token(client_a)

    pdf = api.get(f"/invoices/{proforma.public_id}/pdf")
    xml = api.get(f"/invoices/{proforma.public_id}/xml")

    assert pdf.status_code == 200
    assert pdf["Content-Disposition"] == f'attachment; filename="proforma-{proforma.public_id}.pdf"'
    assert xml.status_code == 400
    assert error_of(xml)["code"] == "einvoice_not_available"


def test_a_read_only_trusted_user_reads_the_documents__ACC_06(trusted_reader, client_a, documents):
    acting = f"?client={client_a.client.public_id}"

    response = api_by_token(trusted_reader).get(f"/invoices{acting}")

    assert response.status_code == 200
    assert response.json()["count"] == 2


# ----------------------------------------------------------------------------- staff


def test_staff_list_invoices_of_every_client_with_filters__BIL_04(
    billing_member, client_a, client_b, payer_b, documents
):
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=TALLINN), tick=False):
        theirs = factories.make_proforma(client_b.client, payer_b, "1.00")
    api = api_by_token(billing_member)

    everything = api.get("/staff/invoices").json()
    of_b = api.get(f"/staff/invoices?client={client_b.client.public_id}").json()
    early_march = api.get("/staff/invoices?issued_from=2026-03-01&issued_to=2026-03-09").json()
    proformas = api.get("/staff/invoices?kind=proforma&status=issued").json()
    unknown = api.get("/staff/invoices?client=cli_0000000000000000")
    backwards = api.get("/staff/invoices?issued_from=2026-03-09&issued_to=2026-03-01")

    assert [item["id"] for item in everything["items"]] == [
        theirs.public_id,
        documents["invoice"].public_id,
        documents["proforma"].public_id,
    ]
    assert everything["items"][0]["client_id"] == client_b.client.public_id
    assert everything["items"][0]["gross"] == money("1.24")
    assert [item["id"] for item in of_b["items"]] == [theirs.public_id]
    assert early_march["count"] == 2
    assert [item["id"] for item in proformas["items"]] == [
        theirs.public_id,
        documents["proforma"].public_id,
    ]
    assert unknown.status_code == 404
    assert backwards.status_code == 400


def test_staff_see_the_payer_only_with_the_personal_data_permission__GDPR_12(
    billing_member, documents
):
    invoice_id = documents["invoice"].public_id
    bookkeeper = factories.make_bookkeeper()

    shown = api_by_token(billing_member).get(f"/staff/invoices/{invoice_id}").json()
    hidden = api_by_token(bookkeeper).get(f"/staff/invoices/{invoice_id}").json()

    assert shown["payer"]["name"] == "Pilvepood OÜ"
    assert hidden["payer"] is None
    assert hidden["gross"] == money("24.80")
    reads = AuditEvent.objects.filter(action="personal_data.read")
    assert [(event.actor_id, event.data["what"]) for event in reads] == [
        (billing_member.pk, f"payer on invoice {invoice_id} (API)")
    ]


def test_staff_credit_an_invoice_in_full_to_the_cent__BIL_04(billing_member, client_a, payer):
    api = api_by_token(billing_member)
    with time_machine.travel(MONDAY, tick=False):
        invoice = factories.make_final_invoice(client_a.client, payer, "33.33")
        response = api.post(
            f"/staff/invoices/{invoice.public_id}/credit-notes",
            {"reason": "Ordered by mistake", "full": True},
        )

    assert response.status_code == 201
    body = response.json()
    note = CreditNote.objects.get()
    assert (body["id"], body["number"], body["invoice_id"]) == (
        note.public_id,
        "CN-2026-000001",
        invoice.public_id,
    )
    assert (body["net"], body["vat"], body["gross"]) == (
        money("-33.33"),
        money("-8.00"),
        money("-41.33"),
    )
    before = database_state()
    again = api.post(
        f"/staff/invoices/{invoice.public_id}/credit-notes",
        {
            "reason": "Again",
            "lines": [{"description": "x", "quantity": "1", "unit_price": money("0.01")}],
        },
    )
    assert again.status_code == 400
    assert error_of(again)["code"] == "credit_exceeds_invoice"
    assert database_state() == before


def test_staff_credit_some_lines_at_the_invoices_rate__BIL_02_BIL_04(billing_member, documents):
    invoice = documents["invoice"]  # 20.00 net, 5.00 already credited
    api = api_by_token(billing_member)

    with time_machine.travel(MONDAY, tick=False):
        response = api.post(
            f"/staff/invoices/{invoice.public_id}/credit-notes",
            {
                "reason": "Three days of downtime",
                "lines": [
                    {
                        "description": "VPS Start, 2-4 March",
                        "quantity": "3",
                        "unit_price": money("0.33"),
                        "period_start": "2026-03-02",
                        "period_end": "2026-03-04",
                    }
                ],
            },
        )

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "CN-2026-000002"
    assert (body["net"], body["vat"], body["gross"]) == (
        money("-0.99"),
        money("-0.24"),
        money("-1.23"),
    )
    assert body["lines"][0]["period_end"] == "2026-03-04"
    assert api.get(f"/staff/invoices/{invoice.public_id}").json()["credited"] == money("7.43")


def test_a_credit_note_needs_a_final_invoice_and_a_reason__BIL_04(billing_member, documents):
    api = api_by_token(billing_member)
    before = database_state()

    of_proforma = api.post(
        f"/staff/invoices/{documents['proforma'].public_id}/credit-notes",
        {"reason": "x", "full": True},
    )
    both = api.post(
        f"/staff/invoices/{documents['invoice'].public_id}/credit-notes",
        {
            "reason": "x",
            "full": True,
            "lines": [{"description": "x", "quantity": "1", "unit_price": money("1.00")}],
        },
    )
    no_reason = api.post(
        f"/staff/invoices/{documents['invoice'].public_id}/credit-notes", {"full": True}
    )

    assert of_proforma.status_code == 400
    assert error_of(of_proforma)["code"] == "invoice_not_final"
    assert both.status_code == 400
    assert error_of(both)["code"] == "invalid_credit"
    assert no_reason.status_code == 400
    assert error_of(no_reason)["fields"] == {"reason": "This field is required."}
    assert database_state() == before


def test_staff_cancel_an_unpaid_proforma_only__BIL_04(billing_member, documents):
    api = api_by_token(billing_member)
    proforma, invoice = documents["proforma"], documents["invoice"]

    cancelled = api.post(
        f"/staff/invoices/{proforma.public_id}/cancel", {"reason": "Ordered by mistake"}
    )

    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["number"]) == ("cancelled", None)
    assert Invoice.objects.get(pk=proforma.pk).status == "cancelled"
    before = database_state()
    for target in (proforma, invoice):
        refused = api.post(f"/staff/invoices/{target.public_id}/cancel", {})
        assert refused.status_code == 400
        assert error_of(refused)["code"] == "invoice_not_awaiting_payment"
    assert database_state() == before


@pytest.mark.parametrize("role", ["support", "abuse"])
def test_staff_without_billing_manage_correct_nothing__BIL_04_ACC_11(role, documents):
    api = api_by_token(make_staff_user(role))
    before = database_state()

    responses = [
        api.get("/staff/invoices"),
        api.post(
            f"/staff/invoices/{documents['invoice'].public_id}/credit-notes",
            {"reason": "x", "full": True},
        ),
        api.post(f"/staff/invoices/{documents['proforma'].public_id}/cancel", {}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert database_state() == before
