"""Proformas and invoices: create, finalise when paid, cancel (BIL-02, BIL-03, BIL-04, BIL-05)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.invoicing.lines import line_totals, price_lines
from hostledger.invoicing.models import Invoice, InvoiceLine, VatNumberCheck
from hostledger.invoicing.numbering import series_next_number
from hostledger.invoicing.snapshots import entity_series_codes, payer_snapshot, provider_snapshot
from hostledger.invoicing.vat import (
    ZERO_RATE,
    VatDecision,
    compact_vat_number,
    vat_decision,
    vies_look_up,
    vies_look_up_wanted,
)
from hostledger.providers.models import default_entity_id

BUSINESS_PAYER_KIND = "legal"


def clean_date(value, field: str) -> date:
    """``value`` if it is a calendar date (not a datetime), else a DomainError naming ``field``."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError(
            "invalid_date",
            _("%(field)s: expected a date.") % {"field": field},
            fields={field: "expected a date"},
        )
    return value


def _check_payer(client, payer) -> None:
    if payer is None or payer.client_id != client.pk:
        raise DomainError(
            "invalid_payer",
            _("payer: the payer must be one of the client's billing identities."),
            fields={"payer": "not a payer of this client"},
        )
    if payer.archived_at is not None:
        raise DomainError(
            "payer_archived",
            _("payer: this payer is archived; choose another."),
            fields={"payer": "archived"},
        )


def payer_vat_decision(*, payer, supply_date: date) -> VatDecision:
    """The VAT decision for a sale to ``payer`` on ``supply_date``, asking VIES when the
    decision depends on it (BIL-05). Runs no transaction: call it before writing."""
    vat_number = compact_vat_number(payer.vat_number)
    is_business = payer.kind == BUSINESS_PAYER_KIND
    vies_result = None
    if vat_number and vies_look_up_wanted(
        buyer_country=payer.country, buyer_is_business=is_business, vat_number=vat_number
    ):
        vies_result = vies_look_up(vat_number=vat_number)
    return vat_decision(
        buyer_country=payer.country,
        buyer_is_business=is_business,
        buyer_vat_number=vat_number,
        supply_date=supply_date,
        vies_result=vies_result,
    )


def proforma_create(
    *,
    client,
    payer,
    lines: Iterable,
    actor=None,
    issued_on: date | None = None,
    order_reference: str = "",
    entity=None,
) -> Invoice:
    """Issue a proforma invoice to ``client`` for ``lines`` (BIL-03, BIL-05, BIL-02).

    ``entity`` is the provider entity that sells what the lines bill (the entity of the
    product's family); the proforma prints its seller details and, when paid, takes a number
    of its series. Without one, the default entity issues it.

    VAT follows :func:`~hostledger.invoicing.vat.vat_decision` for the payer's country, kind
    (a legal person is a business) and VAT number on the issue date; a VIES look-up, when one
    is wanted, happens before the transaction opens. Each line is rounded half up to the
    cent (BIL-02). The proforma is due ``invoicing.due_working_days`` working days after
    issue (BIL-03), carries the payer's and the provider's data as they are now, and has no
    number until it is paid (BIL-04). ``order_reference`` names the order it bills, if any
    (EN 16931 BT-13).

    The VIES look-up waits for the network, so it is made first and the writes follow in one
    transaction of their own: nothing is written when any check fails.
    """
    _check_payer(client, payer)
    # The payer as stored now, not as the caller last read it: that is what gets printed.
    payer = type(payer)._default_manager.get(pk=payer.pk)
    issued_on = clean_date(issued_on or timezone.localdate(), "issued_on")
    lines = list(lines) if isinstance(lines, Iterable) and not isinstance(lines, dict) else lines
    # Check the lines before VIES is asked, so that bad input costs no look-up.
    price_lines(lines, vat_rate=ZERO_RATE)
    decision = payer_vat_decision(payer=payer, supply_date=issued_on)
    priced, currency = price_lines(lines, vat_rate=decision.rate)
    net, vat_total = line_totals(priced, currency)
    due_on = add_working_days(issued_on, setting_value(conf.DUE_WORKING_DAYS))

    with transaction.atomic():
        check = None
        if decision.number_check is not None:
            check = VatNumberCheck.objects.create(
                payer=payer, **decision.number_check.as_model_fields()
            )
        invoice = Invoice.objects.create(
            kind=Invoice.Kind.PROFORMA,
            status=Invoice.Status.DRAFT,
            client=client,
            payer=payer,
            payer_snapshot=payer_snapshot(payer),
            provider_snapshot=provider_snapshot(entity),
            entity_id=entity.pk if entity is not None else default_entity_id(),
            issued_on=issued_on,
            due_on=due_on,
            currency=currency,
            net_minor=net.minor,
            vat_minor=vat_total.minor,
            gross_minor=(net + vat_total).minor,
            vat_scheme=decision.scheme,
            vat_rate=decision.rate,
            vat_country=decision.country,
            vat_reason=decision.reason,
            vat_number_check=check,
            order_reference=str(order_reference or "")[:64],
            created_by=actor,
        )
        for line in priced:
            InvoiceLine.objects.create(invoice=invoice, **line.model_fields())
        Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DRAFT).update(
            status=Invoice.Status.ISSUED
        )
        record_audit_event(
            action="invoice.proforma_issued",
            actor=actor,
            obj=invoice,
            subject_client_id=client.pk,
            data={"gross_minor": invoice.gross_minor, "currency": currency},
        )
    invoice.refresh_from_db()
    return invoice


