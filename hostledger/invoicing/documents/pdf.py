"""Printable invoices, proformas and credit notes: HTML rendered to PDF by WeasyPrint (BIL-10).

The HTML template ``invoicing/documents/document.html`` (with its stylesheet
``document.css``) is both the web preview (:func:`document_html`) and the source of the PDF
(:func:`document_pdf`). A final invoice or a credit note is a PDF/A-3b file with its
EN 16931 e-invoice embedded as ``factur-x.xml`` and the Factur-X XMP metadata (profile
"EN 16931"), written by the ``factur-x`` library — so one file serves people and accounting
software alike. A proforma is a plain PDF: it is a request for payment, not an invoice.

Issued documents never change (BIL-04): the PDF of a final invoice or a credit note is
stored the first time it is produced (:mod:`.store`) and every later download returns those
bytes. Rendering is deterministic besides: every date the PDF and its XMP metadata carry is
the document's issue day (midnight UTC) and the file identifier is a digest of the content,
so the same document renders to the same bytes on any day. A proforma's PDF is not stored:
it is a request for payment, rendered (deterministically) with its current state.

Rendering never fetches anything: the template carries its styles inline and the URL
fetcher refuses every address, so text from a payer's data cannot make the renderer load
files or call out.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, time

import facturx
import facturx.facturx as facturx_module
import pydyf
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from hostledger.invoicing.documents.content import (
    CREDIT_NOTE,
    PROFORMA,
    DocumentContent,
    client_language,
    document_content,
)
from hostledger.invoicing.documents.einvoice import einvoice_content, invoice_einvoice_xml
from hostledger.invoicing.documents.store import Format, issued_file
from hostledger.invoicing.models import CreditNote, Invoice

TEMPLATE = "invoicing/documents/document.html"
PDF_VARIANT_WITH_EINVOICE = "pdf/a-3b"
FACTURX_FLAVOR = "factur-x"
FACTURX_LEVEL = "en16931"
_TITLES = {
    "invoice": gettext_lazy("Invoice"),
    PROFORMA: gettext_lazy("Proforma invoice"),
    CREDIT_NOTE: gettext_lazy("Credit note"),
}
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
    Printed in the client's language (:func:`~.content.client_language`), whoever looks.
    """
    with translation.override(client_language(document.client)):
        return _html_from_content(document_content(document))


def _pdf_metadata(content: DocumentContent) -> dict:
    title = f"{_TITLES[content.kind]} {content.reference}"
    return {
        "author": content.seller.name,
        "keywords": f"{_TITLES[content.kind]}, Factur-X, EN 16931",
        "title": f"{content.seller.name}: {title}",
        "subject": gettext("%(title)s of %(date)s issued by %(seller)s")
        % {"title": title, "date": content.issued_on.isoformat(), "seller": content.seller.name},
    }


def _producer_as_in_facturx_xmp(_document, pdf) -> None:
    """WeasyPrint finisher: the Producer entry the Factur-X XMP metadata will state."""
    pdf.info["Producer"] = pydyf.String(FACTURX_XMP_PRODUCER)


def issue_moment(issued_on: date) -> datetime:
    """The moment every date inside a document's PDF states: its issue day, 00:00 UTC."""
    return datetime.combine(issued_on, time(0, 0), tzinfo=UTC)


class _FacturxClock(datetime):
    """``datetime`` as the ``factur-x`` library sees it while it writes one document: its
    "now" is the document's issue moment, so the dates it writes do not depend on the day of
    rendering. Set and restored under :data:`_FACTURX_CLOCK_LOCK`."""

    moment: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.moment.astimezone(tz) if tz is not None else cls.moment.replace(tzinfo=None)


_FACTURX_CLOCK_LOCK = threading.Lock()


def _render(content: DocumentContent, **options) -> bytes:
    """WeasyPrint's PDF of ``content`` with its dates fixed to the issue moment."""
    html = HTML(string=_html_from_content(content), url_fetcher=_NoFetching())
    rendered = html.render()
    stamp = issue_moment(content.issued_on).isoformat().replace("+00:00", "Z")
    rendered.metadata.created = stamp
    rendered.metadata.modified = stamp
    return rendered.write_pdf(**options)


def _render_with_einvoice(content: DocumentContent, xml: bytes) -> bytes:
    """PDF/A-3b with ``xml`` embedded as Factur-X, every date being the issue moment."""
    pdf = _render(
        content, pdf_variant=PDF_VARIANT_WITH_EINVOICE, finisher=_producer_as_in_facturx_xmp
    )
    with _FACTURX_CLOCK_LOCK:
        _FacturxClock.moment = issue_moment(content.issued_on)
        facturx_module.datetime = _FacturxClock
        try:
            return facturx.generate_from_binary(
                pdf,
                xml,
                flavor=FACTURX_FLAVOR,
                level=FACTURX_LEVEL,
                check_xsd=True,
                pdf_metadata=_pdf_metadata(content),
                lang=content.language,
            )
        finally:
            facturx_module.datetime = datetime


def document_pdf(document: Invoice | CreditNote) -> bytes:
    """The document as PDF bytes (BIL-10), the same bytes on every call (BIL-04).

    A final invoice or a credit note is PDF/A-3b with its Factur-X EN 16931 XML embedded as
    ``factur-x.xml`` (the same bytes as
    :func:`~hostledger.invoicing.documents.einvoice.invoice_einvoice_xml`), stored when first
    produced; a proforma is a plain PDF with payment instructions, rendered each time. Drafts
    are refused (``document_not_issued``).
    """
    language = client_language(document.client)
    if isinstance(document, Invoice) and document.kind != Invoice.Kind.FINAL:
        with translation.override(language):
            return _render(document_content(document))
    einvoice_content(document)  # refuses a draft before anything is stored

    def render() -> bytes:
        # Stored once for good (BIL-04): in the client's language whoever asks first; the
        # embedded e-invoice is the stored CII, which is not translated.
        xml = invoice_einvoice_xml(document)
        with translation.override(language):
            content = einvoice_content(document)
            return _render_with_einvoice(content, xml)

    return issued_file(document, Format.PDF, render)


def document_file_name(document: Invoice | CreditNote, *, extension: str) -> str:
    """A download name such as ``INV-2025-000001.pdf`` or ``proforma-inv_….pdf``."""
    if isinstance(document, Invoice) and not document.number_display:
        stem = f"proforma-{document.public_id}"
    else:
        stem = document.number_display or document.public_id
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('-') or 'document'}.{extension}"
