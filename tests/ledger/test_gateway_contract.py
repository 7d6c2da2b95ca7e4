"""The contract every payment gateway module passes (BIL-06, habit 4).

Each registered gateway: starts a top-up with a redirect URL and a transaction id of its own,
refuses an unsigned or garbled notification with a GatewayError that says retrying will not
help, and never writes to the database while verifying.
"""

from __future__ import annotations

import pytest

from hostledger.core.money import Money
from hostledger.ledger.gateways.interface import (
    GatewayError,
    GatewayNotification,
    PaymentGateway,
    TopUpRequest,
    TopUpStarted,
)
from hostledger.ledger.gateways.registry import get_gateway, registered_gateway_names
from hostledger.ledger.models import GatewayTopUp, Payment
from tests.ledger.stripe_api import fake_stripe_for

# Gateways that call a provider get test credentials and the provider faked at the HTTP layer.
_SET_UP = {"stripe": fake_stripe_for}


@pytest.fixture(params=registered_gateway_names())
def gateway(request, settings) -> PaymentGateway:
    settings.LEDGER_LOCAL_GATEWAY_KEY = "contract-test-key"
    if request.param in _SET_UP:
        _SET_UP[request.param](request)
    return get_gateway(request.param)


def test_start_gives_a_redirect_and_an_own_transaction_id__BIL_06(gateway):
    request = TopUpRequest(top_up_id="top_contract", client_id="cli_x", amount=Money.of("5.00"))
    first = gateway.start_top_up(request)
    second = gateway.start_top_up(request)
    assert isinstance(first, TopUpStarted)
    assert first.redirect_url.startswith(("http://", "https://"))
    assert first.external_id and first.external_id != second.external_id


@pytest.mark.django_db
def test_unsigned_or_garbled_notifications_are_refused_without_writing__BIL_06(gateway):
    for notification in [
        GatewayNotification(body=b"{}", headers={}),
        GatewayNotification(body=b"not json at all", headers={"X-Signature": "abc"}),
        GatewayNotification(body=b"", headers={}),
    ]:
        with pytest.raises(GatewayError) as refused:
            gateway.verify_notification(notification)
        assert refused.value.retry_can_help is False
    assert Payment.objects.count() == 0
    assert GatewayTopUp.objects.count() == 0
