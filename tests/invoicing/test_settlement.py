"""Paying proformas from the prepaid balance: one charge, one number, nothing on refusal."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.invoicing.actions import (
    client_proformas_settle,
    invoice_pay_from_balance,
    proforma_create,
)
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import payment_record
from hostledger.ledger.models import LedgerTransaction
from hostledger.ledger.selectors import balance_from_entries, balance_of
from tests.invoicing.conftest import eur, line
from tests.ledger.helpers import ledger_snapshot

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 3, 2)


def _top_up(client, staff, amount: str, reference: str):
    return payment_record(
        client=client, amount=eur(amount), value_date=ISSUED, reference=reference, actor=staff
    )


def _proforma(client, payer, price: str) -> Invoice:
    return proforma_create(client=client, payer=payer, lines=[line(price=price)], issued_on=ISSUED)


def test_paying_a_proforma_charges_gross_once_and_numbers_it__BIL_01_BIL_04(
    estonian_client, estonian_payer, staff
):
    _top_up(estonian_client, staff, "50.00", "BANK-1")
    proforma = _proforma(estonian_client, estonian_payer, "10.00")
    assert proforma.gross_minor == 1240  # 10.00 + 24 % VAT

    invoice = invoice_pay_from_balance(proforma=proforma, paid_on=ISSUED)

    assert invoice.kind == Invoice.Kind.FINAL
    assert invoice.status == Invoice.Status.PAID
    assert invoice.number_display.startswith("INV-2026-")
    assert balance_of(estonian_client) == eur("37.60")
    assert balance_from_entries(estonian_client) == eur("37.60")
    charges = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.CHARGE)
    assert [c.idempotency_key for c in charges] == [f"invoice:{proforma.public_id}"]


def test_a_balance_short_of_the_gross_is_refused_and_nothing_changes__BIL_01_ORD_03(
    estonian_client, estonian_payer, staff
):
    _top_up(estonian_client, staff, "12.39", "BANK-1")
    proforma = _proforma(estonian_client, estonian_payer, "10.00")
    before = ledger_snapshot()

    with pytest.raises(Exception) as refused:
        invoice_pay_from_balance(proforma=proforma, paid_on=ISSUED)

    assert refused.value.code == "insufficient_balance"
    assert "balance" in refused.value.fields
    assert ledger_snapshot() == before
    proforma.refresh_from_db()
    assert (proforma.kind, proforma.status, proforma.number) == ("proforma", "issued", None)


def test_a_paid_proforma_cannot_be_paid_again__BIL_04(estonian_client, estonian_payer, staff):
    _top_up(estonian_client, staff, "50.00", "BANK-1")
    proforma = _proforma(estonian_client, estonian_payer, "10.00")
    invoice_pay_from_balance(proforma=proforma, paid_on=ISSUED)
    before = ledger_snapshot()

    with pytest.raises(Exception) as refused:
        invoice_pay_from_balance(proforma=proforma, paid_on=ISSUED)

    assert refused.value.code == "invoice_not_awaiting_payment"
    assert ledger_snapshot() == before


def test_settling_pays_oldest_first_and_stops_at_the_first_not_covered__ORD_03_BIL_03(
    estonian_client, estonian_payer, staff
):
    first = _proforma(estonian_client, estonian_payer, "10.00")  # 12.40
    second = _proforma(estonian_client, estonian_payer, "20.00")  # 24.80
    third = _proforma(estonian_client, estonian_payer, "1.00")  # 1.24
    _top_up(estonian_client, staff, "30.00", "BANK-1")

    paid = client_proformas_settle(client=estonian_client, today=ISSUED)

    assert [invoice.pk for invoice in paid] == [first.pk]
    assert balance_of(estonian_client) == eur("17.60")
    # The small third proforma does not jump ahead of the older second one.
    third.refresh_from_db()
    assert third.status == Invoice.Status.ISSUED

    _top_up(estonian_client, staff, "10.00", "BANK-2")
    paid = client_proformas_settle(client=estonian_client, today=ISSUED)
    assert [invoice.pk for invoice in paid] == [second.pk, third.pk]
    assert balance_of(estonian_client) == eur("1.56")
    assert client_proformas_settle(client=estonian_client, today=ISSUED) == []
    assert balance_from_entries(estonian_client) == eur("1.56")


def test_a_credit_note_gives_back_to_the_balance_what_it_takes_off__BIL_01_BIL_04(
    estonian_client, estonian_payer, staff
):
    from hostledger.invoicing.actions import credit_note_issue

    _top_up(estonian_client, staff, "50.00", "BANK-1")
    invoice = invoice_pay_from_balance(
        proforma=_proforma(estonian_client, estonian_payer, "10.00"), paid_on=ISSUED
    )
    assert balance_of(estonian_client) == eur("37.60")

    partial = credit_note_issue(
        invoice=invoice,
        reason="Two days of downtime",
        lines=[line(description="Downtime", price="2.50")],
        issued_on=ISSUED,
        actor=staff,
    )
    assert partial.gross_minor == -310  # 2.50 + 0.60 VAT
    assert balance_of(estonian_client) == eur("40.70")

    rest = credit_note_issue(
        invoice=invoice,
        reason="Service cancelled",
        lines=[line(description="Rest of the month", price="7.50")],
        issued_on=ISSUED,
        actor=staff,
    )
    assert rest.gross_minor == -930
    assert balance_of(estonian_client) == eur("50.00")
    assert balance_from_entries(estonian_client) == eur("50.00")
    reversals = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.CREDIT_NOTE)
    assert sorted(reversals.values_list("idempotency_key", flat=True)) == sorted(
        [f"credit_note:{partial.public_id}", f"credit_note:{rest.public_id}"]
    )
