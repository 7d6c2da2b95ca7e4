"""Reads of invoices and credit notes shared by web, API and jobs (habit 6).

Client-facing code passes the client it obtained from
``hostledger.accounts.selectors.client_access``; every look-up here is scoped to that
client, so another client's document is a 404 (``NotFound``), never a 403. Drafts are never
shown: they exist only inside the transaction of the action that issues them.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum

from hostledger.core.errors import NotFound
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.invoicing.models import CreditNote, Invoice


def client_invoices(client) -> QuerySet[Invoice]:
    """The client's issued proformas and invoices, newest first."""
    return Invoice.objects.filter(client=client).exclude(status=Invoice.Status.DRAFT)


def client_invoice(client, public_id: str) -> Invoice:
    """One of the client's invoices by its public id; another client's is not found."""
    invoice = client_invoices(client).filter(public_id=public_id).first()
    if invoice is None:
        raise NotFound("invoice")
    return invoice


def client_credit_notes(client) -> QuerySet[CreditNote]:
    """The client's issued credit notes, newest first."""
    return CreditNote.objects.filter(client=client, status=CreditNote.Status.ISSUED)


def client_credit_note(client, public_id: str) -> CreditNote:
    """One of the client's credit notes by its public id; another client's is not found."""
    note = client_credit_notes(client).filter(public_id=public_id).first()
    if note is None:
        raise NotFound("credit note")
    return note


def invoice_credited(invoice: Invoice) -> Money:
    """How much of the invoice its credit notes took back, as a positive amount (BIL-04)."""
    total = CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("gross_minor"))["total"]
    return Money(-(total or 0), invoice.currency)


def staff_invoices(
    *,
    client=None,
    status: str | None = None,
    kind: str | None = None,
    issued_from=None,
    issued_to=None,
) -> QuerySet[Invoice]:
    """Issued proformas and invoices of every client for staff, newest first, optionally of
    one client, in one status or kind, issued within ``[issued_from, issued_to]``."""
    invoices = Invoice.objects.exclude(status=Invoice.Status.DRAFT).select_related("client")
    if client is not None:
        invoices = invoices.filter(client=client)
    if status:
        invoices = invoices.filter(status=status)
    if kind:
        invoices = invoices.filter(kind=kind)
    if issued_from is not None:
        invoices = invoices.filter(issued_on__gte=issued_from)
    if issued_to is not None:
        invoices = invoices.filter(issued_on__lte=issued_to)
    return invoices.order_by("-issued_on", "-id")


def invoices_named(words: set[str]) -> dict[str, Invoice]:
    """The invoices that words of a bank transfer's remittance text name (BIL-06): a final
    invoice by its number (``INV-2026-000123``) or a proforma awaiting payment by the id it
    prints as the payment description (``inv_…``). ``words`` are upper case; the result is
    keyed by the word. Cancelled and draft invoices name nothing."""
    upper = {word.upper() for word in words if word}
    if not upper:
        return {}
    ids = {word.lower() for word in upper if word.startswith("INV_")}
    found: dict[str, Invoice] = {}
    proformas = Invoice.objects.filter(
        public_id__in=ids, kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED
    )
    for invoice in proformas.select_related("client"):
        found[invoice.public_id.upper()] = invoice
    finals = Invoice.objects.filter(
        number_display__in=upper, kind=Invoice.Kind.FINAL, status=Invoice.Status.PAID
    )
    for invoice in finals.select_related("client"):
        found[invoice.number_display.upper()] = invoice
    return found


def client_open_invoices(client, *, limit: int = 10) -> tuple[list[Invoice], int, Money]:
    """What ``client`` still has to pay: its issued, unpaid proformas and invoices, the
    earliest due first (at most ``limit``), with how many there are and their gross total."""
    open_invoices = client_invoices(client).filter(status=Invoice.Status.ISSUED)
    totals = open_invoices.aggregate(count=Count("id"), gross=Sum("gross_minor"))
    rows = list(open_invoices.order_by("due_on", "id")[:limit])
    return rows, totals["count"], Money(totals["gross"] or 0, DEFAULT_CURRENCY)


def client_id_lookups_by_invoice_number(text: str, number: int | None) -> list[QuerySet]:
    """Look-ups (not yet run) of the clients of the issued invoice numbered ``text``
    ("2026-00042") or with that public id, and of the issued proforma or invoice whose reader
    number is ``number``; each one index look-up, to be run together in one UNION by the
    staff search (issue 11 §8)."""
    issued = Invoice.objects.exclude(status=Invoice.Status.DRAFT)
    lookups = [
        issued.filter(number_display=text).values_list("client_id"),
        issued.filter(public_id=text).values_list("client_id"),
    ]
    if number is not None:
        lookups.append(issued.filter(pk=number).values_list("client_id"))
    return lookups
