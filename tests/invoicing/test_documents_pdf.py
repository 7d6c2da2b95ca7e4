"""Invoice, proforma and credit-note PDFs (BIL-10, BIL-05, BIL-04, BIL-02).

The text is read back with pypdf; final invoices and credit notes are PDF/A-3b with the
Factur-X XML embedded, read back with ``facturx.get_xml_from_pdf``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import facturx
import pytest
from django.utils import translation
from lxml import etree
from pypdf import PdfReader

from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.documents import (
    document_file_name,
    document_html,
    document_pdf,
    invoice_einvoice_xml,
)
from hostledger.invoicing.documents.content import provider_details
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.models import ClientPaymentReference
from tests.invoicing import document_factories as factories
from tests.invoicing.conftest import make_client, make_payer
from tests.qr_decoding import decoded_svg

pytestmark = pytest.mark.django_db

XMP = {
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def pdf_text(pdf: bytes) -> str:
    """All pages' text with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def xmp_of(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf))
    return etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


@pytest.fixture
def domestic_invoice(estonian_client, estonian_payer) -> Invoice:
    return factories.final_invoice_for(estonian_client, estonian_payer)


def test_pdf_text_has_number_payer_vat_and_totals__BIL_10(domestic_invoice):
    text = pdf_text(document_pdf(domestic_invoice))
    for expected in (
        "INVOICE",
        "No. INV-2025-000001",
        "Mari Maasikas",
        "SmartApe OÜ",
        "Reg. code 16124388",
        "VAT number EE102329731",
        "Issue date 4 August 2025",
        "Paid on 4 August 2025",
        "Service period 1 Aug 2025 \u2013 31 Aug 2025",
        # line: VPS Pro 1 x 100.00 at 24 %
        "1 €100.00 €100.00 24% €24.00",
        # line: Web hosting S 3 x 3.33 = 9.99, VAT 2.40
        "Web hosting S 3 €3.33 €9.99 24% €2.40",
        # VAT summary and totals
        "24% €109.99 €26.40",
        "Total net €109.99",
        "Total VAT €26.40",
        "Total €136.39",
        "Paid in full on 4 August 2025",
    ):
        assert expected in text, expected
    assert "Reverse charge" not in text


def test_reverse_charged_eu_business_pdf_has_the_legal_mention__BIL_05(
    german_company, german_company_payer
):
    invoice = factories.final_invoice_for(german_company, german_company_payer)
    text = pdf_text(document_pdf(invoice))
    for expected in (
        "No. INV-2025-000001",
        "Firma GmbH",
        "Germany",
        "VAT number DE136695976",
        "1 €100.00 €100.00 0% €0.00",
        "Web hosting S 3 €3.33 €9.99 0% €0.00",
        "0% €109.99 €0.00",
        "Total net €109.99",
        "Total VAT €0.00",
        "Total €109.99",
        "Reverse charge — VAT to be accounted for by the recipient, Article 196 of Directive",
    ):
        assert expected in text, expected


def test_outside_eu_pdf_says_no_eu_vat__BIL_05():
    invoice = factories.final_invoice_for(*factories.outside_eu_payer())
    text = pdf_text(document_pdf(invoice))
    assert "Acme Hosting Inc." in text
    assert "United States" in text
    assert "Total VAT €0.00" in text
    assert "VAT not charged — supply to a customer established outside the EU" in text


def test_credit_note_pdf_references_the_invoice_with_its_amounts__BIL_10(domestic_invoice):
    note = factories.partial_credit_note(domestic_invoice)
    text = pdf_text(document_pdf(note))
    for expected in (
        "CREDIT NOTE",
        "No. CN-2025-000001",
        "Mari Maasikas",
        "Issue date 20 August 2025",
        "Corrects invoice INV-2025-000001 of 4 August 2025",
        "-1 €100.00 -€100.00 24% -€24.00",
        "24% -€100.00 -€24.00",
        "Total net -€100.00",
        "Total VAT -€24.00",
        "Total credited -€124.00",
        "Reason: Service interrupted for the whole month",
    ):
        assert expected in text, expected


def test_final_invoice_pdf_is_pdf_a_3_with_the_einvoice_embedded__BIL_10(domestic_invoice):
    pdf = document_pdf(domestic_invoice)
    name, embedded = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    assert embedded == invoice_einvoice_xml(domestic_invoice)
    xmp = xmp_of(pdf)
    assert xmp.xpath("//pdfaid:part/text()", namespaces=XMP) == ["3"]
    assert xmp.xpath("//pdfaid:conformance/text()", namespaces=XMP) == ["B"]
    assert xmp.xpath("//fx:ConformanceLevel/text()", namespaces=XMP) == ["EN 16931"]
    assert xmp.xpath("//fx:DocumentFileName/text()", namespaces=XMP) == ["factur-x.xml"]
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/AF"][0].get_object()["/AFRelationship"] == "/Data"
    assert "/ID" in reader.trailer
    # PDF/A: the information dictionary agrees with the XMP metadata
    assert [reader.metadata["/Producer"]] == xmp.xpath("//pdf:Producer/text()", namespaces=XMP)
    assert reader.metadata["/Title"] == "SmartApe OÜ: Invoice INV-2025-000001"


def test_credit_note_pdf_embeds_its_einvoice__BIL_10(domestic_invoice):
    note = factories.partial_credit_note(domestic_invoice)
    name, embedded = facturx.get_xml_from_pdf(document_pdf(note), check_xsd=True)
    assert (name, embedded) == ("factur-x.xml", invoice_einvoice_xml(note))


