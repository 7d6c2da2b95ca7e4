"""The domain a message is about, read when the message is rendered (NTF-02): the domain's
name stays encrypted in its own row, never in clear in the notification's context."""

from __future__ import annotations

from hostledger.domains.models import Domain
from hostledger.notifications.events import (
    DOMAIN_DELETED,
    DOMAIN_EXPIRED,
    DOMAIN_GRACE,
    DOMAIN_REDEMPTION,
)
from hostledger.notifications.sources import register_context_source

DOMAIN_EVENTS = (DOMAIN_EXPIRED, DOMAIN_GRACE, DOMAIN_REDEMPTION, DOMAIN_DELETED)


def domain_context(notification) -> dict[str, str]:
    """``domain_name`` of the service the message is about."""
    name = (
        Domain.objects.filter(service_id=notification.service_id)
        .values_list("name_unicode", flat=True)
        .first()
    )
    return {"domain_name": str(name or "")}


def register() -> None:
    for event in DOMAIN_EVENTS:
        register_context_source(event, domain_context)
