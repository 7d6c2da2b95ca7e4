"""The machine-readable invoice: Factur-X / ZUGFeRD CII at the EN 16931 profile (BIL-10).

:func:`invoice_einvoice_xml` writes a UN/CEFACT Cross Industry Invoice (D16B, the syntax of
Factur-X 1.0 and ZUGFeRD 2.x) for a final invoice (type code 380) or a credit note (381,
referring to the invoice it corrects). Proformas are requests for payment, not invoices,
and are refused.

Amounts are the stored minor units written with the currency's decimals (two for EUR);
nothing is recomputed (BIL-02). A credit note is written with positive quantities and
amounts, as EN 16931 expects of document type 381: each stored (negative) amount is negated.

VAT categories (EN 16931 / UNTDID 5305) by the stored VAT scheme (BIL-05):

* ``domestic``, ``eu_consumer``, ``eu_business_unverified`` — **S** (standard rate) at the
  stored rate: VAT is charged, at the provider's rate or, for consumers and unconfirmed
  businesses elsewhere in the EU, at the rate of their country. A zero rate would be **Z**.
* ``reverse_charge`` — **AE** (VAT reverse charge) at 0 %, exemption reason code
  ``VATEX-EU-AE`` and text "Reverse charge": services to a business in another member
  state, taxed where the buyer is established (Articles 44 and 196 of Directive
  2006/112/EC). BR-AE-02 needs the buyer's VAT number, which a reverse charge always has.
* ``outside_eu`` — **O** (services outside the scope of tax), code ``VATEX-EU-O``: services
  to a customer outside the EU are supplied where the customer is, so no EU VAT applies. **G**
  (free export item) is meant for goods leaving the EU and **E** for exempt supplies, neither
  of which fits hosting services. As BR-O-02 and BR-O-05 require, such an invoice carries no
  seller or buyer VAT identifier and no VAT rate; the seller is identified by its registry
  code (BT-30), which BR-CO-26 accepts.

The XML carries what a receiver's system needs to book it without a person: the buyer's
reference (BT-10) and the order (BT-13), each party's structured address, registry code and
electronic address (BT-34/BT-49, :mod:`.addressing`), the seller's contact (BG-6), and for an
invoice the payment means (BG-16: SEPA credit transfer to the provider's IBAN with the
client's payment reference as remittance information, BT-83). Notes (BT-22) carry only what
the buyer must read — the legal mention of a reverse charge or of a supply outside the scope
of EU VAT, and a credit note's reason — never the reasoning of the VAT decision.

Issued documents never change (BIL-04): the XML of a final invoice or credit note is stored
when first produced (:mod:`.store`) and every later download returns those bytes. The tests
run the official EN 16931 schematron over it (see ``tests/invoicing/test_einvoice_validation.py``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.documents.addressing import electronic_address
from hostledger.invoicing.documents.content import (
    CREDIT_NOTE,
    INVOICE,
    OUTSIDE_EU_MENTION,
    REVERSE_CHARGE_MENTION,
    DocumentContent,
    Party,
    document_content,
)
from hostledger.invoicing.documents.store import Format, issued_file
from hostledger.invoicing.models import CreditNote, Invoice, VatScheme
from hostledger.invoicing.vat import compact_vat_number

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NAMESPACES = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
"""BT-24 of the Factur-X EN 16931 profile (Factur-X 1.0 "EN 16931", ZUGFeRD 2 "COMFORT")."""

TYPE_CODE_INVOICE = "380"
TYPE_CODE_CREDIT_NOTE = "381"
PAYMENT_MEANS_SEPA_CREDIT_TRANSFER = "58"
"""UNTDID 4461 "SEPA credit transfer" (BT-81)."""
EMAIL_SCHEME = "EM"

CATEGORY_STANDARD = "S"
CATEGORY_ZERO = "Z"
CATEGORY_REVERSE_CHARGE = "AE"
CATEGORY_OUTSIDE_SCOPE = "O"
EXEMPTIONS = {
    CATEGORY_REVERSE_CHARGE: ("VATEX-EU-AE", "Reverse charge"),
    CATEGORY_OUTSIDE_SCOPE: ("VATEX-EU-O", "Not subject to VAT"),
}
NOTE_SUBJECT_TAX = "TXD"
"""UNTDID 4451 "tax declaration": the note with the VAT decision."""
NOTE_SUBJECT_REASON = "AAI"
"""UNTDID 4451 "general information": the note with a credit note's reason."""


