"""Provider settings of orders and services (ORD).

Declared once here with the seed's values as defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)`` or, for the order periods, with
:func:`allowed_periods`. The minimum service period, the commencement term and the free
trials are catalog settings (CAT-03, CAT-04) read through ``hostledger.catalog.terms``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.registry import ProviderSetting, declare, setting_value

ALLOWED_PERIODS = "subscriptions.allowed_periods"
MAX_PERIOD_MONTHS = 120
"""The longest period any installation may offer (ten years); a sanity bound on the setting."""

declare(
    ProviderSetting(
        key=ALLOWED_PERIODS,
        default="1,3,6,12",
        kind="str",
        label="Order periods",
        help_text=(
            "The periods, in months, a client may order and prepay a service for, separated "
            "by commas (SPEC ORD-01: 1, 3, 6 or 12 months)."
        ),
        rule="ORD-01",
        unit="months",
    ),
)


def parse_periods(raw: str) -> tuple[int, ...]:
    """The month counts of a comma-separated list such as "1,3,6,12", sorted, or a
    DomainError naming the setting when one of them is not a whole number of months."""
    months: set[int] = set()
    for part in str(raw).split(","):
        text = part.strip()
        if not text:
            continue
        if not text.isdigit() or not 1 <= int(text) <= MAX_PERIOD_MONTHS:
            raise DomainError(
                "invalid_setting",
                _(
                    "%(allowed_periods)s: '%(text)s' is not a number of months from 1 to "
                    "%(max_period_months)s."
                )
                % {
                    "allowed_periods": ALLOWED_PERIODS,
                    "text": text,
                    "max_period_months": MAX_PERIOD_MONTHS,
                },
                fields={ALLOWED_PERIODS: "a comma-separated list of month counts"},
            )
        months.add(int(text))
    if not months:
        raise DomainError(
            "invalid_setting",
            _("%(allowed_periods)s: at least one period must be offered.")
            % {"allowed_periods": ALLOWED_PERIODS},
            fields={ALLOWED_PERIODS: "a comma-separated list of month counts"},
        )
    return tuple(sorted(months))


def allowed_periods() -> tuple[int, ...]:
    """The order periods in months the provider offers now (ORD-01), shortest first."""
    return parse_periods(setting_value(ALLOWED_PERIODS))


CANCELLATION_NOTICE_WORKING_DAYS = "subscriptions.cancellation_notice_working_days"
WITHDRAWAL_DAYS = "subscriptions.withdrawal_days"
CONTRACT_TERM_MONTHS = "subscriptions.contract_term_months"
RENEWAL_NOTICE_DAYS = "subscriptions.renewal_notice_days"
TERMINATION_NOTICE_MONTHS = "subscriptions.termination_notice_months"

declare(
    ProviderSetting(
        key=CANCELLATION_NOTICE_WORKING_DAYS,
        default=10,
        kind="int",
        label="Cancellation notice",
        help_text=(
            "Working days between the day a client files a cancellation of a service and the "
            "earliest day it may take effect (seed 003 §2.4.9-2.4.10)."
        ),
        rule="ORD-06",
        unit="working days",
        minimum=0,
        maximum=120,
    ),
    ProviderSetting(
        key=WITHDRAWAL_DAYS,
        default=14,
        kind="int",
        label="Consumer withdrawal period",
        help_text=(
            "Days after the conclusion of the contract within which a natural person may "
            "withdraw from it without giving a reason (seed 003 §11.6)."
        ),
        rule="ORD-07",
        unit="days",
        minimum=14,
        maximum=365,
    ),
    ProviderSetting(
        key=CONTRACT_TERM_MONTHS,
        default=12,
        kind="int",
        label="Contract term",
        help_text=(
            "Months a contract runs from its conclusion, and by how much it is extended when "
            "neither party gave notice against renewal (seed 003 §11.1-11.2)."
        ),
        rule="ORD-08",
        unit="months",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=RENEWAL_NOTICE_DAYS,
        default=30,
        kind="int",
        label="Notice against renewal",
        help_text=(
            "Days before the end of the term by which a notice against renewal must arrive; "
            "a later notice ends the contract at the end of the following term (seed 003 "
            "§11.2)."
        ),
        rule="ORD-08",
        unit="days",
        minimum=0,
        maximum=365,
    ),
    ProviderSetting(
        key=TERMINATION_NOTICE_MONTHS,
        default=1,
        kind="int",
        label="Termination notice",
        help_text=(
            "Months of notice with which either party may terminate the contract early "
            "without a reason (seed 003 §11.3)."
        ),
        rule="ORD-08",
        unit="months",
        minimum=0,
        maximum=24,
    ),
)
