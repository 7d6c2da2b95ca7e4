"""The client area's messages and notification settings (NTF-01).

The inbox lists the account's messages newest first; opening one marks it read. Marking
read is a change of the account, so a read-only trusted user (ACC-06) sees the messages
without marking them. Notification settings are the account owner's: whether each category
of system messages also goes by SMS (email and the client area always carry them) and the
marketing consents, which only the person they are about can give or withdraw. Every read
goes through the notification selectors with the account's client, so another client's
message is a 404 (habit 6).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.selectors import MESSAGES
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.registry import setting_value
from hostledger.notifications import conf, selectors
from hostledger.notifications.actions import (
    channel_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
)
from hostledger.notifications.events import EVENTS, normalised_language
from hostledger.notifications.models import Channel, ConsentState
from hostledger.notifications.rendering import (
    SUBJECT_MAX_CHARS,
    notification_context,
    render_notification,
    render_text,
    templates_in_force,
)
from hostledger.privacy.actions_consents import (
    marketing_consent_request,
    marketing_consent_withdraw,
)
from hostledger.web.decorators import client_area
from hostledger.web.forms_notifications import MarketingConsentForm, SmsPreferencesForm

INBOX_PAGE_SIZE = 25
CONSENT_SOURCE = "client_area"
"""Recorded with every consent given or withdrawn on these pages (NTF-01)."""


def may_mark_read(access) -> bool:
    """Only the owner marks messages read: the unread state is the owner's cue, and no grant
    scope covers the inbox (ACC-06)."""
    return access.is_owner


def message_language(client) -> str:
    """The language the account's messages are written in: its owner's."""
    return normalised_language(client.owner.preferred_language)


def inbox_subjects(client, rows, language: str) -> dict[int, str]:
    """The subject of each message of ``rows`` as it goes out, by id; the text in force is
    looked up once per event, not once per row."""
    texts = templates_in_force({row.event for row in rows}, language)
    subjects = {}
    for row in rows:
        row.client = client
        context = notification_context(
            row, language=language, channel=Channel.EMAIL, uses=texts[row.event].subject
        )
        subject = render_text(texts[row.event].subject, context, field="subject")
        subjects[row.pk] = " ".join(subject.split())[:SUBJECT_MAX_CHARS]
    return subjects


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _inbox_page(client, number: int, unread_only: bool) -> selectors.Inbox:
    return selectors.client_inbox(
        client,
        limit=INBOX_PAGE_SIZE,
        offset=(number - 1) * INBOX_PAGE_SIZE,
        unread_only=unread_only,
    )


@require_GET
@client_area(reads=MESSAGES)
def inbox(request, access):
    """The account's messages, newest first, with the unread count (NTF-01)."""
    unread_only = request.GET.get("show") == "unread"
    asked = _page_number(request.GET.get("page"))
    found = _inbox_page(access.client, asked, unread_only)
    page = Paginator(range(found.total), INBOX_PAGE_SIZE).get_page(asked)
    if page.number != asked:  # past the last page: show the last one
        found = _inbox_page(access.client, page.number, unread_only)
    language = message_language(access.client)
    subjects = inbox_subjects(access.client, found.messages, language)
    context = {
        "access": access,
        "rows": [(message, subjects[message.pk]) for message in found.messages],
        "unread": found.unread,
        "total": found.total,
        "page": page,
        "unread_only": unread_only,
        "can_mark_read": may_mark_read(access),
    }
    return render(request, "web/client/notifications/inbox.html", context)


@require_GET
@client_area(reads=MESSAGES)
def message_detail(request, access, public_id):
    """One message as it was sent; opening it marks it read (NTF-01)."""
    message = selectors.client_message(access.client, public_id)
    if may_mark_read(access) and message.read_at is None:
        notification_mark_read(client=access.client, public_id=message.public_id)
    rendered = render_notification(message, language=message_language(access.client))
    context = {
        "access": access,
        "message": message,
        "rendered": rendered,
        "definition": EVENTS.get(message.event),
        "unread": selectors.unread_count(access.client),
    }
    return render(request, "web/client/notifications/message_detail.html", context)


