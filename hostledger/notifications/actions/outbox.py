# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""The outbox: fanning notifications out into deliveries and sending them (NTF-01, NTF-02).

Fan-out is set-based: a few INSERT … SELECT statements per batch make one delivery per
(notification, channel) the client receives it by:

* system categories (billing, service, account, announcements): always by email; by SMS
  when the client turned SMS on for that category and has a phone number;
* marketing: by each channel the client gave a confirmed consent for (and by SMS only with a
  phone number).

The message in the client area is the notification row itself.

Sending takes due deliveries in bounded batches. Each is claimed with a conditional UPDATE
(``pending`` → ``sending``), so two workers never send the same row. The network call is
made outside any transaction; the outcome is written with another conditional UPDATE and
every attempt is kept as a :class:`DeliveryAttempt`. A failure leaves the error on the row
and schedules a retry with exponential backoff (base * factor^(n-1), provider settings) until
the attempts run out (then ``failed``); an error that cannot be helped by retrying fails at
once. A failing channel blocks nothing else: each delivery stands on its own (NTF-02).

**No message is sent twice.** A delivery is sent at most once per success: only the worker
that claimed it sends it, and only a ``pending`` row can be claimed. If a worker dies after
claiming — before, during or after the provider accepted the message — the row stays
``sending``. It is never retried blindly: once it has been ``sending`` for longer than the
``notifications.sending_timeout_minutes`` setting, the next run marks it ``uncertain`` for
staff, who can check the mail or SMS provider's log and send it again with
:func:`delivery_resend`. Every email carries a Message-ID made from the delivery's public id
(``<dlv_…@host>``), the same on every attempt and resend, so receiving systems and mail
programs see a repeat as the same message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.fields import for_subject_of
from hostledger.core.registry import setting_value
from hostledger.notifications import conf
from hostledger.notifications.bulk import (
    DELIVERY_PREFIX,
    NOTIFICATION_PREFIX,
    random_public_id_sql,
)
from hostledger.notifications.events import normalised_language
from hostledger.notifications.models import (
    Category,
    Channel,
    ChannelPreference,
    ConsentState,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Notification,
)
from hostledger.notifications.rendering import render_notification
from hostledger.notifications.sms.interface import SmsBackend, SmsError, SmsMessage
from hostledger.notifications.sms.registry import sms_backend
from hostledger.notifications.sources import extra_headers_of
from hostledger.privacy.models import MarketingConsent

logger = logging.getLogger("hostledger.notifications")

ERROR_MAX_CHARS = 2000


def _db_time(value: datetime):
    return Notification._meta.get_field("created_at").get_db_prep_value(value, connection)


def _fan_out_statements() -> list[str]:
    notifications = Notification._meta.db_table
    deliveries = Delivery._meta.db_table
    consents = MarketingConsent._meta.db_table
    preferences = ChannelPreference._meta.db_table
    columns = (
        "public_id, notification_id, channel, state, attempts, next_attempt_at, last_error, "
        "language, subject, body, recipient, provider_message_id, created_at"
    )
    values = (
        f"{random_public_id_sql(DELIVERY_PREFIX)}, n.id, %(channel)s, %(pending)s, 0, "
        "%(now)s, '', '', '', '', '', '', %(now)s"
    )
    batch = "n.id BETWEEN %(first)s AND %(last)s AND n.fanned_out_at = %(now)s"
    consent_of = (
        f"EXISTS (SELECT 1 FROM {consents} consent WHERE consent.client_id = n.client_id "
        "AND consent.channel = %(channel)s AND consent.state = %(confirmed)s)"
    )
    preference_of = (
        f"EXISTS (SELECT 1 FROM {preferences} preference "
        "WHERE preference.client_id = n.client_id AND preference.channel = %(channel)s "
        "AND preference.category = n.category AND preference.enabled)"
    )
    email = (
        f"INSERT INTO {deliveries} ({columns}) SELECT {values} FROM {notifications} n "
        f"WHERE {batch} AND (n.category <> %(marketing)s OR {consent_of}) "
        "ON CONFLICT (notification_id, channel) DO NOTHING"
    )
    sms = (
        f"INSERT INTO {deliveries} ({columns}) SELECT {values} FROM {notifications} n "
        "JOIN accounts_client client ON client.id = n.client_id "
        f"WHERE {batch} AND client.phone <> '' AND ("
        f"(n.category <> %(marketing)s AND {preference_of}) "
        f"OR (n.category = %(marketing)s AND {consent_of})) "
        "ON CONFLICT (notification_id, channel) DO NOTHING"
    )
    return [email, sms]


