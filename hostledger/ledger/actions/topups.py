"""Online top-ups of the prepaid balance through a payment gateway (BIL-01, BIL-06)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.ledger.actions.balance import positive_amount
from hostledger.ledger.actions.payments import payment_receive
from hostledger.ledger.chart import provider_account
from hostledger.ledger.conf import LOCAL_GATEWAY_ENABLED, TOP_UP_MAXIMUM, TOP_UP_MINIMUM
from hostledger.ledger.gateways.interface import (
    GatewayError,
    GatewayNotification,
    PaymentGateway,
    TopUpRequest,
)
from hostledger.ledger.gateways.registry import get_gateway
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import GatewayTopUp, LedgerAccount, Payment

TOP_UP_ID_PLACEHOLDER = "{top_up_id}"
"""Written in a ``return_url`` where the top-up's public id goes (it exists only once started)."""


def _usable_gateway(name: str) -> PaymentGateway:
    gateway = get_gateway(name)
    if gateway.name == "local" and not setting_value(LOCAL_GATEWAY_ENABLED):
        raise DomainError(
            "gateway_disabled",
            gettext("The local test gateway is switched off on this installation."),
            fields={"gateway": "switched off"},
        )
    return gateway


def top_up_start(
    *, client: Client, gateway_name: str, amount: Money, actor: Any, return_url: str = ""
) -> GatewayTopUp:
    """Start paying ``amount`` into the client's balance through a gateway (BIL-01).

    The top-up is stored first, then the gateway is asked for the payment page (outside any
    transaction, since it may be a slow outbound call), then its transaction id and the URL
    to send the client to are stored. A gateway failure marks the top-up failed and says
    whether trying again can help. ``{top_up_id}`` in ``return_url`` is replaced by the new
    top-up's public id, so the client comes back to the page of this very top-up.
    """
    gateway = _usable_gateway(gateway_name)
    positive_amount(amount)
    minimum = Money.of(setting_value(TOP_UP_MINIMUM), rounding=True)
    maximum = Money.of(setting_value(TOP_UP_MAXIMUM), rounding=True)
    if not minimum <= amount <= maximum:
        raise DomainError(
            "invalid_amount",
            gettext("A top-up is between %(minimum)s and %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum},
            fields={"amount": f"between {minimum} and {maximum}"},
        )
    with transaction.atomic():
        top_up = GatewayTopUp.objects.create(
            gateway=gateway.name,
            client=client,
            amount_minor=amount.minor,
            currency=amount.currency,
            created_by=actor,
        )
    try:
        started = gateway.start_top_up(
            TopUpRequest(
                top_up_id=top_up.public_id,
                client_id=client.public_id,
                amount=amount,
                return_url=return_url.replace(TOP_UP_ID_PLACEHOLDER, top_up.public_id),
            )
        )
    except GatewayError as error:
        with transaction.atomic():
            GatewayTopUp.objects.filter(pk=top_up.pk).update(
                status=GatewayTopUp.Status.FAILED, completed_at=timezone.now()
            )
        raise DomainError(
            "gateway_failed",
            error.message + (" Try again later." if error.retry_can_help else ""),
            fields={"gateway": error.code},
            status=503 if error.retry_can_help else 400,
        ) from error
    with transaction.atomic():
        top_up.external_id = started.external_id[:200]
        top_up.redirect_url = started.redirect_url[:500]
        top_up.save(update_fields=["external_id", "redirect_url"])
    return top_up


def gateway_notification_handle(
    *, gateway_name: str, body: bytes, headers: dict[str, str]
) -> Payment | None:
    """Record what a gateway notification says, once (BIL-06).

    The signature is checked before anything is read from the database; a notification that
    is not genuine raises GatewayError and records nothing. A paid notification records one
    payment per (gateway, transaction id) and posts it to the top-up's client, however many
    times it arrives; the amount posted is what the gateway says was paid. A failed one marks
    a pending top-up failed. Returns the payment, or None for a failure or for a genuine
    notification the gateway says to ignore (answer it as received; nothing is recorded).
    """
    gateway = _usable_gateway(gateway_name)
    event = gateway.verify_notification(GatewayNotification(body=body, headers=headers))
    if event is None:
        return None
    return _record_event(gateway, event)


@transaction.atomic
def _record_event(gateway: PaymentGateway, event) -> Payment | None:
    found = (
        GatewayTopUp.objects.filter(gateway=gateway.name, public_id=event.top_up_id)
        .values_list("client_id", flat=True)
        .first()
    )
    if found is None:
        raise GatewayError(
            "unknown_top_up", f"No top-up {event.top_up_id} at this gateway.", retry_can_help=False
        )
    client = Client.objects.get(pk=found)
    lock_client_balance(client)
    top_up = GatewayTopUp.objects.select_for_update().get(
        gateway=gateway.name, public_id=event.top_up_id
    )
    if top_up.external_id != event.external_id:
        raise GatewayError(
            "transaction_mismatch",
            "The notification names another transaction than the top-up was started with.",
            retry_can_help=False,
        )
    if not event.succeeded:
        if top_up.status == GatewayTopUp.Status.PENDING:
            top_up.status = GatewayTopUp.Status.FAILED
            top_up.completed_at = timezone.now()
            top_up.save(update_fields=["status", "completed_at"])
        return None
    note = "" if event.amount == top_up.amount else f"top-up asked for {top_up.amount}"
    payment, _ = payment_receive(
        source=gateway.name,
        external_id=event.external_id,
        amount=event.amount,
        counter_account=provider_account(LedgerAccount.Kind.GATEWAY_CLEARING, gateway.name),
        client=client,
        value_date=(event.occurred_at or timezone.now()).date(),
        booking_date=(event.occurred_at or timezone.now()).date(),
        reference=top_up.public_id,
        remittance_information=note,
    )
    if top_up.payment_id is None:
        top_up.status = GatewayTopUp.Status.PAID
        top_up.payment = payment
        top_up.completed_at = timezone.now()
        top_up.save(update_fields=["status", "payment", "completed_at"])
    return payment


def local_top_up_pay(*, top_up: GatewayTopUp, succeeded: bool = True) -> Payment | None:
    """The "pay" step of the local development gateway: it writes the signed notification
    the gateway would send and handles it like any other (BIL-06)."""
    from hostledger.ledger.gateways.local import local_gateway

    if top_up.gateway != local_gateway.name or not top_up.external_id:
        raise DomainError(
            "not_a_local_top_up",
            gettext("Only a started top-up of the local gateway is paid here."),
            fields={"top_up": "not a local top-up"},
        )
    notification = local_gateway.pay(
        external_id=top_up.external_id,
        top_up_id=top_up.public_id,
        amount=top_up.amount,
        succeeded=succeeded,
    )
    return gateway_notification_handle(
        gateway_name=local_gateway.name, body=notification.body, headers=dict(notification.headers)
    )