def vat_category(vat_scheme: str, rate: Decimal) -> str:
    """The EN 16931 VAT category code of a line under ``vat_scheme`` at ``rate``."""
    if vat_scheme == VatScheme.REVERSE_CHARGE:
        return CATEGORY_REVERSE_CHARGE
    if vat_scheme == VatScheme.OUTSIDE_EU:
        return CATEGORY_OUTSIDE_SCOPE
    return CATEGORY_STANDARD if rate > 0 else CATEGORY_ZERO


def _amount(money: Money, sign: int) -> str:
    """The stored amount with the currency's decimals; ``sign=-1`` turns a credit positive."""
    return str(Money(sign * money.minor, money.currency).amount)


def _decimal(value: Decimal) -> str:
    """A quantity or a rate without an exponent or trailing zeros (3, 1.5, 25.5)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _add(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}", **attributes)
    if text is not None:
        element.text = text
    return element


def _add_date(parent, tag: str, value: date, *, qualified: bool = False) -> None:
    holder = _add(parent, tag)
    _add(
        holder,
        "qdt:DateTimeString" if qualified else "udt:DateTimeString",
        _day(value),
        format="102",
    )


def _add_period(parent, start: date | None, end: date | None) -> None:
    if start is None and end is None:
        return
    period = _add(parent, "ram:BillingSpecifiedPeriod")
    if start is not None:
        _add_date(period, "ram:StartDateTime", start)
    if end is not None:
        _add_date(period, "ram:EndDateTime", end)


def party_street(party: Party) -> str:
    """The street line (BT-35/BT-50): the structured street, or a one-line address whole."""
    return party.street or (party.address if not party.city else "")


def party_vat_number(party: Party) -> str:
    """The VAT identifier as sent (BR-CO-09: with a country prefix), or empty."""
    vat_number = compact_vat_number(party.vat_number)
    return vat_number if len(vat_number) > 2 and vat_number[:2].isalpha() else ""


def _add_party(parent, tag: str, party: Party, *, with_vat_number: bool, seller: bool) -> None:
    element = _add(parent, tag)
    _add(element, "ram:Name", party.name)
    if party.registry_code:
        legal = _add(element, "ram:SpecifiedLegalOrganization")
        _add(legal, "ram:ID", party.registry_code)
    if seller and (party.email or party.phone):
        contact = _add(element, "ram:DefinedTradeContact")
        if party.phone:
            phone = _add(contact, "ram:TelephoneUniversalCommunication")
            _add(phone, "ram:CompleteNumber", party.phone)
        if party.email:
            email = _add(contact, "ram:EmailURIUniversalCommunication")
            _add(email, "ram:URIID", party.email)
    address = _add(element, "ram:PostalTradeAddress")
    if party.postal_code:
        _add(address, "ram:PostcodeCode", party.postal_code)
    street = party_street(party)
    if street:
        _add(address, "ram:LineOne", street)
    if party.city:
        _add(address, "ram:CityName", party.city)
    _add(address, "ram:CountryID", party.country.upper())
    endpoint = electronic_address(
        country=party.country, registry_code=party.registry_code, vat_number=party.vat_number
    )
    if endpoint is not None:
        electronic = _add(element, "ram:URIUniversalCommunication")
        _add(electronic, "ram:URIID", endpoint.identifier, schemeID=endpoint.scheme)
    elif party.email:
        electronic = _add(element, "ram:URIUniversalCommunication")
        _add(electronic, "ram:URIID", party.email, schemeID=EMAIL_SCHEME)
    vat_number = party_vat_number(party)
    if with_vat_number and vat_number:
        registration = _add(element, "ram:SpecifiedTaxRegistration")
        _add(registration, "ram:ID", vat_number, schemeID="VA")


def _add_line_tax(parent, category: str, rate: Decimal) -> None:
    tax = _add(parent, "ram:ApplicableTradeTax")
    _add(tax, "ram:TypeCode", "VAT")
    _add(tax, "ram:CategoryCode", category)
    if category != CATEGORY_OUTSIDE_SCOPE:
        _add(tax, "ram:RateApplicablePercent", _decimal(rate))


def _add_lines(transaction, content: DocumentContent, sign: int) -> None:
    for line in content.lines:
        item = _add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _add(_add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.position))
        _add(_add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        agreement = _add(item, "ram:SpecifiedLineTradeAgreement")
        price = _add(agreement, "ram:NetPriceProductTradePrice")
        _add(price, "ram:ChargeAmount", _amount(line.unit_price, 1))
        delivery = _add(item, "ram:SpecifiedLineTradeDelivery")
        _add(
            delivery, "ram:BilledQuantity", _decimal(sign * line.quantity), unitCode=line.unit_code
        )
        settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
        _add_line_tax(settlement, vat_category(content.vat_scheme, line.vat_rate), line.vat_rate)
        _add_period(settlement, line.period_start, line.period_end)
        summation = _add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _add(summation, "ram:LineTotalAmount", _amount(line.net, sign))


def _add_vat_breakdown(settlement, content: DocumentContent, sign: int) -> None:
    for group in content.vat_groups:
        category = vat_category(content.vat_scheme, group.rate)
        tax = _add(settlement, "ram:ApplicableTradeTax")
        _add(tax, "ram:CalculatedAmount", _amount(group.vat, sign))
        _add(tax, "ram:TypeCode", "VAT")
        exemption = EXEMPTIONS.get(category)
        if exemption:
            _add(tax, "ram:ExemptionReason", exemption[1])
        _add(tax, "ram:BasisAmount", _amount(group.net, sign))
        _add(tax, "ram:CategoryCode", category)
        if exemption:
            _add(tax, "ram:ExemptionReasonCode", exemption[0])
        if category != CATEGORY_OUTSIDE_SCOPE:
            _add(tax, "ram:RateApplicablePercent", _decimal(group.rate))


def _add_settlement(transaction, content: DocumentContent, sign: int) -> None:
    settlement = _add(transaction, "ram:ApplicableHeaderTradeSettlement")
    pays_by_transfer = content.kind == INVOICE and bool(content.iban)
    if pays_by_transfer and content.payment_reference:
        _add(settlement, "ram:PaymentReference", content.payment_reference)
    _add(settlement, "ram:InvoiceCurrencyCode", content.currency)
    if pays_by_transfer:
        means = _add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _add(means, "ram:TypeCode", PAYMENT_MEANS_SEPA_CREDIT_TRANSFER)
        account = _add(means, "ram:PayeePartyCreditorFinancialAccount")
        _add(account, "ram:IBANID", compact_vat_number(content.iban))
    _add_vat_breakdown(settlement, content, sign)
    period = content.service_period
    if period is not None:
        _add_period(settlement, *period)
    terms = _add(settlement, "ram:SpecifiedTradePaymentTerms")
    if content.kind == INVOICE:
        _add(terms, "ram:Description", f"Paid in full on {content.paid_on.isoformat()}.")
    else:
        _add(terms, "ram:Description", "Amount credited to the buyer.")
    gross = _amount(content.gross, sign)
    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _amount(content.net, sign))
    _add(summation, "ram:TaxBasisTotalAmount", _amount(content.net, sign))
    _add(summation, "ram:TaxTotalAmount", _amount(content.vat, sign), currencyID=content.currency)
    _add(summation, "ram:GrandTotalAmount", gross)
    if content.kind == INVOICE:
        # A final invoice is issued when its proforma has been paid: nothing is left to pay.
        _add(summation, "ram:TotalPrepaidAmount", gross)
        _add(summation, "ram:DuePayableAmount", _amount(Money.zero(content.currency), 1))
    else:
        _add(summation, "ram:DuePayableAmount", gross)
    if content.kind == CREDIT_NOTE:
        referenced = _add(settlement, "ram:InvoiceReferencedDocument")
        _add(referenced, "ram:IssuerAssignedID", content.corrected_number)
        if content.corrected_issued_on is not None:
            _add_date(
                referenced,
                "ram:FormattedIssueDateTime",
                content.corrected_issued_on,
                qualified=True,
            )


def buyer_notes(content: DocumentContent) -> list[tuple[str, str]]:
    """The notes (BT-22) with their subject codes: only what the buyer must read.

    A credit note's reason, and the legal mention of a reverse charge or of a supply outside
    the scope of EU VAT; the reasoning behind the VAT decision (how a VAT number was
    confirmed, which rate table row applied) is HostLedger's record, not the buyer's."""
    notes = []
    if content.kind == CREDIT_NOTE and content.credit_reason:
        notes.append(
            (
                f"Correction of invoice {content.corrected_number}: {content.credit_reason}",
                NOTE_SUBJECT_REASON,
            )
        )
    mention = {
        VatScheme.REVERSE_CHARGE: REVERSE_CHARGE_MENTION,
        VatScheme.OUTSIDE_EU: OUTSIDE_EU_MENTION,
    }.get(content.vat_scheme)
    if mention:
        notes.append((mention, NOTE_SUBJECT_TAX))
    return notes


def _add_notes(document_element, content: DocumentContent) -> None:
    for text, subject in buyer_notes(content):
        note = _add(document_element, "ram:IncludedNote")
        _add(note, "ram:Content", text)
        _add(note, "ram:SubjectCode", subject)


def einvoice_content(document: Invoice | CreditNote) -> DocumentContent:
    """The content of a final invoice or credit note; a proforma is refused (BIL-10)."""
    if isinstance(document, Invoice) and document.kind != Invoice.Kind.FINAL:
        raise DomainError(
            "einvoice_not_available",
            _(
                "A proforma invoice is a request for payment, not an invoice: it has no "
                "e-invoice. The e-invoice is available once the proforma is paid and "
                "numbered."
            ),
            fields={"document": "proforma invoices are not e-invoiced"},
            status=409,
        )
    return document_content(document)


def einvoice_xml_from_content(content: DocumentContent) -> bytes:
    """The CII XML of already gathered ``content`` (see :func:`invoice_einvoice_xml`)."""
    sign = -1 if content.kind == CREDIT_NOTE else 1
    without_vat_numbers = content.vat_scheme == VatScheme.OUTSIDE_EU
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NAMESPACES)
    context = _add(root, "rsm:ExchangedDocumentContext")
    _add(
        _add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931_GUIDELINE
    )
    header = _add(root, "rsm:ExchangedDocument")
    _add(header, "ram:ID", content.number)
    _add(header, "ram:TypeCode", TYPE_CODE_CREDIT_NOTE if sign < 0 else TYPE_CODE_INVOICE)
    _add_date(header, "ram:IssueDateTime", content.issued_on)
    _add_notes(header, content)
    transaction = _add(root, "rsm:SupplyChainTradeTransaction")
    _add_lines(transaction, content, sign)
    agreement = _add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if content.buyer_reference:
        _add(agreement, "ram:BuyerReference", content.buyer_reference)
    _add_party(
        agreement,
        "ram:SellerTradeParty",
        content.seller,
        with_vat_number=not without_vat_numbers,
        seller=True,
    )
    _add_party(
        agreement,
        "ram:BuyerTradeParty",
        content.buyer,
        with_vat_number=not without_vat_numbers,
        seller=False,
    )
    if content.order_reference:
        order = _add(agreement, "ram:BuyerOrderReferencedDocument")
        _add(order, "ram:IssuerAssignedID", content.order_reference)
    # The supply's date (BT-72): the day the document was issued — for a prepaid period the
    # day it was paid, which is also its tax point. The schema needs this element, and
    # Peppol-minded receivers refuse empty ones (PEPPOL-EN16931-R008).
    delivery = _add(transaction, "ram:ApplicableHeaderTradeDelivery")
    event = _add(delivery, "ram:ActualDeliverySupplyChainEvent")
    _add_date(event, "ram:OccurrenceDateTime", content.issued_on)
    _add_settlement(transaction, content, sign)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_einvoice_xml(document: Invoice | CreditNote) -> bytes:
    """The Factur-X EN 16931 CII XML of a final invoice or a credit note, UTF-8 (BIL-10),
    the same bytes on every call (BIL-04: stored when first produced).

    Raises ``DomainError("einvoice_not_available")`` for a proforma and
    ``DomainError("document_not_issued")`` for a draft.
    """
    with translation.override(settings.LANGUAGE_CODE):  # the e-invoice is not translated
        content = einvoice_content(document)
    return issued_file(document, Format.CII, lambda: einvoice_xml_from_content(content))
