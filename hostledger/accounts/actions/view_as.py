"""Staff viewing the client area as a client sees it (issue: staff tools), read-only.

Starting and ending a view are each one transaction that appends an event to the audit trail
and a line to the client owner's sign-in history, so the client sees when staff looked at the
account. The sign-in history line names neither the staff member nor their address: it says
that provider staff viewed the account, and when.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, LoginAttempt, User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import PermissionDenied

STAFF_VIEW_METHOD = "staff_view"
"""``LoginAttempt.method`` of the lines that record a staff view of the account."""
VIEW_STARTED = "view_started"
VIEW_ENDED = "view_ended"
"""``LoginAttempt.reason`` of the two ends of a staff view."""

AUDIT_VIEW_STARTED = "client.view_as_started"
AUDIT_VIEW_ENDED = "client.view_as_ended"


def _record(*, client: Client, staff: User, reason: str, audit_action: str) -> None:
    LoginAttempt.objects.create(
        identifier="-",
        user_id=client.owner_id,
        ip_address=None,
        succeeded=True,
        reason=reason,
        method=STAFF_VIEW_METHOD,
    )
    record_audit_event(
        action=audit_action, actor=staff, obj=client, subject_client_id=client.pk, data={}
    )


@transaction.atomic
def client_view_as_start(*, client: Client, staff: User) -> None:
    """Record that ``staff`` starts viewing ``client``'s area as the client sees it. Needs
    ``clients.view_as`` (ACC-11); the caller keeps the client's id in the staff session."""
    if not perms.has_permission(staff, perms.CLIENTS_VIEW_AS):
        raise PermissionDenied(_("Your staff roles do not include this permission."))
    _record(client=client, staff=staff, reason=VIEW_STARTED, audit_action=AUDIT_VIEW_STARTED)


@transaction.atomic
def client_view_as_end(*, client: Client, staff: User) -> None:
    """Record that ``staff`` stopped viewing ``client``'s area. Allowed whatever the staff
    member's permissions are now: ending a view only ever takes rights away."""
    _record(client=client, staff=staff, reason=VIEW_ENDED, audit_action=AUDIT_VIEW_ENDED)
