"""The Stripe card payment gateway: Checkout Sessions, signed webhooks confirmed against
Stripe's API, refunds (BIL-06, BIL-10). Stripe's HTTP API is faked with ``responses``."""

from __future__ import annotations

import json
import time

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import gateway_notification_handle, top_up_start
from hostledger.ledger.gateways.interface import (
    GatewayError,
    GatewayRefund,
    PaymentGateway,
    RefundingGateway,
    TopUpRequest,
)
from hostledger.ledger.gateways.local import local_gateway
from hostledger.ledger.gateways.registry import gateway_names, get_gateway
from hostledger.ledger.gateways.stripe import SIGNATURE_HEADER, stripe_gateway
from hostledger.ledger.models import GatewayTopUp, LedgerAccount, Payment
from hostledger.ledger.selectors import balance_of, verify_balances
from tests.ledger.helpers import eur, ledger_snapshot
from tests.ledger.stripe_api import (
    REFUNDS_URL,
    SESSIONS_URL,
    TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
    fake_stripe_for,
    form_of,
    read_timeout,
    stripe_signature,
)

COMPLETED = "checkout.session.completed"


@pytest.fixture
def stripe_api(request):
    provider_setting_change(key="ledger.stripe_network_retries", raw_value="0")
    return fake_stripe_for(request)


def _started(client, amount="25.00", return_url="https://panel.example.com/billing/?tab=balance"):
    return top_up_start(
        client=client,
        gateway_name="stripe",
        amount=eur(amount),
        actor=client.owner,
        return_url=return_url,
    )


def _deliver(body: bytes, signature: str | None = None):
    headers = {SIGNATURE_HEADER: stripe_signature(body) if signature is None else signature}
    return gateway_notification_handle(gateway_name="stripe", body=body, headers=headers)


def _refused(body: bytes, signature: str | None = None) -> GatewayError:
    with pytest.raises(GatewayError) as refused:
        _deliver(body, signature)
    return refused.value


# Configuration ---------------------------------------------------------------------------


def test_stripe_is_offered_only_when_both_secrets_are_set(db, monkeypatch):
    monkeypatch.delenv("HOSTLEDGER_STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("HOSTLEDGER_STRIPE_WEBHOOK_SECRET", raising=False)
    assert "stripe" not in gateway_names()
    with pytest.raises(DomainError) as refused:
        get_gateway("stripe")
    assert refused.value.code == "gateway_not_configured"
    monkeypatch.setenv("HOSTLEDGER_STRIPE_SECRET_KEY", TEST_SECRET_KEY)
    assert "stripe" not in gateway_names()
    monkeypatch.setenv("HOSTLEDGER_STRIPE_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
    assert "stripe" in gateway_names()
    gateway = get_gateway("stripe")
    assert isinstance(gateway, PaymentGateway) and isinstance(gateway, RefundingGateway)
    assert TEST_SECRET_KEY not in repr(gateway)


# Starting a top-up -----------------------------------------------------------------------


def test_top_up_start_creates_a_checkout_session__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    (call,) = stripe_api.calls
    assert (call.request.method, call.request.url) == ("POST", SESSIONS_URL)
    assert call.request.headers["Authorization"] == f"Bearer {TEST_SECRET_KEY}"
    assert call.request.headers["Idempotency-Key"]
    assert call.request.req_kwargs["timeout"] == 15  # ledger.stripe_request_timeout
    return_url = "https://panel.example.com/billing/?tab=balance"
    assert form_of(call.request) == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][price_data][product_data][name]": "Prepaid balance top-up",
        "client_reference_id": top_up.public_id,
        "metadata[hostledger_top_up_id]": top_up.public_id,
        "metadata[hostledger_client_id]": client_record.public_id,
        "payment_intent_data[metadata][hostledger_top_up_id]": top_up.public_id,
        "payment_intent_data[metadata][hostledger_client_id]": client_record.public_id,
        "success_url": f"{return_url}&payment=success",
        "cancel_url": f"{return_url}&payment=cancelled",
    }
    (session_id,) = stripe_api.sessions
    assert top_up.external_id == session_id
    assert top_up.redirect_url == f"https://checkout.stripe.com/c/pay/{session_id}"
    assert top_up.status == GatewayTopUp.Status.PENDING


def test_a_relative_return_url_goes_back_to_this_site__BIL_06(client_record, stripe_api, settings):
    settings.SITE_URL = "https://panel.example.com"
    _started(client_record, return_url="/billing/")
    form = form_of(stripe_api.calls[0].request)
    assert form["success_url"] == "https://panel.example.com/billing/?payment=success"
    assert form["cancel_url"] == "https://panel.example.com/billing/?payment=cancelled"


