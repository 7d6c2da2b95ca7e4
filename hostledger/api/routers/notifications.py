"""Notifications: the client's messages and notification settings (NTF-01); for staff the
outbox and the message templates (NTF-02).

A client (and trusted users of the account, ACC-06) reads the account's messages; marking
them read is a change, refused to a read-only trusted user. Notification settings are the
owner's: the SMS choice per category and the marketing consents only they can give.
Staff read the outbox and send failed or interrupted deliveries again with
``clients.view_personal_data``; message templates need ``settings.edit``.
"""

from __future__ import annotations

from typing import Annotated

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_notifications import (
    DeliveryOut,
    InboxFilter,
    InboxOut,
    MarkReadOut,
    OutboxFilter,
    PreferencesIn,
    PreferencesOut,
    PreviewOut,
    TemplateOut,
    TemplateRowOut,
    TemplateTextIn,
    delivery_out,
    notification_rows,
    template_out,
)
from hostledger.core.errors import NotFound, PermissionDenied
from hostledger.core.registry import setting_value
from hostledger.notifications import conf, selectors
from hostledger.notifications.actions import (
    channel_preference_set,
    delivery_resend,
    message_template_save,
    notification_mark_read,
    notifications_mark_all_read,
)
from hostledger.notifications.events import normalised_language
from hostledger.notifications.models import Channel, Delivery
from hostledger.privacy.actions_consents import (
    marketing_consent_request,
    marketing_consent_withdraw,
)

router = Router(tags=["Notifications"])
STAFF_TAGS = ["Staff: notifications"]
CONSENT_SOURCE = "api"

NotificationId = Annotated[str, Path(**path_id("message", "ntf_3k9d2m7q8w1x4z6v"))]
DeliveryId = Annotated[str, Path(**path_id("delivery", "dlv_3k9d2m7q8w1x4z6v"))]
EventCode = Annotated[
    str,
    Path(
        pattern=r"^[a-z_]{1,60}$",
        description="The event's code.",
        example="renewal_invoice_issued",
    ),
]
LanguageCode = Annotated[
    str, Path(pattern=r"^[a-z]{2}$", description="en, et or ru.", example="et")
]


def _require_mark_read(access) -> None:
    """Marking read changes the owner's inbox: only the owner may; no grant scope covers the
    inbox (ACC-06)."""
    if not access.is_owner:
        raise PermissionDenied(_("Only the account owner marks messages read."))


# ----------------------------------------------------------------------------- inbox


@router.get(
    "/notifications",
    response=responses({200: InboxOut}, 400, 401, 403, 404),
    summary="List messages",
)
def notification_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[InboxFilter],
    page: Query[PageParams],
):
    """The account's messages in the client area, newest first, with the unread count
    (NTF-01). Subjects are in the language of the account's owner."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.MESSAGES)
    inbox = selectors.client_inbox(
        access.client, limit=page.limit, offset=page.offset, unread_only=filters.unread_only
    )
    language = normalised_language(access.client.owner.preferred_language)
    return {
        "items": notification_rows(access.client, inbox.messages, language),
        "count": inbox.total,
        "unread": inbox.unread,
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    "/notifications/{notification_id}/read",
    response=responses({200: MarkReadOut}, 400, 401, 403, 404),
    summary="Mark a message read",
)
def notification_read(
    request: HttpRequest, notification_id: NotificationId, acting: Query[ActingClient]
):
    """Mark one of the account's messages read; marking it again changes nothing."""
    access = accounts.client_access(request.user, acting.client)
    selectors.client_message(access.client, notification_id)
    _require_mark_read(access)
    marked = notification_mark_read(client=access.client, public_id=notification_id)
    return {"marked": int(marked), "unread": selectors.unread_count(access.client)}


