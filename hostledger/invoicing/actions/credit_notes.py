"""Credit notes: the only way to correct an issued invoice (BIL-04)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions.invoices import clean_date, locked_invoice
from hostledger.invoicing.actions.settlement import invoice_charge_key
from hostledger.invoicing.lines import price_lines
from hostledger.invoicing.models import CreditNote, CreditNoteLine, Invoice
from hostledger.invoicing.numbering import series_next_number
from hostledger.invoicing.selectors import invoice_credited
from hostledger.invoicing.snapshots import entity_series_codes, provider_snapshot
from hostledger.ledger.actions import charge_reverse_post
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import LedgerTransaction

MAX_REASON_LENGTH = 1000


def _full_credit_lines(invoice: Invoice) -> list[dict]:
    """Every line of the invoice reversed exactly, amounts copied rather than recomputed."""
    return [
        {
            "position": line.position,
            "description": line.description,
            "quantity": -line.quantity,
            "unit_price_minor": line.unit_price_minor,
            "net_minor": -line.net_minor,
            "vat_rate": line.vat_rate,
            "vat_minor": -line.vat_minor,
            "period_start": line.period_start,
            "period_end": line.period_end,
            "unit_code": line.unit_code,
            "invoice_line": line,
        }
        for line in invoice.lines.order_by("position")
    ]


def _partial_credit_lines(invoice: Invoice, lines: Iterable) -> list[dict]:
    """The given lines priced at the invoice's VAT rate, negated."""
    priced, currency = price_lines(lines, vat_rate=invoice.vat_rate)
    if currency != invoice.currency:
        raise DomainError(
            "currency_mismatch",
            _("lines: a credit note of this invoice is in %(currency)s.")
            % {"currency": invoice.currency},
            fields={"lines": f"expected {invoice.currency}"},
        )
    return [line.model_fields(sign=-1) for line in priced]


@transaction.atomic
def credit_note_issue(
    *,
    invoice: Invoice,
    reason: str,
    actor=None,
    lines: Iterable | None = None,
    full: bool = False,
    issued_on: date | None = None,
) -> CreditNote:
    """Correct a final invoice with a credit note numbered in the credit-note series (BIL-04).

    ``full=True`` reverses every line of an invoice not yet credited, to the cent; otherwise
    ``lines`` (positive quantities and unit prices, as on an invoice) are credited at the
    invoice's VAT rate with line-level rounding (BIL-02). Credit notes of one invoice never
    take back more than its gross amount. The invoice is locked while this runs, so two
    credit notes at once cannot together exceed it; the invoice itself never changes. What the
    credit note takes off an invoice that was paid from the balance goes back to the balance
    in the same transaction (BIL-01).
    """
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            "invalid_reason",
            _(
                "reason: say why the invoice is corrected (at most %(max_reason_length)s "
                "characters)."
            )
            % {"max_reason_length": MAX_REASON_LENGTH},
            fields={"reason": "required"},
        )
    if full == (lines is not None):
        raise DomainError(
            "invalid_credit",
            _("lines: give either the lines to credit or full=True, not both or neither."),
            fields={"lines": "either lines or full=True"},
        )
    issued_on = clean_date(issued_on or timezone.localdate(), "issued_on")
    # Locks in the ledger's order: the client's balance, then the invoice, then the series.
    lock_client_balance(invoice.client)
    locked = locked_invoice(invoice)
    if locked.kind != Invoice.Kind.FINAL:
        raise DomainError(
            "invoice_not_final",
            _(
                "invoice: only a final (paid, numbered) invoice is corrected by a credit "
                "note; cancel an unpaid proforma instead."
            ),
            fields={"invoice": "not a final invoice"},
            status=409,
        )
    if issued_on < locked.finalised_on:
        raise DomainError(
            "invalid_date",
            _("issued_on: a credit note cannot predate the invoice it corrects."),
            fields={"issued_on": "before the invoice date"},
        )
    already = -invoice_credited(locked).minor
    if full:
        if already:
            raise DomainError(
                "invoice_partly_credited",
                _("full: this invoice was already partly credited; credit the remaining lines."),
                fields={"full": "invoice already partly credited"},
                status=409,
            )
        rows = _full_credit_lines(locked)
    else:
        rows = _partial_credit_lines(locked, lines)
    net_minor = sum(row["net_minor"] for row in rows)
    vat_minor = sum(row["vat_minor"] for row in rows)
    gross_minor = net_minor + vat_minor
    if locked.gross_minor + already + gross_minor < 0:
        remaining = Money(locked.gross_minor + already, locked.currency)
        raise DomainError(
            "credit_exceeds_invoice",
            _("lines: only %(remaining)s of this invoice is left to credit.")
            % {"remaining": remaining},
            fields={"lines": f"more than the {remaining} left to credit"},
            status=409,
        )
    __, credit_note_series = entity_series_codes(locked.entity)
    taken = series_next_number(series_code=credit_note_series, issued_on=issued_on)
    note = CreditNote.objects.create(
        status=CreditNote.Status.DRAFT,
        invoice=locked,
        client_id=locked.client_id,
        payer_snapshot=locked.payer_snapshot,
        provider_snapshot=provider_snapshot(locked.entity),
        entity_id=locked.entity_id,
        series=taken.series,
        number_year=taken.year,
        number=taken.number,
        number_display=taken.display,
        issued_on=issued_on,
        reason=reason,
        currency=locked.currency,
        net_minor=net_minor,
        vat_minor=vat_minor,
        gross_minor=gross_minor,
        created_by=actor,
    )
    for row in rows:
        CreditNoteLine.objects.create(credit_note=note, **row)
    CreditNote.objects.filter(pk=note.pk, status=CreditNote.Status.DRAFT).update(
        status=CreditNote.Status.ISSUED
    )
    record_audit_event(
        action="credit_note.issued",
        actor=actor,
        obj=note,
        subject_client_id=locked.client_id,
        data={
            "number": taken.display,
            "invoice": locked.number_display,
            "gross_minor": gross_minor,
        },
    )
    paid_from_balance = LedgerTransaction.objects.filter(
        idempotency_key=invoice_charge_key(locked)
    ).exists()
    if gross_minor and paid_from_balance:
        charge_reverse_post(
            client=locked.client,
            amount=Money(-gross_minor, locked.currency),
            vat_amount=Money(-vat_minor, locked.currency),
            idempotency_key=f"credit_note:{note.public_id}",
            actor=actor,
            memo=f"Credit note {taken.display} for invoice {locked.number_display}",
        )
    note.refresh_from_db()
    return note
