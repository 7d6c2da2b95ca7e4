"""Provider settings of the ledger and payments (BIL-01, BIL-06).

Declared once here with their defaults (habit 7); read with
``hostledger.core.registry.setting_value(key)``.
"""

from decimal import Decimal

from hostledger.core.registry import ProviderSetting, declare

REFERENCE_NUMBER_PREFIX = "ledger.reference_number_prefix"
BANK_STATEMENT_MAX_BYTES = "ledger.bank_statement_max_bytes"
TOP_UP_MINIMUM = "ledger.top_up_minimum"
TOP_UP_MAXIMUM = "ledger.top_up_maximum"
LOCAL_GATEWAY_ENABLED = "ledger.local_gateway_enabled"
COMPENSATION_CAP_PERCENT = "ledger.compensation_cap_percent"
PROVIDER_BANK_ACCOUNTS = "ledger.provider_bank_accounts"

declare(
    ProviderSetting(
        key=REFERENCE_NUMBER_PREFIX,
        default="10",
        kind="str",
        label="Reference number prefix",
        help_text=(
            "Digits put before the client number when a client's payment reference is made "
            "(the 7-3-1 check digit follows). References already given out do not change."
        ),
        rule="BIL-06",
    ),
    ProviderSetting(
        key=BANK_STATEMENT_MAX_BYTES,
        default=20_000_000,
        kind="int",
        label="Largest bank statement file",
        help_text="camt.053 files larger than this are refused before they are read.",
        rule="BIL-06",
        unit="bytes",
        minimum=10_000,
    ),
    ProviderSetting(
        key=PROVIDER_BANK_ACCOUNTS,
        default="",
        kind="str",
        label="Other bank accounts of the provider",
        help_text=(
            "IBANs (or the bank's account ids) of the provider's accounts besides the one "
            "printed on proformas, separated by spaces or commas. Bank files are imported "
            "for these accounts and the printed one; statements of any other account in a "
            "file are listed as skipped."
        ),
        rule="BIL-06",
    ),
    ProviderSetting(
        key=TOP_UP_MINIMUM,
        default=Decimal("1.00"),
        kind="decimal",
        label="Smallest online top-up",
        help_text="The least a client can pay into the balance through a payment gateway.",
        rule="BIL-01",
        unit="EUR",
        minimum=Decimal("0.01"),
    ),
    ProviderSetting(
        key=TOP_UP_MAXIMUM,
        default=Decimal("10000.00"),
        kind="decimal",
        label="Largest online top-up",
        help_text="The most a client can pay into the balance through one gateway payment.",
        rule="BIL-01",
        unit="EUR",
        minimum=Decimal("0.01"),
    ),
    ProviderSetting(
        key=LOCAL_GATEWAY_ENABLED,
        default=False,
        kind="bool",
        label="Offer the local development gateway",
        help_text=(
            "The local gateway confirms top-ups without real money; switch it on only on "
            "development and demonstration installations."
        ),
        rule="BIL-06",
    ),
    ProviderSetting(
        key=COMPENSATION_CAP_PERCENT,
        default=Decimal("100"),
        kind="decimal",
        label="Compensation cap",
        help_text=(
            "Compensation for the provider's fault credited in a month is at most this share "
            "of the client's charges in the month before (seed 003 §7.6)."
        ),
        rule="BIL-09",
        unit="%",
        minimum=Decimal("0"),
    ),
)

# Stripe card payments (hostledger.ledger.gateways.stripe). The API key and the webhook
# signing secret are not provider settings: they come from the environment variables
# HOSTLEDGER_STRIPE_SECRET_KEY and HOSTLEDGER_STRIPE_WEBHOOK_SECRET.
STRIPE_WEBHOOK_TOLERANCE = "ledger.stripe_webhook_tolerance"
STRIPE_REQUEST_TIMEOUT = "ledger.stripe_request_timeout"
STRIPE_NETWORK_RETRIES = "ledger.stripe_network_retries"

declare(
    ProviderSetting(
        key=STRIPE_WEBHOOK_TOLERANCE,
        default=300,
        kind="int",
        label="Oldest Stripe notification accepted",
        help_text=(
            "A Stripe webhook whose signature timestamp is older than this is refused, so a "
            "captured notification cannot be replayed later. 300 seconds is Stripe's own "
            "default."
        ),
        rule="BIL-06",
        unit="seconds",
        minimum=1,
    ),
    ProviderSetting(
        key=STRIPE_REQUEST_TIMEOUT,
        default=15,
        kind="int",
        label="Stripe request timeout",
        help_text=(
            "How long one call to Stripe's API may take before it is given up; the client "
            "or Stripe's webhook delivery then tries again later."
        ),
        rule="BIL-06",
        unit="seconds",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=STRIPE_NETWORK_RETRIES,
        default=1,
        kind="int",
        label="Stripe request retries",
        help_text=(
            "How many times a call to Stripe that timed out or met a server error is repeated "
            "at once (with the same idempotency key, so nothing is done twice)."
        ),
        rule="BIL-06",
        unit="retries",
        minimum=0,
        maximum=5,
    ),
)
