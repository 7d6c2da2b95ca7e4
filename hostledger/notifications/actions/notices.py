# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""The messages clients expect at the moments that matter to them (NTF-01, CAT-04, CAT-06,
ACC-09): order received, proforma issued, payment received, service activated, suspended
or resumed by staff, trial started, security notices and announced price changes.

Each function is called by the action where the thing happens, in its transaction, and
queues its message under a key made of what the message is about, so that the message
exists exactly when the change commits and a repeated call queues nothing more. These are
system messages: they always go out by email and in the client area, and by SMS where the
client turned SMS on for the category (NTF-01).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.models import PriceVersion
from hostledger.catalog.selectors import add_on_price_in_force, price_in_force
from hostledger.core.errors import DomainError
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.notifications.actions.announcements import LIVE_STATUSES
from hostledger.notifications.actions.messages import notification_enqueue
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.notifications.events import (
    EMAIL_CHANGED,
    INTERRUPTION_CONFIRMED,
    INTERRUPTION_REJECTED,
    INTERRUPTION_RESTORED,
    ORDER_RECEIVED,
    PASSWORD_CHANGED,
    PAYMENT_RECEIVED,
    PRICE_CHANGE_ANNOUNCED,
    PROFORMA_ISSUED,
    RECOVERY_CODES_REGENERATED,
    SERVICE_ACTIVATED,
    SERVICE_RESUMED_BY_STAFF,
    SERVICE_SUSPENDED_BY_STAFF,
    TRIAL_STARTED,
    TWO_FACTOR_DISABLED,
    TWO_FACTOR_ENABLED,
)
from hostledger.notifications.models import Channel, Delivery, DeliveryState, Notification
from hostledger.subscriptions.models import Order, Service, ServiceAddOn, ServiceStatus

SECURITY_EVENTS = (
    PASSWORD_CHANGED,
    EMAIL_CHANGED,
    TWO_FACTOR_ENABLED,
    TWO_FACTOR_DISABLED,
    RECOVERY_CODES_REGENERATED,
)


def _tell(event: str, about: str, *, client, **fields) -> Notification:
    """Queue ``event`` to ``client`` once, keyed by ``event`` and what it is ``about``."""
    return notification_enqueue(key=f"{event}:{about}", client=client, event=event, **fields)


def order_received_notify(*, order, service=None) -> Notification:
    """Tell the client their order was received (ORD-01, NTF-01), with its proforma and
    whether the balance already paid it."""
    paid = order.status == Order.Status.PAID
    return _tell(
        ORDER_RECEIVED,
        order.public_id,
        client=order.client,
        service=service,
        invoice=order.proforma,
        context={"order_id": order.number or str(order.pk), "order_paid": paid},
    )


def proforma_issued_notify(*, proforma) -> Notification:
    """Tell the client a proforma is waiting to be paid, with how to pay it by bank transfer
    (BIL-03, BIL-06, NTF-01); ``on_date`` is its due date."""
    return _tell(
        PROFORMA_ISSUED,
        proforma.public_id,
        client=proforma.client,
        invoice=proforma,
        on_date=proforma.due_on,
    )


def payment_received_notify(*, payment, balance_minor: int, today: date | None = None):
    """Send the receipt of a payment posted to the client's balance (BIL-06, NTF-01): the
    amount, the payment date, the reference it arrived with (or the payment's id) and the
    balance after it."""
    paid_on = payment.value_date or payment.booking_date or today or timezone.localdate()
    context = {
        "payment_reference": payment.reference or payment.public_id,
        "balance_minor": int(balance_minor),
    }
    return _tell(
        PAYMENT_RECEIVED,
        payment.public_id,
        client=payment.client,
        amount_minor=payment.amount_minor,
        on_date=paid_on,
        context=context,
    )


def service_activated_notify(*, service) -> Notification:
    """Welcome the client to a service that became active, once per service (ORD-02,
    NTF-01). The message links the service's page, where the access details are; it never
    carries them."""
    return _tell(SERVICE_ACTIVATED, service.public_id, client=service.client, service=service)


def service_moved_by_staff_notify(*, service, change) -> Notification:
    """Tell the client staff suspended or resumed a service (ORD-02, NTF-01), once per
    status change; the reason is on the service's page in the client area."""
    suspended = change.to_status == ServiceStatus.SUSPENDED
    event = SERVICE_SUSPENDED_BY_STAFF if suspended else SERVICE_RESUMED_BY_STAFF
    on_date = timezone.localdate(change.changed_at)
    return _tell(event, str(change.pk), client=service.client, service=service, on_date=on_date)


def interruption_confirmed_notify(*, interruption) -> Notification:
    """Tell the client staff confirmed its report of an interruption (SUP-03), once per
    report; it counts from the confirmation."""
    return _tell(
        INTERRUPTION_CONFIRMED,
        interruption.public_id,
        client=interruption.client,
        service=interruption.service,
        on_date=timezone.localdate(interruption.confirmed_at),
    )


def interruption_restored_notify(*, interruption) -> Notification:
    """The notice of resumption (SUP-03, seed 003 §3.2): the service works again and the
    interruption stops counting, once per report."""
    return _tell(
        INTERRUPTION_RESTORED,
        interruption.public_id,
        client=interruption.client,
        service=interruption.service,
        on_date=timezone.localdate(interruption.restored_at),
    )


