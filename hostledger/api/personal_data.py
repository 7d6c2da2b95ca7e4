"""Staff reads of personal data through the API, recorded in the audit trail (GDPR-12)."""

from __future__ import annotations

from django.http import HttpRequest

from hostledger.accounts import permissions as perms
from hostledger.core.audit import (
    PERSONAL_DATA_READ,
    record_audit_event,
    record_personal_data_read,
)


def staff_may_read_personal_data(request: HttpRequest, *, what: str, client=None) -> bool:
    """Whether the staff caller may see the personal data described by ``what``: only with
    clients.view_personal_data. A read that is allowed is recorded in the audit trail, with
    the client it concerns when there is one (GDPR-12)."""
    if not perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA):
        return False
    if client is not None:
        record_personal_data_read(actor=request.user, client=client, what=what, request=request)
    else:
        record_audit_event(
            action=PERSONAL_DATA_READ,
            actor=request.user,
            data={"what": what},
            request_id=getattr(request, "request_id", None),
        )
    return True
