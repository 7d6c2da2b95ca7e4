"""Payment gateways: the local development gateway and notifications recorded once (BIL-06)."""

from __future__ import annotations

import json

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import gateway_notification_handle, local_top_up_pay, top_up_start
from hostledger.ledger.gateways.interface import GatewayError, PaymentGateway
from hostledger.ledger.gateways.local.gateway import SIGNATURE_HEADER, local_gateway, sign
from hostledger.ledger.gateways.registry import gateway_names, get_gateway
from hostledger.ledger.models import GatewayTopUp, LedgerAccount, Payment
from hostledger.ledger.selectors import balance_of, verify_balances
from tests.ledger.helpers import eur, ledger_snapshot


@pytest.fixture
def local_enabled(db, settings):
    settings.LEDGER_LOCAL_GATEWAY_KEY = "test-local-gateway-key"
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")


def _started(client, amount="25.00"):
    return top_up_start(client=client, gateway_name="local", amount=eur(amount), actor=client.owner)


def test_local_gateway_is_registered_and_follows_the_interface():
    assert "local" in gateway_names()
    assert isinstance(get_gateway("local"), PaymentGateway)
    with pytest.raises(DomainError):
        get_gateway("nonexistent")


def test_notification_delivered_five_times_records_one_payment__BIL_06(
    client_record, local_enabled
):
    top_up = _started(client_record)
    assert top_up.redirect_url.endswith(f"/billing/local-gateway/{top_up.public_id}/")
    assert top_up.external_id.startswith("loc_")
    notification = local_gateway.pay(
        external_id=top_up.external_id, top_up_id=top_up.public_id, amount=top_up.amount
    )
    payments = [
        gateway_notification_handle(
            gateway_name="local", body=notification.body, headers=dict(notification.headers)
        )
        for _ in range(5)
    ]
    assert len({payment.pk for payment in payments}) == 1
    assert Payment.objects.count() == 1
    payment = payments[0]
    assert (payment.source, payment.external_id) == ("local", top_up.external_id)
    assert balance_of(client_record) == eur("25.00")
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PAID and top_up.payment == payment
    clearing = LedgerAccount.objects.get(code="gateway:local")
    assert list(clearing.entries.values_list("amount_minor", flat=True)) == [-2500]
    assert verify_balances() == []


def test_pay_step_confirms_the_top_up_server_side__BIL_06(client_record, local_enabled):
    top_up = _started(client_record, "10.50")
    local_top_up_pay(top_up=top_up)
    local_top_up_pay(top_up=top_up)
    assert balance_of(client_record) == eur("10.50")
    assert Payment.objects.count() == 1


def test_bad_signature_is_refused_and_records_nothing__BIL_06(client_record, local_enabled):
    top_up = _started(client_record)
    genuine = local_gateway.pay(
        external_id=top_up.external_id, top_up_id=top_up.public_id, amount=top_up.amount
    )
    forged_body = genuine.body.replace(b'"25.00"', b'"2500.00"')
    before = ledger_snapshot()
    for body, headers in [
        (forged_body, dict(genuine.headers)),
        (genuine.body, {SIGNATURE_HEADER: "0" * 64}),
        (genuine.body, {}),
    ]:
        with pytest.raises(GatewayError) as refused:
            gateway_notification_handle(gateway_name="local", body=body, headers=headers)
        assert refused.value.code == "bad_signature"
        assert refused.value.retry_can_help is False
    assert ledger_snapshot() == before
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.PENDING


def test_signed_notification_for_an_unknown_top_up_is_refused__BIL_06(client_record, local_enabled):
    body = json.dumps(
        {
            "transaction_id": "loc_x",
            "top_up_id": "top_unknown",
            "amount": "5.00",
            "currency": "EUR",
            "status": "paid",
            "occurred_at": "2026-11-20T10:00:00+00:00",
        }
    ).encode()
    with pytest.raises(GatewayError) as refused:
        gateway_notification_handle(
            gateway_name="local", body=body, headers={SIGNATURE_HEADER: sign(body)}
        )
    assert refused.value.code == "unknown_top_up"
    assert Payment.objects.count() == 0


def test_failed_payment_marks_the_top_up_failed__BIL_06(client_record, local_enabled):
    top_up = _started(client_record)
    assert local_top_up_pay(top_up=top_up, succeeded=False) is None
    top_up.refresh_from_db()
    assert top_up.status == GatewayTopUp.Status.FAILED
    assert Payment.objects.count() == 0
    assert balance_of(client_record) == eur("0.00")


def test_top_up_limits_and_the_switched_off_gateway__BIL_01(client_record, settings):
    settings.LEDGER_LOCAL_GATEWAY_KEY = "test-local-gateway-key"
    with pytest.raises(DomainError) as refused:
        _started(client_record)
    assert refused.value.code == "gateway_disabled"
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")
    for amount in ("0.99", "10000.01"):
        with pytest.raises(DomainError) as refused:
            _started(client_record, amount)
        assert "amount" in refused.value.fields
    assert GatewayTopUp.objects.count() == 0
    assert _started(client_record, "10000.00").status == GatewayTopUp.Status.PENDING
