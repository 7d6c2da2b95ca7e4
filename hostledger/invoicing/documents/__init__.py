"""Invoice and credit-note documents: PDF for people, Factur-X CII XML for software (BIL-10).

The web and API layers load the document through an ownership-checked selector
(``hostledger.invoicing.selectors.client_invoice`` / ``client_credit_note``) and call:

* :func:`document_pdf` — PDF bytes (PDF/A-3b with the embedded e-invoice for a final
  invoice or a credit note, a plain PDF for a proforma);
* :func:`invoice_einvoice_xml` — the EN 16931 CII XML of a final invoice or a credit note
  (a proforma raises ``DomainError("einvoice_not_available")``);
* :func:`invoice_ubl_xml` — the Peppol BIS Billing 3.0 UBL of a final invoice or a credit
  note (refused for a proforma, and for a buyer without an electronic address:
  ``peppol_address_missing``);
* :func:`document_html` — the same document as an HTML preview;
* :func:`document_file_name` — the download name, e.g. ``INV-2025-000001.pdf``.

A final invoice's or credit note's PDF and XML are stored when first produced and the same
bytes are returned for good after that (BIL-04); a draft raises
``DomainError("document_not_issued")``.
"""

from hostledger.invoicing.documents.einvoice import invoice_einvoice_xml
from hostledger.invoicing.documents.pdf import document_file_name, document_html, document_pdf
from hostledger.invoicing.documents.ubl import invoice_ubl_xml, peppol_addressable

PDF_MEDIA_TYPE = "application/pdf"
XML_MEDIA_TYPE = "application/xml"

__all__ = [
    "PDF_MEDIA_TYPE",
    "XML_MEDIA_TYPE",
    "document_file_name",
    "document_html",
    "document_pdf",
    "invoice_einvoice_xml",
    "invoice_ubl_xml",
    "peppol_addressable",
]
