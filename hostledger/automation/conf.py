"""Provider settings of the billing run (AUT-01 … AUT-06, BIL-07, CAT-04).

Declared once here with the seed's values as defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)``.
"""

from __future__ import annotations

from decimal import Decimal

from hostledger.core.registry import ProviderSetting, declare

RUN_INTERVAL_MINUTES = "automation.run_interval_minutes"
RENEWAL_INVOICE_DAYS_AHEAD = "automation.renewal_invoice_days_ahead"
REMINDER_DAYS_BEFORE_DUE = "automation.reminder_days_before_due"
SUSPENSION_WARNING_DAYS_BEFORE = "automation.suspension_warning_days_before"
TERMINATION_AFTER_DAYS = "automation.termination_after_days"
AUTO_TERMINATE_FOR_DEBT = "automation.auto_terminate_for_debt"
AUTO_TERMINATE_FOR_VERIFICATION = "automation.auto_terminate_for_verification"
PENALTY_PERCENT_PER_DAY = "automation.penalty_percent_per_day"
TRIAL_ENDING_NOTICE_DAYS = "automation.trial_ending_notice_days"
CHUNK_CLIENTS = "automation.chunk_clients"

declare(
    ProviderSetting(
        key=RUN_INTERVAL_MINUTES,
        default=60,
        kind="int",
        label="Billing run interval",
        help_text="How often the billing run starts. It is safe at any frequency.",
        rule="AUT-01",
        unit="minutes",
        minimum=1,
        maximum=1440,
    ),
    ProviderSetting(
        key=RENEWAL_INVOICE_DAYS_AHEAD,
        default=10,
        kind="int",
        label="Renewal invoices issued ahead",
        help_text="A renewal invoice is issued this many days before the next period starts.",
        rule="AUT-01",
        unit="days",
        minimum=0,
        maximum=60,
    ),
    ProviderSetting(
        key=REMINDER_DAYS_BEFORE_DUE,
        default=3,
        kind="int",
        label="Payment reminder before the due date",
        help_text="Clients whose balance does not cover a renewal are reminded this many "
        "days before it is due.",
        rule="AUT-04",
        unit="days",
        minimum=1,
        maximum=30,
    ),
    ProviderSetting(
        key=SUSPENSION_WARNING_DAYS_BEFORE,
        default=1,
        kind="int",
        label="Warning before suspension",
        help_text="Clients are warned this many days before a service is suspended for an "
        "unpaid renewal.",
        rule="AUT-04",
        unit="days",
        minimum=1,
        maximum=30,
    ),
    ProviderSetting(
        key=TERMINATION_AFTER_DAYS,
        default=20,
        kind="int",
        label="Termination for debt after",
        help_text="When a renewal invoice is unpaid for more than this many days from its "
        "invoice date, the contract may be terminated; the debt remains (seed 003 §2.2.5).",
        rule="AUT-02",
        unit="days",
        minimum=1,
        maximum=365,
    ),
    ProviderSetting(
        key=AUTO_TERMINATE_FOR_DEBT,
        default=False,
        kind="bool",
        label="Terminate for debt without staff confirmation",
        help_text="Off: the run proposes termination and staff confirm it. On: the run "
        "terminates, and the decision is still stored for human review.",
        rule="AUT-06",
    ),
    ProviderSetting(
        key=AUTO_TERMINATE_FOR_VERIFICATION,
        default=False,
        kind="bool",
        label="Terminate for unanswered verification without staff confirmation",
        help_text="Off: the run proposes terminating the contract of a client who has not "
        "answered a data verification request in time, and staff confirm it.",
        rule="AUT-06",
    ),
    ProviderSetting(
        key=PENALTY_PERCENT_PER_DAY,
        default=Decimal("0.1"),
        kind="decimal",
        label="Late-payment penalty",
        help_text="Penalty per day of delay, as a percentage of the unpaid amount (seed 003 §7.9).",
        rule="BIL-07",
        unit="% per day",
        minimum=Decimal("0"),
        maximum=Decimal("5"),
    ),
    ProviderSetting(
        key=TRIAL_ENDING_NOTICE_DAYS,
        default=2,
        kind="int",
        label="Notice before a free trial ends",
        help_text="Clients are told this many days before a free trial ends.",
        rule="CAT-04",
        unit="days",
        minimum=1,
        maximum=10,
    ),
    ProviderSetting(
        key=CHUNK_CLIENTS,
        default=5000,
        kind="int",
        label="Clients per billing-run chunk",
        help_text="The run works through clients in chunks of this many, one transaction "
        "per chunk and step, so memory does not grow with the number of services.",
        rule="AUT-01",
        unit="clients",
        minimum=10,
        maximum=100_000,
    ),
)
