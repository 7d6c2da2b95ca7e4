"""Invoices and credit notes: the client's documents with PDF and e-invoice downloads
(BIL-03, BIL-04, BIL-10), and staff corrections: credit notes and cancelled proformas.

Clients (and trusted users of their account, ACC-06) read their own issued documents; another
client's document answers 404. Staff with ``billing.manage`` list documents of every client,
issue credit notes and cancel unpaid proformas. The payer printed on a document is personal
data: staff see it only with ``clients.view_personal_data``, and each such read is recorded
in the audit trail (GDPR-12).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.personal_data import staff_may_read_personal_data
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_invoices import (
    CreditNoteIssueIn,
    CreditNoteOut,
    CreditNoteSummaryOut,
    InvoiceFilter,
    InvoiceOut,
    InvoiceSummaryOut,
    ProformaCancelIn,
    StaffInvoiceFilter,
    StaffInvoiceSummaryOut,
    credit_note_detail,
    credit_note_summary,
    invoice_detail,
    invoice_summary,
    staff_invoice_summary,
)
from hostledger.api.schemas_money import binary_download, check_date_range, staff_money
from hostledger.core.limits import staff_payment_maximum
from hostledger.invoicing import actions, documents, selectors, staff_selectors
from hostledger.invoicing.lines import LineInput

router = Router(tags=["Invoices"])
STAFF_TAGS = ["Staff: invoices"]

InvoiceId = Annotated[str, Path(**path_id("invoice", "inv_3k9d2m7q8w1x4z6v"))]
CreditNoteId = Annotated[str, Path(**path_id("credit note", "crn_3k9d2m7q8w1x4z6v"))]

PDF_ANSWER = binary_download(documents.PDF_MEDIA_TYPE, "The document as PDF (BIL-10).")
XML_ANSWER = binary_download(
    documents.XML_MEDIA_TYPE, "The EN 16931 e-invoice (Factur-X CII XML, BIL-10)."
)
UBL_ANSWER = binary_download(
    documents.XML_MEDIA_TYPE, "The Peppol BIS Billing 3.0 e-invoice (UBL 2.1 XML, BIL-10)."
)


def _download(document, content: bytes, media_type: str, extension: str) -> HttpResponse:
    """The file as an attachment; issued documents' bytes never change (BIL-04)."""
    response = HttpResponse(content, content_type=media_type)
    name = documents.document_file_name(document, extension=extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _payer_readable(request: HttpRequest, client, what: str) -> bool:
    """Whether the staff caller may see the payer printed on a document (audited, GDPR-12)."""
    return staff_may_read_personal_data(request, client=client, what=what)


# ----------------------------------------------------------------------------- clients


@router.get(
    "/invoices",
    response=responses({200: page_of(InvoiceSummaryOut)}, 400, 401, 403, 404),
    summary="List invoices",
)
def invoice_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[InvoiceFilter],
    page: Query[PageParams],
):
    """The client's issued proformas and invoices, newest first (BIL-03, BIL-04)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    invoices = selectors.client_invoices(access.client).order_by("-issued_on", "-id")
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.kind:
        invoices = invoices.filter(kind=filters.kind)
    found = paginate(invoices, page)
    found["items"] = [invoice_summary(invoice) for invoice in found["items"]]
    return found


@router.get(
    "/invoices/{invoice_id}",
    response=responses({200: InvoiceOut}, 400, 401, 403, 404),
    summary="Read an invoice",
)
def invoice_read(request: HttpRequest, invoice_id: InvoiceId, acting: Query[ActingClient]):
    """One of the client's invoices with its lines, VAT decision (BIL-05) and what credit
    notes took back (BIL-04)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    invoice = selectors.client_invoice(access.client, invoice_id)
    return invoice_detail(invoice, credited=selectors.invoice_credited(invoice))


