"""Enqueueing one notification, and marking messages read in the client area (NTF-01)."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError, NotFound
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY
from hostledger.notifications.events import event_definition
from hostledger.notifications.models import Notification

KEY_MAX_CHARS = Notification._meta.get_field("key").max_length


def _checked_context(context: dict | None) -> dict:
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise DomainError(
            "invalid_context", _("The context must be a mapping."), fields={"context": "not a dict"}
        )
    try:
        return json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        raise DomainError(
            "invalid_context",
            _("The context must hold only text, numbers, dates and lists or mappings of them."),
            fields={"context": "not serialisable"},
        ) from None


@transaction.atomic
def notification_enqueue(
    *,
    key: str,
    client,
    event: str,
    service=None,
    invoice=None,
    amount_minor: int | None = None,
    on_date: date | None = None,
    context: dict | None = None,
    now: datetime | None = None,
) -> Notification:
    """Queue one message of ``event`` to ``client``; the stored row if ``key`` was queued
    before, with nothing new written (NTF-01, NTF-02).

    Runs in the caller's transaction, so the message exists exactly when the caller's
    change commits. The outbox job delivers it by the client's channels; the row is also
    the message shown in the client area.
    """
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX_CHARS:
        raise DomainError(
            "invalid_key",
            _("A notification needs a key of 1 to %(key_max_chars)s characters.")
            % {"key_max_chars": KEY_MAX_CHARS},
            fields={"key": f"required, at most {KEY_MAX_CHARS} characters"},
        )
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    definition = event_definition(event)
    if service is not None and service.client_id != client.pk:
        raise DomainError(
            "service_of_other_client",
            _("The service belongs to another client."),
            fields={"service": "of another client"},
        )
    if invoice is not None and invoice.client_id != client.pk:
        raise DomainError(
            "invoice_of_other_client",
            _("The invoice belongs to another client."),
            fields={"invoice": "of another client"},
        )
    try:
        with transaction.atomic():
            return Notification.objects.create(
                key=key,
                public_id=new_public_id("ntf"),
                client=client,
                event=definition.code,
                category=definition.category,
                service=service,
                invoice=invoice,
                amount_minor=amount_minor,
                currency=invoice.currency if invoice is not None else DEFAULT_CURRENCY,
                on_date=on_date,
                context=_checked_context(context),
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        # Another transaction stored the same key first.
        return Notification.objects.get(key=key)


@transaction.atomic
def notification_mark_read(*, client, public_id: str, now: datetime | None = None) -> bool:
    """Mark one of ``client``'s messages read; False if it was read already. Another
    client's message is NotFound (habit 6)."""
    if not Notification.objects.filter(client=client, public_id=public_id).exists():
        raise NotFound("message")
    return bool(
        Notification.objects.filter(
            client=client, public_id=public_id, read_at__isnull=True
        ).update(read_at=now or timezone.now())
    )


@transaction.atomic
def notifications_mark_all_read(*, client, now: datetime | None = None) -> int:
    """Mark every unread message of ``client`` read; returns how many."""
    return Notification.objects.filter(client=client, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
