"""Stripe's HTTP API, faked at the HTTP layer with ``responses``, and Stripe's webhook signing.

The Stripe gateway talks to Stripe through the official SDK over ``requests``; ``responses``
answers those requests here the way Stripe's API does (form-encoded requests, JSON answers),
keeping the Checkout Sessions and refunds it was asked for. Tests then pay, expire or break a
session and build the webhook events Stripe would send, signed as Stripe signs them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import requests
import responses

TEST_SECRET_KEY = "sk_test_hostledger_fake_key"
TEST_WEBHOOK_SECRET = "whsec_hostledger_test_secret"
API_BASE = "https://api.stripe.com"
SESSIONS_URL = f"{API_BASE}/v1/checkout/sessions"
REFUNDS_URL = f"{API_BASE}/v1/refunds"

_numbers = itertools.count(1)


def stripe_signature(body: bytes, secret: str = TEST_WEBHOOK_SECRET, timestamp: int | None = None):
    """The ``Stripe-Signature`` header Stripe sends: ``t=<unix time>,v1=<hex HMAC-SHA256 of
    "<t>.<body>" keyed with the endpoint's signing secret>``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def form_of(request: Any) -> dict[str, str]:
    """A form-encoded request body as flat Stripe keys (``metadata[top_up]`` → value)."""
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    return dict(parse_qsl(body, keep_blank_values=True))


def _json(status: int, payload: dict) -> tuple[int, dict[str, str], str]:
    return (
        status,
        {"Content-Type": "application/json", "Request-Id": "req_fake"},
        json.dumps(payload),
    )


def _missing(kind: str, object_id: str) -> tuple[int, dict[str, str], str]:
    return _json(
        404,
        {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such {kind}: '{object_id}'",
            }
        },
    )


class FakeStripe:
    """Stripe's Checkout Session and Refund endpoints on a ``responses`` mock.

    ``fail_next(...)`` makes the next calls time out or answer with an HTTP error instead.
    """

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.sessions: dict[str, dict] = {}
        self.refunds_by_key: dict[str, dict] = {}
        self._failures: list[Any] = []
        mock.add_callback(responses.POST, SESSIONS_URL, callback=self._create_session)
        mock.add_callback(
            responses.GET,
            re.compile(re.escape(SESSIONS_URL) + r"/([^/?]+)"),
            callback=self._retrieve_session,
        )
        mock.add_callback(responses.POST, REFUNDS_URL, callback=self._create_refund)

    # What the tests look at ---------------------------------------------------------------

    @property
    def calls(self) -> list:
        return list(self.mock.calls)

    def calls_to(self, method: str, url_start: str) -> list:
        return [
            call
            for call in self.mock.calls
            if call.request.method == method and call.request.url.startswith(url_start)
        ]

    def fail_next(self, *failures: Any) -> None:
        """Answer the next calls with these: an exception to raise (a timeout) or an HTTP
        status with Stripe's error body."""
        self._failures.extend(failures)

    # Changing a session as Stripe would --------------------------------------------------

    def pay(self, session_id: str, *, amount_minor: int | None = None) -> dict:
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent=f"pi_test_{next(_numbers):06d}",
            customer_details={"email": "mari@example.com", "name": "Mari Tamm"},
        )
        if amount_minor is not None:
            session["amount_total"] = amount_minor
        return session

    def complete_unpaid(self, session_id: str) -> dict:
        """The client finished Checkout with a payment that is still processing."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="unpaid")
        return session

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        session.update(status="expired", payment_status="unpaid", url=None)
        return session

    def event_body(self, event_type: str, session_id: str, **sent_overrides: Any) -> bytes:
        """The JSON body of the webhook event Stripe sends about the session as it is now;
        ``sent_overrides`` change what the event carries (not what the API says)."""
        sent = {**json.loads(json.dumps(self.sessions[session_id])), **sent_overrides}
        return json.dumps(
            {
                "id": f"evt_test_{next(_numbers):06d}",
                "object": "event",
                "api_version": "2026-10-28.endive",
                "created": int(time.time()),
                "livemode": False,
                "pending_webhooks": 1,
                "type": event_type,
                "data": {"object": sent},
            }
        ).encode()

    # The endpoints -----------------------------------------------------------------------

    def _failure(self):
        if not self._failures:
            return None
        failure = self._failures.pop(0)
        if isinstance(failure, BaseException):
            raise failure
        error_type = "api_error" if failure >= 500 else "invalid_request_error"
        return _json(failure, {"error": {"type": error_type, "message": "Fake failure."}})

    def _create_session(self, request):
        failed = self._failure()
        if failed:
            return failed
        form = form_of(request)
        session_id = f"cs_test_{next(_numbers):06d}"
        quantity = int(form["line_items[0][quantity]"])
        self.sessions[session_id] = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]) * quantity,
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in form.items()
                if key.startswith("metadata[")
            },
            "payment_intent": None,
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "livemode": False,
            "created": int(time.time()),
        }
        return _json(200, self.sessions[session_id])

    def _retrieve_session(self, request):
        failed = self._failure()
        if failed:
            return failed
        session_id = request.url.split("?")[0].rstrip("/").rsplit("/", 1)[1]
        if session_id not in self.sessions:
            return _missing("checkout.session", session_id)
        return _json(200, self.sessions[session_id])

    def _create_refund(self, request):
        failed = self._failure()
        if failed:
            return failed
        key = request.headers.get("Idempotency-Key", "")
        if key in self.refunds_by_key:  # Stripe answers a repeated key with the first result
            return _json(200, self.refunds_by_key[key])
        form = form_of(request)
        refund = {
            "id": f"re_test_{next(_numbers):06d}",
            "object": "refund",
            "amount": int(form["amount"]),
            "currency": "eur",
            "payment_intent": form["payment_intent"],
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in form.items()
                if key.startswith("metadata[")
            },
            "status": "succeeded",
        }
        self.refunds_by_key[key] = refund
        return _json(200, refund)


def fake_stripe_for(request) -> FakeStripe:
    """Configure the Stripe gateway with test secrets and answer its HTTP calls with a
    :class:`FakeStripe` for the rest of the test (``request`` is pytest's fixture request).
    Any other outbound HTTP call fails the test."""
    request.getfixturevalue("db")  # the gateway reads its provider settings
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("HOSTLEDGER_STRIPE_SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("HOSTLEDGER_STRIPE_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.start()
    request.addfinalizer(mock.reset)
    request.addfinalizer(mock.stop)
    return FakeStripe(mock)


def read_timeout() -> requests.exceptions.ReadTimeout:
    return requests.exceptions.ReadTimeout("Read timed out. (read timeout=15)")