def test_stripe_down_when_starting_fails_the_top_up_and_says_retry__BIL_06(
    client_record, stripe_api
):
    request = TopUpRequest(top_up_id="top_x", client_id="cli_x", amount=eur("5.00"))
    for failure in (read_timeout(), 500, 503):
        stripe_api.fail_next(failure)
        with pytest.raises(GatewayError) as refused:
            stripe_gateway.start_top_up(request)
        assert refused.value.retry_can_help is True
    stripe_api.fail_next(read_timeout())
    with pytest.raises(DomainError) as refused:
        _started(client_record)
    assert (refused.value.code, refused.value.status) == ("gateway_failed", 503)
    assert GatewayTopUp.objects.get().status == GatewayTopUp.Status.FAILED
    assert stripe_api.sessions == {}


def test_a_refused_api_key_is_not_worth_retrying__BIL_06(client_record, stripe_api):
    stripe_api.fail_next(401)
    with pytest.raises(GatewayError) as refused:
        stripe_gateway.start_top_up(
            TopUpRequest(top_up_id="top_x", client_id="cli_x", amount=eur("5.00"))
        )
    assert (refused.value.code, refused.value.retry_can_help) == ("stripe_not_authorised", False)
    assert TEST_SECRET_KEY not in refused.value.message


def test_a_server_error_is_retried_with_the_same_idempotency_key__BIL_06(client_record, stripe_api):
    provider_setting_change(key="ledger.stripe_network_retries", raw_value="1")
    stripe_api.fail_next(500)
    top_up = _started(client_record)
    first, second = stripe_api.calls_to("POST", SESSIONS_URL)
    assert first.response.status_code == 500 and second.response.status_code == 200
    assert first.request.headers["Idempotency-Key"] == second.request.headers["Idempotency-Key"]
    assert list(stripe_api.sessions) == [top_up.external_id]


# Webhooks --------------------------------------------------------------------------------


def test_paid_webhook_delivered_five_times_records_one_payment__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id)
    payments = [_deliver(body) for _ in range(5)]
    assert len({payment.pk for payment in payments}) == 1
    payment = Payment.objects.get()
    assert (payment.source, payment.external_id, payment.amount) == (
        "stripe",
        top_up.external_id,
        eur("25.00"),
    )
    assert payment.client == client_record and payment.reference == top_up.public_id
    assert balance_of(client_record) == eur("25.00")
    clearing = LedgerAccount.objects.get(code="gateway:stripe")
    assert list(clearing.entries.values_list("amount_minor", flat=True)) == [-2500]
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PAID and top_up.payment == payment
    assert verify_balances() == []
    # Each delivery was confirmed against Stripe's API before anything was recorded.
    assert len(stripe_api.calls_to("GET", f"{SESSIONS_URL}/{top_up.external_id}")) == 5


def test_no_card_or_customer_data_is_stored_from_stripe__BIL_10(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    payment = _deliver(stripe_api.event_body(COMPLETED, top_up.external_id))
    assert (payment.payer_name, payment.payer_account, payment.remittance_information) == (
        "",
        "",
        "",
    )
    start_form = form_of(stripe_api.calls[0].request)
    assert not [key for key in start_form if "card" in key or "payment_method" in key]


def test_bad_or_missing_signature_is_refused_and_records_nothing__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id)
    before, calls_before = ledger_snapshot(), len(stripe_api.calls)
    for signature in [
        stripe_signature(body, secret="whsec_someone_else"),
        "t=1,v1=" + "0" * 64,
        "garbage",
        stripe_signature(body).replace("v1=", "v0="),
        "",
    ]:
        refused = _refused(body, signature)
        assert (refused.code, refused.retry_can_help) == ("bad_signature", False)
    with pytest.raises(GatewayError) as refused:
        gateway_notification_handle(gateway_name="stripe", body=body, headers={})
    assert refused.value.code == "bad_signature"
    assert ledger_snapshot() == before
    assert len(stripe_api.calls) == calls_before  # refused before asking Stripe anything
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PENDING


def test_tampered_body_is_refused__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id)
    signature = stripe_signature(body)
    tampered = body.replace(b'"amount_total": 2500', b'"amount_total": 250000')
    assert tampered != body
    before = ledger_snapshot()
    assert _refused(tampered, signature).code == "bad_signature"
    assert _refused(body + b" ", signature).code == "bad_signature"
    assert ledger_snapshot() == before


def test_signature_older_than_the_tolerance_is_refused__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id)
    two_minutes_ago = stripe_signature(body, timestamp=int(time.time()) - 120)
    provider_setting_change(key="ledger.stripe_webhook_tolerance", raw_value="60")
    assert _refused(body, two_minutes_ago).code == "bad_signature"
    assert Payment.objects.count() == 0
    provider_setting_change(key="ledger.stripe_webhook_tolerance", raw_value="300")
    assert _deliver(body, two_minutes_ago).amount == eur("25.00")


def test_event_whose_session_is_not_paid_when_retrieved_records_nothing__BIL_06(
    client_record, stripe_api
):
    top_up = _started(client_record)
    stripe_api.complete_unpaid(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id, payment_status="paid")
    before = ledger_snapshot()
    assert _deliver(body) is None
    assert ledger_snapshot() == before
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PENDING
    # The bank debit clears later: Stripe says so and the payment is recorded then.
    stripe_api.pay(top_up.external_id)
    payment = _deliver(
        stripe_api.event_body("checkout.session.async_payment_succeeded", top_up.external_id)
    )
    assert payment.amount == eur("25.00")
    assert balance_of(client_record) == eur("25.00")


