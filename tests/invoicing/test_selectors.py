"""Ownership-checked reads of invoices and credit notes: another client's is a 404."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.core.errors import NotFound
from hostledger.core.money import Money
from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.selectors import (
    client_credit_note,
    client_credit_notes,
    client_invoice,
    client_invoices,
    invoice_credited,
)
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


def test_clients_see_only_their_own_documents__BIL_04(
    estonian_client, estonian_payer, german_company, german_company_payer
):
    mine = proforma_create(
        client=estonian_client, payer=estonian_payer, lines=[line()], issued_on=date(2025, 8, 1)
    )
    theirs = invoice_finalise(
        proforma=proforma_create(
            client=german_company,
            payer=german_company_payer,
            lines=[line(price="50.00")],
            issued_on=date(2025, 8, 1),
        ),
        paid_on=date(2025, 8, 1),
    )
    note = credit_note_issue(
        invoice=theirs, lines=[line(price="20.00")], reason="Discount", issued_on=date(2025, 8, 2)
    )
    assert list(client_invoices(estonian_client)) == [mine]
    assert client_invoice(estonian_client, mine.public_id) == mine
    with pytest.raises(NotFound):
        client_invoice(estonian_client, theirs.public_id)
    with pytest.raises(NotFound):
        client_credit_note(estonian_client, note.public_id)
    assert list(client_credit_notes(german_company)) == [note]
    assert client_credit_note(german_company, note.public_id) == note
    assert invoice_credited(theirs) == Money.of("20.00")
    assert invoice_credited(mine) == Money.zero()
