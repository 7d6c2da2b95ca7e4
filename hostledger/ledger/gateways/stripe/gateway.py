"""Card payments through Stripe Checkout (BIL-06, BIL-10, habit 4).

Starting a top-up creates a Stripe Checkout Session (a one-off payment of the amount in
cents) and sends the client to Stripe's hosted payment page. A Checkout Session rather than
a bare PaymentIntent because the card is then typed only into Stripe's page: no card data
ever reaches HostLedger (BIL-10), no JavaScript has to be served from the client area, and
Stripe handles strong customer authentication and the payment methods the provider switched
on in its Stripe dashboard.

Stripe reports the outcome with signed webhooks. A notification is believed only when its
``Stripe-Signature`` checks out against the endpoint's signing secret and its timestamp is
recent (``ledger.stripe_webhook_tolerance``); even then the amount and the paid state are
not read from the notification but from the session fetched back from Stripe's API. The
session's id is the transaction id, so the ledger records one payment per session however
often Stripe delivers the event (BIL-06).

Events used (subscribe the webhook endpoint to these four):

* ``checkout.session.completed`` and ``checkout.session.async_payment_succeeded``: paid
  when the session fetched back says ``payment_status == "paid"``; a completed session whose
  payment is still processing (a bank debit) is acknowledged and waits for the next event;
* ``checkout.session.async_payment_failed`` and ``checkout.session.expired``: the top-up
  failed.

Any other event, and sessions that HostLedger did not start (no top-up id in their
metadata), are acknowledged and ignored.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import stripe
from django.conf import settings

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.ledger.conf import STRIPE_WEBHOOK_TOLERANCE
from hostledger.ledger.gateways.interface import (
    GatewayError,
    GatewayNotification,
    GatewayRefund,
    TopUpRequest,
    TopUpStarted,
    VerifiedPaymentEvent,
)
from hostledger.ledger.gateways.stripe.client import (
    required_credentials,
    stripe_call,
    stripe_client,
    stripe_credentials,
)

SIGNATURE_HEADER = "Stripe-Signature"
WEBHOOK_PATH = "/gateways/stripe/webhook/"
TOP_UP_ID_KEY = "hostledger_top_up_id"
CLIENT_ID_KEY = "hostledger_client_id"
TOP_UP_PRODUCT_NAME = "Prepaid balance top-up"

SESSION_COMPLETED = "checkout.session.completed"
ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed"
SESSION_EXPIRED = "checkout.session.expired"
HANDLED_EVENTS = frozenset(
    {SESSION_COMPLETED, ASYNC_PAYMENT_SUCCEEDED, ASYNC_PAYMENT_FAILED, SESSION_EXPIRED}
)

logger = logging.getLogger("hostledger.ledger.gateways.stripe")


class StripeGateway:
    """Top-ups paid by card (or another method enabled at Stripe) on Stripe Checkout."""

    name = "stripe"
    label = "Card payment (Stripe)"

    def is_configured(self) -> bool:
        """Both the API key and the webhook signing secret are set in the environment."""
        return stripe_credentials() is not None

    def start_top_up(self, request: TopUpRequest) -> TopUpStarted:
        client = stripe_client(required_credentials())
        metadata = {TOP_UP_ID_KEY: request.top_up_id, CLIENT_ID_KEY: request.client_id}
        success_url, cancel_url = return_urls(request.return_url)
        params: Any = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.amount.currency.lower(),
                        "unit_amount": request.amount.minor,
                        "product_data": {"name": TOP_UP_PRODUCT_NAME},
                    },
                }
            ],
            "client_reference_id": request.top_up_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        session = stripe_call(
            "create a Checkout Session", lambda: client.v1.checkout.sessions.create(params=params)
        ).to_dict()
        session_id, url = session.get("id"), session.get("url")
        if not isinstance(session_id, str) or not session_id or not isinstance(url, str):
            raise GatewayError(
                "stripe_invalid_answer",
                "Stripe's answer named no payment page.",
                retry_can_help=True,
            )
        return TopUpStarted(redirect_url=url, external_id=session_id)

    def verify_notification(self, notification: GatewayNotification) -> VerifiedPaymentEvent | None:
        credentials = required_credentials()
        client = stripe_client(credentials)
        headers = {key.lower(): value for key, value in notification.headers.items()}
        signature = headers.get(SIGNATURE_HEADER.lower(), "")
        if not isinstance(notification.body, bytes) or not signature:
            raise GatewayError(
                "bad_signature", "The notification is not signed.", retry_can_help=False
            )
        try:
            event = client.construct_event(
                notification.body,
                signature,
                credentials.webhook_secret,
                tolerance=int(setting_value(STRIPE_WEBHOOK_TOLERANCE)),
            ).to_dict()
        except stripe.SignatureVerificationError:
            raise GatewayError(
                "bad_signature",
                "The notification's signature is wrong or too old.",
                retry_can_help=False,
            ) from None
        except (ValueError, TypeError, AttributeError, KeyError):
            # Not UTF-8, not JSON, or not an event object.
            raise _unreadable("the notification is not a Stripe event") from None

        event_type = event.get("type")
        sent = (event.get("data") or {}).get("object") or {}
        top_up_id = (sent.get("metadata") or {}).get(TOP_UP_ID_KEY)
        if event_type not in HANDLED_EVENTS or not top_up_id:
            logger.info(
                "Stripe event %s (%s) acknowledged and ignored", event.get("id"), event_type
            )
            return None
        session_id = sent.get("id")
        if not isinstance(session_id, str) or not session_id:
            raise _unreadable("the event names no Checkout Session")
        session = stripe_call(
            "read a Checkout Session",
            lambda: client.v1.checkout.sessions.retrieve(session_id),
        ).to_dict()
        return _event_from_session(
            session,
            event_type=event_type,
            session_id=session_id,
            top_up_id=str(top_up_id),
            occurred_at=_timestamp(event.get("created")),
        )

    def refund(self, *, external_id: str, amount: Money, idempotency_key: str) -> GatewayRefund:
        """Refund ``amount`` of the Checkout Session (or PaymentIntent) ``external_id`` back
        to the card it was paid with, through Stripe's Refunds API. The same
        ``idempotency_key`` never refunds twice."""
        if not idempotency_key:
            raise ValueError("A refund needs an idempotency key.")
        client = stripe_client(required_credentials())
        payment_intent: Any = external_id
        if external_id.startswith("cs_"):
            session = stripe_call(
                "read a Checkout Session",
                lambda: client.v1.checkout.sessions.retrieve(external_id),
            ).to_dict()
            payment_intent = session.get("payment_intent")
            if isinstance(payment_intent, dict):
                payment_intent = payment_intent.get("id")
            if session.get("payment_status") != "paid" or not payment_intent:
                raise GatewayError(
                    "not_paid", "That Stripe payment was never paid.", retry_can_help=False
                )
            if str(session.get("currency", "")).upper() != amount.currency:
                raise GatewayError(
                    "currency_mismatch",
                    f"That Stripe payment was not made in {amount.currency}.",
                    retry_can_help=False,
                )
        refund = stripe_call(
            "refund a payment",
            lambda: client.v1.refunds.create(
                params={
                    "payment_intent": payment_intent,
                    "amount": amount.minor,
                    "metadata": {"hostledger_payment": external_id},
                },
                options={"idempotency_key": _refund_idempotency_key(idempotency_key)},
            ),
        ).to_dict()
        refund_id = refund.get("id")
        if not isinstance(refund_id, str) or not refund_id:
            raise GatewayError(
                "stripe_invalid_answer", "Stripe's answer named no refund.", retry_can_help=True
            )
        return GatewayRefund(external_id=refund_id, status=str(refund.get("status") or ""))


def return_urls(return_url: str) -> tuple[str, str]:
    """Where Stripe sends the client back after paying and after giving up.

    The page the client returns to must not take the query for proof of payment: only the
    verified webhook records one.
    """
    base = return_url or "/"
    if base.startswith("/"):
        base = f"{settings.SITE_URL}{base}"
    return _with_query(base, payment="success"), _with_query(base, payment="cancelled")


def _with_query(url: str, **values: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *values.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _event_from_session(
    session: dict,
    *,
    event_type: str,
    session_id: str,
    top_up_id: str,
    occurred_at: datetime | None,
) -> VerifiedPaymentEvent | None:
    """What the session as Stripe's API reports it says about the top-up, or None when there
    is nothing to record yet."""
    if session.get("id") != session_id:
        raise _unreadable("Stripe answered with another Checkout Session")
    if session.get("client_reference_id") != top_up_id:
        raise _unreadable("the Checkout Session belongs to another top-up")
    payment_status, status = session.get("payment_status"), session.get("status")
    if payment_status == "paid":
        succeeded = True
    elif status == "expired" or (event_type == ASYNC_PAYMENT_FAILED and payment_status == "unpaid"):
        succeeded = False
    else:
        logger.info(
            "Stripe session %s is %s/%s after %s; waiting for its outcome",
            session_id,
            status,
            payment_status,
            event_type,
        )
        return None
    return VerifiedPaymentEvent(
        external_id=session_id,
        top_up_id=top_up_id,
        amount=_session_amount(session, paid=succeeded),
        succeeded=succeeded,
        occurred_at=occurred_at,
    )


def _session_amount(session: dict, *, paid: bool) -> Money:
    minor, currency = session.get("amount_total"), session.get("currency")
    if isinstance(minor, bool) or not isinstance(minor, int) or not isinstance(currency, str):
        raise _unreadable("the Checkout Session has no amount")
    if minor < 0 or (paid and minor == 0):
        raise _unreadable(f"the Checkout Session's amount {minor} cannot be recorded")
    try:
        return Money.from_minor(minor, currency.upper())
    except DomainError as error:
        raise _unreadable(error.message) from None


def _timestamp(created: Any) -> datetime | None:
    if isinstance(created, bool) or not isinstance(created, int):
        return None
    return datetime.fromtimestamp(created, tz=UTC)


def _refund_idempotency_key(key: str) -> str:
    # Stripe accepts keys of up to 255 characters.
    if len(key) > 200:
        key = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"hostledger-refund-{key}"


def _unreadable(reason: str) -> GatewayError:
    return GatewayError(
        "invalid_notification",
        f"The notification cannot be used: {reason}.",
        retry_can_help=False,
    )


stripe_gateway = StripeGateway()
