"""The official EN 16931 and Peppol BIS Billing 3.0 rules over every kind of document (BIL-10).

Each kind of invoice HostLedger issues — domestic, reverse-charged to an EU business, to an
EU consumer at their country's rate (OSS), outside the EU, a credit note, zero-rated, with
two VAT rates, with a late-payment penalty line — is written as CII and as UBL and run
through the official artefacts (:mod:`tests.invoicing.einvoice_validation`): no fatal error
and no warning. VAT per rate is computed once on the rate's taxable amount, so BR-CO-17
holds to the cent (BIL-02).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions import invoice_finalise, proforma_create
from hostledger.invoicing.documents import invoice_einvoice_xml, invoice_ubl_xml
from hostledger.invoicing.documents.einvoice import NAMESPACES
from hostledger.invoicing.lines import UNIT_MONTH
from hostledger.invoicing.models import Invoice, InvoiceLine, VatScheme
from hostledger.invoicing.snapshots import payer_snapshot, provider_snapshot
from hostledger.ledger.models import ClientPaymentReference
from tests.invoicing import document_factories as factories
from tests.invoicing.conftest import VALID_DE_VAT, VALID_EE_VAT, line, make_client, make_payer
from tests.invoicing.einvoice_validation import (
    CII_EN16931_XSLT,
    UBL_EN16931_XSLT,
    UBL_PEPPOL_XSLT,
    artefact,
    assert_no_findings,
    assert_valid_ubl_schema,
    schematron_findings,
)

pytestmark = pytest.mark.django_db

ISSUED = factories.ISSUED
PAID = factories.PAID
AUGUST = factories.AUGUST
UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def monthly(description: str, months: str, price: str):
    return line(description, months, price, unit_code=UNIT_MONTH, **AUGUST)


def estonian_company():
    client = make_client("arved@pilvepood.example", kind="legal")
    payer = make_payer(
        client,
        kind="legal",
        name="Pilvepood OÜ",
        registry_code="12345678",
        vat_number=VALID_EE_VAT,
        street="Narva mnt 5",
        city="Tallinn",
        postal_code="10117",
        buyer_reference="Cost centre 4410",
    )
    ClientPaymentReference.objects.create(
        client=client, reference_number="1234561", creditor_reference="RF471234561"
    )
    return client, payer


def paid(client, payer, lines, **extra) -> Invoice:
    proforma = proforma_create(client=client, payer=payer, lines=lines, issued_on=ISSUED, **extra)
    return invoice_finalise(proforma=proforma, paid_on=PAID)


def paid_with_lines_at_rates(client, payer, rows, *, scheme=VatScheme.DOMESTIC) -> Invoice:
    """A final invoice whose lines carry their own rates (``rows`` of description, net minor,
    rate): built row by row as a draft, then issued and paid through the actions. VAT per
    rate is computed once on the rate's taxable amount and stays on the first line."""
    currency = "EUR"
    by_rate: dict[Decimal, int] = {}
    for _description, net, rate in rows:
        by_rate[rate] = by_rate.get(rate, 0) + net
    vat_by_rate = {
        rate: Money(net, currency).percentage(rate).minor for rate, net in by_rate.items()
    }
    net_total = sum(net for _d, net, _r in rows)
    vat_total = sum(vat_by_rate.values())
    invoice = Invoice.objects.create(
        client=client,
        payer=payer,
        payer_snapshot=payer_snapshot(payer),
        provider_snapshot=provider_snapshot(),
        issued_on=ISSUED,
        due_on=ISSUED,
        net_minor=net_total,
        vat_minor=vat_total,
        gross_minor=net_total + vat_total,
        vat_scheme=scheme,
        vat_rate=max(by_rate),
        vat_country="EE",
        vat_reason="test",
    )
    seen: set[Decimal] = set()
    for position, (description, net, rate) in enumerate(rows, start=1):
        vat = vat_by_rate[rate] if rate not in seen else 0
        seen.add(rate)
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=description,
            quantity=Decimal(1),
            unit_price_minor=net,
            net_minor=net,
            vat_rate=rate,
            vat_minor=vat,
        )
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.ISSUED)
    invoice.refresh_from_db()
    return invoice_finalise(proforma=invoice, paid_on=PAID)


