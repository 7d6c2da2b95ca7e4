"""Bank transfers that match by themselves (BIL-06, BIL-01, ORD-03): the reference printed on
a proforma, quoted in a camt.053 line, pays that proforma with no staff action; an invoice
named in the text finds its client; a batch of two clients' payments under one bank
reference credits both."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hostledger.flows.payments import bank_file_import
from hostledger.invoicing.actions import proforma_create
from hostledger.invoicing.documents.content import document_content
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import balance_of, verify_balances
from tests.ledger.camt import Line, camt053
from tests.ledger.helpers import eur
from tests.subscriptions.factories import new_client, new_payer, new_staff


def _client_with_proforma(price: str = "10.00", *, issued_on=None):
    client = new_client()
    payer = new_payer(client)
    client_payment_reference_ensure(client=client)
    proforma = proforma_create(
        client=client,
        payer=payer,
        lines=[LineInput("VPS Start, one month", "1", eur(price))],
        issued_on=issued_on,
    )
    return client, payer, proforma


def test_reference_printed_on_a_proforma_pays_it_with_no_staff_action__BIL_06(db):
    client, _, proforma = _client_with_proforma("10.00")
    printed = document_content(proforma).payment
    assert printed.reference_number
    statement = camt053(
        [
            Line(
                str(printed.amount.amount),
                "SWED-PROFORMA-1",
                structured_reference=printed.reference_number,
            )
        ],
        iban=printed.iban,
    )

    imported = bank_file_import(content=statement, actor=new_staff())

    assert (imported.matched, imported.unmatched) == (1, 0)
    proforma.refresh_from_db()
    assert (proforma.kind, proforma.status) == (Invoice.Kind.FINAL, Invoice.Status.PAID)
    assert balance_of(client) == eur("0.00")
    assert verify_balances() == []


def test_reference_in_the_free_text_pays_the_proforma_it_names_first__BIL_06(db):
    client, payer, older = _client_with_proforma("50.00")
    named = proforma_create(
        client=client,
        payer=payer,
        lines=[LineInput("Extra IPv4, one month", "1", eur("2.00"))],
    )
    reference = client_payment_reference_ensure(client=client).creditor_reference
    text = f"{reference} {named.public_id.upper()}"
    statement = camt053([Line(str(named.gross.amount), "SEB-NAMED-1", text=text)])

    bank_file_import(content=statement, actor=new_staff())

    named.refresh_from_db()
    older.refresh_from_db()
    assert named.status == Invoice.Status.PAID
    assert older.status == Invoice.Status.ISSUED
    assert Payment.objects.get().named_invoice == named.public_id


def test_without_a_reference_the_proforma_id_in_the_text_finds_the_client__BIL_06(db):
    client, _, proforma = _client_with_proforma("10.00")
    statement = camt053(
        [Line(str(proforma.gross.amount), "LHV-ID-1", text=f"Arve {proforma.public_id}")],
        bank="lhv",
    )

    imported = bank_file_import(content=statement, actor=new_staff())

    assert imported.matched == 1
    payment = Payment.objects.get()
    assert (payment.client, payment.reference) == (client, "")
    proforma.refresh_from_db()
    assert proforma.status == Invoice.Status.PAID


def test_an_invoice_number_in_the_text_finds_the_client__BIL_06(db):
    client, _, proforma = _client_with_proforma("10.00")
    first = camt053([Line(str(proforma.gross.amount), "PAY-1", text=proforma.public_id)])
    bank_file_import(content=first, actor=new_staff())
    proforma.refresh_from_db()
    number = proforma.number_display
    assert number
    extra = camt053(
        [Line("3.00", "PAY-2", text=f"topping up, invoice {number.lower()}")],
        statement_id="NEXT",
    )

    bank_file_import(content=extra, actor=new_staff())

    assert Payment.objects.get(amount_minor=300).client == client
    assert balance_of(client) == eur("3.00")


def test_a_batch_of_two_clients_under_one_bank_reference_credits_both__BIL_06(db):
    first, _, first_proforma = _client_with_proforma("10.00")
    second = new_client()
    second_reference = client_payment_reference_ensure(client=second).reference_number
    first_reference = client_payment_reference_ensure(client=first).reference_number
    batch = Line(
        "37.40",
        "BATCH-SHARED",
        transfers=[
            Line(
                str(first_proforma.gross.amount),
                "BATCH-SHARED",
                structured_reference=first_reference,
            ),
            Line("25.00", "BATCH-SHARED", structured_reference=second_reference),
        ],
    )

    imported = bank_file_import(content=camt053([batch], bank="lhv"), actor=new_staff())

    assert (imported.payments_recorded, imported.matched, imported.duplicates) == (2, 2, 0)
    first_proforma.refresh_from_db()
    assert first_proforma.status == Invoice.Status.PAID
    assert balance_of(first) == eur("0.00")
    assert balance_of(second) == eur("25.00")
    again = bank_file_import(content=camt053([batch], bank="lhv"), actor=new_staff())
    assert (again.payments_recorded, again.duplicates) == (0, 2)
    assert balance_of(second) == eur("25.00")


def test_a_proforma_that_cannot_be_paid_now_never_undoes_the_import__BIL_06(db):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client, _, proforma = _client_with_proforma("10.00", issued_on=tomorrow)
    reference = client_payment_reference_ensure(client=client).reference_number
    statement = camt053([Line("12.40", "EARLY-1", structured_reference=reference)])

    imported = bank_file_import(content=statement, actor=new_staff())

    assert imported.matched == 1
    assert balance_of(client) == eur("12.40")
    proforma.refresh_from_db()
    assert proforma.status == Invoice.Status.ISSUED
