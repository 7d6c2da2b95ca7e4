"""Request and answer bodies of the notification endpoints (NTF-01, NTF-02)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from hostledger.api.schemas import InputSchema, text
from hostledger.notifications.models import Channel
from hostledger.notifications.rendering import (
    SUBJECT_MAX_CHARS,
    notification_context,
    render_text,
    templates_in_force,
)

ChannelName = Literal["email", "sms"]
CategoryName = Literal["billing", "service", "account", "announcements", "marketing"]
SystemCategoryName = Literal["billing", "service", "account", "announcements"]
DeliveryStateName = Literal["pending", "sending", "sent", "failed", "uncertain", "skipped"]
LanguageName = Literal["en", "et", "ru"]
ConsentStateName = Literal["requested", "confirmed", "withdrawn"]
"""These literals spell out the model choices for the OpenAPI document; a test checks that
they stay equal."""


# ----------------------------------------------------------------------------- inbox


class NotificationOut(Schema):
    """A message in the client area (NTF-01), in the language of the account's owner."""

    id: str = Field(description="Public id of the message.", examples=["ntf_3k9d2m7q8w1x4z6v"])
    event: str = Field(description="What it is about.", examples=["renewal_invoice_issued"])
    category: CategoryName = Field(description="Its category of messages.")
    subject: str = Field(examples=["Invoice 2027-000123 is due on 15 March 2027"])
    service: str | None = Field(description="Public id of the service it is about.")
    invoice: str | None = Field(description="Public id of the invoice it is about.")
    created_at: datetime
    read_at: datetime | None = Field(description="When it was opened; null while unread.")


class NotificationDetailOut(NotificationOut):
    body: str = Field(description="The text of the message, plain text.")


class InboxOut(Schema):
    """One page of the account's messages, newest first, with the unread count."""

    items: list[NotificationOut] = Field(description="The items of this page, newest first.")
    count: int = Field(description="Messages in the whole list.", examples=[1])
    unread: int = Field(description="Unread messages of the account.", examples=[0])
    limit: int = Field(description="The page size asked for.", examples=[50])
    offset: int = Field(description="Items skipped before this page.", examples=[0])


class InboxFilter(Schema):
    unread_only: bool = Field(False, description="Only messages not opened yet.")


class MarkReadOut(Schema):
    marked: int = Field(description="How many messages this call marked read.", examples=[1])
    unread: int = Field(description="Unread messages of the account now.", examples=[0])


def notification_rows(client, rows, language: str) -> list[dict]:
    """The answer rows of ``rows`` (messages of ``client``): each subject as it goes out,
    the text in force looked up once per event rather than once per message."""
    texts = templates_in_force({row.event for row in rows}, language)
    answered = []
    for row in rows:
        row.client = client
        context = notification_context(
            row, language=language, channel=Channel.EMAIL, uses=texts[row.event].subject
        )
        subject = render_text(texts[row.event].subject, context, field="subject")
        answered.append(
            {
                "id": row.public_id,
                "event": row.event,
                "category": row.category,
                "subject": " ".join(subject.split())[:SUBJECT_MAX_CHARS],
                "service": row.service.public_id if row.service_id else None,
                "invoice": row.invoice.public_id if row.invoice_id else None,
                "created_at": row.created_at,
                "read_at": row.read_at,
            }
        )
    return answered


# ----------------------------------------------------------------------------- preferences


class CategoryPreferenceOut(Schema):
    category: SystemCategoryName
    label: str = Field(examples=["Payments and invoices"])
    client_area: Literal[True] = Field(description="Always: shown in the client area.")
    email: Literal[True] = Field(description="Always: system messages go by email (NTF-01).")
    sms: bool = Field(description="Whether it also goes by SMS.")


class MarketingConsentOut(Schema):
    channel: ChannelName
    state: ConsentStateName | None = Field(
        description="confirmed counts; requested waits for the email link (double opt-in); "
        "null when never given."
    )
    wording_version: str | None = Field(description="Version of the wording agreed to.")
    source: str | None = Field(description="Where it was last given or withdrawn.")
    requested_at: datetime | None
    confirmed_at: datetime | None
    withdrawn_at: datetime | None


