"""What an invoice, proforma or credit note says, read from its stored rows (BIL-10).

:func:`document_content` gathers everything a printed document or an e-invoice shows — the
parties as snapshotted at issue, the lines, the VAT breakdown per rate and the totals — into
plain dataclasses, so that the PDF and the XML print the same facts. Amounts are the stored
minor units (BIL-02): the VAT breakdown sums the stored line amounts and is checked against
the stored document totals; nothing is recomputed at another rounding.

Only reads: a proforma's payment reference is shown when the client already has one and is
never created here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.models import CreditNote, Invoice, VatScheme
from hostledger.ledger.epc_qr import credit_transfer_qr_svg
from hostledger.ledger.selectors import client_payment_reference_numbers

INVOICE = "invoice"
PROFORMA = "proforma"
CREDIT_NOTE = "credit_note"

REVERSE_CHARGE_MENTION = (
    "Reverse charge — VAT to be accounted for by the recipient, "
    "Article 196 of Directive 2006/112/EC"
)
OUTSIDE_EU_MENTION = (
    "VAT not charged — supply to a customer established outside the EU, outside the scope of EU VAT"
)

UNIT_ONE = "C62"
"""UN/ECE Recommendation 20 "one": a line counts pieces or is one amount."""


@dataclass(frozen=True, slots=True)
class Party:
    """A seller or buyer as printed: every text field may be empty on an old snapshot."""

    name: str
    country: str
    country_name: str = ""
    registry_code: str = ""
    vat_number: str = ""
    address: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    is_business: bool = True

    @property
    def address_lines(self) -> list[str]:
        """The postal address as printed, one line each, ending with the country name."""
        if self.address:
            return [self.address]
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [part for part in (self.street, town) if part]
        if self.country_name:
            lines.append(self.country_name)
        return lines


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One line with its stored amounts (negative on a credit note)."""

    position: int
    description: str
    quantity: Decimal
    unit_price: Money
    net: Money
    vat_rate: Decimal
    vat: Money
    period_start: date | None = None
    period_end: date | None = None
    unit_code: str = UNIT_ONE

    @property
    def gross(self) -> Money:
        return self.net + self.vat


@dataclass(frozen=True, slots=True)
class VatGroup:
    """The VAT breakdown of one rate: the sums of the stored line amounts at that rate."""

    rate: Decimal
    net: Money
    vat: Money


@dataclass(frozen=True, slots=True)
class PaymentInstructions:
    """How to pay a proforma: the provider's account and the client's reference, if any."""

    amount: Money
    due_on: date
    iban: str
    bic: str
    bank_name: str
    beneficiary: str
    reference_number: str = ""
    creditor_reference: str = ""

    def qr_svg(self) -> str:
        """The EPC QR code (EPC069-12) of this payment, drawn from the printed details: the
        amount, the account and the client's RF reference (BIL-06)."""
        return credit_transfer_qr_svg(self)


@dataclass(frozen=True, slots=True)
class DocumentContent:
    """Everything a document prints, in the order a reader meets it."""

    kind: str
    public_id: str
    number: str
    status: str
    issued_on: date
    currency: str
    seller: Party
    buyer: Party
    lines: list[DocumentLine]
    vat_groups: list[VatGroup]
    net: Money
    vat: Money
    gross: Money
    vat_scheme: str
    vat_reason: str
    due_on: date | None = None
    paid_on: date | None = None
    corrected_number: str = ""
    corrected_issued_on: date | None = None
    credit_reason: str = ""
    payment: PaymentInstructions | None = None
    footer: str = ""
    language: str = "en"
    buyer_reference: str = ""
    order_reference: str = ""
    iban: str = ""
    bic: str = ""
    payment_reference: str = ""

    @property
    def reference(self) -> str:
        """The number, or the public id of a proforma that has none yet."""
        return self.number or self.public_id

    @property
    def title(self) -> str:
        return {
            INVOICE: _("Invoice"),
            PROFORMA: _("Proforma invoice"),
            CREDIT_NOTE: _("Credit note"),
        }[self.kind]

    @property
    def is_proforma(self) -> bool:
        return self.kind == PROFORMA

    @property
    def is_credit_note(self) -> bool:
        return self.kind == CREDIT_NOTE

    @property
    def vat_mention(self) -> str:
        """The legal mention a reverse-charged or outside-EU document must carry (BIL-05)."""
        if self.vat_scheme == VatScheme.REVERSE_CHARGE:
            return REVERSE_CHARGE_MENTION
        if self.vat_scheme == VatScheme.OUTSIDE_EU:
            return OUTSIDE_EU_MENTION
        return ""

    @property
    def service_period(self) -> tuple[date, date] | None:
        """From the earliest start to the latest end of the lines' periods, if any has one."""
        starts = [line.period_start for line in self.lines if line.period_start]
        ends = [line.period_end for line in self.lines if line.period_end]
        if not starts or not ends:
            return None
        return min(starts), max(ends)