@router.post(
    "/notifications/read-all",
    response=responses({200: MarkReadOut}, 400, 401, 403, 404),
    summary="Mark every message read",
)
def notification_read_all(request: HttpRequest, acting: Query[ActingClient]):
    """Mark every unread message of the account read."""
    access = accounts.client_access(request.user, acting.client)
    _require_mark_read(access)
    marked = notifications_mark_all_read(client=access.client)
    return {"marked": marked, "unread": selectors.unread_count(access.client)}


# ----------------------------------------------------------------------------- preferences


def _preferences(client) -> dict:
    consents = selectors.client_consents(client)
    return {
        "categories": [
            {
                "category": row.category,
                "label": row.label,
                "client_area": True,
                "email": True,
                "sms": row.sms_enabled,
            }
            for row in selectors.client_preferences(client)
        ],
        "marketing": [
            {
                "channel": channel,
                "state": consent.state if consent else None,
                "wording_version": consent.wording_version if consent else None,
                "source": consent.source if consent else None,
                "requested_at": consent.requested_at if consent else None,
                "confirmed_at": consent.confirmed_at if consent else None,
                "withdrawn_at": consent.withdrawn_at if consent else None,
            }
            for channel, consent in consents.items()
        ],
        "consent_wording_version": str(setting_value(conf.CONSENT_WORDING_VERSION)),
    }


@router.get(
    "/notification-preferences",
    response=responses({200: PreferencesOut}, 400, 401, 403, 404),
    summary="Read notification settings",
)
def notification_preferences_read(request: HttpRequest, acting: Query[ActingClient]):
    """How the account is reached (NTF-01): system messages always by email and in the
    client area, by SMS where chosen; offers and news only with a confirmed consent."""
    access = accounts.client_access(request.user, acting.client)
    return _preferences(access.client)


@router.put(
    "/notification-preferences",
    response=responses({200: PreferencesOut}, 400, 401, 403, 404),
    summary="Change notification settings",
)
def notification_preferences_update(
    request: HttpRequest, acting: Query[ActingClient], payload: PreferencesIn
):
    """Turn SMS on or off per system category, and give or withdraw the marketing consent
    per channel (NTF-01); what is left out stays as it is. Giving consent by email sends a
    confirmation link first (double opt-in): its state is ``requested`` until the link is
    opened. All changes are made together or not at all. Only the account owner."""
    access = accounts.client_access(request.user, acting.client)
    access.require_owner()
    client, actor = access.client, request.user
    with transaction.atomic():
        for category, enabled in (payload.sms.changes() if payload.sms else {}).items():
            if enabled is not None:
                channel_preference_set(
                    client=client,
                    channel=Channel.SMS,
                    category=category,
                    enabled=enabled,
                    actor=actor,
                )
        for channel, wanted in (payload.marketing.changes() if payload.marketing else {}).items():
            if wanted is True:
                marketing_consent_request(
                    client=client, channel=channel, source=CONSENT_SOURCE, actor=actor
                )
            elif wanted is False:
                marketing_consent_withdraw(
                    client=client, channel=channel, source=CONSENT_SOURCE, actor=actor
                )
    return _preferences(client)


# ----------------------------------------------------------------------------- staff: outbox


def _delivery(public_id: str) -> Delivery:
    delivery = (
        Delivery.objects.select_related("notification__client")
        .prefetch_related("attempt_log")
        .filter(public_id=public_id)
        .first()
    )
    if delivery is None:
        raise NotFound("delivery")
    return delivery