class PreferencesOut(Schema):
    """How the account is reached (NTF-01): system messages always by email and in the
    client area, by SMS where chosen; marketing only with a confirmed consent."""

    categories: list[CategoryPreferenceOut]
    marketing: list[MarketingConsentOut]
    consent_wording_version: str = Field(
        description="The consent wording in force; opting in records it.", examples=["1"]
    )


class SmsPreferencesIn(InputSchema):
    """Whether each system category also goes by SMS; categories left out keep their
    setting. Email cannot be turned off (NTF-01)."""

    billing: bool | None = None
    service: bool | None = None
    account: bool | None = None
    announcements: bool | None = None


class MarketingIn(InputSchema):
    """true asks for offers by the channel (by email: a confirmation link is sent first),
    false withdraws the consent at once; channels left out are unchanged."""

    email: bool | None = None
    sms: bool | None = None


class PreferencesIn(InputSchema):
    sms: SmsPreferencesIn | None = Field(None, description="SMS per system category.")
    marketing: MarketingIn | None = Field(
        None,
        description="Marketing consent per channel. Sending true is the explicit consent, "
        "recorded with the wording version in force and source `api`.",
    )


# ----------------------------------------------------------------------------- staff


class DeliveryAttemptOut(Schema):
    number: int = Field(examples=[1])
    started_at: datetime
    finished_at: datetime | None
    succeeded: bool
    retryable: bool = Field(description="Whether a retry could help.")
    error: str


class DeliveryOut(Schema):
    """A message's delivery by one channel (NTF-02). Recipient and text are not shown here;
    the staff area shows them, recording the read."""

    id: str = Field(examples=["dlv_3k9d2m7q8w1x4z6v"])
    notification: str = Field(description="Public id of the message.")
    client: str = Field(description="Public id of the client.")
    event: str = Field(examples=["renewal_invoice_issued"])
    channel: ChannelName
    state: DeliveryStateName
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str
    created_at: datetime
    attempt_log: list[DeliveryAttemptOut]


def delivery_out(delivery, attempts: list) -> dict:
    notification = delivery.notification
    return {
        "id": delivery.public_id,
        "notification": notification.public_id or "",
        "client": notification.client.public_id,
        "event": notification.event,
        "channel": delivery.channel,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "sent_at": delivery.sent_at,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "attempt_log": attempts,
    }


class OutboxFilter(Schema):
    state: DeliveryStateName | None = Field(None, description="Only deliveries in this state.")
    channel: ChannelName | None = Field(None, description="Only deliveries by this channel.")
    event: str | None = Field(
        None, max_length=60, pattern=r"^[a-z_]+$", description="Only messages of this event."
    )
    since: datetime | None = Field(None, description="Only deliveries queued from then on.")

    @field_validator("since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """The moment in UTC (a time without an offset is read in the provider's zone), so
        that any offset the client sent reaches the database as the same instant."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)


class TemplateRowOut(Schema):
    event: str = Field(examples=["renewal_invoice_issued"])
    language: LanguageName
    category: CategoryName
    rule: str = Field(examples=["AUT-04"])
    description: str
    version: int | None = Field(description="Staff's version in force; null: the default.")


class TemplateTextIn(InputSchema):
    """The texts of a message: Django templates over the documented variables (NTF-02)."""

    subject: text(250, "Email subject.", ["Invoice {{ invoice_number }} is due"])
    body: str = Field(max_length=20_000, description="Email text.")
    sms_text: str = Field("", max_length=1_000, description="SMS text; empty: no SMS.")


class TemplateOut(Schema):
    event: str
    language: LanguageName
    version: int | None = Field(description="Staff's version in force; null: the default.")
    subject: str
    body: str
    sms_text: str
    default_subject: str
    default_body: str
    default_sms_text: str


def template_out(detail) -> dict:
    latest = detail.versions[0] if detail.versions else None
    return {
        "event": detail.event,
        "language": detail.language,
        "version": latest.version if latest and not latest.restores_default else None,
        "subject": detail.subject,
        "body": detail.body,
        "sms_text": detail.sms_text,
        "default_subject": detail.default_subject,
        "default_body": detail.default_body,
        "default_sms_text": detail.default_sms_text,
    }


class PreviewOut(Schema):
    """The texts rendered with example values, as a client would get them."""

    subject: str
    body: str
    sms: str