def test_amount_comes_from_the_retrieved_session_not_the_event__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id, amount_minor=2000)
    body = stripe_api.event_body(COMPLETED, top_up.external_id, amount_total=999_999)
    payment = _deliver(body)
    assert payment.amount == eur("20.00")
    assert payment.remittance_information == f"top-up asked for {eur('25.00')}"
    assert balance_of(client_record) == eur("20.00")


def test_expired_or_failed_sessions_fail_the_top_up__BIL_06(client_record, stripe_api):
    expired = _started(client_record)
    stripe_api.expire(expired.external_id)
    assert _deliver(stripe_api.event_body("checkout.session.expired", expired.external_id)) is None
    failed = _started(client_record)
    stripe_api.complete_unpaid(failed.external_id)
    body = stripe_api.event_body("checkout.session.async_payment_failed", failed.external_id)
    assert _deliver(body) is None
    for top_up in (expired, failed):
        top_up.refresh_from_db()
        assert top_up.status == GatewayTopUp.Status.FAILED
    assert Payment.objects.count() == 0
    assert balance_of(client_record) == eur("0.00")


def test_other_events_and_foreign_sessions_are_acknowledged_and_ignored__BIL_06(
    client_record, stripe_api
):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    calls_before = len(stripe_api.calls)
    before = ledger_snapshot()
    for event_type in ("payment_intent.succeeded", "charge.refunded", "customer.created"):
        assert _deliver(stripe_api.event_body(event_type, top_up.external_id)) is None
    foreign = stripe_api.event_body(COMPLETED, top_up.external_id, metadata={"order": "shop-17"})
    assert _deliver(foreign) is None
    assert ledger_snapshot() == before
    assert len(stripe_api.calls) == calls_before


def test_stripe_timeout_or_5xx_on_confirmation_records_nothing_and_says_retry__BIL_06(
    client_record, stripe_api
):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = stripe_api.event_body(COMPLETED, top_up.external_id)
    before = ledger_snapshot()
    for failure in (read_timeout(), 500, 502):
        stripe_api.fail_next(failure)
        refused = _refused(body)
        assert refused.retry_can_help is True
    assert ledger_snapshot() == before
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PENDING
    # Stripe delivers the event again later and it is recorded once.
    assert _deliver(body).amount == eur("25.00")
    assert Payment.objects.count() == 1


def test_signed_event_for_an_unknown_session_is_refused__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    stripe_api.pay(top_up.external_id)
    body = json.loads(stripe_api.event_body(COMPLETED, top_up.external_id))
    body["data"]["object"]["id"] = "cs_test_nobody"
    refused = _refused(json.dumps(body).encode())
    assert (refused.code, refused.retry_can_help) == ("stripe_refused", False)
    assert Payment.objects.count() == 0


# Refunds ---------------------------------------------------------------------------------


def test_refund_goes_through_the_refunds_api_once_per_key__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    session = stripe_api.pay(top_up.external_id)
    first = stripe_gateway.refund(
        external_id=top_up.external_id, amount=eur("10.00"), idempotency_key="refund-1"
    )
    again = stripe_gateway.refund(
        external_id=top_up.external_id, amount=eur("10.00"), idempotency_key="refund-1"
    )
    assert first == again == GatewayRefund(external_id=first.external_id, status="succeeded")
    assert first.external_id.startswith("re_")
    posts = stripe_api.calls_to("POST", REFUNDS_URL)
    assert form_of(posts[0].request) == {
        "payment_intent": session["payment_intent"],
        "amount": "1000",
        "metadata[hostledger_payment]": top_up.external_id,
    }
    assert posts[0].request.headers["Idempotency-Key"] == "hostledger-refund-refund-1"
    assert len(stripe_api.refunds_by_key) == 1


def test_an_unpaid_session_cannot_be_refunded__BIL_06(client_record, stripe_api):
    top_up = _started(client_record)
    with pytest.raises(GatewayError) as refused:
        stripe_gateway.refund(
            external_id=top_up.external_id, amount=eur("1.00"), idempotency_key="refund-2"
        )
    assert (refused.value.code, refused.value.retry_can_help) == ("not_paid", False)
    assert stripe_api.calls_to("POST", REFUNDS_URL) == []


def test_local_gateway_refunds_once_per_key__BIL_06():
    assert isinstance(local_gateway, RefundingGateway)
    first = local_gateway.refund(external_id="loc_x", amount=eur("1.00"), idempotency_key="k")
    assert first == local_gateway.refund(
        external_id="loc_x", amount=eur("1.00"), idempotency_key="k"
    )
    assert first.status == "succeeded" and first.external_id.startswith("lrf_")