@router.get(
    "/invoices/{invoice_id}/pdf",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download an invoice as PDF",
    openapi_extra=PDF_ANSWER,
)
def invoice_pdf(request: HttpRequest, invoice_id: InvoiceId, acting: Query[ActingClient]):
    """The invoice as PDF (BIL-10): PDF/A-3 with the e-invoice embedded for a final
    invoice, a plain PDF with payment instructions for a proforma."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    invoice = selectors.client_invoice(access.client, invoice_id)
    return _download(invoice, documents.document_pdf(invoice), documents.PDF_MEDIA_TYPE, "pdf")


@router.get(
    "/invoices/{invoice_id}/xml",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download an invoice as e-invoice XML",
    openapi_extra=XML_ANSWER,
)
def invoice_xml(request: HttpRequest, invoice_id: InvoiceId, acting: Query[ActingClient]):
    """The EN 16931 e-invoice of a final invoice (BIL-10). A proforma has none: 400
    ``einvoice_not_available``."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    invoice = selectors.client_invoice(access.client, invoice_id)
    content = documents.invoice_einvoice_xml(invoice)
    return _download(invoice, content, documents.XML_MEDIA_TYPE, "xml")


@router.get(
    "/invoices/{invoice_id}/ubl",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download an invoice as Peppol UBL",
    openapi_extra=UBL_ANSWER,
)
def invoice_ubl(request: HttpRequest, invoice_id: InvoiceId, acting: Query[ActingClient]):
    """The Peppol BIS Billing 3.0 UBL of a final invoice (BIL-10). 400
    ``einvoice_not_available`` for a proforma, ``peppol_address_missing`` when the buyer has
    no registry code or VAT number in a known electronic-address scheme."""
    access = accounts.client_access(request.user, acting.client)
    invoice = selectors.client_invoice(access.client, invoice_id)
    content = documents.invoice_ubl_xml(invoice)
    return _download(invoice, content, documents.XML_MEDIA_TYPE, "ubl.xml")


@router.get(
    "/credit-notes",
    response=responses({200: page_of(CreditNoteSummaryOut)}, 400, 401, 403, 404),
    summary="List credit notes",
)
def credit_note_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The client's credit notes, newest first (BIL-04)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    notes = (
        selectors.client_credit_notes(access.client)
        .select_related("invoice")
        .order_by("-issued_on", "-id")
    )
    found = paginate(notes, page)
    found["items"] = [credit_note_summary(note) for note in found["items"]]
    return found


@router.get(
    "/credit-notes/{credit_note_id}",
    response=responses({200: CreditNoteOut}, 400, 401, 403, 404),
    summary="Read a credit note",
)
def credit_note_read(
    request: HttpRequest, credit_note_id: CreditNoteId, acting: Query[ActingClient]
):
    """One of the client's credit notes with its lines (BIL-04)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    return credit_note_detail(selectors.client_credit_note(access.client, credit_note_id))


@router.get(
    "/credit-notes/{credit_note_id}/pdf",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download a credit note as PDF",
    openapi_extra=PDF_ANSWER,
)
def credit_note_pdf(
    request: HttpRequest, credit_note_id: CreditNoteId, acting: Query[ActingClient]
):
    """The credit note as PDF/A-3 with its e-invoice embedded (BIL-10)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    note = selectors.client_credit_note(access.client, credit_note_id)
    return _download(note, documents.document_pdf(note), documents.PDF_MEDIA_TYPE, "pdf")