def domestic_company_invoice():
    client, payer = estonian_company()
    return paid(
        client,
        payer,
        [monthly("VPS Pro, August 2025", "1", "100.00"), line("Web hosting S", "3", "3.33")],
        order_reference="ord_3k9d2m7q8w1x4z6v",
    )


def reverse_charged_invoice():
    client = make_client("firma@example.de", kind="legal", country="DE")
    payer = make_payer(client, kind="legal", country="DE", vat_number=VALID_DE_VAT)
    return paid(client, payer, [monthly("VPS Pro, August 2025", "1", "100.00")])


def eu_consumer_invoice():
    """A consumer in Germany pays Germany's rate (OSS); the CII carries no Peppol address."""
    client = make_client("max@example.de", country="DE")
    payer = make_payer(client, country="DE")
    return paid(client, payer, [monthly("Web hosting M, August 2025", "1", "7.99")])


def outside_eu_invoice():
    client = make_client("ops@example.us", kind="legal", country="US")
    payer = make_payer(
        client,
        kind="legal",
        country="US",
        name="Acme Hosting Inc.",
        registry_code="123456789",
        street="1 Main Street",
        city="New York",
        postal_code="10001",
    )
    return paid(client, payer, [monthly("Dedicated server, August 2025", "1", "120.00")])


def credit_note():
    return factories.partial_credit_note(domestic_company_invoice())


def zero_rated_invoice():
    client, payer = estonian_company()
    return paid_with_lines_at_rates(
        client, payer, [("Domain transfer (zero-rated)", 1500, Decimal("0"))]
    )


def multi_rate_invoice():
    client, payer = estonian_company()
    return paid_with_lines_at_rates(
        client,
        payer,
        [
            ("VPS Start, August 2025", 1000, Decimal("24.00")),
            ("Backup 10 GB", 75, Decimal("24.00")),
            ("Printed manual", 1999, Decimal("9.00")),
        ],
    )


def penalty_invoice():
    client, payer = estonian_company()
    return paid(
        client,
        payer,
        [
            monthly("VPS Pro, August 2025", "1", "100.00"),
            line("Late-payment penalty, 12 days at 0.1 % of 124.00", "1", "1.49"),
        ],
    )


BUSINESS_KINDS = {
    "domestic": domestic_company_invoice,
    "reverse_charge": reverse_charged_invoice,
    "outside_eu": outside_eu_invoice,
    "credit_note": credit_note,
    "zero_rated": zero_rated_invoice,
    "multi_rate": multi_rate_invoice,
    "penalty_line": penalty_invoice,
}
ALL_KINDS = {**BUSINESS_KINDS, "eu_consumer_oss": eu_consumer_invoice}


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_cii_passes_the_official_en16931_schematron__BIL_10(kind):
    assert_no_findings(CII_EN16931_XSLT, invoice_einvoice_xml(ALL_KINDS[kind]()))


@pytest.mark.parametrize("kind", sorted(BUSINESS_KINDS))
def test_ubl_passes_the_official_en16931_schematron__BIL_10(kind):
    assert_no_findings(artefact(UBL_EN16931_XSLT), invoice_ubl_xml(BUSINESS_KINDS[kind]()))


@pytest.mark.parametrize("kind", sorted(BUSINESS_KINDS))
def test_ubl_passes_the_ubl_schema_and_the_peppol_rules__BIL_10(kind):
    """Runs where the OASIS schemas and the Peppol BIS XSLT are provided (see the README of
    tests/data/einvoice: their licences keep them out of the repository)."""
    peppol = artefact(UBL_PEPPOL_XSLT)
    xml = invoice_ubl_xml(BUSINESS_KINDS[kind]())
    assert_valid_ubl_schema(xml)
    assert_no_findings(peppol, xml)


def test_consumer_without_an_electronic_address_gets_no_peppol_ubl__BIL_10():
    invoice = eu_consumer_invoice()
    with pytest.raises(DomainError) as refused:
        invoice_ubl_xml(invoice)
    assert refused.value.code == "peppol_address_missing"


