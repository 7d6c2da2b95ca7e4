"""Provider settings of the libvirt module (PRV-01): where the hypervisor is, which storage
pool and network its servers use, how long to wait for it, and how consoles and usage are
reported.

Read at call time with ``hostledger.core.registry.setting_value``, so a change in the staff
area applies to the next module call. Secrets are not settings: the console signing key
comes from the environment (see README.md).
"""

from __future__ import annotations

from hostledger.core.registry import ProviderSetting, declare

URI = "libvirt.uri"
STORAGE_POOL = "libvirt.storage_pool"
NETWORK = "libvirt.network"
CONNECT_TIMEOUT_SECONDS = "libvirt.connect_timeout_seconds"
KEEPALIVE_INTERVAL_SECONDS = "libvirt.keepalive_interval_seconds"
KEEPALIVE_COUNT = "libvirt.keepalive_count"
DOMAIN_PREFIX = "libvirt.domain_prefix"
IMAGE_VOLUME = "libvirt.image_volume"
VNC_LISTEN = "libvirt.vnc_listen"
CONSOLE_URL = "libvirt.console_url"
CONSOLE_LINK_MINUTES = "libvirt.console_link_minutes"
USAGE_ITEM_VCPU_HOURS = "libvirt.usage_item_vcpu_hours"
USAGE_ITEM_RAM_GB_HOURS = "libvirt.usage_item_ram_gb_hours"
USAGE_ITEM_DISK_GB_HOURS = "libvirt.usage_item_disk_gb_hours"
USAGE_KEEP_DAYS = "libvirt.usage_keep_days"

CONSOLE_KEY_ENVIRONMENT = "HOSTLEDGER_LIBVIRT_CONSOLE_KEY"
"""The environment variable holding the key that signs console links (base64url, as in the
key file of websockify's JWT token plug-in)."""

declare(
    ProviderSetting(
        key=URI,
        default="test:///default",
        kind="str",
        label="libvirt connection URI",
        help_text=(
            "The hypervisor the libvirt module drives, e.g. 'qemu:///system' on the host "
            "itself or 'qemu+ssh://root@node1.example.net/system' for a remote one. The default "
            "'test:///default' is libvirt's in-memory test driver, for development only: its "
            "servers live in the memory of one process (PRV-01)."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=STORAGE_POOL,
        default="default-pool",
        kind="str",
        label="libvirt storage pool",
        help_text=(
            "The directory storage pool that holds the OS images and the disks of new "
            "servers; usually 'default' on a real host ('default-pool' on the test driver)."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=NETWORK,
        default="default",
        kind="str",
        label="libvirt network",
        help_text="The libvirt network the servers' network interface is attached to.",
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CONNECT_TIMEOUT_SECONDS,
        default=10,
        kind="int",
        label="libvirt connect timeout",
        help_text=(
            "Seconds to wait for the hypervisor to accept a connection; a call that waits "
            "longer fails with a temporary error and is retried (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=300,
    ),
    ProviderSetting(
        key=KEEPALIVE_INTERVAL_SECONDS,
        default=5,
        kind="int",
        label="libvirt keepalive interval",
        help_text=(
            "Seconds between keepalive messages on a remote connection; a hypervisor that "
            "answers none of 'libvirt keepalive count' of them in a row is taken as gone and "
            "the call waiting on it fails with a temporary error (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=300,
    ),
    ProviderSetting(
        key=KEEPALIVE_COUNT,
        default=3,
        kind="int",
        label="libvirt keepalive count",
        help_text="Unanswered keepalive messages after which a remote connection is dropped.",
        rule="PRV-02",
        unit="messages",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key=DOMAIN_PREFIX,
        default="hl-",
        kind="str",
        label="libvirt domain name prefix",
        help_text=(
            "Put before the service id in the names of the domains HostLedger builds, so "
            "that several installations can share one hypervisor."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=IMAGE_VOLUME,
        default="{image}.qcow2",
        kind="str",
        label="libvirt OS image volume",
        help_text=(
            "The name of the volume in the storage pool a server's disk is copied from; "
            "'{image}' stands for the code of the OS image ordered (debian-12.qcow2)."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=VNC_LISTEN,
        default="127.0.0.1",
        kind="str",
        label="libvirt VNC listen address",
        help_text=(
            "The address on the hypervisor host where the servers' VNC consoles listen; the "
            "console proxy must reach it."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CONSOLE_URL,
        default="/console/vnc.html?autoconnect=1&path=console/websockify%3Ftoken%3D{token}",
        kind="str",
        label="libvirt console link",
        help_text=(
            "The address of the noVNC page behind the provider's websocket proxy; '{token}' "
            "stands for the signed, short-lived token naming the console to open."
        ),
        rule="PRV-01",
    ),
    ProviderSetting(
        key=CONSOLE_LINK_MINUTES,
        default=5,
        kind="int",
        label="libvirt console link validity",
        help_text="Minutes a console link can be opened after it was made.",
        rule="PRV-01",
        unit="minutes",
        minimum=1,
        maximum=1440,
    ),
    ProviderSetting(
        key=USAGE_ITEM_VCPU_HOURS,
        default="cloud-vcpu-hour",
        kind="str",
        label="Metered item of vCPU hours",
        help_text="The metered item code the libvirt module reports vCPU hours under (BIL-08).",
        rule="BIL-08",
    ),
    ProviderSetting(
        key=USAGE_ITEM_RAM_GB_HOURS,
        default="cloud-ram-gb-hour",
        kind="str",
        label="Metered item of memory GB hours",
        help_text="The metered item code of memory GB hours (BIL-08).",
        rule="BIL-08",
    ),
    ProviderSetting(
        key=USAGE_ITEM_DISK_GB_HOURS,
        default="cloud-disk-gb-hour",
        kind="str",
        label="Metered item of disk GB hours",
        help_text="The metered item code of disk GB hours (BIL-08).",
        rule="BIL-08",
    ),
    ProviderSetting(
        key=USAGE_KEEP_DAYS,
        default=62,
        kind="int",
        label="libvirt running periods kept",
        help_text=(
            "Days of a server's running periods kept in its domain definition for usage "
            "readings (BIL-08); usage must be read within this time."
        ),
        rule="BIL-08",
        unit="days",
        minimum=1,
        maximum=3660,
    ),
)