def country_name(code: str, language: str = "en") -> str:
    """The country's name in ``language`` from Babel's CLDR data; the code if unknown."""
    if not code:
        return ""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError):
        locale = Locale("en")
    return locale.territories.get(code.upper(), code.upper())


def document_language() -> str:
    """The active language, used for amounts, dates and country names."""
    return translation.get_language() or "en"


def client_language(client) -> str:
    """The language a client's documents are printed in: the preferred language of the
    client's owner when the site offers it (``"et-ee"`` counts as ``"et"``), else the site's
    language. Rendering activates it with ``translation.override``."""
    owner = getattr(client, "owner", None)
    code = (getattr(owner, "preferred_language", "") or "").lower().split("-")[0]
    offered = {language for language, _name in settings.LANGUAGES}
    return code if code in offered else settings.LANGUAGE_CODE


PROVIDER_DETAILS = ("iban", "bic", "bank_name", "email", "phone", "website", "footer")


def provider_details(snapshot: dict) -> dict:
    """The provider's bank and contact details as the document's snapshot froze them (BIL-04).

    Nothing is read from the settings: a detail missing from the snapshot prints empty."""
    return {name: snapshot.get(name) or "" for name in PROVIDER_DETAILS}


def seller_party(snapshot: dict, language: str) -> Party:
    """The provider as a document's snapshot froze it: name, address, ids and contacts."""
    country = snapshot.get("country", "") or ""
    return Party(
        name=snapshot.get("legal_name", "") or "",
        country=country,
        country_name=country_name(country, language),
        registry_code=snapshot.get("registry_code", "") or "",
        vat_number=snapshot.get("vat_number", "") or "",
        address=snapshot.get("address", "") or "",
        street=snapshot.get("street", "") or "",
        postal_code=snapshot.get("postal_code", "") or "",
        city=snapshot.get("city", "") or "",
        email=snapshot.get("email") or "",
        phone=snapshot.get("phone") or "",
        website=snapshot.get("website") or "",
    )


def _buyer(payer: dict, language: str) -> Party:
    country = payer.get("country", "") or ""
    return Party(
        name=payer.get("name", "") or "",
        country=country,
        country_name=country_name(country, language),
        registry_code=payer.get("registry_code", "") or "",
        vat_number=payer.get("vat_number", "") or "",
        street=payer.get("street", "") or "",
        postal_code=payer.get("postal_code", "") or "",
        city=payer.get("city", "") or "",
        email=payer.get("invoice_email", "") or "",
        is_business=payer.get("kind") == "legal",
    )


def _lines(document, currency: str) -> list[DocumentLine]:
    return [
        DocumentLine(
            position=row.position,
            description=row.description,
            quantity=row.quantity,
            unit_price=Money(row.unit_price_minor, currency),
            net=Money(row.net_minor, currency),
            vat_rate=row.vat_rate,
            vat=Money(row.vat_minor, currency),
            period_start=row.period_start,
            period_end=row.period_end,
            unit_code=row.unit_code,
        )
        for row in document.lines.order_by("position", "id")
    ]


