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
)
