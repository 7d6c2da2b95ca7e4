"""Provider settings of the ``ipmi`` module (PRV-01): how long a call to a dedicated
server's management controller (BMC) may take and how a reboot is done.

The BMC's address, user name and password are not settings: staff enter them for each
server when they activate its service, and they are kept encrypted with the service's
access details (see README.md).
"""

from hostledger.core.registry import ProviderSetting, declare

TIMEOUT_SECONDS = "provisioning.ipmi.timeout_seconds"
PING_SECONDS = "provisioning.ipmi.ping_seconds"
DEFAULT_PORT = "provisioning.ipmi.default_port"
POWER_WAIT_SECONDS = "provisioning.ipmi.power_wait_seconds"
REBOOT_METHOD = "provisioning.ipmi.reboot_method"

REBOOT_RESET = "reset"
REBOOT_CYCLE = "cycle"

declare(
    ProviderSetting(
        key=TIMEOUT_SECONDS,
        default=20,
        kind="int",
        label="IPMI call timeout",
        help_text=(
            "How long one call to a server's BMC (log in, command, log out) may take before "
            "it fails and is retried (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=300,
    ),
    ProviderSetting(
        key=PING_SECONDS,
        default=3,
        kind="int",
        label="IPMI presence check",
        help_text=(
            "How long the BMC is given to answer the RMCP presence ping that starts each "
            "call; no answer means the BMC is unreachable and the call is retried (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=60,
    ),
    ProviderSetting(
        key=DEFAULT_PORT,
        default=623,
        kind="int",
        label="IPMI port",
        help_text="The UDP port of a BMC whose address staff entered without one.",
        rule="PRV-01",
        minimum=1,
        maximum=65535,
    ),
    ProviderSetting(
        key=POWER_WAIT_SECONDS,
        default=30,
        kind="int",
        label="IPMI power change wait",
        help_text="How long a power on or off waits for the BMC to report the new state.",
        rule="PRV-01",
        unit="seconds",
        minimum=1,
        maximum=600,
    ),
    ProviderSetting(
        key=REBOOT_METHOD,
        default=REBOOT_RESET,
        kind="choice",
        label="IPMI reboot",
        help_text=(
            "How a running dedicated server is rebooted: a hard reset, or a power cycle "
            "(off, then on) for boards whose reset does not restart everything."
        ),
        rule="PRV-01",
        choices=((REBOOT_RESET, "Hard reset"), (REBOOT_CYCLE, "Power cycle")),
    ),
)
