"""Channel preferences of system messages (NTF-01), and the skipping of marketing messages
still waiting in the outbox when a marketing consent is withdrawn. Marketing consents
themselves are the privacy app's (:mod:`hostledger.privacy.actions_consents`, GDPR-06)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.core.errors import DomainError
from hostledger.notifications.models import (
    SYSTEM_CATEGORIES,
    Category,
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryState,
)


def _checked_channel(channel: str) -> str:
    if channel not in Channel.values:
        raise DomainError(
            "invalid_channel",
            gettext("%(channel)s is not a channel.") % {"channel": f"{channel!r}"},
            fields={"channel": "unknown"},
        )
    return channel


@transaction.atomic
def channel_preference_set(
    *, client, channel: str, category: str, enabled: bool, actor=None, now: datetime | None = None
) -> ChannelPreference:
    """Turn a category of system messages by SMS on or off for ``client`` (NTF-01).

    Email of system messages always goes out and marketing goes by consent, so only SMS of
    a system category is a preference.
    """
    _checked_channel(channel)
    if category not in SYSTEM_CATEGORIES:
        raise DomainError(
            "not_a_preference",
            gettext("Marketing messages are turned on and off by consent, not by preference."),
            fields={"category": "not a system category"},
        )
    if channel != Channel.SMS:
        raise DomainError(
            "always_sent",
            gettext("System messages always go out by email."),
            fields={"channel": "email of system messages cannot be turned off"},
        )
    preference, _ = ChannelPreference.objects.update_or_create(
        client=client,
        channel=channel,
        category=category,
        defaults={
            "enabled": bool(enabled),
            "updated_at": now or timezone.now(),
            "updated_by": actor,
        },
    )
    return preference


def marketing_deliveries_skip(*, client, channel: str) -> int:
    """Skip ``client``'s marketing messages by ``channel`` still waiting in the outbox, in the
    caller's transaction: the consent to them was withdrawn (NTF-01, GDPR-06). Returns how
    many were skipped."""
    _checked_channel(channel)
    return Delivery.objects.filter(
        notification__client=client,
        notification__category=Category.MARKETING,
        channel=channel,
        state=DeliveryState.PENDING,
    ).update(state=DeliveryState.SKIPPED, last_error="Marketing consent withdrawn.")