@router.get(
    "/credit-notes/{credit_note_id}/xml",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download a credit note as e-invoice XML",
    openapi_extra=XML_ANSWER,
)
def credit_note_xml(
    request: HttpRequest, credit_note_id: CreditNoteId, acting: Query[ActingClient]
):
    """The EN 16931 e-invoice of the credit note (BIL-10)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    note = selectors.client_credit_note(access.client, credit_note_id)
    content = documents.invoice_einvoice_xml(note)
    return _download(note, content, documents.XML_MEDIA_TYPE, "xml")


@router.get(
    "/credit-notes/{credit_note_id}/ubl",
    response=responses({200: None}, 400, 401, 403, 404),
    summary="Download a credit note as Peppol UBL",
    openapi_extra=UBL_ANSWER,
)
def credit_note_ubl(
    request: HttpRequest, credit_note_id: CreditNoteId, acting: Query[ActingClient]
):
    """The Peppol BIS Billing 3.0 UBL of the credit note (BIL-10); 400
    ``peppol_address_missing`` when the buyer has no electronic address."""
    access = accounts.client_access(request.user, acting.client)
    note = selectors.client_credit_note(access.client, credit_note_id)
    content = documents.invoice_ubl_xml(note)
    return _download(note, content, documents.XML_MEDIA_TYPE, "ubl.xml")


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/invoices",
    response=responses({200: page_of(StaffInvoiceSummaryOut)}, 400, 401, 403, 404),
    summary="List invoices of all clients",
    tags=STAFF_TAGS,
)
def staff_invoice_list(
    request: HttpRequest, filters: Query[StaffInvoiceFilter], page: Query[PageParams]
):
    """Issued proformas and invoices of every client, newest first, filtered by client,
    status, kind and issue dates (both days included). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    check_date_range(filters.issued_from, filters.issued_to)
    client = accounts.staff_client(filters.client) if filters.client else None
    invoices = selectors.staff_invoices(
        client=client,
        status=filters.status,
        kind=filters.kind,
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
    )
    found = paginate(invoices, page)
    found["items"] = [staff_invoice_summary(invoice) for invoice in found["items"]]
    return found


@router.get(
    "/staff/invoices/{invoice_id}",
    response=responses({200: InvoiceOut}, 400, 401, 403, 404),
    summary="Read any client's invoice",
    tags=STAFF_TAGS,
)
def staff_invoice_read(request: HttpRequest, invoice_id: InvoiceId):
    """One invoice with its lines and credit notes. The payer is shown only with
    clients.view_personal_data, and that read is audited (GDPR-12). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    invoice = staff_selectors.invoice_for_staff(invoice_id)
    readable = _payer_readable(request, invoice.client, f"payer on invoice {invoice_id} (API)")
    return invoice_detail(
        invoice, credited=selectors.invoice_credited(invoice), with_payer=readable
    )


@router.post(
    "/staff/invoices/{invoice_id}/credit-notes",
    response=responses({201: CreditNoteOut}, 400, 401, 403, 404),
    summary="Issue a credit note",
    tags=STAFF_TAGS,
)
def staff_credit_note_issue(
    request: HttpRequest, invoice_id: InvoiceId, payload: CreditNoteIssueIn
):
    """Correct a final invoice with a credit note numbered in the credit-note series
    (BIL-04): ``full`` reverses every line to the cent, or ``lines`` are credited at the
    invoice's VAT rate with line rounding (BIL-02). Credit notes never take back more than
    the invoice's gross amount (400 ``credit_exceeds_invoice``); a proforma is cancelled
    instead (400 ``invoice_not_final``). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    invoice = staff_selectors.invoice_for_staff(invoice_id)
    lines = None
    if payload.lines is not None:
        lines = [
            LineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=staff_money(
                    line.unit_price,
                    f"lines[{index}].unit_price",
                    maximum=staff_payment_maximum(),
                ),
                period_start=line.period_start,
                period_end=line.period_end,
            )
            for index, line in enumerate(payload.lines)
        ]
    note = actions.credit_note_issue(
        invoice=invoice, reason=payload.reason, full=payload.full, lines=lines, actor=request.user
    )
    readable = _payer_readable(request, invoice.client, f"payer on credit note {note} (API)")
    return Status(201, credit_note_detail(note, with_payer=readable))


@router.post(
    "/staff/invoices/{invoice_id}/cancel",
    response=responses({200: InvoiceOut}, 400, 401, 403, 404),
    summary="Cancel a proforma",
    tags=STAFF_TAGS,
)
def staff_proforma_cancel(request: HttpRequest, invoice_id: InvoiceId, payload: ProformaCancelIn):
    """Withdraw an unpaid proforma (BIL-04); it never had a number, so no gap appears. A
    paid or cancelled one answers 400 ``invoice_not_awaiting_payment``. Needs
    billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    invoice = staff_selectors.invoice_for_staff(invoice_id)
    cancelled = actions.proforma_cancel(proforma=invoice, actor=request.user, reason=payload.reason)
    readable = _payer_readable(request, invoice.client, f"payer on invoice {invoice_id} (API)")
    return invoice_detail(
        cancelled, credited=selectors.invoice_credited(cancelled), with_payer=readable
    )
