"""Helpers shared by the data-centre actions: permission checks, input checks, audit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import AccessGrant
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied

SERVICES_AREA = AccessGrant.Scope.SERVICES
TEXT_MAX = 2000


def require_staff(actor) -> None:
    """Staff writing the data centre's records need ``services.manage`` (ACC-11)."""
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("Managing the data centre needs the services.manage permission."))


def require_client_write(access) -> None:
    """The owner, or a trusted user with the services scope (ACC-06)."""
    if not access.can_write(SERVICES_AREA):
        raise PermissionDenied(_("Your access to this account does not allow this change."))


def invalid(field: str, problem: str, *, code: str = "invalid_input") -> DomainError:
    return DomainError(
        code,
        _("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
    )


def clean_text(value, field: str, *, required: bool, max_length: int = TEXT_MAX) -> str:
    if value is not None and not isinstance(value, str):
        raise invalid(field, "expected text.")
    text = (value or "").strip()
    if required and not text:
        raise invalid(field, "This field is required.")
    if len(text) > max_length:
        raise invalid(field, f"At most {max_length} characters.")
    if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
        raise invalid(field, "Control characters are not allowed.")
    return text


def audit(action: str, *, actor, obj, client_id: int | None, data: dict | None = None) -> None:
    """Record a data-centre event in the audit trail (``datacenter.<event>``)."""
    record_audit_event(
        action=f"datacenter.{action}",
        actor=actor,
        obj=obj,
        subject_client_id=client_id,
        data=data or {},
    )
