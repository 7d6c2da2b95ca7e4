"""Provider settings of domains (DOM-02).

Declared once here (habit 7); read them with ``hostledger.core.registry.setting_value(key)``.
The rules of each zone (years sold, contact identification, day counts after an expiry) are
data in :class:`~hostledger.domains.models.ZoneRule`, not settings (DOM-03).
"""

from hostledger.core.registry import ProviderSetting, declare

LOCAL_REGISTRAR_ENABLED = "domains.local_registrar_enabled"
DEFAULT_NAME_SERVERS = "domains.default_name_servers"

declare(
    ProviderSetting(
        key=LOCAL_REGISTRAR_ENABLED,
        default=False,
        kind="bool",
        label="Sell domains through the local test registry",
        help_text=(
            "The local registrar registers nothing real: it keeps its registry in a file of "
            "this installation, for development and demonstrations. Zones whose rule names it "
            "are sold only while this is on (DOM-02)."
        ),
        rule="DOM-02",
    ),
    ProviderSetting(
        key=DEFAULT_NAME_SERVERS,
        default="",
        kind="str",
        label="Name servers of a new domain",
        help_text=(
            "Comma-separated host names a domain is registered with (the provider's DNS "
            "servers, DOM-04); the client changes them on the domain's page. Empty: registered "
            "without name servers, not yet in the zone."
        ),
        rule="DOM-02",
    ),
)