def interruption_rejected_notify(*, interruption, reason: str) -> Notification:
    """Tell the client staff did not confirm its report of an interruption, and why (SUP-03),
    once per report."""
    return _tell(
        INTERRUPTION_REJECTED,
        interruption.public_id,
        client=interruption.client,
        service=interruption.service,
        on_date=timezone.localdate(interruption.rejected_at),
        context={"reason": reason},
    )


def trial_started_notify(*, service) -> Notification:
    """Tell the client a free trial started and until when (CAT-04), once per service."""
    ends_on = service.trial_ends_on
    return _tell(
        TRIAL_STARTED, service.public_id, client=service.client, service=service, on_date=ends_on
    )


@transaction.atomic
def security_notice_send(
    *, client, event: str, previous_email: str = "", now: datetime | None = None
) -> Notification:
    """Tell the client of a change to how they sign in (NTF-01, ACC-09): password, e-mail
    address, two-factor authentication. Always sent; each call is one change, so the key
    carries the moment.

    For an e-mail change (``previous_email`` given) a second notice goes to the previous
    address alone: it is made here with its one delivery, so the person who lost the
    address learns of it too. That notice is marked read in the client area, where the
    first one already shows.
    """
    if event not in SECURITY_EVENTS:
        raise DomainError(
            "unknown_event",
            _("%(event)s is not a security notice.") % {"event": f"{event!r}"},
            fields={"event": "not a security notice"},
        )
    now = now or timezone.now()
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    notice = notification_enqueue(
        key=f"{event}:{client.public_id}:{stamp}", client=client, event=event, now=now
    )
    if event == EMAIL_CHANGED and previous_email:
        to_previous = notification_enqueue(
            key=f"{event}:{client.public_id}:{stamp}:previous",
            client=client,
            event=event,
            now=now,
        )
        # Fanned out by hand: one email to the previous address, no SMS twice.
        marked = Notification.objects.filter(pk=to_previous.pk, fanned_out_at__isnull=True).update(
            fanned_out_at=now, read_at=now
        )
        if marked:
            Delivery.objects.create(
                notification=to_previous,
                channel=Channel.EMAIL,
                state=DeliveryState.PENDING,
                next_attempt_at=now,
                recipient=previous_email,
                created_at=now,
            )
    return notice


def _price_change_audience(version: PriceVersion) -> tuple[str, list]:
    """The clients with a live service on the version's tariff or add-on (CAT-06)."""
    statuses = ", ".join(["%s"] * len(LIVE_STATUSES))
    services = Service._meta.db_table
    if version.tariff_id is not None:
        where = f"s.tariff_id = %s AND s.status IN ({statuses})"
        return f"SELECT s.client_id FROM {services} s WHERE {where}", [
            version.tariff_id,
            *LIVE_STATUSES,
        ]
    add_ons = ServiceAddOn._meta.db_table
    return (
        f"SELECT s.client_id FROM {services} s JOIN {add_ons} a ON a.service_id = s.id "
        f"WHERE a.add_on_id = %s AND s.status IN ({statuses})",
        [version.add_on_id, *LIVE_STATUSES],
    )


@client_selection(
    SelectionPurpose.LEGAL_NOTICE,
    "notice of a price change, which the client must be given before it applies",
)
@transaction.atomic
def price_change_notify(
    *, price_version: PriceVersion, effective_from: date, now: datetime | None = None
) -> int:
    """Tell every client with a live service on the tariff or add-on of ``price_version``
    the new monthly fee, the fee before it and the date it takes effect, and that they may
    terminate before then (CAT-06, seed 003 §2.2.6). One message per client and price
    version, in one statement; calling it again queues only clients who became affected
    since. Returns how many messages were queued now."""
    now = now or timezone.now()
    target = price_version.tariff or price_version.add_on
    day_before = effective_from - timedelta(days=1)
    if price_version.tariff is not None:
        old_fee = price_in_force(price_version.tariff, period_start=day_before)
    else:
        old_fee = add_on_price_in_force(price_version.add_on, period_start=day_before)
    audience, params = _price_change_audience(price_version)
    date_parameter = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    amount_parameter = "CAST(%s AS bigint)" if connection.vendor == "postgresql" else "%s"
    select_sql = (
        "SELECT CAST(%s AS varchar(200)) || CAST(c.client_id AS varchar(20)), c.client_id, "
        f"NULL, NULL, {amount_parameter}, {date_parameter} "
        f"FROM ({audience}) c GROUP BY c.client_id"
    )
    return notifications_enqueue_select(
        event=PRICE_CHANGE_ANNOUNCED,
        select_sql=select_sql,
        params=[
            f"{PRICE_CHANGE_ANNOUNCED}:{price_version.public_id}:",
            price_version.monthly_fee_minor,
            effective_from.isoformat(),
            *params,
        ],
        now=now,
        context={
            "product_name": target.name,
            "old_fee_minor": old_fee.minor,
            "new_fee_minor": price_version.monthly_fee_minor,
        },
    )
