"""Staff edits of message templates, versioned (NTF-02)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.notifications.events import event_definition
from hostledger.notifications.models import LANGUAGES, MessageTemplate
from hostledger.notifications.rendering import template_preview


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise DomainError(
            "invalid_language",
            _("Messages are written in %(languages)s.") % {"languages": ", ".join(LANGUAGES)},
            fields={"language": "not a message language"},
        )
    return language


def _next_version(event: str, language: str) -> int:
    latest = MessageTemplate.objects.filter(event=event, language=language).aggregate(
        latest=Max("version")
    )["latest"]
    return (latest or 0) + 1


def _save_version(*, event: str, language: str, actor, now: datetime, **texts) -> MessageTemplate:
    try:
        with transaction.atomic():
            return MessageTemplate.objects.create(
                event=event,
                language=language,
                version=_next_version(event, language),
                created_at=now,
                created_by=actor,
                **texts,
            )
    except IntegrityError:
        raise DomainError(
            "template_changed",
            _("Someone saved this template at the same moment; open it again and repeat."),
            fields={"event": "saved by someone else"},
            status=409,
        ) from None


@transaction.atomic
def message_template_save(
    *,
    event: str,
    language: str,
    subject: str,
    body: str,
    sms_text: str = "",
    actor=None,
    now: datetime | None = None,
) -> MessageTemplate:
    """Save a new version of ``event``'s message in ``language``; it is used from now on
    (NTF-02). Each text must be a valid template; the earlier versions are kept."""
    definition = event_definition(event)
    _checked_language(language)
    if not (subject or "").strip():
        raise DomainError(
            "invalid_template", _("A subject is needed."), fields={"subject": "required"}
        )
    if not (body or "").strip():
        raise DomainError("invalid_template", _("A text is needed."), fields={"body": "required"})
    template_preview(
        event=definition.code, language=language, subject=subject, body=body, sms_text=sms_text
    )
    template = _save_version(
        event=definition.code,
        language=language,
        actor=actor,
        now=now or timezone.now(),
        subject=subject,
        body=body,
        sms_text=sms_text or "",
    )
    record_audit_event(
        action="notifications.template_saved",
        actor=actor,
        obj=template,
        data={"event": template.event, "language": language, "version": template.version},
    )
    return template


@transaction.atomic
def message_template_restore_default(
    *, event: str, language: str, actor=None, now: datetime | None = None
) -> MessageTemplate:
    """Put the text from the code back in force for ``event`` in ``language``, as a new
    version (NTF-02)."""
    definition = event_definition(event)
    _checked_language(language)
    template = _save_version(
        event=definition.code,
        language=language,
        actor=actor,
        now=now or timezone.now(),
        restores_default=True,
    )
    record_audit_event(
        action="notifications.template_restored",
        actor=actor,
        obj=template,
        data={"event": template.event, "language": language, "version": template.version},
    )
    return template