def vat_groups_of(lines: list[DocumentLine], currency: str) -> list[VatGroup]:
    """The VAT breakdown per rate, highest rate first: plain sums of the stored lines."""
    groups: dict[Decimal, tuple[Money, Money]] = {}
    for line in lines:
        net, vat = groups.get(line.vat_rate, (Money.zero(currency), Money.zero(currency)))
        groups[line.vat_rate] = (net + line.net, vat + line.vat)
    return [
        VatGroup(rate=rate, net=net, vat=vat)
        for rate, (net, vat) in sorted(groups.items(), key=lambda item: -item[0])
    ]


def _check_totals(document, lines: list[DocumentLine], currency: str) -> None:
    """The stored totals must be the sums of the stored lines; refuse to print otherwise."""
    net = Money.total((line.net for line in lines), currency)
    vat = Money.total((line.vat for line in lines), currency)
    if (net.minor, vat.minor, (net + vat).minor) != (
        document.net_minor,
        document.vat_minor,
        document.gross_minor,
    ):
        raise DomainError(
            "document_totals_inconsistent",
            _("%(document)s: the stored totals differ from the sums of its lines.")
            % {"document": document},
            fields={"document": "totals differ from the sum of the lines"},
            status=409,
        )


def _payment_instructions(invoice: Invoice, seller: Party, details: dict, reference: dict):
    if invoice.status != Invoice.Status.ISSUED:
        return None
    return PaymentInstructions(
        amount=invoice.gross,
        due_on=invoice.due_on,
        iban=details.get("iban") or "",
        bic=details.get("bic") or "",
        bank_name=details.get("bank_name") or "",
        beneficiary=seller.name,
        reference_number=reference.get("reference_number", ""),
        creditor_reference=reference.get("creditor_reference", ""),
    )


def _refuse_draft(document) -> None:
    if document.status == document.DRAFT or document.pk is None:
        raise DomainError(
            "document_not_issued",
            _("Only an issued invoice or credit note can be printed."),
            fields={"document": "not issued"},
            status=409,
        )


def document_content(document: Invoice | CreditNote) -> DocumentContent:
    """What ``document`` (an issued invoice, proforma or credit note) prints (BIL-10)."""
    if not isinstance(document, Invoice | CreditNote):
        raise TypeError(f"Expected an Invoice or a CreditNote, not {type(document).__name__}.")
    _refuse_draft(document)
    language = document_language()
    snapshot = document.provider_snapshot or {}
    details = provider_details(snapshot)
    seller = seller_party(snapshot, language)
    payer = document.payer_data
    buyer = _buyer(payer, language)
    currency = document.currency
    lines = _lines(document, currency)
    _check_totals(document, lines, currency)
    reference = client_payment_reference_numbers(document.client_id)
    common = {
        "public_id": document.public_id,
        "number": document.number_display,
        "status": document.status,
        "currency": currency,
        "seller": seller,
        "buyer": buyer,
        "lines": lines,
        "vat_groups": vat_groups_of(lines, currency),
        "net": document.net,
        "vat": document.vat,
        "gross": document.gross,
        "footer": details.get("footer") or "",
        "language": language,
        "buyer_reference": payer.get("buyer_reference") or "",
        "iban": details["iban"],
        "bic": details["bic"],
        "payment_reference": reference.get("reference_number", ""),
    }
    if isinstance(document, CreditNote):
        invoice = document.invoice
        return DocumentContent(
            kind=CREDIT_NOTE,
            issued_on=document.issued_on,
            vat_scheme=invoice.vat_scheme,
            vat_reason=invoice.vat_reason,
            corrected_number=invoice.number_display,
            corrected_issued_on=invoice.finalised_on,
            credit_reason=document.reason,
            **common,
        )
    if document.kind == Invoice.Kind.FINAL:
        return DocumentContent(
            kind=INVOICE,
            issued_on=document.finalised_on,
            paid_on=document.finalised_on,
            vat_scheme=document.vat_scheme,
            vat_reason=document.vat_reason,
            order_reference=document.order_reference,
            **common,
        )
    return DocumentContent(
        kind=PROFORMA,
        issued_on=document.issued_on,
        due_on=document.due_on,
        vat_scheme=document.vat_scheme,
        vat_reason=document.vat_reason,
        order_reference=document.order_reference,
        payment=_payment_instructions(document, seller, details, reference),
        **common,
    )
