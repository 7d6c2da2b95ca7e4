"""Provider settings of the notifications app (NTF-01, NTF-02).

Declared once here with sensible defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)``.
"""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.registry import ProviderSetting, declare, setting_value

OUTBOX_INTERVAL_SECONDS = "notifications.outbox_interval_seconds"
FAN_OUT_BATCH_SIZE = "notifications.fan_out_batch_size"
SEND_BATCH_SIZE = "notifications.send_batch_size"
RETRY_BASE_SECONDS = "notifications.retry_base_seconds"
RETRY_FACTOR = "notifications.retry_factor"
MAX_ATTEMPTS = "notifications.max_attempts"
SENDING_TIMEOUT_MINUTES = "notifications.sending_timeout_minutes"
OPT_IN_LINK_DAYS = "notifications.opt_in_link_days"
CONSENT_WORDING_VERSION = "notifications.marketing_consent_wording_version"

declare(
    ProviderSetting(
        key=OUTBOX_INTERVAL_SECONDS,
        default=60,
        kind="int",
        label="Outbox run interval",
        help_text="How often the outbox job fans out new messages and sends due deliveries.",
        rule="NTF-02",
        unit="seconds",
        minimum=5,
        maximum=3600,
    ),
    ProviderSetting(
        key=FAN_OUT_BATCH_SIZE,
        default=5000,
        kind="int",
        label="Messages fanned out per statement",
        help_text="How many new messages one fan-out statement turns into deliveries.",
        rule="NTF-02",
        unit="messages",
        minimum=1,
        maximum=1_000_000,
    ),
    ProviderSetting(
        key=SEND_BATCH_SIZE,
        default=200,
        kind="int",
        label="Deliveries sent per run",
        help_text="At most this many due deliveries are sent by one run of the outbox job.",
        rule="NTF-02",
        unit="deliveries",
        minimum=1,
        maximum=100_000,
    ),
    ProviderSetting(
        key=RETRY_BASE_SECONDS,
        default=60,
        kind="int",
        label="First retry after",
        help_text="The wait after the first failed attempt of a delivery.",
        rule="NTF-02",
        unit="seconds",
        minimum=1,
        maximum=86_400,
    ),
    ProviderSetting(
        key=RETRY_FACTOR,
        default=4,
        kind="int",
        label="Retry backoff factor",
        help_text="Each further wait is this many times the previous one.",
        rule="NTF-02",
        unit="times",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key=MAX_ATTEMPTS,
        default=6,
        kind="int",
        label="Attempts per delivery",
        help_text="After this many failed attempts a delivery is marked failed for staff.",
        rule="NTF-02",
        unit="attempts",
        minimum=1,
        maximum=50,
    ),
    ProviderSetting(
        key=SENDING_TIMEOUT_MINUTES,
        default=15,
        kind="int",
        label="Send left unfinished after",
        help_text=(
            "A delivery claimed for sending longer ago than this was interrupted (the worker "
            "stopped mid-send). It is marked uncertain for staff instead of being sent again, "
            "because the message may already have gone out."
        ),
        rule="NTF-02",
        unit="minutes",
        minimum=1,
        maximum=1440,
    ),
    ProviderSetting(
        key=OPT_IN_LINK_DAYS,
        default=7,
        kind="int",
        label="Marketing opt-in link valid for",
        help_text="How long the confirmation link of a marketing opt-in by email works.",
        rule="NTF-01",
        unit="days",
        minimum=1,
        maximum=90,
    ),
    ProviderSetting(
        key=CONSENT_WORDING_VERSION,
        default="1",
        kind="str",
        label="Marketing consent wording version",
        help_text=(
            "The version of the consent wording clients agree to when they opt in to "
            "marketing messages; recorded with every consent (NTF-01). Raise it whenever "
            "the wording changes."
        ),
        rule="NTF-01",
    ),
)


def outbox_interval() -> timedelta:
    """The interval of the outbox job in force."""
    return timedelta(seconds=setting_value(OUTBOX_INTERVAL_SECONDS))


def retry_delay(failed_attempts: int) -> timedelta:
    """The wait before the next attempt after ``failed_attempts`` failures (1, 2, …):
    base * factor^(failed_attempts - 1)."""
    base = setting_value(RETRY_BASE_SECONDS)
    factor = setting_value(RETRY_FACTOR)
    return timedelta(seconds=base * factor ** max(failed_attempts - 1, 0))
