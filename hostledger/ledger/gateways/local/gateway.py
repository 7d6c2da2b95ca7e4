"""A payment gateway without a payment provider: for development and demonstrations.

Starting a top-up gives a made-up transaction id and the URL of HostLedger's own "pay" page.
That page's "pay" step calls :meth:`LocalGateway.pay`, which writes the notification a real
gateway would send, signed with HMAC-SHA256; it then goes through the same
``gateway_notification_handle`` path as any gateway's. The signing key is
``settings.LEDGER_LOCAL_GATEWAY_KEY`` when set, else the key file ``var/local_gateway_key``,
made once. No real money moves, so the provider setting ``ledger.local_gateway_enabled`` must
be on for it to be used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.core.ids import new_public_id
from hostledger.core.keyfiles import read_or_create_secret
from hostledger.core.money import Money
from hostledger.ledger.gateways.interface import (
    GatewayError,
    GatewayNotification,
    GatewayRefund,
    TopUpRequest,
    TopUpStarted,
    VerifiedPaymentEvent,
)

SIGNATURE_HEADER = "X-Local-Gateway-Signature"
PAY_PATH = "/billing/local-gateway/{top_up_id}/"


def signing_key() -> bytes:
    """The key that signs local notifications (never derived from another key)."""
    configured = getattr(settings, "LEDGER_LOCAL_GATEWAY_KEY", "")
    key = configured or read_or_create_secret(settings.VAR_DIR, "local_gateway_key")
    return key.encode("utf-8")


def sign(body: bytes) -> str:
    return hmac.new(signing_key(), body, hashlib.sha256).hexdigest()


class LocalGateway:
    """The development gateway: every top-up can be paid on HostLedger's own page."""

    name = "local"
    label = "Local test payments (no real money)"

    def start_top_up(self, request: TopUpRequest) -> TopUpStarted:
        path = PAY_PATH.format(top_up_id=request.top_up_id)
        return TopUpStarted(
            redirect_url=f"{settings.SITE_URL}{path}", external_id=new_public_id("loc")
        )

    def pay(
        self, *, external_id: str, top_up_id: str, amount: Money, succeeded: bool = True
    ) -> GatewayNotification:
        """The signed notification of a payment made on the local pay page."""
        body = json.dumps(
            {
                "transaction_id": external_id,
                "top_up_id": top_up_id,
                "amount": str(amount.amount),
                "currency": amount.currency,
                "status": "paid" if succeeded else "failed",
                "occurred_at": timezone.now().isoformat(),
            },
            sort_keys=True,
        ).encode("utf-8")
        return GatewayNotification(body=body, headers={SIGNATURE_HEADER: sign(body)})

    def refund(self, *, external_id: str, amount: Money, idempotency_key: str) -> GatewayRefund:
        """Pretend to send ``amount`` back: no money moved, so nothing is to be returned. The
        same key gives the same refund id, as a real gateway would."""
        if not idempotency_key:
            raise ValueError("A refund needs an idempotency key.")
        digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()
        return GatewayRefund(external_id=f"lrf_{digest[:16]}", status="succeeded")

    def verify_notification(self, notification: GatewayNotification) -> VerifiedPaymentEvent:
        headers = {key.lower(): value for key, value in notification.headers.items()}
        given = headers.get(SIGNATURE_HEADER.lower(), "")
        if not isinstance(notification.body, bytes) or not given:
            raise GatewayError(
                "bad_signature", "The notification is not signed.", retry_can_help=False
            )
        if not hmac.compare_digest(sign(notification.body), given):
            raise GatewayError(
                "bad_signature", "The notification's signature is wrong.", retry_can_help=False
            )
        try:
            data = json.loads(notification.body)
            amount = Money.of(data["amount"], data["currency"])
            status = data["status"]
            if status not in ("paid", "failed"):
                raise ValueError(status)
            return VerifiedPaymentEvent(
                external_id=str(data["transaction_id"]),
                top_up_id=str(data["top_up_id"]),
                amount=amount,
                succeeded=status == "paid",
                occurred_at=datetime.fromisoformat(data["occurred_at"]),
            )
        except (ValueError, KeyError, TypeError, DomainError) as error:
            raise GatewayError(
                "invalid_notification",
                f"The notification cannot be read: {error}",
                retry_can_help=False,
            ) from None


local_gateway = LocalGateway()
