"""Reads of invoices and credit notes across clients, for the staff area (BIL-03, BIL-04).

Client-facing code uses :mod:`hostledger.invoicing.selectors`, scoped to one client. These
functions see every client's documents; drafts are never shown (they exist only inside the
transaction of the action that issues them).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from hostledger.accounts.models import Client
from hostledger.core.errors import NotFound
from hostledger.core.fields import encrypted_field_paths
from hostledger.invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, VatRate

INVOICE_LIST_LIMIT = 200


def _issued() -> QuerySet[Invoice]:
    return Invoice.objects.exclude(status=Invoice.Status.DRAFT)


def invoices_for_staff(
    *,
    status: str = "",
    kind: str = "",
    client=None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = INVOICE_LIST_LIMIT,
) -> list[Invoice]:
    """Issued proformas and invoices of all clients, newest first, with their client.

    Filtered by status, kind, client and issue date (both days included); at most ``limit``
    rows, in one query that reads the newest-first index (issue 11 §8). The payer snapshot
    and the client's personal data, which the list does not show, are not read (nor
    decrypted).
    """
    invoices = (
        _issued()
        .select_related("client")
        .defer(*encrypted_field_paths(Invoice), *encrypted_field_paths(Client, "client"))
    )
    if status:
        invoices = invoices.filter(status=status)
    if kind:
        invoices = invoices.filter(kind=kind)
    if client is not None:
        invoices = invoices.filter(client_id=client.pk)
    if date_from is not None:
        invoices = invoices.filter(issued_on__gte=date_from)
    if date_to is not None:
        invoices = invoices.filter(issued_on__lte=date_to)
    return list(invoices.order_by("-issued_on", "-id")[:limit])


def invoice_for_staff(public_id: str) -> Invoice:
    """Any client's issued invoice with its client, lines and credit notes (and their
    lines) loaded; NotFound for a draft or an unknown id."""
    notes = CreditNote.objects.filter(status=CreditNote.Status.ISSUED).prefetch_related(
        Prefetch("lines", queryset=CreditNoteLine.objects.order_by("position", "id"))
    )
    invoice = (
        _issued()
        .select_related("client", "series")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
            Prefetch("credit_notes", queryset=notes.order_by("issued_on", "id")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if invoice is None:
        raise NotFound("invoice")
    return invoice


def vat_rate_table() -> QuerySet[VatRate]:
    """Every VAT rate with its validity dates, by country and start (BIL-05)."""
    return VatRate.objects.order_by("country", "valid_from", "id")
