"""Talking to Stripe's API: credentials, the SDK client, and what its errors mean (habit 4).

The API key and the webhook signing secret are read from the environment when needed
(``HOSTLEDGER_STRIPE_SECRET_KEY``, ``HOSTLEDGER_STRIPE_WEBHOOK_SECRET``); the gateway is
configured only when both are set. Every call goes through one ``stripe.StripeClient`` built
on ``stripe.RequestsClient`` with the provider's timeout and retry count, so no call waits
without limit. The SDK adds an idempotency key to every POST and keeps it across its own
retries, so a retried call never creates a second session or refund.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import stripe

from hostledger.core.registry import setting_value
from hostledger.ledger.conf import STRIPE_NETWORK_RETRIES, STRIPE_REQUEST_TIMEOUT
from hostledger.ledger.gateways.interface import GatewayError

SECRET_KEY_VARIABLE = "HOSTLEDGER_STRIPE_SECRET_KEY"
WEBHOOK_SECRET_VARIABLE = "HOSTLEDGER_STRIPE_WEBHOOK_SECRET"

logger = logging.getLogger("hostledger.ledger.gateways.stripe")


@dataclass(frozen=True)
class StripeCredentials:
    """The secret API key and the webhook endpoint's signing secret (never shown in repr)."""

    secret_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)


def stripe_credentials() -> StripeCredentials | None:
    """The credentials from the environment, or None while either is missing."""
    secret_key = os.environ.get(SECRET_KEY_VARIABLE, "").strip()
    webhook_secret = os.environ.get(WEBHOOK_SECRET_VARIABLE, "").strip()
    if not secret_key or not webhook_secret:
        return None
    return StripeCredentials(secret_key=secret_key, webhook_secret=webhook_secret)


def required_credentials() -> StripeCredentials:
    """The credentials, or a GatewayError saying the installation lacks them."""
    credentials = stripe_credentials()
    if credentials is None:
        raise GatewayError(
            "stripe_not_configured",
            "Card payments through Stripe are not configured on this installation.",
            retry_can_help=False,
        )
    return credentials


def stripe_client(credentials: StripeCredentials) -> stripe.StripeClient:
    """The SDK client with the provider's timeout and retries in force."""
    return _cached_client(
        credentials.secret_key,
        int(setting_value(STRIPE_REQUEST_TIMEOUT)),
        int(setting_value(STRIPE_NETWORK_RETRIES)),
    )


@lru_cache(maxsize=4)
def _cached_client(secret_key: str, timeout: int, retries: int) -> stripe.StripeClient:
    # One client per (key, timeout, retries), so HTTP connections are reused between calls
    # and a changed setting or rotated key takes effect on the next call.
    return stripe.StripeClient(
        secret_key,
        http_client=stripe.RequestsClient(timeout=timeout),
        max_network_retries=retries,
    )


def stripe_call[Result](action: str, call: Callable[[], Result]) -> Result:
    """Run one API call; turn Stripe's errors into a GatewayError that says whether trying
    again later can help. Stripe's own message is logged, never shown to the client (it may
    name the key or the account)."""
    try:
        return call()
    except stripe.StripeError as error:
        status = error.http_status
        logger.warning(
            "Stripe refused to %s: HTTP %s, code %s, request %s",
            action,
            status,
            error.code,
            error.request_id,
        )
        if isinstance(error, stripe.APIConnectionError):
            raise GatewayError(
                "stripe_unreachable", "Stripe could not be reached in time.", retry_can_help=True
            ) from error
        # APIError: a 5xx, or an answer that could not be read.
        if isinstance(error, (stripe.APIError, stripe.RateLimitError)) or status == 409:
            raise GatewayError(
                "stripe_unavailable",
                "Stripe could not handle the request just now.",
                retry_can_help=True,
            ) from error
        if isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
            raise GatewayError(
                "stripe_not_authorised",
                "Stripe did not accept this installation's API key.",
                retry_can_help=False,
            ) from error
        raise GatewayError(
            "stripe_refused", "Stripe refused the request.", retry_can_help=False
        ) from error