def deliveries_fan_out(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Make the deliveries of every notification not fanned out yet; returns how many
    notifications were handled (NTF-01). One transaction per batch of notifications."""
    now = now or timezone.now()
    batch_size = batch_size or setting_value(conf.FAN_OUT_BATCH_SIZE)
    handled = 0
    while True:
        count = _fan_out_batch(now=now, batch_size=batch_size)
        if not count:
            return handled
        handled += count


@transaction.atomic
def _fan_out_batch(*, now: datetime, batch_size: int) -> int:
    ids = list(
        Notification.objects.filter(fanned_out_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    first, last = ids[0], ids[-1]
    # Mark first, then fan out what was marked: a row that commits between the statements is
    # neither marked nor fanned out, and waits for the next batch.
    marked = Notification.objects.filter(
        id__gte=first, id__lte=last, fanned_out_at__isnull=True
    ).update(fanned_out_at=now)
    parameters = {
        "first": first,
        "last": last,
        "now": _db_time(now),
        "pending": DeliveryState.PENDING,
        "confirmed": ConsentState.CONFIRMED,
        "marketing": Category.MARKETING,
    }
    email_statement, sms_statement = _fan_out_statements()
    with connection.cursor() as cursor:
        cursor.execute(email_statement, {**parameters, "channel": Channel.EMAIL})
        cursor.execute(sms_statement, {**parameters, "channel": Channel.SMS})
        cursor.execute(
            f"UPDATE {Notification._meta.db_table} "
            f"SET public_id = {random_public_id_sql(NOTIFICATION_PREFIX)} "
            "WHERE id BETWEEN %s AND %s AND public_id IS NULL",
            [first, last],
        )
    return marked


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    interrupted: int = 0
    lost_claims: int = 0
    errors: list[str] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "skipped": self.skipped,
            "interrupted": self.interrupted,
            "lost_claims": self.lost_claims,
        }


class _Skip(Exception):
    """The delivery cannot and need not go out (no phone number, no SMS text, consent
    withdrawn)."""


class _Failure(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


def deliveries_mark_interrupted(*, now: datetime | None = None) -> int:
    """Mark deliveries left ``sending`` longer than the timeout as ``uncertain`` for staff,
    never resending them blindly (NTF-02); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=setting_value(conf.SENDING_TIMEOUT_MINUTES))
    with transaction.atomic():
        stale = list(
            Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=cutoff).values_list(
                "id", flat=True
            )
        )
        if not stale:
            return 0
        message = "The worker stopped while sending; the message may have gone out."
        count = Delivery.objects.filter(id__in=stale, state=DeliveryState.SENDING).update(
            state=DeliveryState.UNCERTAIN, last_error=message
        )
        DeliveryAttempt.objects.filter(delivery_id__in=stale, finished_at__isnull=True).update(
            finished_at=now, error=message, retryable=False
        )
        return count


def deliveries_send_due(
    *, now: datetime | None = None, limit: int | None = None, sms: SmsBackend | None = None
) -> SendReport:
    """Send up to ``limit`` due deliveries, each claimed so no two workers send it (NTF-02)."""
    now = now or timezone.now()
    limit = limit or setting_value(conf.SEND_BATCH_SIZE)
    report = SendReport(interrupted=deliveries_mark_interrupted(now=now))
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    backend = sms
    for delivery_id in due:
        if not _claim(delivery_id, now):
            report.lost_claims += 1
            continue
        if backend is None and _channel_of(delivery_id) == Channel.SMS:
            backend = sms_backend()
        _send_claimed(delivery_id, now=now, sms=backend, report=report)
    return report


def _channel_of(delivery_id: int) -> str:
    return Delivery.objects.filter(pk=delivery_id).values_list("channel", flat=True).get()


