"""Keeping the files of issued documents as they were issued (BIL-04, BIL-10)."""

from __future__ import annotations

from hostledger.invoicing.documents import document_pdf, invoice_ubl_xml, peppol_addressable
from hostledger.invoicing.documents.einvoice import einvoice_content
from hostledger.invoicing.models import CreditNote, Invoice, IssuedDocumentFile

PENDING_BATCH = 100


def _without_pdf(queryset, owner: str):
    stored = IssuedDocumentFile.objects.filter(
        **{f"{owner}__isnull": False}, format=IssuedDocumentFile.Format.PDF
    ).values(f"{owner}_id")
    return queryset.exclude(pk__in=stored).order_by("id")


def issued_files_store_pending(*, limit: int = PENDING_BATCH) -> int:
    """Store the PDF, CII and (where the buyer can be addressed) Peppol UBL of final invoices
    and credit notes that have none stored yet, at most ``limit`` documents (BIL-04).

    A download stores a document's files the first time anyway; this catches the invoices
    the billing run finalises in bulk before anyone downloads them, so their files are kept
    as rendered soon after issue. Each file is stored in its own transaction, once; running
    this again or alongside a download stores nothing twice. Returns the documents handled.
    """
    documents: list[Invoice | CreditNote] = list(
        _without_pdf(Invoice.objects.filter(kind=Invoice.Kind.FINAL), "invoice")[:limit]
    )
    documents += list(
        _without_pdf(CreditNote.objects.exclude(status=CreditNote.DRAFT), "credit_note")[
            : max(limit - len(documents), 0)
        ]
    )
    for document in documents:
        document_pdf(document)  # stores the CII it embeds as well
        if peppol_addressable(einvoice_content(document)):
            invoice_ubl_xml(document)
    return len(documents)
