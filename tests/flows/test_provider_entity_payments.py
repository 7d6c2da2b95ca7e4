"""Payments to one provider entity's bank account (BIL-06): a statement line on entity B's
account names only B's documents, so a reference to another entity's proforma does not pay
it."""

from __future__ import annotations

from hostledger.flows.payments import bank_file_import
from hostledger.invoicing.actions import proforma_create
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import balance_of, provider_bank_accounts
from tests.invoicing.entity_factories import TELEPHONY, telephony_entity
from tests.ledger.camt import Line, camt053
from tests.ledger.helpers import eur
from tests.subscriptions.factories import new_client, new_payer, new_staff


def _proforma(client, payer, price: str, entity=None) -> Invoice:
    return proforma_create(
        client=client,
        payer=payer,
        lines=[LineInput("Service, one month", "1", eur(price))],
        entity=entity,
    )


def test_a_line_on_entity_bs_account_does_not_pay_entity_as_named_proforma__BIL_06(db):
    telephony = telephony_entity()
    client = new_client()
    payer = new_payer(client)
    reference = client_payment_reference_ensure(client=client).reference_number
    hosting = _proforma(client, payer, "10.00")
    phone = _proforma(client, payer, "30.00", telephony)
    line = Line(
        "10.00",
        "LHV-ENTITY-B-1",
        structured_reference=reference,
        text=hosting.public_id.upper(),
    )
    statement = camt053([line], iban=TELEPHONY["iban"])

    bank_file_import(content=statement, actor=new_staff())

    payment = Payment.objects.get()
    assert payment.client_id == client.pk, payment.review_note
    assert payment.named_invoice == ""
    hosting.refresh_from_db()
    phone.refresh_from_db()
    assert phone.status == Invoice.Status.ISSUED
    assert payment.bank_account == telephony.iban


def test_a_line_on_entity_bs_account_pays_bs_named_proforma__BIL_06(db):
    telephony = telephony_entity()
    client = new_client()
    payer = new_payer(client)
    reference = client_payment_reference_ensure(client=client).creditor_reference
    phone = _proforma(client, payer, "30.00", telephony)
    text = f"{reference} {phone.public_id.upper()}"
    paid = str(phone.gross.amount)
    statement = camt053([Line(paid, "LHV-ENTITY-B-2", text=text)], iban=TELEPHONY["iban"])

    bank_file_import(content=statement, actor=new_staff())

    phone.refresh_from_db()
    payment = Payment.objects.get()
    assert (payment.client_id, payment.named_invoice) == (client.pk, phone.public_id)
    assert balance_of(client) == eur("0.00")
    assert (phone.status, phone.number_display[:4]) == (Invoice.Status.PAID, "TEL-")


def test_every_entitys_iban_is_an_own_account_of_statements__BIL_06(db):
    telephony = telephony_entity()
    assert telephony.iban in provider_bank_accounts()
