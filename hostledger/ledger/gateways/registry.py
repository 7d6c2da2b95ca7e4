"""The payment gateways HostLedger knows, by name (habit 4)."""

from __future__ import annotations

from hostledger.core.errors import DomainError
from hostledger.ledger.gateways.interface import PaymentGateway

_GATEWAYS: dict[str, PaymentGateway] = {}

RESERVED_NAMES = frozenset({"staff", "bank_statement"})
"""Payment sources of the ledger itself; no gateway may take these names."""


def register_gateway(gateway: PaymentGateway) -> PaymentGateway:
    """Make ``gateway`` available under its name; registering the same name twice with
    another gateway is a programming error."""
    name = gateway.name
    if not name or name in RESERVED_NAMES or len(name) > 40:
        raise ValueError(f"{name!r} cannot name a payment gateway.")
    existing = _GATEWAYS.get(name)
    if existing is not None and existing is not gateway:
        raise RuntimeError(f"Payment gateway {name!r} is registered twice.")
    _GATEWAYS[name] = gateway
    return gateway


def get_gateway(name: str) -> PaymentGateway:
    """The registered gateway called ``name``."""
    _load_builtin()
    try:
        return _GATEWAYS[name]
    except KeyError:
        raise DomainError(
            "unknown_gateway", f"No payment gateway {name!r}.", fields={"gateway": "unknown"}
        ) from None


def gateway_names() -> list[str]:
    _load_builtin()
    return sorted(_GATEWAYS)


def _load_builtin() -> None:
    from hostledger.ledger.gateways import local  # noqa: F401  (registers itself)
