"""The Peppol BIS Billing 3.0 e-invoice: UBL 2.1 Invoice and CreditNote (BIL-10).

:func:`invoice_ubl_xml` writes the same facts as the CII (:mod:`.einvoice`) — parties,
lines, VAT breakdown, totals, references, payment means and notes, all from
:class:`~hostledger.invoicing.documents.content.DocumentContent` — in the syntax the Peppol
network exchanges: a UBL 2.1 ``Invoice`` (type 380) for a final invoice, a ``CreditNote``
(381) referring to the invoice it corrects for a credit note, with the Peppol BIS Billing 3.0
customisation and profile identifiers. Amounts are the stored minor units; a credit note
states its amounts and quantities positive. No element is written empty
(PEPPOL-EN16931-R008), and there is at most one note (PEPPOL-EN16931-R002).

Peppol needs both parties' electronic addresses (PEPPOL-EN16931-R010, -R020) and a buyer
reference or an order reference (PEPPOL-EN16931-R003). A buyer with no identifier in a known
scheme — a consumer, typically — cannot be addressed on Peppol: its UBL is refused with
``peppol_address_missing``; the CII and the PDF remain. Without a buyer reference of its
own, BT-10 carries the client's payment reference, the number the client's bookkeeping
already knows, or else the invoice number.

Stored when first produced and returned byte for byte after that (BIL-04, :mod:`.store`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.documents.addressing import electronic_address
from hostledger.invoicing.documents.content import CREDIT_NOTE, INVOICE, DocumentContent, Party
from hostledger.invoicing.documents.einvoice import (
    CATEGORY_OUTSIDE_SCOPE,
    EXEMPTIONS,
    PAYMENT_MEANS_SEPA_CREDIT_TRANSFER,
    TYPE_CODE_CREDIT_NOTE,
    TYPE_CODE_INVOICE,
    buyer_notes,
    einvoice_content,
    party_street,
    party_vat_number,
    vat_category,
)
from hostledger.invoicing.documents.store import Format, issued_file
from hostledger.invoicing.models import CreditNote, Invoice, VatScheme
from hostledger.invoicing.vat import compact_vat_number

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

PEPPOL_CUSTOMIZATION_ID = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
)
PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
VAT_SCHEME_ID = "VAT"


def _element(parent, prefix: str, name: str, text: str | None = None, **attributes):
    namespace = CBC if prefix == "cbc" else CAC
    element = etree.SubElement(parent, f"{{{namespace}}}{name}", **attributes)
    if text is not None:
        element.text = text
    return element


def _cbc(parent, name: str, text: str, **attributes):
    return _element(parent, "cbc", name, text, **attributes)


def _cac(parent, name: str):
    return _element(parent, "cac", name)


def _money(parent, name: str, money: Money, sign: int) -> None:
    _cbc(
        parent,
        name,
        str(Money(sign * money.minor, money.currency).amount),
        currencyID=money.currency,
    )


def _decimal(value) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _day(value: date) -> str:
    return value.isoformat()


def _party(parent, name: str, party: Party, *, seller: bool, with_vat_number: bool) -> None:
    holder = _cac(parent, name)
    element = _cac(holder, "Party")
    endpoint = electronic_address(
        country=party.country, registry_code=party.registry_code, vat_number=party.vat_number
    )
    _cbc(element, "EndpointID", endpoint.identifier, schemeID=endpoint.scheme)
    address = _cac(element, "PostalAddress")
    street = party_street(party)
    if street:
        _cbc(address, "StreetName", street)
    if party.city:
        _cbc(address, "CityName", party.city)
    if party.postal_code:
        _cbc(address, "PostalZone", party.postal_code)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country.upper())
    vat_number = party_vat_number(party)
    if with_vat_number and vat_number:
        tax = _cac(element, "PartyTaxScheme")
        _cbc(tax, "CompanyID", vat_number)
        _cbc(_cac(tax, "TaxScheme"), "ID", VAT_SCHEME_ID)
    legal = _cac(element, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.registry_code:
        _cbc(legal, "CompanyID", party.registry_code)
    if seller and (party.name or party.phone or party.email):
        contact = _cac(element, "Contact")
        _cbc(contact, "Name", party.name)
        if party.phone:
            _cbc(contact, "Telephone", party.phone)
        if party.email:
            _cbc(contact, "ElectronicMail", party.email)


def _period(parent, start: date | None, end: date | None) -> None:
    if start is None and end is None:
        return
    period = _cac(parent, "InvoicePeriod")
    if start is not None:
        _cbc(period, "StartDate", _day(start))
    if end is not None:
        _cbc(period, "EndDate", _day(end))


def _tax_category(parent, name: str, category: str, rate, *, exemption: bool) -> None:
    element = _cac(parent, name)
    _cbc(element, "ID", category)
    if category != CATEGORY_OUTSIDE_SCOPE:
        _cbc(element, "Percent", _decimal(rate))
    reason = EXEMPTIONS.get(category)
    if exemption and reason:
        _cbc(element, "TaxExemptionReasonCode", reason[0])
        _cbc(element, "TaxExemptionReason", reason[1])
    _cbc(_cac(element, "TaxScheme"), "ID", VAT_SCHEME_ID)


def buyer_reference(content: DocumentContent) -> str:
    """BT-10: the payer's own reference, else the client's payment reference, else the
    document's number (PEPPOL-EN16931-R003 wants a buyer or an order reference)."""
    if content.buyer_reference or content.order_reference:
        return content.buyer_reference
    return content.payment_reference or content.reference


