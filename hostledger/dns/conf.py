"""Provider settings of DNS hosting (DOM-04).

Declared once here (habit 7); read them with ``hostledger.core.registry.setting_value(key)``.
Pushes of zones to PowerDNS are retried with the provisioning settings
(``provisioning.max_attempts``, ``provisioning.retry_base_seconds``,
``provisioning.retry_max_seconds``, ``provisioning.stale_queued_minutes``), like every other
call of a provisioning backend (PRV-02). Where PowerDNS is and what every zone gets are the
``powerdns.*`` settings of the module package, declared on import here so that staff see them
from the start.
"""

from hostledger.core.registry import ProviderSetting, declare
from hostledger.provisioning.modules.powerdns import conf as _powerdns_conf  # noqa: F401

TTL_MINIMUM = "dns.ttl_minimum_seconds"
TTL_MAXIMUM = "dns.ttl_maximum_seconds"
TTL_DEFAULT = "dns.ttl_default_seconds"
RECORDS_PER_ZONE = "dns.records_per_zone"
ZONES_PER_SERVICE = "dns.zones_per_service"
HOSTING_ADD_ONS = "dns.hosting_add_ons"
REVERSE_PREFIX_V4 = "dns.reverse_zone_prefix_ipv4"
REVERSE_PREFIX_V6 = "dns.reverse_zone_prefix_ipv6"


def _add_on_codes(value: str) -> str:
    codes = [part.strip() for part in value.split(",") if part.strip()]
    return ",".join(codes)


def _nibble_boundary(value: int) -> int:
    if value % 4:
        raise ValueError("An ip6.arpa zone starts at a multiple of 4 bits (a nibble).")
    return value


declare(
    ProviderSetting(
        key=TTL_MINIMUM,
        default=60,
        kind="int",
        label="Shortest TTL of a record",
        help_text="The shortest time to live a client may give a DNS record (DOM-04).",
        rule="DOM-04",
        unit="seconds",
        minimum=0,
        maximum=86400,
    ),
    ProviderSetting(
        key=TTL_MAXIMUM,
        default=604800,
        kind="int",
        label="Longest TTL of a record",
        help_text="The longest time to live a client may give a DNS record (DOM-04).",
        rule="DOM-04",
        unit="seconds",
        minimum=60,
        maximum=2_147_483_647,
    ),
    ProviderSetting(
        key=TTL_DEFAULT,
        default=3600,
        kind="int",
        label="TTL of a new record",
        help_text="The time to live a record gets when the client gives none (DOM-04).",
        rule="DOM-04",
        unit="seconds",
        minimum=0,
        maximum=2_147_483_647,
    ),
    ProviderSetting(
        key=RECORDS_PER_ZONE,
        default=500,
        kind="int",
        label="Records per zone",
        help_text="How many records one hosted zone may hold (DOM-04).",
        rule="DOM-04",
        unit="records",
        minimum=1,
        maximum=100_000,
    ),
    ProviderSetting(
        key=ZONES_PER_SERVICE,
        default=10,
        kind="int",
        label="Zones per DNS hosting service",
        help_text=(
            "How many zones a client may host under one service that carries DNS hosting (DOM-04)."
        ),
        rule="DOM-04",
        unit="zones",
        minimum=1,
        maximum=10_000,
    ),
    ProviderSetting(
        key=HOSTING_ADD_ONS,
        default="domain-premium-dns,vps-dns-hosting",
        kind="str",
        label="Add-ons that carry DNS hosting",
        help_text=(
            "Comma-separated codes of the catalog add-ons that give a service primary and "
            "secondary DNS hosting (DOM-04; seed 003 annex 1 §1.2). Services provisioned by "
            "the powerdns module carry DNS hosting without an add-on."
        ),
        rule="DOM-04",
        validator=_add_on_codes,
    ),
    ProviderSetting(
        key=REVERSE_PREFIX_V4,
        default="24",
        kind="choice",
        label="Size of an in-addr.arpa zone",
        help_text=(
            "The prefix length of the provider's IPv4 reverse zones: PTR records of addresses "
            "allocated to services go into the /24 (or /16, /8) zone that holds them."
        ),
        rule="DOM-04",
        choices=(("8", "/8"), ("16", "/16"), ("24", "/24")),
    ),
    ProviderSetting(
        key=REVERSE_PREFIX_V6,
        default=48,
        kind="int",
        label="Size of an ip6.arpa zone",
        help_text=(
            "The prefix length of the provider's IPv6 reverse zones, a multiple of 4, e.g. 48 "
            "for one zone per /48."
        ),
        rule="DOM-04",
        unit="bits",
        minimum=4,
        maximum=124,
        validator=_nibble_boundary,
    ),
)
