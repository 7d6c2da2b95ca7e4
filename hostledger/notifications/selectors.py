"""Reads of the notifications app shared by the web pages, the API and jobs.

Client-facing reads take the client whose area is open and never return another client's
rows (habit 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from hostledger.core.errors import NotFound
from hostledger.notifications.events import EVENTS, default_text
from hostledger.notifications.models import (
    LANGUAGES,
    SYSTEM_CATEGORIES,
    Category,
    Channel,
    ChannelPreference,
    Delivery,
    MessageTemplate,
    Notification,
)
from hostledger.notifications.rendering import template_in_force, template_preview
from hostledger.privacy.models import MarketingConsent

__all__ = [
    "client_consents",
    "client_inbox",
    "client_message",
    "client_preferences",
    "opt_in_link_consent",
    "outbox_list",
    "template_detail",
    "template_list",
    "template_preview",
    "unread_count",
    "unsubscribe_link_consent",
]


@dataclass(frozen=True)
class Inbox:
    messages: list[Notification]
    unread: int
    total: int


def unread_count(client) -> int:
    """How many of ``client``'s messages are unread (NTF-01)."""
    return Notification.objects.filter(client=client, read_at__isnull=True).count()


def client_inbox(client, *, limit: int = 50, offset: int = 0, unread_only: bool = False) -> Inbox:
    """``client``'s messages in the client area, newest first, with the unread count."""
    messages = Notification.objects.filter(client=client).select_related(
        "service__tariff", "invoice", "announcement"
    )
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return Inbox(
        messages=list(messages.order_by("-created_at", "-id")[offset : offset + limit]),
        unread=unread_count(client),
        total=messages.count(),
    )


def client_message(client, public_id: str) -> Notification:
    """One of ``client``'s messages; NotFound for another client's (habit 6)."""
    message = (
        Notification.objects.select_related(
            "client__owner", "service__tariff", "invoice", "announcement"
        )
        .filter(client=client, public_id=public_id)
        .first()
    )
    if message is None:
        raise NotFound("message")
    return message


@dataclass(frozen=True)
class PreferenceRow:
    category: str
    label: str
    email_always: bool
    sms_enabled: bool


def client_preferences(client) -> list[PreferenceRow]:
    """Every system category with whether it goes by SMS too (email always does)."""
    sms = dict(
        ChannelPreference.objects.filter(client=client, channel=Channel.SMS).values_list(
            "category", "enabled"
        )
    )
    return [
        PreferenceRow(
            category=category,
            label=str(Category(category).label),
            email_always=True,
            sms_enabled=bool(sms.get(category, False)),
        )
        for category in SYSTEM_CATEGORIES
    ]


def client_consents(client) -> dict[str, MarketingConsent | None]:
    """``client``'s marketing consent per channel (None where never given), with its changes
    prefetched."""
    consents = {
        consent.channel: consent
        for consent in MarketingConsent.objects.filter(client=client).prefetch_related("changes")
    }
    return {channel: consents.get(channel) for channel in Channel.values}


def outbox_list(
    *,
    state: str | None = None,
    channel: str | None = None,
    event: str | None = None,
    client=None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Delivery]:
    """Deliveries for staff, newest first, filtered by state, channel, event, client and
    creation time."""
    deliveries: QuerySet[Delivery] = Delivery.objects.select_related("notification__client")
    if state:
        deliveries = deliveries.filter(state=state)
    if channel:
        deliveries = deliveries.filter(channel=channel)
    if event:
        deliveries = deliveries.filter(notification__event=event)
    if client is not None:
        deliveries = deliveries.filter(notification__client=client)
    if since is not None:
        deliveries = deliveries.filter(created_at__gte=since)
    return list(deliveries.order_by("-created_at", "-id")[offset : offset + limit])


@dataclass(frozen=True)
class TemplateRow:
    event: str
    category: str
    rule: str
    description: str
    language: str
    version: int | None
    """The staff version in force, or None when the default from the code is used."""


def template_list() -> list[TemplateRow]:
    """Every event in every language, saying whether staff's text or the default is used."""
    latest = {
        (row["event"], row["language"]): row["version"]
        for row in MessageTemplate.objects.values("event", "language").annotate(
            version=Max("version")
        )
    }
    restored = set(
        MessageTemplate.objects.filter(restores_default=True).values_list(
            "event", "language", "version"
        )
    )
    rows = []
    for code, definition in EVENTS.items():
        for language in LANGUAGES:
            version = latest.get((code, language))
            if version is not None and (code, language, version) in restored:
                version = None
            rows.append(
                TemplateRow(
                    event=code,
                    category=definition.category,
                    rule=definition.rule,
                    description=definition.description,
                    language=language,
                    version=version,
                )
            )
    return rows


@dataclass(frozen=True)
class TemplateDetail:
    event: str
    language: str
    subject: str
    body: str
    sms_text: str
    default_subject: str
    default_body: str
    default_sms_text: str
    versions: list[MessageTemplate]


def template_detail(event: str, language: str) -> TemplateDetail:
    """The text in force of ``event`` in ``language``, its default and its versions."""
    if event not in EVENTS or language not in LANGUAGES:
        raise NotFound("template")
    text = template_in_force(event, language)
    default = default_text(event, language)
    return TemplateDetail(
        event=event,
        language=language,
        subject=text.subject,
        body=text.body,
        sms_text=text.sms,
        default_subject=default.subject,
        default_body=default.body,
        default_sms_text=default.sms,
        versions=list(
            MessageTemplate.objects.filter(event=event, language=language)
            .select_related("created_by")
            .order_by("-version")
        ),
    )


def opt_in_link_consent(token: str) -> MarketingConsent:
    """The consent an opt-in confirmation link is for, without changing it; DomainError
    when the link is bad, expired or superseded (NTF-01)."""
    from datetime import timedelta

    from hostledger.core.errors import DomainError
    from hostledger.core.registry import setting_value
    from hostledger.notifications import conf
    from hostledger.notifications.models import ConsentState
    from hostledger.notifications.tokens import read_opt_in_token

    max_age = timedelta(days=setting_value(conf.OPT_IN_LINK_DAYS))
    consent_public_id, request_number = read_opt_in_token(token, max_age=max_age)
    consent = MarketingConsent.objects.filter(public_id=consent_public_id).first()
    if consent is None:
        raise DomainError("invalid_link", _("This link is not valid."), fields={"token": "invalid"})
    if consent.request_number != request_number or consent.state == ConsentState.WITHDRAWN:
        raise DomainError(
            "link_superseded",
            _("This confirmation link is no longer valid. Ask again in the client area."),
            fields={"token": "superseded"},
        )
    return consent


def unsubscribe_link_consent(token: str) -> tuple[str, MarketingConsent | None]:
    """(channel, the consent or None) an unsubscribe link is for, without changing it;
    DomainError when the link is bad or altered (NTF-01)."""
    from hostledger.accounts.models import Client
    from hostledger.core.errors import DomainError
    from hostledger.notifications.tokens import read_unsubscribe_token

    client_public_id, channel = read_unsubscribe_token(token)
    client = Client.objects.filter(public_id=client_public_id).first()
    if client is None or channel not in Channel.values:
        raise DomainError("invalid_link", _("This link is not valid."), fields={"token": "invalid"})
    return channel, MarketingConsent.objects.filter(client=client, channel=channel).first()
