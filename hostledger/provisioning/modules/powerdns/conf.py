"""Provider settings of the PowerDNS module (PRV-01, DOM-04): where the PowerDNS
Authoritative HTTP API is, which server of it, how long a call may take, and what every hosted
zone gets (kind, name servers, SOA values).

Declared here (habit 7) and read at call time with ``setting_value``; the API key is not a
setting but the environment variable ``HOSTLEDGER_POWERDNS_API_KEY`` (see README.md).
"""

from __future__ import annotations

import dns.exception
import dns.name

from hostledger.core.registry import ProviderSetting, declare

API_URL = "powerdns.api_url"
SERVER_ID = "powerdns.server_id"
TIMEOUT_SECONDS = "powerdns.timeout_seconds"
ZONE_KIND = "powerdns.zone_kind"
NAMESERVERS = "powerdns.nameservers"
SOA_HOSTMASTER = "powerdns.soa_hostmaster"
SOA_REFRESH = "powerdns.soa_refresh_seconds"
SOA_RETRY = "powerdns.soa_retry_seconds"
SOA_EXPIRE = "powerdns.soa_expire_seconds"
SOA_MINIMUM = "powerdns.soa_minimum_seconds"
SOA_TTL = "powerdns.soa_ttl_seconds"

API_KEY_VARIABLE = "HOSTLEDGER_POWERDNS_API_KEY"
"""The environment variable holding the key of the PowerDNS API (``api-key`` in pdns.conf)."""


def _host_name(text: str) -> str:
    """A host name in its canonical form, with the final dot PowerDNS wants."""
    value = text.strip().lower().rstrip(".")
    try:
        name = dns.name.from_text(value + ".")
    except dns.exception.DNSException as error:
        raise ValueError(f"'{value}' is not a host name: {error}") from None
    labels = [label.decode("ascii") for label in name.labels[:-1]]
    if len(labels) < 2 or not all(
        label and label[0] != "-" and label[-1] != "-" and label.replace("-", "").isalnum()
        for label in labels
    ):
        raise ValueError(f"'{value}' is not a host name such as ns1.example.net.")
    return name.to_text()


def _name_server_list(value: str) -> str:
    names = [_host_name(part) for part in value.split(",") if part.strip()]
    if not names:
        raise ValueError("Name at least one name server.")
    return ",".join(names)


def _hostmaster(value: str) -> str:
    """The SOA mailbox: ``hostmaster@example.net`` is written ``hostmaster.example.net.``."""
    local, at, domain = value.strip().partition("@")
    if at:
        if not local or "." in local:
            raise ValueError("Give the mailbox as hostmaster@example.net.")
        return _host_name(f"{local}.{domain}")
    return _host_name(value)


def _seconds(key: str, label: str, default: int, help_text: str, *, minimum: int = 1):
    return ProviderSetting(
        key=key,
        default=default,
        kind="int",
        label=label,
        help_text=help_text,
        rule="DOM-04",
        unit="seconds",
        minimum=minimum,
        maximum=2_147_483_647,
    )


declare(
    ProviderSetting(
        key=API_URL,
        default="http://127.0.0.1:8081",
        kind="str",
        label="PowerDNS API address",
        help_text=(
            "Base address of the PowerDNS Authoritative web server with its HTTP API "
            "(webserver-address and webserver-port of pdns.conf), e.g. http://127.0.0.1:8081."
        ),
        rule="DOM-04",
    ),
    ProviderSetting(
        key=SERVER_ID,
        default="localhost",
        kind="str",
        label="PowerDNS server id",
        help_text="The server of the API that hosts the zones; 'localhost' on a single server.",
        rule="DOM-04",
    ),
    ProviderSetting(
        key=TIMEOUT_SECONDS,
        default=10,
        kind="int",
        label="PowerDNS API call timeout",
        help_text=(
            "Seconds a call of the PowerDNS API may take to connect and to answer; a call "
            "that takes longer fails and is retried (PRV-02)."
        ),
        rule="PRV-02",
        unit="seconds",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=ZONE_KIND,
        default="Native",
        kind="choice",
        label="Kind of hosted zones",
        help_text=(
            "Native: secondary name servers read the zones from the same database. Master: "
            "PowerDNS sends NOTIFY and serves zone transfers to the secondaries (DOM-04)."
        ),
        rule="DOM-04",
        choices=(("Native", "Native"), ("Master", "Master")),
    ),
    ProviderSetting(
        key=NAMESERVERS,
        default="ns1.example.net.,ns2.example.net.",
        kind="str",
        label="Name servers of hosted zones",
        help_text=(
            "Comma-separated host names of the provider's primary and secondary name servers; "
            "every hosted zone gets them as its NS records, the first is the SOA's primary "
            "(DOM-04)."
        ),
        rule="DOM-04",
        validator=_name_server_list,
    ),
    ProviderSetting(
        key=SOA_HOSTMASTER,
        default="hostmaster.example.net.",
        kind="str",
        label="SOA mailbox of hosted zones",
        help_text="The zone administrator's mailbox, e.g. hostmaster@example.net.",
        rule="DOM-04",
        validator=_hostmaster,
    ),
    _seconds(
        SOA_REFRESH,
        "SOA refresh",
        10800,
        "How often secondary name servers check the zone for changes.",
    ),
    _seconds(SOA_RETRY, "SOA retry", 3600, "How soon a secondary retries a failed refresh."),
    _seconds(
        SOA_EXPIRE,
        "SOA expire",
        1209600,
        "How long a secondary keeps answering for a zone it cannot refresh.",
    ),
    _seconds(
        SOA_MINIMUM,
        "SOA negative-answer TTL",
        3600,
        "How long resolvers may remember that a name or record does not exist (RFC 2308).",
        minimum=0,
    ),
    _seconds(SOA_TTL, "TTL of the SOA and NS records", 3600, "TTL of the zone's SOA and NS."),
)
