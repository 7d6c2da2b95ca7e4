"""Printable invoices, proformas and credit notes: HTML rendered to PDF by WeasyPrint (BIL-10).

The HTML template ``invoicing/documents/document.html`` (with its stylesheet
``document.css``) is both the web preview (:func:`document_html`) and the source of the PDF
(:func:`document_pdf`). A final invoice or a credit note is a PDF/A-3b file with its
EN 16931 e-invoice embedded as ``factur-x.xml`` and the Factur-X XMP metadata (profile
"EN 16931"), written by the ``factur-x`` library — so one file serves people and accounting
software alike. A proforma is a plain PDF: it is a request for payment, not an invoice.

Rendering never fetches anything: the template carries its styles inline and the URL
fetcher refuses every address, so text from a payer's data cannot make the renderer load
files or call out.
"""

from __future__ import annotations

import re

import facturx
import pydyf
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from hostledger.invoicing.documents.content import (
    CREDIT_NOTE,
    PROFORMA,
    DocumentContent,
    document_content,
)
from hostledger.invoicing.documents.einvoice import einvoice_xml_from_content
from hostledger.invoicing.models import CreditNote, Invoice

TEMPLATE = "invoicing/documents/document.html"
PDF_VARIANT_WITH_EINVOICE = "pdf/a-3b"
FACTURX_FLAVOR = "factur-x"
FACTURX_LEVEL = "en16931"
_TITLES = {"invoice": "Invoice", PROFORMA: "Proforma invoice", CREDIT_NOTE: "Credit note"}
FACTURX_XMP_PRODUCER = "pypdf"
"""What the ``factur-x`` library writes as ``pdf:Producer`` in the XMP metadata it puts in
place of WeasyPrint's; PDF/A requires the document information dictionary to agree."""


class _NoFetching(URLFetcher):
    """A URL fetcher that fetches nothing: documents are self-contained."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Documents load no external resources ({url[:60]}).")


def _html_from_content(content: DocumentContent) -> str:
    return render_to_string(TEMPLATE, {"doc": content})


def document_html(document: Invoice | CreditNote) -> str:
    """The document as a self-contained HTML page, the same as the PDF (BIL-10).

    For a preview in the client or staff area; the caller must have loaded ``document``
    through an ownership-checked selector. Drafts are refused (``document_not_issued``).
    """
    return _html_from_content(document_content(document))


def _pdf_metadata(content: DocumentContent) -> dict:
    title = f"{_TITLES[content.kind]} {content.reference}"
    return {
        "author": content.seller.name,
        "keywords": f"{_TITLES[content.kind]}, Factur-X, EN 16931",
        "title": f"{content.seller.name}: {title}",
        "subject": f"{title} of {content.issued_on.isoformat()} issued by {content.seller.name}",
    }


def _producer_as_in_facturx_xmp(_document, pdf) -> None:
    """WeasyPrint finisher: the Producer entry the Factur-X XMP metadata will state."""
    pdf.info["Producer"] = pydyf.String(FACTURX_XMP_PRODUCER)


def document_pdf(document: Invoice | CreditNote) -> bytes:
    """The document as PDF bytes (BIL-10).

    A final invoice or a credit note is PDF/A-3b with its Factur-X EN 16931 XML embedded as
    ``factur-x.xml`` (the same bytes as
    :func:`~hostledger.invoicing.documents.einvoice.invoice_einvoice_xml`); a proforma is a
    plain PDF with payment instructions. Reads only; drafts are refused
    (``document_not_issued``).
    """
    content = document_content(document)
    html = HTML(string=_html_from_content(content), url_fetcher=_NoFetching())
    if content.kind == PROFORMA:
        return html.write_pdf()
    pdf = html.write_pdf(
        pdf_variant=PDF_VARIANT_WITH_EINVOICE, finisher=_producer_as_in_facturx_xmp
    )
    return facturx.generate_from_binary(
        pdf,
        einvoice_xml_from_content(content),
        flavor=FACTURX_FLAVOR,
        level=FACTURX_LEVEL,
        check_xsd=True,
        pdf_metadata=_pdf_metadata(content),
        lang=content.language,
    )


def document_file_name(document: Invoice | CreditNote, *, extension: str) -> str:
    """A download name such as ``INV-2025-000001.pdf`` or ``proforma-inv_….pdf``."""
    if isinstance(document, Invoice) and not document.number_display:
        stem = f"proforma-{document.public_id}"
    else:
        stem = document.number_display or document.public_id
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('-') or 'document'}.{extension}"
