"""Provider settings of invoicing and VAT (BIL-03, BIL-04, BIL-05).

Declared once here with the seed's values as defaults (habit 7): the provider's own identity
as printed on every invoice (seed 003, "Contractor": SmartApe OÜ), the payment term, the VAT
number look-up in VIES and the numbering series used for invoices and credit notes. Read
them with ``hostledger.core.registry.setting_value(key)``.
"""

from hostledger.core.bank_accounts import clean_bic, clean_iban
from hostledger.core.conf import CALENDAR_COUNTRY_CHOICES
from hostledger.core.registry import ProviderSetting, declare

PROVIDER_LEGAL_NAME = "invoicing.provider_legal_name"
PROVIDER_REGISTRY_CODE = "invoicing.provider_registry_code"
PROVIDER_VAT_NUMBER = "invoicing.provider_vat_number"
PROVIDER_STREET = "invoicing.provider_street"
PROVIDER_CITY = "invoicing.provider_city"
PROVIDER_POSTAL_CODE = "invoicing.provider_postal_code"
PROVIDER_COUNTRY = "invoicing.provider_country"
DUE_WORKING_DAYS = "invoicing.due_working_days"
INVOICE_SERIES = "invoicing.invoice_series"
CREDIT_NOTE_SERIES = "invoicing.credit_note_series"
VIES_CHECK_ENABLED = "invoicing.vies_check_enabled"
VIES_API_URL = "invoicing.vies_api_url"
VIES_TIMEOUT_SECONDS = "invoicing.vies_timeout_seconds"

# The provider must be established in the EU for the VAT rules of BIL-05 to apply; the same
# list of member states as the working-day calendar.
PROVIDER_COUNTRY_CHOICES = CALENDAR_COUNTRY_CHOICES

declare(
    ProviderSetting(
        key=PROVIDER_LEGAL_NAME,
        default="SmartApe OÜ",
        kind="str",
        label="Provider's legal name",
        help_text="Printed as the seller on every invoice and credit note.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=PROVIDER_REGISTRY_CODE,
        default="16124388",
        kind="str",
        label="Provider's registry code",
        help_text="Commercial register code printed on invoices.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=PROVIDER_VAT_NUMBER,
        default="EE102329731",
        kind="str",
        label="Provider's VAT number",
        help_text="Printed on invoices and sent to VIES as the requester of VAT number checks.",
        rule="BIL-05",
    ),
    ProviderSetting(
        key=PROVIDER_STREET,
        default="Ahtri tn 12",
        kind="str",
        label="Provider's street address",
        help_text="Street and building of the registered address printed on invoices.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=PROVIDER_CITY,
        default="Tallinn",
        kind="str",
        label="Provider's city",
        help_text="City of the registered address printed on invoices.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=PROVIDER_POSTAL_CODE,
        default="10151",
        kind="str",
        label="Provider's postal code",
        help_text="Postal code of the registered address printed on invoices.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=PROVIDER_COUNTRY,
        default="EE",
        kind="choice",
        choices=PROVIDER_COUNTRY_CHOICES,
        label="Provider's VAT country",
        help_text=(
            "The member state where the provider is registered for VAT. Clients of this "
            "country pay its rate (domestic supply); its rates come from the VAT rate table."
        ),
        rule="BIL-05",
    ),
    ProviderSetting(
        key=DUE_WORKING_DAYS,
        default=5,
        kind="int",
        label="Payment term",
        help_text="An invoice is due this many working days after its issue date.",
        rule="BIL-03",
        unit="working days",
        minimum=0,
        maximum=90,
    ),
    ProviderSetting(
        key=INVOICE_SERIES,
        default="INV",
        kind="str",
        label="Invoice numbering series",
        help_text="Code of the series whose next number a paid proforma receives.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=CREDIT_NOTE_SERIES,
        default="CN",
        kind="str",
        label="Credit note numbering series",
        help_text="Code of the series credit notes are numbered in.",
        rule="BIL-04",
    ),
    ProviderSetting(
        key=VIES_CHECK_ENABLED,
        default=True,
        kind="bool",
        label="Confirm VAT numbers in VIES",
        help_text=(
            "On by default: an EU business is reverse-charged only after the European "
            "Commission's VIES service confirms its VAT number. When VIES cannot be reached "
            "or does not answer in time, the document charges the VAT of the buyer's country "
            "and records why; the next document asks VIES again. Off: a number with a valid "
            "format and check digits is enough."
        ),
        rule="BIL-05",
    ),
    ProviderSetting(
        key=VIES_API_URL,
        default="https://ec.europa.eu/taxation_customs/vies/rest-api",
        kind="str",
        label="VIES REST API address",
        help_text="Base address of the European Commission's VIES REST API.",
        rule="BIL-05",
    ),
    ProviderSetting(
        key=VIES_TIMEOUT_SECONDS,
        default=10,
        kind="int",
        label="VIES time-out",
        help_text="Seconds to wait for VIES before the number counts as not confirmed.",
        rule="BIL-05",
        unit="seconds",
        minimum=1,
        maximum=60,
    ),
)

