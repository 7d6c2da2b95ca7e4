"""Credit notes: the only correction of an issued invoice, numbered in their own series
(BIL-04), with line-level rounding (BIL-02)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.models import (
    CreditNote,
    CreditNoteLine,
    DocumentIssuedError,
    Invoice,
    InvoiceSeriesCounter,
)
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db

ISSUED = date(2025, 8, 1)
PAID = date(2025, 8, 4)
CREDITED = date(2025, 8, 20)


@pytest.fixture
def invoice(estonian_client, estonian_payer) -> Invoice:
    """A paid invoice at 24 %: 3 x 3.33 (net 9.99, VAT 2.40) and 1 x 12.00 (net 12, VAT 2.88)."""
    proforma = proforma_create(
        client=estonian_client,
        payer=estonian_payer,
        lines=[line("Web hosting S", "3", "3.33"), line("VPS Start", "1", "12.00")],
        issued_on=ISSUED,
    )
    return invoice_finalise(proforma=proforma, paid_on=PAID)


def _state() -> dict:
    return {
        "notes": list(CreditNote.objects.order_by("id").values()),
        "lines": list(CreditNoteLine.objects.order_by("id").values()),
        "invoices": list(Invoice.objects.order_by("id").values()),
        "counters": list(InvoiceSeriesCounter.objects.order_by("id").values()),
        "audit": AuditEvent.objects.count(),
    }


def test_invoice_totals_at_24_percent__BIL_02(invoice):
    assert list(invoice.lines.values_list("net_minor", "vat_minor")) == [(999, 240), (1200, 288)]
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (2199, 528, 2727)


def test_full_credit_note_reverses_every_line_to_the_cent__BIL_04(invoice, staff):
    before = list(Invoice.objects.filter(pk=invoice.pk).values())
    note = credit_note_issue(
        invoice=invoice, full=True, reason="Order cancelled", actor=staff, issued_on=CREDITED
    )
    assert (note.status, note.number_display, note.number) == ("issued", "CN-2025-000001", 1)
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-2199, -528, -2727)
    assert list(
        note.lines.order_by("position").values_list(
            "quantity", "unit_price_minor", "net_minor", "vat_rate", "vat_minor", "invoice_line"
        )
    ) == [
        (Decimal("-3.0000"), 333, -999, Decimal("24.00"), -240, invoice.lines.get(position=1).pk),
        (Decimal("-1.0000"), 1200, -1200, Decimal("24.00"), -288, invoice.lines.get(position=2).pk),
    ]
    assert note.payer_data == invoice.payer_data
    assert note.provider_snapshot["vat_number"] == "EE102329731"
    assert list(Invoice.objects.filter(pk=invoice.pk).values()) == before
    event = AuditEvent.objects.get(action="credit_note.issued")
    assert event.data == {
        "number": "CN-2025-000001",
        "invoice": "INV-2025-000001",
        "gross_minor": -2727,
    }


def test_partial_credit_note_is_rounded_per_line__BIL_02(invoice):
    note = credit_note_issue(
        invoice=invoice,
        lines=[line("Web hosting S, one month back", "1", "3.33")],
        reason="Service interrupted for a month",
        issued_on=CREDITED,
    )
    # 3.33 x 24 % = 0.7992 → 0.80
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-333, -80, -413)
    second = credit_note_issue(
        invoice=invoice,
        lines=[line("Goodwill", "1", "0.01")],
        reason="Goodwill",
        issued_on=CREDITED,
    )
    assert (second.number, second.gross_minor) == (2, -1)  # 0.01 x 24 % = 0.0024 → 0.00


def test_credits_never_exceed_the_invoice_and_nothing_is_written__BIL_04(invoice):
    credit_note_issue(
        invoice=invoice,
        lines=[line("VPS Start", "1", "12.00")],
        reason="VPS refunded",
        issued_on=CREDITED,
    )
    before = _state()
    with pytest.raises(DomainError) as refused:
        credit_note_issue(
            invoice=invoice,
            lines=[line("Web hosting S", "3", "3.34")],
            reason="Too much",
            issued_on=CREDITED,
        )
    assert refused.value.code == "credit_exceeds_invoice"
    assert "lines" in refused.value.fields
    with pytest.raises(DomainError) as full:
        credit_note_issue(invoice=invoice, full=True, reason="Everything", issued_on=CREDITED)
    assert "full" in full.value.fields
    assert _state() == before
    rest = credit_note_issue(
        invoice=invoice,
        lines=[line("Web hosting S", "3", "3.33")],
        reason="The rest",
        issued_on=CREDITED,
    )
    assert rest.number == 2  # the refused attempts used no number
    assert sum(CreditNote.objects.values_list("gross_minor", flat=True)) == -invoice.gross_minor


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"full": True, "reason": " "}, "reason"),
        ({"reason": "why"}, "lines"),
        ({"full": True, "lines": [], "reason": "why"}, "lines"),
        ({"lines": [line(quantity="0")], "reason": "why"}, "lines[0].quantity"),
        ({"full": True, "reason": "why", "issued_on": date(2025, 8, 3)}, "issued_on"),
    ],
)
def test_bad_credit_note_input_is_refused_naming_the_field__BIL_04(invoice, kwargs, field):
    before = _state()
    kwargs.setdefault("issued_on", CREDITED)
    with pytest.raises(DomainError) as refused:
        credit_note_issue(invoice=invoice, **kwargs)
    assert field in refused.value.fields
    assert _state() == before


def test_a_proforma_is_cancelled_not_credited__BIL_04(estonian_client, estonian_payer):
    proforma = proforma_create(
        client=estonian_client, payer=estonian_payer, lines=[line()], issued_on=ISSUED
    )
    before = _state()
    with pytest.raises(DomainError) as refused:
        credit_note_issue(invoice=proforma, full=True, reason="x", issued_on=CREDITED)
    assert refused.value.code == "invoice_not_final"
    assert _state() == before


def test_issued_credit_note_refuses_any_change__BIL_04(invoice):
    note = credit_note_issue(invoice=invoice, full=True, reason="Cancelled", issued_on=CREDITED)
    before = _state()
    note.reason = "Something else"
    with pytest.raises(DocumentIssuedError):
        note.save()
    with pytest.raises(DocumentIssuedError):
        note.delete()
    first = note.lines.first()
    first.net_minor = 0
    with pytest.raises(DocumentIssuedError):
        first.save()
    assert _state() == before
