"""Provider settings of provisioning (PRV): which module runs each product family and how
failed module calls are retried.

Declared once here (habit 7); read them with ``hostledger.core.registry.setting_value(key)``
or, for the module of a family, with ``hostledger.provisioning.modules.registry.module_for``.
"""

from hostledger.core.registry import ProviderSetting, declare

DEFAULT_MODULE = "provisioning.default_module"
FAMILY_MODULES = "provisioning.family_modules"
MAX_ATTEMPTS = "provisioning.max_attempts"
RETRY_BASE_SECONDS = "provisioning.retry_base_seconds"
RETRY_MAX_SECONDS = "provisioning.retry_max_seconds"
STALE_QUEUED_MINUTES = "provisioning.stale_queued_minutes"

declare(
    ProviderSetting(
        key=DEFAULT_MODULE,
        default="manual",
        kind="str",
        label="Default provisioning module",
        help_text=(
            "The module that provisions services of a product family without a module of "
            "its own (PRV-01). 'manual' leaves the work to staff, who activate services in "
            "the staff area."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=FAMILY_MODULES,
        default="",
        kind="str",
        label="Provisioning module per product family",
        help_text=(
            "Comma-separated family=module pairs, e.g. 'vps=proxmox,cloud=proxmox'; families "
            "not listed use the default module (PRV-01)."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=MAX_ATTEMPTS,
        default=8,
        kind="int",
        label="Attempts of a module call",
        help_text=(
            "How many times a module call that failed with a temporary error is tried before "
            "it is left failed for staff to look at (PRV-02)."
        ),
        rule="PRV-02",
        unit="attempts",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key=RETRY_BASE_SECONDS,
        default=60,
        kind="int",
        label="First retry delay of a module call",
        help_text=(
            "Seconds before the first retry of a failed module call; each further retry "
            "waits twice as long (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=86400,
    ),
    ProviderSetting(
        key=RETRY_MAX_SECONDS,
        default=3600,
        kind="int",
        label="Longest retry delay of a module call",
        help_text="The backoff between retries of a module call never grows beyond this.",
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=604800,
    ),
    ProviderSetting(
        key=STALE_QUEUED_MINUTES,
        default=10,
        kind="int",
        label="Queued module call considered lost after",
        help_text=(
            "A module call still queued, or still running, this many minutes after it was "
            "last handed to a worker is handed to a worker again (PRV-02)."
        ),
        rule="PRV-02",
        unit="minutes",
        minimum=1,
        maximum=1440,
    ),
)