def locked_invoice(invoice: Invoice) -> Invoice:
    """The invoice's row, re-read and locked until the current transaction ends."""
    locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    if locked is None:
        raise DomainError("not_found", _("No such invoice."), status=404)
    return locked


def locked_proforma_awaiting_payment(invoice: Invoice) -> Invoice:
    """The invoice's row, locked, if it is a proforma awaiting payment; otherwise a refusal
    ``invoice_not_awaiting_payment`` naming its status."""
    locked = locked_invoice(invoice)
    if locked.kind != Invoice.Kind.PROFORMA or locked.status != Invoice.Status.ISSUED:
        raise DomainError(
            "invoice_not_awaiting_payment",
            _("Invoice %(invoice)s is %(state)s, not a proforma awaiting payment.")
            % {"invoice": locked, "state": locked.get_status_display().lower()},
            fields={"proforma": f"status is {locked.status}"},
            status=409,
        )
    return locked


@transaction.atomic
def invoice_finalise(*, proforma: Invoice, paid_on: date, actor=None) -> Invoice:
    """Turn a paid proforma into the final invoice with the next gapless number (BIL-04).

    The proforma row is locked first, then the series row; the number is taken in this
    transaction, so concurrent payments of different proformas get consecutive numbers and a
    failed payment uses none. Only the kind, status, number and ``finalised_on`` change; the
    lines, amounts, VAT and snapshots stay as issued. A proforma already paid or cancelled is
    refused and nothing changes.
    """
    paid_on = clean_date(paid_on, "paid_on")
    locked = locked_proforma_awaiting_payment(proforma)
    if paid_on < locked.issued_on:
        raise DomainError(
            "invalid_date",
            _("paid_on: a proforma cannot be paid before it was issued."),
            fields={"paid_on": "before the issue date"},
        )
    invoice_series, __ = entity_series_codes(locked.entity)
    taken = series_next_number(series_code=invoice_series, issued_on=paid_on)
    Invoice.objects.filter(
        pk=locked.pk, kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED
    ).update(
        kind=Invoice.Kind.FINAL,
        status=Invoice.Status.PAID,
        series=taken.series,
        number_year=taken.year,
        number=taken.number,
        number_display=taken.display,
        finalised_on=paid_on,
    )
    record_audit_event(
        action="invoice.finalised",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"number": taken.display, "paid_on": paid_on.isoformat()},
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def proforma_cancel(*, proforma: Invoice, actor=None, reason: str = "") -> Invoice:
    """Withdraw an unpaid proforma (BIL-04): it keeps no number, so no gap appears."""
    locked = locked_invoice(proforma)
    if locked.kind != Invoice.Kind.PROFORMA or locked.status != Invoice.Status.ISSUED:
        raise DomainError(
            "invoice_not_awaiting_payment",
            _(
                "Invoice %(invoice)s is %(state)s; only an unpaid proforma can be "
                "cancelled. Correct a final invoice with a credit note."
            )
            % {"invoice": locked, "state": locked.get_status_display().lower()},
            fields={"proforma": f"status is {locked.status}"},
            status=409,
        )
    Invoice.objects.filter(pk=locked.pk, status=Invoice.Status.ISSUED).update(
        status=Invoice.Status.CANCELLED
    )
    record_audit_event(
        action="invoice.proforma_cancelled",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"reason": (reason or "").strip()[:200]},
    )
    locked.refresh_from_db()
    return locked
