"""Schemas of invoices and credit notes (BIL-02 … BIL-05, BIL-10) and their conversions."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema
from hostledger.api.schemas_decisions import PenaltyOut, penalty_row
from hostledger.api.schemas_money import InputDate, MoneyIn, MoneyOut, day, multiline_text
from hostledger.automation.selectors import invoice_penalty
from hostledger.core.money import Money
from hostledger.invoicing.models import CreditNote, Invoice

InvoiceStatus = Literal["issued", "paid", "cancelled"]
InvoiceKind = Literal["proforma", "final"]
QUANTITY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,4})?$"


class InvoiceSummaryOut(Schema):
    """A proforma or invoice without its lines (BIL-03, BIL-04)."""

    id: str = Field(description="Public id of the invoice.", examples=["inv_3k9d2m7q8w1x4z6v"])
    kind: InvoiceKind = Field(description="proforma until paid, then final (numbered).")
    status: InvoiceStatus = Field(description="issued (awaiting payment), paid or cancelled.")
    number: str | None = Field(
        description="The gapless number of a final invoice (BIL-04); null for a proforma.",
        examples=["INV-2026-000001"],
    )
    issued_on: date
    due_on: date = Field(description="Payment is due on this day (BIL-03).")
    finalised_on: date | None = Field(description="When it was paid and numbered.")
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class StaffInvoiceSummaryOut(InvoiceSummaryOut):
    """An invoice in the staff list, with its client."""

    client_id: str = Field(
        description="Public id of the client.", examples=["cli_7m2k9d3q8w1x4z6v"]
    )


class PayerSnapshotOut(Schema):
    """The payer as printed on the document, frozen at issue (ACC-04)."""

    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    kind: str = Field(examples=["legal"])
    name: str = Field(examples=["Pilvepood OÜ"])
    registry_code: str = Field(examples=["12345678"])
    vat_number: str = Field(examples=["EE102329731"])
    street: str = Field(examples=["Narva mnt 5"])
    city: str = Field(examples=["Tallinn"])
    postal_code: str = Field(examples=["10117"])
    country: str = Field(examples=["EE"])
    invoice_email: str = Field(examples=["billing@pilvepood.example"])


class DocumentLineOut(Schema):
    """One line with its own rounding (BIL-02); negative on a credit note."""

    position: int
    description: str = Field(examples=["VPS Start, March 2026"])
    quantity: str = Field(description="Decimal string.", examples=["1.0000"])
    unit_price: MoneyOut = Field(description="Net unit price.")
    net: MoneyOut
    vat_rate: str = Field(description="VAT percent.", examples=["24.00"])
    vat: MoneyOut
    period_start: date | None
    period_end: date | None


class InvoiceOut(InvoiceSummaryOut):
    """A proforma or invoice with its lines, VAT decision and credit notes."""

    payer: PayerSnapshotOut | None = Field(
        description="The payer as printed; null where staff may not read personal data."
    )
    vat_scheme: str = Field(description="How VAT applies (BIL-05).", examples=["domestic"])
    vat_rate: str = Field(examples=["24.00"])
    vat_country: str = Field(examples=["EE"])
    vat_reason: str
    lines: list[DocumentLineOut]
    credited: MoneyOut = Field(description="Taken back by credit notes so far (BIL-04).")
    credit_note_ids: list[str] = Field(description="Public ids of its credit notes.")
    penalty: PenaltyOut | None = Field(
        description="The late-payment penalty, apart from the total (BIL-07); null when none."
    )


class CreditNoteSummaryOut(Schema):
    """A credit note correcting a final invoice; amounts are negative (BIL-04)."""

    id: str = Field(description="Public id of the credit note.", examples=["crn_3k9d2m7q8w1x4z6v"])
    invoice_id: str = Field(description="The invoice it corrects.")
    number: str = Field(examples=["CN-2026-000001"])
    issued_on: date
    reason: str
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class CreditNoteOut(CreditNoteSummaryOut):
    """A credit note with its lines."""

    payer: PayerSnapshotOut | None
    lines: list[DocumentLineOut]


class CreditNoteLineIn(InputSchema):
    """A line to credit, as on an invoice: positive quantity and net unit price."""

    description: multiline_text(500, "What is credited.", ["VPS Start, March 2026"])
    quantity: str = Field(pattern=QUANTITY_PATTERN, examples=["1"])
    unit_price: MoneyIn = Field(description="Net unit price, in the invoice's currency.")
    period_start: InputDate | None = day("First day of the period credited.")
    period_end: InputDate | None = day("Last day of the period credited.")


class CreditNoteIssueIn(InputSchema):
    """Either ``full: true`` (reverse every line) or ``lines``."""

    reason: multiline_text(1000, "Why the invoice is corrected.", ["Service interrupted"])
    full: bool = Field(False, description="Reverse every line of an invoice not yet credited.")
    lines: list[CreditNoteLineIn] | None = Field(
        None, min_length=1, max_length=500, description="The lines to credit."
    )


class ProformaCancelIn(InputSchema):
    reason: multiline_text(200, "Why it is withdrawn.", ["Ordered by mistake"]) = ""


class InvoiceFilter(Schema):
    status: InvoiceStatus | None = Field(None, description="Only in this status.")
    kind: InvoiceKind | None = Field(None, description="Only of this kind.")


class StaffInvoiceFilter(InvoiceFilter):
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client (public id).",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )
    issued_from: InputDate | None = day("Issued on or after this day.")
    issued_to: InputDate | None = day("Issued on or before this day.")


# ----------------------------------------------------------------------------- conversions


def _lines(document, currency: str) -> list[dict]:
    return [
        {
            "position": line.position,
            "description": line.description,
            "quantity": str(line.quantity),
            "unit_price": Money(line.unit_price_minor, currency),
            "net": Money(line.net_minor, currency),
            "vat_rate": str(line.vat_rate),
            "vat": Money(line.vat_minor, currency),
            "period_start": line.period_start,
            "period_end": line.period_end,
        }
        for line in document.lines.order_by("position", "id")
    ]


def _payer(document) -> dict:
    data = document.payer_data
    return {
        "payer_id": data.get("public_id", ""),
        **{
            name: data.get(name, "") or ""
            for name in (
                "kind",
                "name",
                "registry_code",
                "vat_number",
                "street",
                "city",
                "postal_code",
                "country",
                "invoice_email",
            )
        },
    }


def invoice_summary(invoice: Invoice) -> dict:
    """An invoice as :class:`InvoiceSummaryOut`."""
    return {
        "id": invoice.public_id,
        "kind": invoice.kind,
        "status": invoice.status,
        "number": invoice.number_display or None,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "finalised_on": invoice.finalised_on,
        "net": invoice.net,
        "vat": invoice.vat,
        "gross": invoice.gross,
    }


def staff_invoice_summary(invoice: Invoice) -> dict:
    """An invoice (with its client loaded) as :class:`StaffInvoiceSummaryOut`."""
    return {**invoice_summary(invoice), "client_id": invoice.client.public_id}


def invoice_detail(invoice: Invoice, *, credited: Money, with_payer: bool = True) -> dict:
    """An invoice as :class:`InvoiceOut`; ``credited`` from ``invoice_credited``."""
    return {
        **invoice_summary(invoice),
        "payer": _payer(invoice) if with_payer else None,
        "vat_scheme": invoice.vat_scheme,
        "vat_rate": str(invoice.vat_rate),
        "vat_country": invoice.vat_country,
        "vat_reason": invoice.vat_reason,
        "lines": _lines(invoice, invoice.currency),
        "credited": credited,
        "credit_note_ids": list(
            invoice.credit_notes.filter(status=CreditNote.Status.ISSUED)
            .order_by("issued_on", "id")
            .values_list("public_id", flat=True)
        ),
        "penalty": penalty_row(invoice_penalty(invoice)),
    }


def credit_note_summary(note: CreditNote) -> dict:
    """A credit note (with its invoice loaded) as :class:`CreditNoteSummaryOut`."""
    return {
        "id": note.public_id,
        "invoice_id": note.invoice.public_id,
        "number": note.number_display,
        "issued_on": note.issued_on,
        "reason": note.reason,
        "net": note.net,
        "vat": note.vat,
        "gross": note.gross,
    }


def credit_note_detail(note: CreditNote, *, with_payer: bool = True) -> dict:
    """A credit note as :class:`CreditNoteOut`."""
    return {
        **credit_note_summary(note),
        "payer": _payer(note) if with_payer else None,
        "lines": _lines(note, note.currency),
    }