@require_POST
@client_area
def mark_all_read(request, access):
    """Mark every unread message of the account read."""
    if not may_mark_read(access):
        raise PermissionDenied(_("Your access to this account does not allow this change."))
    access.require_owner()
    marked = notifications_mark_all_read(client=access.client)
    messages.success(request, f"{marked} message{'s' if marked != 1 else ''} marked read.")
    return redirect("web:notification_inbox")


@require_GET
@client_area(reads=MESSAGES)
def unread_badge(request, access):
    """The unread count shown next to Messages in the navigation (loaded by htmx)."""
    return render(
        request,
        "web/client/notifications/_unread_badge.html",
        {"unread": selectors.unread_count(access.client)},
    )


# ----------------------------------------------------------------------------- settings


def _settings_page(request, access, *, consent_form=None, status=200):
    rows = selectors.client_preferences(access.client)
    consents = selectors.client_consents(access.client)
    context = {
        "access": access,
        "can_change": access.is_owner,
        "rows": rows,
        "consent_form": consent_form,
        "consents": [
            {"channel": channel, "label": Channel(channel).label, "consent": consents[channel]}
            for channel in Channel.values
        ],
        "wording_version": setting_value(conf.CONSENT_WORDING_VERSION),
        "has_phone": bool(access.client.phone),
        "consent_label": MarketingConsentForm.base_fields["agree"].label,
    }
    return render(request, "web/client/notifications/preferences.html", context, status=status)


@require_http_methods(["GET", "POST"])
@client_area
def preferences(request, access):
    """Which system messages also go by SMS (NTF-01); email and the client area always
    carry them. Only the owner changes them."""
    if request.method == "GET":
        return _settings_page(request, access)
    access.require_owner()
    rows = selectors.client_preferences(access.client)
    form = SmsPreferencesForm(request.POST, current={row.category: row.sms_enabled for row in rows})
    form.is_valid()  # checkboxes: every submission is valid, an absent box is off
    wanted = form.choices()
    try:
        with transaction.atomic():
            for row in rows:
                if wanted[row.category] != row.sms_enabled:
                    channel_preference_set(
                        client=access.client,
                        channel=Channel.SMS,
                        category=row.category,
                        enabled=wanted[row.category],
                        actor=request.user,
                    )
    except DomainError as error:
        messages.error(request, error.message)
        return _settings_page(request, access, status=400)
    messages.success(request, "Your notification settings are saved.")
    return redirect("web:notification_preferences")


@require_POST
@client_area
def marketing_consent(request, access):
    """Opt in to or out of marketing messages by one channel (NTF-01). Opting in by email
    sends a confirmation link first (double opt-in); by SMS it counts at once. Both record
    the consent wording's version and where it was given."""
    access.require_owner()
    form = MarketingConsentForm(request.POST)
    if form.is_valid():
        channel = form.cleaned_data["channel"]
        label = Channel(channel).label
        try:
            if form.cleaned_data["decision"] == MarketingConsentForm.OPT_IN:
                consent = marketing_consent_request(
                    client=access.client, channel=channel, source=CONSENT_SOURCE, actor=request.user
                )
            else:
                consent = marketing_consent_withdraw(
                    client=access.client, channel=channel, source=CONSENT_SOURCE, actor=request.user
                )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if consent is None or consent.state == ConsentState.WITHDRAWN:
                messages.success(request, f"You will get no offers or news by {label}.")
            elif consent.state == ConsentState.REQUESTED:
                messages.info(
                    request,
                    "We sent a confirmation link to your email address. Offers and news "
                    "start once you open it.",
                )
            else:
                messages.success(request, f"You will get offers and news by {label}.")
            return redirect("web:notification_preferences")
    return _settings_page(request, access, consent_form=form, status=400)
