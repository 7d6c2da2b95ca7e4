"""Provider settings of the ``proxmox`` module (PRV-01): where the Proxmox VE API is, which
node and templates build the virtual servers, and how long each call may take.

The API token is not a setting: it comes from the environment variables
``HOSTLEDGER_PROXMOX_TOKEN_ID`` and ``HOSTLEDGER_PROXMOX_TOKEN_SECRET`` (see README.md).
"""

from hostledger.core.registry import ProviderSetting, declare

API_URL = "provisioning.proxmox.api_url"
NODE = "provisioning.proxmox.node"
TEMPLATES = "provisioning.proxmox.templates"
STORAGE = "provisioning.proxmox.storage"
DISK = "provisioning.proxmox.disk"
VERIFY_TLS = "provisioning.proxmox.verify_tls"
CA_BUNDLE = "provisioning.proxmox.ca_bundle"
TIMEOUT_SECONDS = "provisioning.proxmox.timeout_seconds"
TASK_WAIT_SECONDS = "provisioning.proxmox.task_wait_seconds"
TASK_POLL_MILLISECONDS = "provisioning.proxmox.task_poll_milliseconds"
SHUTDOWN_SECONDS = "provisioning.proxmox.shutdown_seconds"
SUSPEND_MODE = "provisioning.proxmox.suspend_mode"
GUEST_USER = "provisioning.proxmox.guest_user"
CONSOLE_URL = "provisioning.proxmox.console_url"
CONSOLE_LINK_SECONDS = "provisioning.proxmox.console_link_seconds"
USAGE_TIMEFRAME = "provisioning.proxmox.usage_timeframe"
TRAFFIC_ITEM = "provisioning.proxmox.traffic_item"
CPU_HOURS_ITEM = "provisioning.proxmox.cpu_hours_item"

SUSPEND_STOP = "stop"
SUSPEND_PAUSE = "pause"

declare(
    ProviderSetting(
        key=API_URL,
        default="",
        kind="str",
        label="Proxmox VE API address",
        help_text=(
            "The https address of a Proxmox VE node or cluster, e.g. "
            "'https://pve1.example.net:8006' (PRV-01). Empty: the module is not configured."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=NODE,
        default="pve",
        kind="str",
        label="Proxmox VE node",
        help_text="The node whose templates are cloned and that runs the new virtual servers.",
        rule="PRV-01",
    ),
    ProviderSetting(
        key=TEMPLATES,
        default="",
        kind="str",
        label="Proxmox VE template per OS image",
        help_text=(
            "Comma-separated os-image-code=VMID pairs naming the template each OS image is "
            "cloned from, e.g. 'debian-12=9000,ubuntu-24-04=9001' (PRV-01)."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=STORAGE,
        default="",
        kind="str",
        label="Proxmox VE storage of new disks",
        help_text=(
            "The storage the disks of a full clone are written to, e.g. 'local-lvm'; empty "
            "keeps the template's storage."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=DISK,
        default="scsi0",
        kind="str",
        label="Proxmox VE disk resized to the plan",
        help_text="The disk of the template that is grown to the ordered size (scsi0, virtio0…).",
        rule="PRV-01",
    ),
    ProviderSetting(
        key=VERIFY_TLS,
        default=True,
        kind="bool",
        label="Verify the Proxmox VE certificate",
        help_text=(
            "Check the TLS certificate of the API. Switch off only on a closed management "
            "network; better give the cluster's CA file below."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CA_BUNDLE,
        default="",
        kind="str",
        label="Proxmox VE CA file",
        help_text=(
            "Path of a PEM file with the CA that signed the API certificate (a copy of "
            "/etc/pve/pve-root-ca.pem); empty uses the system's CAs."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=TIMEOUT_SECONDS,
        default=15,
        kind="int",
        label="Proxmox VE request timeout",
        help_text="How long one API request may take before the call fails and is retried.",
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=300,
    ),
    ProviderSetting(
        key=TASK_WAIT_SECONDS,
        default=600,
        kind="int",
        label="Proxmox VE task wait",
        help_text=(
            "How long a call waits for a Proxmox VE task (a clone, a start) to finish; a task "
            "still running then is looked at again by the retry (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=3600,
    ),
    ProviderSetting(
        key=TASK_POLL_MILLISECONDS,
        default=1000,
        kind="int",
        label="Proxmox VE task poll interval",
        help_text="The pause between two looks at the status of a running task.",
        rule="PRV-02",
        unit="milliseconds",
        minimum=10,
        maximum=60000,
    ),
    ProviderSetting(
        key=SHUTDOWN_SECONDS,
        default=60,
        kind="int",
        label="Proxmox VE clean shutdown time",
        help_text=(
            "How long the guest is given to shut down cleanly on power off or suspension "
            "before Proxmox VE stops it."
        ),
        rule="PRV-01",
        unit="seconds",
        minimum=0,
        maximum=3600,
    ),
    ProviderSetting(
        key=SUSPEND_MODE,
        default=SUSPEND_STOP,
        kind="choice",
        label="Proxmox VE suspension",
        help_text=(
            "What a suspended service's virtual server does: 'stop' shuts it down; 'pause' "
            "freezes it in memory (status/suspend), resumed as it was."
        ),
        rule="PRV-01",
        choices=((SUSPEND_STOP, "Shut down"), (SUSPEND_PAUSE, "Pause in memory")),
    ),
    ProviderSetting(
        key=GUEST_USER,
        default="root",
        kind="str",
        label="Proxmox VE guest user of a password reset",
        help_text="The account whose password a reset sets through the QEMU guest agent.",
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CONSOLE_URL,
        default="",
        kind="str",
        label="Proxmox VE console address",
        help_text=(
            "The https address clients open the noVNC console at (a console proxy in front "
            "of Proxmox VE); empty uses the API address."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CONSOLE_LINK_SECONDS,
        default=40,
        kind="int",
        label="Proxmox VE console link validity",
        help_text="How long a console link is offered after its VNC ticket was issued.",
        rule="PRV-01",
        unit="seconds",
        minimum=5,
        maximum=3600,
    ),
    ProviderSetting(
        key=USAGE_TIMEFRAME,
        default="day",
        kind="choice",
        label="Proxmox VE usage readings span",
        help_text=(
            "Which of Proxmox VE's statistics (rrddata) usage is read from: 'hour' in "
            "one-minute steps, 'day' in 30-minute steps, 'week' in 3-hour steps (BIL-08)."
        ),
        rule="BIL-08",
        choices=(("hour", "Last hour"), ("day", "Last day"), ("week", "Last week")),
    ),
    ProviderSetting(
        key=TRAFFIC_ITEM,
        default="",
        kind="str",
        label="Metered item of Proxmox VE traffic",
        help_text=(
            "The metered item code network traffic (in + out, GB) is reported under; empty "
            "reports none (BIL-08)."
        ),
        rule="BIL-08",
    ),
    ProviderSetting(
        key=CPU_HOURS_ITEM,
        default="",
        kind="str",
        label="Metered item of Proxmox VE CPU time",
        help_text=(
            "The metered item code CPU time (vCPU-hours) is reported under; empty reports "
            "none (BIL-08)."
        ),
        rule="BIL-08",
    ),
)
