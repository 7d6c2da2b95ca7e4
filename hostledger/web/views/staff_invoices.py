"""Staff pages of invoices: the list across clients, one invoice, credit notes and the
cancellation of an unpaid proforma (BIL-03, BIL-04).

Every page needs ``billing.manage`` (ACC-11) and two-factor sign-in (ACC-09). An issued
invoice is never edited: it is corrected by a credit note, or, while it is an unpaid
proforma, cancelled. The payer printed on an invoice is personal data: it is shown only to
holders of ``clients.view_personal_data`` and each showing is recorded (GDPR-12).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing import actions, staff_selectors
from hostledger.invoicing.models import Invoice
from hostledger.web.decorators import staff_area
from hostledger.web.forms_bulk import InvoiceBulkForm
from hostledger.web.forms_staff_money import CreditNoteForm, InvoiceFilterForm, ProformaCancelForm
from hostledger.web.views.common import form_data, render_form_page

BILLING = perms.BILLING_MANAGE


def _credited(invoice: Invoice) -> Money:
    """How much the invoice's credit notes took back, from the prefetched notes."""
    return Money(-sum(note.gross_minor for note in invoice.credit_notes.all()), invoice.currency)


def _with_amounts(lines, currency: str) -> list:
    """The document's lines with their unit price, net and VAT as Money, for display."""
    lines = list(lines)
    for line in lines:
        line.unit_price_amount = Money(line.unit_price_minor, currency)
        line.net_amount = Money(line.net_minor, currency)
        line.vat_amount = Money(line.vat_minor, currency)
    return lines


def _can_cancel(invoice: Invoice) -> bool:
    return invoice.kind == Invoice.Kind.PROFORMA and invoice.status == Invoice.Status.ISSUED


@require_GET
@staff_area(BILLING)
def invoice_list(request):
    """Proformas and invoices of all clients, newest first, by status, kind, client and
    issue date (BIL-03, BIL-04)."""
    form = InvoiceFilterForm(request.GET or None)
    invoices = [] if form.is_bound and not form.is_valid() else None
    if invoices is None:
        invoices = staff_selectors.invoices_for_staff(**form.filters())
    context = {
        "form": form,
        "invoices": invoices,
        "limit": staff_selectors.INVOICE_LIST_LIMIT,
        # Payment reminders go to issued proformas; the job skips those not overdue.
        "bulk_form": InvoiceBulkForm(),
        "page_ids": [invoice.public_id for invoice in invoices if _can_cancel(invoice)],
    }
    return render(request, "web/staff/money/invoice_list.html", context)


def _invoice_page(request, invoice, *, cancel_form=None, status=200):
    shows_payer = perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)
    if shows_payer:
        record_personal_data_read(
            actor=request.user,
            client=invoice.client,
            what=f"invoice {invoice.public_id}: payer as printed",
            request=request,
        )
    credited = _credited(invoice)
    context = {
        "invoice": invoice,
        "lines": _with_amounts(invoice.lines.all(), invoice.currency),
        "credit_notes": [
            (note, _with_amounts(note.lines.all(), note.currency))
            for note in invoice.credit_notes.all()
        ],
        "shows_payer": shows_payer,
        "credited": credited,
        "left_to_credit": invoice.gross - credited,
        "can_cancel": _can_cancel(invoice),
        "can_credit": invoice.kind == Invoice.Kind.FINAL and invoice.gross > credited,
        "cancel_form": cancel_form or ProformaCancelForm(),
    }
    return render(request, "web/staff/money/invoice_detail.html", context, status=status)


@require_GET
@staff_area(BILLING)
def invoice_detail(request, public_id):
    """One invoice with its lines, VAT decision and credit notes (BIL-04)."""
    return _invoice_page(request, staff_selectors.invoice_for_staff(public_id))


@require_http_methods(["GET", "POST"])
@staff_area(BILLING)
def credit_note_issue(request, public_id):
    """Correct a final invoice with a credit note: all of it or chosen lines (BIL-04)."""
    invoice = staff_selectors.invoice_for_staff(public_id)
    _with_amounts(invoice.lines.all(), invoice.currency)
    form = CreditNoteForm(form_data(request), invoice=invoice)
    if request.method == "POST" and form.is_valid():
        full = form.cleaned_data["mode"] == "full"
        try:
            note = actions.credit_note_issue(
                invoice=invoice,
                reason=form.cleaned_data["reason"],
                full=full,
                lines=None if full else form.line_inputs(),
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Credit note %(note)s of %(amount)s %(currency)s issued for invoice %(invoice)s.")
                % {
                    "note": note.number_display,
                    "amount": note.gross.amount,
                    "currency": note.currency,
                    "invoice": invoice.number_display,
                },
            )
            return redirect("web:staff_invoice", public_id=invoice.public_id)
    credited = _credited(invoice)
    context = {
        "invoice": invoice,
        "form": form,
        "credited": credited,
        "left_to_credit": invoice.gross - credited,
    }
    return render_form_page(request, "web/staff/money/credit_note_form.html", context, form=form)


@require_POST
@staff_area(BILLING)
def proforma_cancel(request, public_id):
    """Withdraw an unpaid proforma with a reason; it keeps no number (BIL-04)."""
    invoice = staff_selectors.invoice_for_staff(public_id)
    form = ProformaCancelForm(request.POST)
    if form.is_valid():
        try:
            actions.proforma_cancel(
                proforma=invoice, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Proforma %(invoice)s is cancelled.") % {"invoice": invoice.public_id}
            )
        return redirect("web:staff_invoice", public_id=invoice.public_id)
    return _invoice_page(request, invoice, cancel_form=form, status=400)
