"""What a payment gateway module provides (BIL-06, habit 4).

A gateway starts a top-up (the client is sent to the returned URL to pay) and turns the
gateway's notifications into verified payment events. Each module lives in its own package,
registers itself in :mod:`hostledger.ledger.gateways.registry` and passes the same contract
tests. The ledger records a payment once per (gateway name, gateway transaction id), so a
gateway may deliver a notification as often as it likes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from hostledger.core.money import Money


class GatewayError(Exception):
    """A gateway refused or failed. ``retry_can_help`` says whether trying the same call again
    later may succeed (a timeout, a 5xx) or never will (a bad signature, an unknown payment).
    """

    def __init__(self, code: str, message: str, *, retry_can_help: bool):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_can_help = retry_can_help


@dataclass(frozen=True)
class TopUpRequest:
    """Ask the gateway to take ``amount`` from a client into the balance."""

    top_up_id: str
    client_id: str
    amount: Money
    return_url: str = ""


@dataclass(frozen=True)
class TopUpStarted:
    """Where to send the client, and the gateway's id of the transaction."""

    redirect_url: str
    external_id: str


@dataclass(frozen=True)
class GatewayNotification:
    """A notification as it arrived: the raw body and the HTTP headers."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedPaymentEvent:
    """A notification whose signature checked out: the gateway says the transaction
    ``external_id`` for the top-up ``top_up_id`` was paid (``succeeded``) or failed."""

    external_id: str
    top_up_id: str
    amount: Money
    succeeded: bool
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class GatewayRefund:
    """A refund the gateway accepted: its own id of the refund and its status there
    (for example "succeeded" or "pending")."""

    external_id: str
    status: str


@runtime_checkable
class PaymentGateway(Protocol):
    """One payment gateway. Outbound calls carry a timeout; errors are GatewayError.

    Optional members, looked up with ``getattr``:

    * ``is_configured() -> bool``: False while the gateway lacks its credentials; the
      registry then leaves it out of the gateways offered (a gateway without it is always
      configured).
    * ``refund(...)``: see :class:`RefundingGateway`.
    """

    name: str
    label: str

    def start_top_up(self, request: TopUpRequest) -> TopUpStarted:
        """Open a transaction at the gateway and say where the client pays it."""
        ...

    def verify_notification(self, notification: GatewayNotification) -> VerifiedPaymentEvent | None:
        """Check the notification's signature and read it; raise GatewayError when it is not
        genuine or not understood. Return None for a genuine notification that says nothing
        to record yet (an event type the ledger does not use, a payment still processing):
        the caller acknowledges it and records nothing. Never writes anything."""
        ...


@runtime_checkable
class RefundingGateway(Protocol):
    """A gateway that can send money back to where a payment came from.

    Separate from :class:`PaymentGateway` so that a gateway without refunds still is one.
    ``refund`` only moves the money at the gateway; the ledger side is
    ``hostledger.ledger.actions.refund_post``. The same ``idempotency_key`` never refunds
    twice.
    """

    def refund(self, *, external_id: str, amount: Money, idempotency_key: str) -> GatewayRefund:
        """Refund ``amount`` of the gateway transaction ``external_id``."""
        ...
