"""The payment gateways HostLedger knows, by name (habit 4)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.plugins import plugin_packages_load, plugin_register
from hostledger.ledger.gateways.interface import PaymentGateway

logger = logging.getLogger("hostledger.ledger")

BUILTIN_PACKAGES: tuple[str, ...] = (
    "hostledger.ledger.gateways.local",
    "hostledger.ledger.gateways.stripe",
)
"""The packages of the gateways HostLedger ships; each registers its gateway when imported."""

_GATEWAYS: dict[str, PaymentGateway] = {}
_UNAVAILABLE: dict[str, str] = {}
_LOADED = False

RESERVED_NAMES = frozenset({"staff", "bank_statement"})
"""Payment sources of the ledger itself; no gateway may take these names."""


def register_gateway(gateway: PaymentGateway) -> PaymentGateway:
    """Make ``gateway`` available under its name; registering the same name twice with
    another gateway is a programming error."""
    return plugin_register(
        _GATEWAYS,
        gateway,
        interface=PaymentGateway,
        kind="payment gateway",
        reserved=RESERVED_NAMES,
    )


def get_gateway(name: str) -> PaymentGateway:
    """The registered gateway called ``name``, if it is configured on this installation."""
    _load_builtin()
    try:
        gateway = _GATEWAYS[name]
    except KeyError:
        raise DomainError(
            "unknown_gateway",
            _("No payment gateway %(name)s.") % {"name": f"{name!r}"},
            fields={"gateway": "unknown"},
        ) from None
    if not is_configured(gateway):
        raise DomainError(
            "gateway_not_configured",
            _("The payment gateway %(name)s is not configured on this installation.")
            % {"name": f"{name!r}"},
            fields={"gateway": "not configured"},
        )
    return gateway


def gateway_names() -> list[str]:
    """The gateways offered on this installation: registered and configured."""
    _load_builtin()
    return sorted(name for name, gateway in _GATEWAYS.items() if is_configured(gateway))


def registered_gateway_names() -> list[str]:
    """Every registered gateway module, configured or not (for contract tests and overviews)."""
    _load_builtin()
    return sorted(_GATEWAYS)


def is_configured(gateway: PaymentGateway) -> bool:
    """Whether ``gateway`` has what it needs to run; one without ``is_configured`` always has."""
    check = getattr(gateway, "is_configured", None)
    return bool(check()) if callable(check) else True


def _load_builtin() -> None:
    global _LOADED
    if not _LOADED:
        plugin_packages_load(BUILTIN_PACKAGES, _UNAVAILABLE, kind="payment gateway", logger=logger)
        _LOADED = True
