"""The client area's invoices and credit notes: lists, documents, paying from the balance.

Proformas awaiting payment are paid from the prepaid balance (BIL-01, BIL-03) or, when it does
not cover them, the page offers a top-up of what is missing. Every document is loaded through
the invoicing selectors scoped to the client, so another client's is a 404 (habit 6); paying
is a billing write (ACC-06). Documents download as PDF and as e-invoice XML (BIL-10).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.invoicing.documents import (
    PDF_MEDIA_TYPE,
    XML_MEDIA_TYPE,
    document_file_name,
    document_pdf,
    invoice_einvoice_xml,
    invoice_ubl_xml,
    peppol_addressable,
)
from hostledger.invoicing.documents.content import document_content
from hostledger.invoicing.models import Invoice, VatScheme
from hostledger.invoicing.selectors import (
    client_credit_note,
    client_credit_notes,
    client_invoice,
    client_invoices,
    invoice_credited,
)
from hostledger.ledger.conf import TOP_UP_MINIMUM
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import proforma_pay_from_balance
from hostledger.web.decorators import client_area

BILLING = AccessGrant.Scope.BILLING


@dataclass(frozen=True)
class ProformaToPay:
    """A proforma awaiting payment and how the balance stands against it.

    ``missing`` is what the balance lacks (zero when it covers the proforma);
    ``top_up_amount`` is what the top-up page is filled in with: the missing amount, or the
    smallest top-up allowed when less is missing.
    """

    invoice: Invoice
    covered: bool
    missing: Money
    top_up_amount: Money


def smallest_top_up() -> Money:
    return Money.of(setting_value(TOP_UP_MINIMUM), rounding=True)


def proforma_to_pay(invoice: Invoice, balance: Money, minimum: Money) -> ProformaToPay:
    """How ``balance`` stands against ``invoice``; ``minimum`` is the smallest top-up."""
    gross = invoice.gross
    missing = gross - balance if balance < gross else Money.zero(gross.currency)
    return ProformaToPay(
        invoice=invoice,
        covered=missing.is_zero(),
        missing=missing,
        top_up_amount=max(missing, minimum),
    )


def vat_scheme_label(scheme: str) -> str:
    """How VAT applied to the sale, in words (BIL-05)."""
    return dict(VatScheme.choices).get(scheme, scheme)


def _is_awaiting_payment(invoice: Invoice) -> bool:
    return invoice.kind == Invoice.Kind.PROFORMA and invoice.status == Invoice.Status.ISSUED


@require_GET
@client_area(reads=BILLING)
def invoice_list(request, access):
    """Proformas awaiting payment with what the balance lacks, final invoices, cancelled
    proformas and credit notes (BIL-03, BIL-04)."""
    balance = balance_of(access.client)
    invoices = list(client_invoices(access.client))
    minimum = smallest_top_up()
    awaiting = sorted(
        (
            proforma_to_pay(invoice, balance, minimum)
            for invoice in invoices
            if _is_awaiting_payment(invoice)
        ),
        key=lambda row: (row.invoice.due_on, row.invoice.issued_on, row.invoice.pk),
    )
    context = {
        "access": access,
        "balance": balance,
        "awaiting": awaiting,
        "awaiting_total": Money.total(row.invoice.gross for row in awaiting),
        "final_invoices": [invoice for invoice in invoices if invoice.kind == Invoice.Kind.FINAL],
        "cancelled": [
            invoice for invoice in invoices if invoice.status == Invoice.Status.CANCELLED
        ],
        "credit_notes": list(client_credit_notes(access.client).select_related("invoice")),
        "can_write": access.can_write(BILLING),
    }
    return render(request, "web/client/money/invoice_list.html", context)


@require_GET
@client_area(reads=BILLING)
def invoice_detail(request, access, public_id):
    """One invoice or proforma as it was issued: payer, lines, VAT per rate and the reason for
    the VAT treatment (BIL-05), totals, what credit notes took back (BIL-04), downloads."""
    invoice = client_invoice(access.client, public_id)
    to_pay = None
    if _is_awaiting_payment(invoice):
        to_pay = proforma_to_pay(invoice, balance_of(access.client), smallest_top_up())
    doc = document_content(invoice)
    context = {
        "access": access,
        "invoice": invoice,
        "doc": doc,
        "vat_scheme_label": vat_scheme_label(doc.vat_scheme),
        "to_pay": to_pay,
        "credited": invoice_credited(invoice),
        "credit_notes": list(client_credit_notes(access.client).filter(invoice=invoice)),
        "has_einvoice": invoice.kind == Invoice.Kind.FINAL,
        "has_ubl": invoice.kind == Invoice.Kind.FINAL and peppol_addressable(doc),
        "can_write": access.can_write(BILLING),
    }
    return render(request, "web/client/money/invoice_detail.html", context)


@require_POST
@client_area(reads=BILLING)
def invoice_pay(request, access, public_id):
    """Pay a proforma from the prepaid balance; it becomes a numbered invoice (BIL-01, BIL-04).
    A balance that does not cover it changes nothing and says so."""
    invoice = client_invoice(access.client, public_id)
    access.require_write(BILLING)
    try:
        paid = proforma_pay_from_balance(proforma=invoice, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Paid from your balance: invoice %(number)s.") % {"number": paid.number_display},
        )
    return redirect("web:invoice_detail", public_id=invoice.public_id)


@require_GET
@client_area(reads=BILLING)
def credit_note_detail(request, access, public_id):
    """A credit note: what it takes back from which invoice, and why (BIL-04)."""
    note = client_credit_note(access.client, public_id)
    doc = document_content(note)
    context = {
        "access": access,
        "note": note,
        "doc": doc,
        "vat_scheme_label": vat_scheme_label(doc.vat_scheme),
        "has_ubl": peppol_addressable(doc),
    }
    return render(request, "web/client/money/credit_note_detail.html", context)


# ----------------------------------------------------------------------------- downloads


def _download(content: bytes, media_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _einvoice_download(document, *, ubl: bool = False) -> HttpResponse:
    try:
        xml = invoice_ubl_xml(document) if ubl else invoice_einvoice_xml(document)
    except DomainError as error:  # a proforma has no e-invoice; a consumer no Peppol UBL
        raise Http404(error.message) from error
    name = document_file_name(document, extension="ubl.xml" if ubl else "xml")
    return _download(xml, XML_MEDIA_TYPE, name)


@require_GET
@client_area(reads=BILLING)
def invoice_pdf(request, access, public_id):
    """The invoice or proforma as PDF; a final invoice's carries its e-invoice (BIL-10)."""
    invoice = client_invoice(access.client, public_id)
    file_name = document_file_name(invoice, extension="pdf")
    return _download(document_pdf(invoice), PDF_MEDIA_TYPE, file_name)


@require_GET
@client_area(reads=BILLING)
def invoice_xml(request, access, public_id):
    """A final invoice as EN 16931 e-invoice XML (BIL-10); a proforma has none (404)."""
    return _einvoice_download(client_invoice(access.client, public_id))


@require_GET
@client_area(reads=BILLING)
def credit_note_pdf(request, access, public_id):
    note = client_credit_note(access.client, public_id)
    return _download(document_pdf(note), PDF_MEDIA_TYPE, document_file_name(note, extension="pdf"))


@require_GET
@client_area(reads=BILLING)
def credit_note_xml(request, access, public_id):
    return _einvoice_download(client_credit_note(access.client, public_id))


@require_GET
@client_area
def invoice_ubl(request, access, public_id):
    """A final invoice as Peppol BIS Billing 3.0 UBL (BIL-10); 404 for a proforma or a buyer
    without an electronic address."""
    return _einvoice_download(client_invoice(access.client, public_id), ubl=True)


@require_GET
@client_area
def credit_note_ubl(request, access, public_id):
    """A credit note as Peppol BIS Billing 3.0 UBL (BIL-10)."""
    return _einvoice_download(client_credit_note(access.client, public_id), ubl=True)