def _addressable(party: Party) -> bool:
    return (
        electronic_address(
            country=party.country, registry_code=party.registry_code, vat_number=party.vat_number
        )
        is not None
    )


def peppol_addressable(content: DocumentContent) -> bool:
    """Whether both parties have an electronic address, so a Peppol UBL can be written."""
    return _addressable(content.seller) and _addressable(content.buyer)


def ubl_xml_from_content(content: DocumentContent) -> bytes:
    """The Peppol BIS Billing 3.0 UBL of already gathered ``content``."""
    is_credit = content.kind == CREDIT_NOTE
    sign = -1 if is_credit else 1
    for party, role in ((content.seller, "seller"), (content.buyer, "buyer")):
        if not _addressable(party):
            raise DomainError(
                "peppol_address_missing",
                _(
                    "The %(role)s has no registry code or VAT number in a known electronic "
                    "address scheme, so the document cannot be sent over Peppol; the PDF and "
                    "the CII e-invoice are available."
                )
                % {"role": role},
                fields={"document": f"{role} has no electronic address"},
                status=409,
            )
    namespace = CREDIT_NOTE_NS if is_credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if is_credit else 'Invoice'}",
        nsmap={None: namespace, "cac": CAC, "cbc": CBC},
    )
    _cbc(root, "CustomizationID", PEPPOL_CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PEPPOL_PROFILE_ID)
    _cbc(root, "ID", content.number)
    _cbc(root, "IssueDate", _day(content.issued_on))
    if is_credit:
        _cbc(root, "CreditNoteTypeCode", TYPE_CODE_CREDIT_NOTE)
    else:
        _cbc(root, "InvoiceTypeCode", TYPE_CODE_INVOICE)
    notes = buyer_notes(content)
    if notes:
        _cbc(root, "Note", "\n".join(text for text, _subject in notes))
    _cbc(root, "DocumentCurrencyCode", content.currency)
    reference = buyer_reference(content)
    if reference:
        _cbc(root, "BuyerReference", reference)
    period = content.service_period
    if period is not None:
        _period(root, *period)
    if content.order_reference:
        _cbc(_cac(root, "OrderReference"), "ID", content.order_reference)
    if is_credit:
        billing = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(billing, "ID", content.corrected_number)
        if content.corrected_issued_on is not None:
            _cbc(billing, "IssueDate", _day(content.corrected_issued_on))
    without_vat_numbers = content.vat_scheme == VatScheme.OUTSIDE_EU
    _party(
        root,
        "AccountingSupplierParty",
        content.seller,
        seller=True,
        with_vat_number=not without_vat_numbers,
    )
    _party(
        root,
        "AccountingCustomerParty",
        content.buyer,
        seller=False,
        with_vat_number=not without_vat_numbers,
    )
    if content.kind == INVOICE and content.iban:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", PAYMENT_MEANS_SEPA_CREDIT_TRANSFER)
        if content.payment_reference:
            _cbc(means, "PaymentID", content.payment_reference)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", compact_vat_number(content.iban))
        if content.bic:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", content.bic)
    terms = _cac(root, "PaymentTerms")
    if content.kind == INVOICE:
        _cbc(terms, "Note", f"Paid in full on {content.paid_on.isoformat()}.")
    else:
        _cbc(terms, "Note", "Amount credited to the buyer.")
    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", content.vat, sign)
    for group in content.vat_groups:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", group.net, sign)
        _money(subtotal, "TaxAmount", group.vat, sign)
        category = vat_category(content.vat_scheme, group.rate)
        _tax_category(subtotal, "TaxCategory", category, group.rate, exemption=True)
    totals = _cac(root, "LegalMonetaryTotal")
    _money(totals, "LineExtensionAmount", content.net, sign)
    _money(totals, "TaxExclusiveAmount", content.net, sign)
    _money(totals, "TaxInclusiveAmount", content.gross, sign)
    if content.kind == INVOICE:
        # A final invoice is issued when its proforma has been paid: nothing is left to pay.
        _money(totals, "PrepaidAmount", content.gross, sign)
        _money(totals, "PayableAmount", Money.zero(content.currency), 1)
    else:
        _money(totals, "PayableAmount", content.gross, sign)
    for line in content.lines:
        item_line = _cac(root, "CreditNoteLine" if is_credit else "InvoiceLine")
        _cbc(item_line, "ID", str(line.position))
        _cbc(
            item_line,
            "CreditedQuantity" if is_credit else "InvoicedQuantity",
            _decimal(sign * line.quantity),
            unitCode=line.unit_code,
        )
        _money(item_line, "LineExtensionAmount", line.net, sign)
        _period(item_line, line.period_start, line.period_end)
        item = _cac(item_line, "Item")
        _cbc(item, "Name", line.description)
        category = vat_category(content.vat_scheme, line.vat_rate)
        _tax_category(item, "ClassifiedTaxCategory", category, line.vat_rate, exemption=False)
        price = _cac(item_line, "Price")
        _money(price, "PriceAmount", line.unit_price, 1)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_ubl_xml(document: Invoice | CreditNote) -> bytes:
    """The Peppol BIS Billing 3.0 UBL of a final invoice or credit note, UTF-8 (BIL-10), the
    same bytes on every call (BIL-04: stored when first produced).

    Refused for a proforma (``einvoice_not_available``), a draft (``document_not_issued``)
    and a buyer with no electronic address (``peppol_address_missing``)."""
    with translation.override(settings.LANGUAGE_CODE):  # the e-invoice is not translated
        content = einvoice_content(document)
    return issued_file(document, Format.UBL, lambda: ubl_xml_from_content(content))