def test_proforma_pdf_is_plain_with_payment_instructions__BIL_10(estonian_client, estonian_payer):
    proforma = factories.proforma_for(estonian_client, estonian_payer)
    pdf = document_pdf(proforma)
    assert facturx.get_xml_from_pdf(pdf) == (False, False)
    assert "/AF" not in PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    text = pdf_text(pdf)
    for expected in (
        "PROFORMA INVOICE",
        f"Ref. {proforma.public_id}",
        "Due date 8 August 2025",
        "Total to pay €136.39",
        "PAYMENT INSTRUCTIONS",
        "Amount €136.39",
        "Beneficiary SmartApe OÜ",
        "IBAN EE38 2200 2210 2014 5685",
        "BIC DEMOEE22",
    ):
        assert expected in text, expected
    assert "Reference number" not in text
    # The internal id is not a payment reference: nobody is told to quote it (BIL-06).
    assert "Payment description" not in text and "quote" not in text
    # Printing never creates a payment reference.
    assert not ClientPaymentReference.objects.filter(client=estonian_client).exists()


def test_proforma_pdf_shows_the_clients_payment_reference__BIL_10(estonian_client, estonian_payer):
    reference = client_payment_reference_ensure(client=estonian_client)
    text = pdf_text(document_pdf(factories.proforma_for(estonian_client, estonian_payer)))
    assert f"Reference number {reference.reference_number}" in text
    assert f"Creditor reference {reference.creditor_reference}" in text
    assert "Write the reference number in the reference field of your transfer" in text
    assert "Scan with your banking app" in text


def test_proforma_carries_an_epc_qr_code_of_its_amount_and_reference__BIL_06(
    estonian_client, estonian_payer
):
    reference = client_payment_reference_ensure(client=estonian_client)
    proforma = factories.proforma_for(estonian_client, estonian_payer)

    (svg,) = re.findall(r"<svg.*?</svg>", document_html(proforma), flags=re.DOTALL)

    assert decoded_svg(svg).text == (
        "BCD\n002\n1\nSCT\nDEMOEE22\nSmartApe OÜ\nEE382200221020145685\n"
        f"EUR{proforma.gross.amount}\n\n{reference.creditor_reference}"
    )
    assert f"reference {reference.creditor_reference}" in svg  # its text alternative


def test_document_prints_its_snapshot_not_todays_provider__BIL_04(domestic_invoice):
    provider_setting_change(key="invoicing.provider_legal_name", raw_value="Renamed AS")
    text = pdf_text(document_pdf(domestic_invoice))
    assert "SmartApe OÜ" in text
    assert "Renamed AS" not in text


def test_details_come_from_the_snapshot_alone_never_the_settings__BIL_04(db):
    provider_setting_change(key="invoicing.provider_iban", raw_value="EE471000001020145685")
    assert provider_details({"iban": "DE89370400440532013000"})["iban"] == (
        "DE89370400440532013000"
    )
    assert provider_details({})["iban"] == ""
    assert provider_details({"phone": ""})["phone"] == ""


def test_payer_text_is_escaped_in_the_html__BIL_10(estonian_client):
    payer = make_payer(estonian_client, name="Mari <script>alert(1)</script> & Co")
    proforma = factories.proforma_for(estonian_client, payer)
    html = document_html(proforma)
    assert "Mari &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<script>" not in html


def test_download_file_names__BIL_10(domestic_invoice):
    assert document_file_name(domestic_invoice, extension="pdf") == "INV-2025-000001.pdf"
    note = factories.partial_credit_note(domestic_invoice)
    assert document_file_name(note, extension="xml") == "CN-2025-000001.xml"
    client = make_client("other@example.com")
    proforma = factories.proforma_for(client, make_payer(client))
    assert document_file_name(proforma, extension="pdf") == f"proforma-{proforma.public_id}.pdf"


@pytest.fixture
def estonian_speaking_client(db, settings):
    catalogues = Path(settings.BASE_DIR) / "hostledger" / "locale"
    if catalogues not in [Path(path) for path in settings.LOCALE_PATHS]:
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, catalogues]
    client = make_client("kadri@example.com")
    client.owner.preferred_language = "et"
    client.owner.save(update_fields=["preferred_language"])
    return client


def test_invoice_html_is_printed_in_the_clients_language_whoever_looks__BIL_10(
    estonian_speaking_client,
):
    invoice = factories.final_invoice_for(
        estonian_speaking_client, make_payer(estonian_speaking_client)
    )
    with translation.override("ru"):
        html = document_html(invoice)
    assert '<html lang="et">' in html
    assert "<h1>Arve</h1>" in html
    assert "<h1>Invoice</h1>" not in html
    english_client = make_client("john@example.com")
    english = document_html(factories.final_invoice_for(english_client, make_payer(english_client)))
    assert "<h1>Invoice</h1>" in english


def test_stored_pdf_is_in_the_clients_language_and_the_einvoice_is_not_translated__BIL_04(
    estonian_speaking_client,
):
    invoice = factories.final_invoice_for(
        estonian_speaking_client, make_payer(estonian_speaking_client)
    )
    with translation.override("ru"):
        first = document_pdf(invoice)
    assert "ARVE" in pdf_text(first)
    with translation.override("en"):
        assert document_pdf(invoice) == first  # stored as issued, whoever asks later
    xml = invoice_einvoice_xml(invoice).decode()
    assert "Arve" not in xml
    assert facturx.get_xml_from_pdf(first, check_xsd=False)[1] == invoice_einvoice_xml(invoice)
