"""Staff pages of notifications: message templates, the outbox and announcements (NTF-02,
NTF-03, SUP-04).

* Message templates per event and language are provider configuration: they need
  ``settings.edit`` (ACC-11). Each save is a new version; the preview renders the text with
  example values through the same code that renders real messages, and saves nothing.
* The outbox holds messages to named people and the addresses they went to, so it needs
  ``clients.view_personal_data``; opening a delivery records that read (GDPR-12). A failed
  or interrupted delivery is sent again only by a staff member who checked it did not go out.
* Announcements of planned maintenance (SUP-04) and of changes of the terms (NTF-03) tell
  clients about their services: they need ``services.manage``. Publishing queues one message
  per affected client, once each, by email and in the client area.

Every page also needs two-factor sign-in (ACC-09). Writes are one notification action each;
a DomainError is shown next to the field it names and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError, NotFound
from hostledger.notifications import selectors
from hostledger.notifications.actions import (
    announcement_create,
    announcement_publish,
    delivery_resend,
    message_template_restore_default,
    message_template_save,
)
from hostledger.notifications.events import CONTEXT_VARIABLES, EVENTS
from hostledger.notifications.models import (
    LANGUAGES,
    Announcement,
    Delivery,
    DeliveryState,
)
from hostledger.web.decorators import staff_area
from hostledger.web.forms_notifications import (
    AnnouncementForm,
    MessageTemplateForm,
    OutboxFilterForm,
)
from hostledger.web.views.common import form_data, render_form_page

TEMPLATES = perms.SETTINGS_EDIT
OUTBOX = perms.CLIENTS_VIEW_PERSONAL_DATA
ANNOUNCEMENTS = perms.SERVICES_MANAGE

OUTBOX_PAGE_SIZE = 100
ANNOUNCEMENTS_SHOWN = 100
LANGUAGE_NAMES = {"en": "English", "et": "Estonian", "ru": "Russian"}
RESENDABLE = (DeliveryState.FAILED, DeliveryState.UNCERTAIN)


# ----------------------------------------------------------------------------- templates


@require_GET
@staff_area(TEMPLATES)
def template_list(request):
    """Every event's message in every language, saying where staff's text is in force
    (NTF-02)."""
    rows = selectors.template_list()
    events = []
    for code, definition in EVENTS.items():
        events.append(
            {
                "definition": definition,
                "languages": [row for row in rows if row.event == code],
            }
        )
    context = {"events": events, "language_names": LANGUAGE_NAMES}
    return render(request, "web/staff/notifications/template_list.html", context)


def _template_page(request, detail, form, *, preview=None, preview_error=None, status=200):
    context = {
        "detail": detail,
        "definition": EVENTS[detail.event],
        "language_name": LANGUAGE_NAMES[detail.language],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "form": form,
        "preview": preview,
        "preview_error": preview_error,
        "variables": CONTEXT_VARIABLES,
        "in_force": detail.versions[0] if detail.versions else None,
        # What a variable and a template tag look like in a message text, for the help.
        "example_variable": "{{ name }}",
        "example_tag": "{% if %}",
    }
    return render(request, "web/staff/notifications/template_edit.html", context, status=status)


def _preview(detail, data: dict):
    """(rendered message, None) or (None, the DomainError) for the texts in ``data``."""
    try:
        return (
            selectors.template_preview(
                event=detail.event,
                language=detail.language,
                subject=data.get("subject", ""),
                body=data.get("body", ""),
                sms_text=data.get("sms_text", ""),
            ),
            None,
        )
    except DomainError as error:
        return None, error


@require_http_methods(["GET", "POST"])
@staff_area(TEMPLATES)
def template_edit(request, event, language):
    """Edit an event's message in one language, with a live preview (NTF-02). Saving makes
    a new version that is used from then on; the button "Preview" only shows the text."""
    detail = selectors.template_detail(event, language)
    initial = {"subject": detail.subject, "body": detail.body, "sms_text": detail.sms_text}
    form = MessageTemplateForm(form_data(request), initial=initial)
    if request.method == "POST" and "preview" in request.POST:
        preview, error = _preview(detail, request.POST)
        return _template_page(request, detail, form, preview=preview, preview_error=error)
    if request.method == "POST" and form.is_valid():
        try:
            saved = message_template_save(
                event=detail.event,
                language=detail.language,
                actor=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Version %(version)s of %(event)s (%(language)s) is in force from now on.")
                % {
                    "version": saved.version,
                    "event": detail.event,
                    "language": LANGUAGE_NAMES[language],
                },
            )
            return redirect("web:staff_notification_template", event=event, language=language)
    if form.is_bound and form.errors:
        return _template_page(request, detail, form, status=400)
    preview, error = _preview(detail, initial)
    return _template_page(request, detail, form, preview=preview, preview_error=error)


@require_POST
@staff_area(TEMPLATES)
def template_preview(request, event, language):
    """The texts of the edit form rendered with example values, for the live preview (htmx).
    Saves nothing; a text that is not a valid template is reported in the preview."""
    detail = selectors.template_detail(event, language)
    preview, error = _preview(detail, request.POST)
    return render(
        request,
        "web/staff/notifications/_template_preview.html",
        {"preview": preview, "preview_error": error},
    )


@require_POST
@staff_area(TEMPLATES)
def template_restore(request, event, language):
    """Put the text from the code back in force, as a new version (NTF-02)."""
    detail = selectors.template_detail(event, language)
    saved = message_template_restore_default(
        event=detail.event, language=detail.language, actor=request.user
    )
    messages.success(
        request,
        _("The default text of %(event)s (%(language)s) is in force again (version %(version)s).")
        % {"event": detail.event, "language": LANGUAGE_NAMES[language], "version": saved.version},
    )
    return redirect("web:staff_notification_template", event=event, language=language)


# ----------------------------------------------------------------------------- outbox


def _delivery_for_staff(public_id: str) -> Delivery:
    delivery = (
        Delivery.objects.select_related("notification__client", "notification__announcement")
        .prefetch_related("attempt_log")
        .filter(public_id=public_id)
        .first()
    )
    if delivery is None:
        raise NotFound("delivery")
    return delivery


@require_GET
@staff_area(OUTBOX)
def outbox(request):
    """Deliveries of every client, newest first, by state, channel and event (NTF-02)."""
    form = OutboxFilterForm(request.GET or None)
    deliveries = selectors.outbox_list(**form.filters(), limit=OUTBOX_PAGE_SIZE)
    context = {
        "form": form,
        "deliveries": deliveries,
        "limit": OUTBOX_PAGE_SIZE,
        "resendable": RESENDABLE,
    }
    return render(request, "web/staff/notifications/outbox.html", context)


@require_GET
@staff_area(OUTBOX)
def outbox_delivery(request, public_id):
    """One delivery with the text as sent, its recipient and every attempt (NTF-02). The
    recipient and text are personal data: this read is recorded (GDPR-12)."""
    delivery = _delivery_for_staff(public_id)
    record_personal_data_read(
        actor=request.user,
        client=delivery.notification.client,
        what=f"message delivery {delivery.public_id}: recipient and text",
        request=request,
    )
    context = {
        "delivery": delivery,
        "notification": delivery.notification,
        "attempts": list(delivery.attempt_log.all()),
        "can_resend": delivery.state in RESENDABLE,
    }
    return render(request, "web/staff/notifications/delivery_detail.html", context)


@require_POST
@staff_area(OUTBOX)
def outbox_resend(request, public_id):
    """Send a failed or interrupted delivery again, with the same text and Message-ID
    (NTF-02)."""
    delivery = _delivery_for_staff(public_id)
    try:
        delivery_resend(delivery=delivery, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Delivery %(delivery)s is queued; the outbox job sends it next.")
            % {"delivery": delivery.public_id},
        )
    return redirect("web:staff_outbox_delivery", public_id=delivery.public_id)


# ----------------------------------------------------------------------------- announcements


def _announcement_for_staff(public_id: str) -> Announcement:
    announcement = (
        Announcement.objects.select_related("created_by", "published_by")
        .filter(public_id=public_id)
        .first()
    )
    if announcement is None:
        raise NotFound("announcement")
    return announcement


@require_GET
@staff_area(ANNOUNCEMENTS)
def announcement_list(request):
    """Announcements, newest first, with how many clients each reached (NTF-03, SUP-04)."""
    announcements = list(
        Announcement.objects.select_related("created_by").order_by("-created_at", "-id")[
            :ANNOUNCEMENTS_SHOWN
        ]
    )
    context = {"announcements": announcements, "limit": ANNOUNCEMENTS_SHOWN}
    return render(request, "web/staff/notifications/announcement_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(ANNOUNCEMENTS)
def announcement_new(request):
    """Write a policy-change (NTF-03) or planned-maintenance (SUP-04) announcement to the
    clients it affects. It is saved unsent; publishing sends it."""
    initial = {"kind": request.GET.get("kind", Announcement.Kind.MAINTENANCE)}
    form = AnnouncementForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = announcement_create(actor=request.user, **form.action_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("The announcement is saved. Check it, then publish it to send it.")
            )
            return redirect("web:staff_announcement", public_id=announcement.public_id)
    return render_form_page(
        request, "web/staff/notifications/announcement_form.html", {"form": form}, form=form
    )


@require_GET
@staff_area(ANNOUNCEMENTS)
def announcement_detail(request, public_id):
    announcement = _announcement_for_staff(public_id)
    context = {
        "announcement": announcement,
        "translations": sorted((announcement.translations or {}).items()),
    }
    return render(request, "web/staff/notifications/announcement_detail.html", context)


@require_POST
@staff_area(ANNOUNCEMENTS)
def announcement_send(request, public_id):
    """Queue the announcement to every affected client, once each (NTF-03, SUP-04).
    Publishing again reaches only clients affected since."""
    announcement = _announcement_for_staff(public_id)
    try:
        queued = announcement_publish(announcement=announcement, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s client will get the announcement by email and in the client area.",
                "%(count)s clients will get the announcement by email and in the client area.",
                queued,
            )
            % {"count": queued},
        )
    return redirect("web:staff_announcement", public_id=announcement.public_id)
