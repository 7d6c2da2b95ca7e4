"""Provider settings of the data centre (SUP-02, SUP-05, SUP-06).

Declared once here (habit 7) with the values of seed 003, annex 7 §5.5 as defaults; read them
with ``hostledger.core.registry.setting_value(key)``.
"""

from hostledger.core.registry import ProviderSetting, declare

IP_USAGE_AT_ONCE_PERCENT = "datacenter.ip_usage_at_once_percent"
IP_USAGE_WITHIN_PERIOD_PERCENT = "datacenter.ip_usage_within_period_percent"
IP_USAGE_PERIOD_MONTHS = "datacenter.ip_usage_period_months"
IP_USAGE_REMEDY_DAYS = "datacenter.ip_usage_remedy_days"

declare(
    ProviderSetting(
        key=IP_USAGE_AT_ONCE_PERCENT,
        default=25,
        kind="int",
        label="IP addresses in use at once",
        help_text=(
            "Share of the IP addresses allocated to a client that must be in use immediately "
            "after allocation (seed 003, annex 7 §5.5; SUP-06)."
        ),
        rule="SUP-06",
        unit="percent",
        minimum=0,
        maximum=100,
    ),
    ProviderSetting(
        key=IP_USAGE_WITHIN_PERIOD_PERCENT,
        default=50,
        kind="int",
        label="IP addresses in use by the end of the first period",
        help_text=(
            "Share of the allocated IP addresses that must be in use once the first period "
            "after allocation has passed (annex 7 §5.5: 50 % within the first year; SUP-06)."
        ),
        rule="SUP-06",
        unit="percent",
        minimum=0,
        maximum=100,
    ),
    ProviderSetting(
        key=IP_USAGE_PERIOD_MONTHS,
        default=12,
        kind="int",
        label="First period after an IP allocation",
        help_text=(
            "Months after the allocation by which the higher share must be in use (annex 7 "
            "§5.5: the first year; SUP-06)."
        ),
        rule="SUP-06",
        unit="months",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=IP_USAGE_REMEDY_DAYS,
        default=3,
        kind="int",
        label="Days to remedy under-used IP addresses",
        help_text=(
            "Days after the warning within which the client must put the addresses to use "
            "before staff are asked to decide on reclaiming them (annex 7 §5.5: 3 days; "
            "SUP-06, AUT-06)."
        ),
        rule="SUP-06",
        unit="days",
        minimum=0,
        maximum=365,
    ),
)