def test_ubl_carries_references_payment_means_addresses_and_months__BIL_10():
    root = etree.fromstring(invoice_ubl_xml(domestic_company_invoice()))

    def texts(path):
        return [
            item if isinstance(item, str) else item.text
            for item in root.xpath(path, namespaces=UBL)
        ]

    assert texts("cbc:BuyerReference") == ["Cost centre 4410"]
    assert texts("cac:OrderReference/cbc:ID") == ["ord_3k9d2m7q8w1x4z6v"]
    assert texts("cac:PaymentMeans/cbc:PaymentMeansCode") == ["58"]
    assert texts("cac:PaymentMeans/cbc:PaymentID") == ["1234561"]
    assert texts("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == ["EE382200221020145685"]
    assert texts("cac:AccountingSupplierParty//cbc:EndpointID") == ["16124388"]
    assert texts("cac:AccountingSupplierParty//cbc:EndpointID/@schemeID") == ["0191"]
    assert texts("cac:AccountingCustomerParty//cbc:EndpointID") == ["12345678"]
    assert texts("cac:AccountingCustomerParty//cbc:EndpointID/@schemeID") == ["0191"]
    assert texts("cac:AccountingSupplierParty//cac:PostalAddress/*[not(*)]") == [
        "Ahtri tn 12",
        "Tallinn",
        "10151",
    ]
    assert texts("cac:AccountingSupplierParty//cac:Contact/cbc:ElectronicMail") == [
        "billing@provider.example"
    ]
    assert texts("cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode") == ["MON", "C62"]
    assert texts("cbc:Note") == []  # a domestic sale needs no mention (BT-22)
    assert not root.xpath("//*[not(*) and normalize-space(.) = '']")  # no empty element


def test_reverse_charge_ubl_addresses_the_buyer_by_its_vat_number__BIL_10():
    root = etree.fromstring(invoice_ubl_xml(reverse_charged_invoice()))
    endpoint = root.xpath("cac:AccountingCustomerParty//cbc:EndpointID", namespaces=UBL)[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("9930", VALID_DE_VAT)
    assert [note.text for note in root.xpath("cbc:Note", namespaces=UBL)] == [
        "Reverse charge — VAT to be accounted for by the recipient, "
        "Article 196 of Directive 2006/112/EC"
    ]


def test_multi_rate_vat_is_once_per_rate_on_its_taxable_amount__BIL_02():
    invoice = multi_rate_invoice()
    root = etree.fromstring(invoice_ubl_xml(invoice))
    subtotals = [
        (
            sub.findtext(f"{{{UBL['cac']}}}TaxCategory/{{{UBL['cbc']}}}Percent"),
            sub.findtext(f"{{{UBL['cbc']}}}TaxableAmount"),
            sub.findtext(f"{{{UBL['cbc']}}}TaxAmount"),
        )
        for sub in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=UBL)
    ]
    # 10.75 x 24 % = 2.58; 19.99 x 9 % = 1.7991 → 1.80
    assert subtotals == [("24", "10.75", "2.58"), ("9", "19.99", "1.80")]
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (3074, 438, 3512)


def _broken_ubl(invoice) -> bytes:
    """The invoice's UBL without the buyer's electronic address and with a wrong VAT total."""
    root = etree.fromstring(invoice_ubl_xml(invoice))
    for endpoint in root.xpath("cac:AccountingCustomerParty//cbc:EndpointID", namespaces=UBL):
        endpoint.getparent().remove(endpoint)
    root.xpath("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL)[0].text = "1.00"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_the_peppol_rules_catch_a_missing_electronic_address__BIL_10():
    peppol = artefact(UBL_PEPPOL_XSLT)
    broken = _broken_ubl(domestic_company_invoice())
    assert "PEPPOL-EN16931-R010" in {item.rule for item in schematron_findings(peppol, broken)}


def test_the_validators_catch_a_broken_document__BIL_10():
    """The artefacts do fail: with a wrong VAT total the EN 16931 rules name the breach, in
    UBL and in CII."""
    invoice = domestic_company_invoice()
    broken = _broken_ubl(invoice)
    findings = schematron_findings(artefact(UBL_EN16931_XSLT), broken)
    assert "BR-CO-14" in {item.rule for item in findings}
    cii = etree.fromstring(invoice_einvoice_xml(invoice))
    cii.xpath("//ram:TaxTotalAmount", namespaces=NAMESPACES)[0].text = "1.00"
    findings = schematron_findings(CII_EN16931_XSLT, etree.tostring(cii, encoding="UTF-8"))
    assert "BR-CO-14" in {item.rule for item in findings}