# Provider details printed on invoice and credit-note documents (BIL-10). The defaults are
# demonstration values (an example IBAN, a "Demo Bank", addresses under the reserved
# ``.example`` domain): replace them in the provider settings before issuing real documents.
PROVIDER_IBAN = "invoicing.provider_iban"
PROVIDER_BIC = "invoicing.provider_bic"
PROVIDER_BANK_NAME = "invoicing.provider_bank_name"
PROVIDER_EMAIL = "invoicing.provider_email"
PROVIDER_PHONE = "invoicing.provider_phone"
PROVIDER_WEBSITE = "invoicing.provider_website"
DOCUMENT_FOOTER = "invoicing.document_footer"

declare(
    ProviderSetting(
        key=PROVIDER_IBAN,
        default="EE382200221020145685",
        kind="str",
        label="Provider's bank account (IBAN)",
        help_text=(
            "Printed on proformas, the top-up page and reminders as the account to pay to by "
            "bank transfer, and put in their EPC QR codes; the check digits are verified. The "
            "default is the published example IBAN of Estonia, a demonstration value: "
            "replace it. The account holder is the provider's legal name."
        ),
        rule="BIL-10",
        validator=clean_iban,
    ),
    ProviderSetting(
        key=PROVIDER_BIC,
        default="DEMOEE22",
        kind="str",
        label="Provider's bank BIC",
        help_text=(
            "BIC (SWIFT code) of the provider's bank, 8 or 11 characters, or empty (a SEPA "
            "transfer needs none); the default is a demonstration value."
        ),
        rule="BIL-10",
        validator=clean_bic,
    ),
    ProviderSetting(
        key=PROVIDER_BANK_NAME,
        default="Demo Bank AS",
        kind="str",
        label="Provider's bank",
        help_text="Name of the bank holding the provider's account; a demonstration value.",
        rule="BIL-10",
    ),
    ProviderSetting(
        key=PROVIDER_EMAIL,
        default="billing@provider.example",
        kind="str",
        label="Provider's billing e-mail",
        help_text="Contact address printed on invoices and sent as the seller's e-mail in "
        "e-invoices; the default is a demonstration value.",
        rule="BIL-10",
    ),
    ProviderSetting(
        key=PROVIDER_PHONE,
        default="+372 5555 0100",
        kind="str",
        label="Provider's phone",
        help_text="Phone number printed on invoices (may be empty); a demonstration value.",
        rule="BIL-10",
    ),
    ProviderSetting(
        key=PROVIDER_WEBSITE,
        default="https://provider.example",
        kind="str",
        label="Provider's website",
        help_text="Web address printed in the footer of invoices (may be empty).",
        rule="BIL-10",
    ),
    ProviderSetting(
        key=DOCUMENT_FOOTER,
        default="Thank you for choosing us.",
        kind="str",
        label="Invoice footer text",
        help_text="A short line printed at the foot of every invoice and credit note.",
        rule="BIL-10",
    ),
)

# Closing documents (DOC-01..03): acts of acceptance formed monthly, the client's dispute
# period (seed 003 §3.5: 3 working days) and paper acts posted quarterly on request (§3.3).
ACT_DISPUTE_WORKING_DAYS = "invoicing.act_dispute_working_days"
PAPER_ACTS_OFFERED = "invoicing.paper_acts_offered"
PAPER_ACT_PERIOD_MONTHS = "invoicing.paper_act_period_months"

declare(
    ProviderSetting(
        key=ACT_DISPUTE_WORKING_DAYS,
        default=3,
        kind="int",
        label="Act dispute period",
        help_text=(
            "A client may dispute an act of acceptance, with reasons, for this many working "
            "days after it is formed; after that an undisputed act counts as accepted."
        ),
        rule="DOC-02",
        unit="working days",
        minimum=1,
        maximum=60,
    ),
    ProviderSetting(
        key=PAPER_ACTS_OFFERED,
        default=True,
        kind="bool",
        label="Offer paper acts by post",
        help_text="When on, clients can ask to receive their acts of acceptance on paper.",
        rule="DOC-03",
    ),
    ProviderSetting(
        key=PAPER_ACT_PERIOD_MONTHS,
        default="3",
        kind="choice",
        choices=(
            ("1", "Every month"),
            ("2", "Every two months"),
            ("3", "Every quarter"),
            ("4", "Every four months"),
            ("6", "Every half year"),
            ("12", "Every year"),
        ),
        label="Paper acts are posted",
        help_text=(
            "How often paper acts are posted, each time for the period before; a client "
            "files one request per payer and period."
        ),
        rule="DOC-03",
        unit="months",
    ),
)
