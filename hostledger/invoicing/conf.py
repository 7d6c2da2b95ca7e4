"""Provider settings of invoicing and VAT (BIL-03, BIL-04, BIL-05).

Declared once here with the seed's values as defaults (habit 7): the provider's own identity
as printed on every invoice (seed 003, "Contractor": SmartApe OÜ), the payment term, the VAT
number look-up in VIES and the numbering series used for invoices and credit notes. Read
them with ``hostledger.core.registry.setting_value(key)``.
"""

from hostledger.core.conf import CALENDAR_COUNTRY_CHOICES
from hostledger.core.registry import ProviderSetting, declare

PROVIDER_LEGAL_NAME = "invoicing.provider_legal_name"
PROVIDER_REGISTRY_CODE = "invoicing.provider_registry_code"
PROVIDER_VAT_NUMBER = "invoicing.provider_vat_number"
PROVIDER_ADDRESS = "invoicing.provider_address"
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
        key=PROVIDER_ADDRESS,
        default="Ahtri tn 12, 10151 Tallinn, Estonia",
        kind="str",
        label="Provider's address",
        help_text="Registered address printed on invoices.",
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
        default=False,
        kind="bool",
        label="Confirm VAT numbers in VIES",
        help_text=(
            "When on, an EU business is reverse-charged only after the European Commission's "
            "VIES service confirms its VAT number; when off, a number with a valid format "
            "and check digits is enough."
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
