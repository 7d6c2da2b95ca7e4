"""Provider settings of the EPP registrar module (DOM-02): where the registry's EPP server is,
which zones it sells, the certificate files and the timeouts.

Read at call time with ``hostledger.core.registry.setting_value``. The login password is not
a setting: it comes from the environment variable ``HOSTLEDGER_EPP_PASSWORD``.
"""

from __future__ import annotations

import idna

from hostledger.core.registry import ProviderSetting, declare

HOST = "domains.epp_host"
PORT = "domains.epp_port"
ZONES = "domains.epp_zones"
LOGIN_ID = "domains.epp_login_id"
CERT_FILE = "domains.epp_cert_file"
KEY_FILE = "domains.epp_key_file"
CA_FILE = "domains.epp_ca_file"
CONNECT_TIMEOUT_SECONDS = "domains.epp_connect_timeout_seconds"
READ_TIMEOUT_SECONDS = "domains.epp_read_timeout_seconds"
KEEPALIVE_SECONDS = "domains.epp_keepalive_seconds"
CHECK_BATCH = "domains.epp_check_batch"
LOCK_STATUSES = "domains.epp_lock_statuses"

PASSWORD_ENV = "HOSTLEDGER_EPP_PASSWORD"

CLIENT_STATUSES = frozenset(
    {
        "clientDeleteProhibited",
        "clientHold",
        "clientRenewProhibited",
        "clientTransferProhibited",
        "clientUpdateProhibited",
    }
)


def zone_list(raw: str) -> tuple[str, ...]:
    """The zones of a comma-separated list, each as its lower-case ASCII (A-label) form."""
    zones: list[str] = []
    for item in raw.split(","):
        zone = item.strip().strip(".").lower()
        if not zone:
            continue
        try:
            ascii_zone = idna.encode(zone, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise ValueError(f"'{zone}' is not a valid zone: {error}") from None
        if ascii_zone not in zones:
            zones.append(ascii_zone)
    return tuple(zones)


def _zones_validator(value: str) -> str:
    return ",".join(zone_list(value))


def status_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _lock_statuses_validator(value: str) -> str:
    statuses = status_list(value)
    if not statuses:
        raise ValueError("name at least one status")
    unknown = [status for status in statuses if status not in CLIENT_STATUSES]
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: a registrar may set only {', '.join(sorted(CLIENT_STATUSES))}"
        )
    return ",".join(statuses)


def _path_validator(value: str) -> str:
    return value.strip()


declare(
    ProviderSetting(
        key=HOST,
        default="",
        kind="str",
        label="EPP server host",
        help_text=(
            "Host name of the registry's EPP server (RFC 5734), as its TLS certificate names "
            "it. Empty: the EPP registrar is not configured."
        ),
        rule="DOM-02",
    ),
    ProviderSetting(
        key=PORT,
        default=700,
        kind="int",
        label="EPP server port",
        help_text="TCP port of the registry's EPP server; 700 is the registered EPP port.",
        rule="DOM-02",
        minimum=1,
        maximum=65535,
    ),
    ProviderSetting(
        key=ZONES,
        default="",
        kind="str",
        label="Zones sold through EPP",
        help_text=(
            "Comma-separated zones this registry connection sells, e.g. 'ee, pri.ee'; "
            "internationalised zones may be written in Unicode or as xn-- labels."
        ),
        rule="DOM-02",
        validator=_zones_validator,
    ),
    ProviderSetting(
        key=LOGIN_ID,
        default="",
        kind="str",
        label="EPP login id",
        help_text=(
            "The registrar's client id at the registry (EPP <clID>). The password is read "
            f"from the environment variable {PASSWORD_ENV}."
        ),
        rule="DOM-02",
    ),
    ProviderSetting(
        key=CERT_FILE,
        default="",
        kind="str",
        label="EPP client certificate file",
        help_text=(
            "Path to the PEM client certificate the registry issued or accepted for this "
            "registrar; may also hold the key."
        ),
        rule="DOM-02",
        validator=_path_validator,
    ),
    ProviderSetting(
        key=KEY_FILE,
        default="",
        kind="str",
        label="EPP client key file",
        help_text=(
            "Path to the PEM private key of the client certificate, readable only by the "
            "user HostLedger runs as."
        ),
        rule="DOM-02",
        validator=_path_validator,
    ),
    ProviderSetting(
        key=CA_FILE,
        default="",
        kind="str",
        label="EPP server CA file",
        help_text=(
            "Path to the PEM CA certificates that signed the registry's server certificate; "
            "empty: the system's trusted CAs."
        ),
        rule="DOM-02",
        validator=_path_validator,
    ),
    ProviderSetting(
        key=CONNECT_TIMEOUT_SECONDS,
        default=10,
        kind="int",
        label="EPP connect timeout",
        help_text="How long to wait for the TCP connection and the TLS handshake.",
        rule="DOM-02",
        unit="seconds",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=READ_TIMEOUT_SECONDS,
        default=30,
        kind="int",
        label="EPP answer timeout",
        help_text=(
            "How long to wait for the registry's whole answer to one command; a call that "
            "times out is retried later and first asks the registry whether it took effect."
        ),
        rule="DOM-02",
        unit="seconds",
        minimum=1,
        maximum=600,
    ),
    ProviderSetting(
        key=KEEPALIVE_SECONDS,
        default=300,
        kind="int",
        label="EPP keep-alive interval",
        help_text=(
            "A session idle longer than this says <hello> before its next command and is "
            "opened anew if the registry has closed it."
        ),
        rule="DOM-02",
        unit="seconds",
        minimum=10,
        maximum=86400,
    ),
    ProviderSetting(
        key=CHECK_BATCH,
        default=5,
        kind="int",
        label="Names per EPP check",
        help_text="How many domain names one <domain:check> asks about; registries cap it.",
        rule="DOM-02",
        unit="names",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key=LOCK_STATUSES,
        default="clientTransferProhibited,clientDeleteProhibited,clientUpdateProhibited",
        kind="str",
        label="EPP statuses of a locked domain",
        help_text=(
            "Comma-separated client statuses set when a domain is locked and cleared when it "
            "is unlocked (RFC 5731)."
        ),
        rule="DOM-02",
        validator=_lock_statuses_validator,
    ),
)