def _claim(delivery_id: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Delivery.objects.filter(
            pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now
        ).update(state=DeliveryState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if claimed:
            attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True)
            DeliveryAttempt.objects.create(
                delivery_id=delivery_id, number=attempts.get(), started_at=now
            )
        return bool(claimed)


def _send_claimed(delivery_id: int, *, now: datetime, sms, report: SendReport) -> None:
    delivery = Delivery.objects.select_related(
        "notification__client__owner",
        "notification__service__tariff",
        "notification__invoice",
        "notification__announcement",
    ).get(pk=delivery_id)
    try:
        _prepare(delivery)
        provider_message_id = _transmit(delivery, sms=sms)
    except _Skip as skip:
        _finish(delivery, now=now, state=DeliveryState.SKIPPED, error=str(skip), succeeded=True)
        report.skipped += 1
    except _Failure as failure:
        _record_failure(
            delivery, now=now, error=str(failure), retryable=failure.retryable, report=report
        )
    except Exception as error:  # a bug or an outage must not stop the batch
        logger.exception("Delivery %s failed.", delivery.public_id)
        _record_failure(
            delivery,
            now=now,
            error=f"{type(error).__name__}: {error}",
            retryable=True,
            report=report,
        )
    else:
        _finish(
            delivery,
            now=now,
            state=DeliveryState.SENT,
            succeeded=True,
            provider_message_id=provider_message_id,
        )
        report.sent += 1


def _prepare(delivery: Delivery) -> None:
    """Render the message and find the recipient on the first attempt; later attempts send
    the text stored then."""
    notification = delivery.notification
    client = notification.client
    if (
        notification.category == Category.MARKETING
        and not MarketingConsent.objects.filter(
            client=client, channel=delivery.channel, state=ConsentState.CONFIRMED
        ).exists()
    ):
        raise _Skip("No confirmed marketing consent for this channel.")
    if delivery.subject or delivery.body:
        return
    language = normalised_language(client.owner.preferred_language)
    rendered = render_notification(notification, language=language, channel=delivery.channel)
    if delivery.channel == Channel.EMAIL:
        # A delivery made with its address (the previous one, of an e-mail change) keeps it.
        recipient = delivery.recipient or client.owner.email
        subject, body = rendered.subject, rendered.body
    else:
        recipient, subject, body = _phone_number(client), "", rendered.sms
        if not body:
            raise _Skip("This message has no SMS text.")
    if not recipient:
        raise _Skip("The client has no address for this channel.")
    delivery.language, delivery.subject, delivery.body = language, subject, body
    delivery.recipient = recipient
    # Under the client's own key, as a save would (GDPR-11): update() calls no pre_save.
    Delivery.objects.filter(pk=delivery.pk).update(
        language=language,
        subject=for_subject_of(delivery, subject),
        body=for_subject_of(delivery, body),
        recipient=for_subject_of(delivery, recipient),
    )


def _phone_number(client) -> str:
    if not client.phone:
        return ""
    try:
        number = phonenumbers.parse(client.phone, client.country or None)
    except phonenumbers.NumberParseException:
        raise _Skip("The client's phone number cannot be read.") from None
    if not phonenumbers.is_possible_number(number):
        raise _Skip("The client's phone number is not a possible number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def message_id_of(delivery: Delivery) -> str:
    """The Message-ID of a delivery's email: the same on every attempt and resend."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{delivery.public_id}@{host}>"


def _transmit(delivery: Delivery, *, sms) -> str:
    if delivery.channel == Channel.EMAIL:
        headers = {"Message-ID": message_id_of(delivery)}
        headers.update(extra_headers_of(delivery.notification))
        if delivery.notification.category == Category.MARKETING:
            from hostledger.notifications.tokens import unsubscribe_url

            link = unsubscribe_url(
                client_public_id=delivery.notification.client.public_id, channel=Channel.EMAIL
            )
            headers["List-Unsubscribe"] = f"<{link}>"
        reply_to = headers.pop("Reply-To", None)
        message = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.recipient],
            headers=headers,
            reply_to=[reply_to] if reply_to else None,
        )
        message.send()
        return headers["Message-ID"]
    try:
        receipt = sms.send(
            SmsMessage(to=delivery.recipient, text=delivery.body, reference=delivery.public_id)
        )
    except SmsError as error:
        raise _Failure(str(error), retryable=error.retryable) from error
    return receipt.provider_message_id


def _finish(
    delivery: Delivery,
    *,
    now: datetime,
    state: str,
    succeeded: bool,
    error: str = "",
    provider_message_id: str = "",
) -> None:
    with transaction.atomic():
        changes = {"state": state, "last_error": error[:ERROR_MAX_CHARS]}
        if state == DeliveryState.SENT:
            changes.update(sent_at=timezone.now(), provider_message_id=provider_message_id[:200])
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(**changes)
        DeliveryAttempt.objects.filter(
            delivery_id=delivery.pk, number=delivery.attempts, finished_at__isnull=True
        ).update(finished_at=timezone.now(), succeeded=succeeded, error=error[:ERROR_MAX_CHARS])


def _record_failure(
    delivery: Delivery, *, now: datetime, error: str, retryable: bool, report: SendReport
) -> None:
    error = error[:ERROR_MAX_CHARS]
    out_of_attempts = delivery.attempts >= setting_value(conf.MAX_ATTEMPTS)
    with transaction.atomic():
        if retryable and not out_of_attempts:
            Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
                state=DeliveryState.PENDING,
                next_attempt_at=now + conf.retry_delay(delivery.attempts),
                last_error=error,
            )
            report.retrying += 1
        else:
            Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
                state=DeliveryState.FAILED, last_error=error
            )
            report.failed += 1
        DeliveryAttempt.objects.filter(
            delivery_id=delivery.pk, number=delivery.attempts, finished_at__isnull=True
        ).update(finished_at=timezone.now(), succeeded=False, retryable=retryable, error=error)
    report.errors.append(f"{delivery.public_id}: {error}")


@transaction.atomic
def delivery_resend(*, delivery: Delivery, actor, now: datetime | None = None) -> Delivery:
    """Queue a failed or interrupted delivery again, after staff checked it did not go out
    (NTF-02). An email keeps its Message-ID."""
    now = now or timezone.now()
    updated = Delivery.objects.filter(
        pk=delivery.pk, state__in=[DeliveryState.FAILED, DeliveryState.UNCERTAIN]
    ).update(state=DeliveryState.PENDING, next_attempt_at=now, claimed_at=None)
    if not updated:
        raise DomainError(
            "not_resendable",
            _("Only a failed or interrupted delivery can be sent again."),
            fields={"delivery": "not failed or interrupted"},
        )
    record_audit_event(
        action="notifications.delivery_resent",
        actor=actor,
        obj=delivery,
        subject_client_id=delivery.notification.client_id,
    )
    delivery.refresh_from_db()
    return delivery