@router.get(
    "/staff/outbox",
    response=responses({200: page_of(DeliveryOut)}, 400, 401, 403, 404),
    summary="List deliveries",
    tags=STAFF_TAGS,
)
def staff_outbox_list(request: HttpRequest, filters: Query[OutboxFilter], page: Query[PageParams]):
    """Deliveries by email and SMS of every client, newest first, filtered by state,
    channel, event and queue time, with their attempts (NTF-02). Needs
    clients.view_personal_data."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)
    chosen = {
        "state": filters.state,
        "channel": filters.channel,
        "event": filters.event,
        "since": filters.since,
    }
    deliveries = selectors.outbox_list(**chosen, limit=page.limit, offset=page.offset)
    prefetch_related_objects(deliveries, "attempt_log")
    return {
        "items": [
            delivery_out(delivery, list(delivery.attempt_log.all())) for delivery in deliveries
        ],
        "count": _outbox_count(**chosen),
        "limit": page.limit,
        "offset": page.offset,
    }


def _outbox_count(*, state, channel, event, since) -> int:
    """How many deliveries the same filters as ``outbox_list`` match."""
    deliveries = Delivery.objects.all()
    if state:
        deliveries = deliveries.filter(state=state)
    if channel:
        deliveries = deliveries.filter(channel=channel)
    if event:
        deliveries = deliveries.filter(notification__event=event)
    if since is not None:
        deliveries = deliveries.filter(created_at__gte=since)
    return deliveries.count()


@router.post(
    "/staff/outbox/{delivery_id}/resend",
    response=responses({200: DeliveryOut}, 400, 401, 403, 404),
    summary="Send a delivery again",
    tags=STAFF_TAGS,
)
def staff_outbox_resend(request: HttpRequest, delivery_id: DeliveryId):
    """Queue a failed or interrupted delivery again, after checking in the provider's log
    that it did not go out (NTF-02). It is sent with the same text and, by email, the same
    Message-ID. Another state answers 400 ``not_resendable``. Needs
    clients.view_personal_data."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)
    delivery = delivery_resend(delivery=_delivery(delivery_id), actor=request.user)
    delivery = _delivery(delivery.public_id)
    return delivery_out(delivery, list(delivery.attempt_log.all()))


# ----------------------------------------------------------------------------- staff: templates


@router.get(
    "/staff/notification-templates",
    response=responses({200: page_of(TemplateRowOut)}, 400, 401, 403, 404),
    summary="List message templates",
    tags=STAFF_TAGS,
)
def staff_template_list(request: HttpRequest, page: Query[PageParams]):
    """Every event in every language (en, et, ru), in a fixed order, saying whether staff's
    text or the default is in force (NTF-02). Needs settings.edit."""
    accounts.require_staff_permission(request.user, perms.SETTINGS_EDIT)
    return paginate(selectors.template_list(), page)


@router.put(
    "/staff/notification-templates/{event}/{language}",
    response=responses({200: TemplateOut}, 400, 401, 403, 404),
    summary="Change a message template",
    tags=STAFF_TAGS,
)
def staff_template_update(
    request: HttpRequest, event: EventCode, language: LanguageCode, payload: TemplateTextIn
):
    """Save a new version of the event's message in the language; it is used from now on
    and earlier versions are kept (NTF-02). A text that is not a valid template answers 400
    naming the field; a save at the same moment as another answers 400
    ``template_changed``. Needs settings.edit."""
    accounts.require_staff_permission(request.user, perms.SETTINGS_EDIT)
    selectors.template_detail(event, language)
    message_template_save(
        event=event,
        language=language,
        subject=payload.subject,
        body=payload.body,
        sms_text=payload.sms_text,
        actor=request.user,
    )
    return template_out(selectors.template_detail(event, language))


@router.post(
    "/staff/notification-templates/{event}/{language}/preview",
    response=responses({200: PreviewOut}, 400, 401, 403, 404),
    summary="Preview a message template",
    tags=STAFF_TAGS,
)
def staff_template_preview(
    request: HttpRequest, event: EventCode, language: LanguageCode, payload: TemplateTextIn
):
    """The texts rendered with example values, as a client would get them; nothing is
    saved (NTF-02). A text that is not a valid template answers 400 naming the field.
    Needs settings.edit."""
    accounts.require_staff_permission(request.user, perms.SETTINGS_EDIT)
    selectors.template_detail(event, language)
    rendered = selectors.template_preview(
        event=event,
        language=language,
        subject=payload.subject,
        body=payload.body,
        sms_text=payload.sms_text,
    )
    return {"subject": rendered.subject, "body": rendered.body, "sms": rendered.sms}
