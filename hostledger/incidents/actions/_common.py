"""Helpers shared by the incidents actions: staff permission, text input, the clock."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError, PermissionDenied


def require_services_manage(actor) -> None:
    """Staff handling interruptions, maintenance and repairs need ``services.manage``."""
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("This needs the services.manage permission."))


def clean_text(value, field: str, *, max_length: int, required: bool = True) -> str:
    """``value`` as stripped text of at most ``max_length`` characters, without control
    characters other than line breaks and tabs; a DomainError naming ``field`` otherwise."""
    if value is not None and not isinstance(value, str):
        raise DomainError(
            "invalid_input",
            _("%(field)s: give text.") % {"field": field},
            fields={field: "not text"},
        )
    text = (value or "").strip()
    if required and not text:
        raise DomainError(
            "invalid_input",
            _("%(field)s: this field is required.") % {"field": field},
            fields={field: "required"},
        )
    if len(text) > max_length:
        raise DomainError(
            "invalid_input",
            _("%(field)s: at most %(max_length)s characters.")
            % {"field": field, "max_length": max_length},
            fields={field: f"at most {max_length} characters"},
        )
    if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
        raise DomainError(
            "invalid_input",
            _("%(field)s: control characters are not allowed.") % {"field": field},
            fields={field: "control characters"},
        )
    return text


def clean_moment(value, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError(
            "invalid_input",
            _("%(field)s: give a date and time.") % {"field": field},
            fields={field: "required"},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
