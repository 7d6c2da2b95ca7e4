"""Staff activate a service they built by hand, with the access details the client needs
(PRV-01, CAT-03): both in one transaction, so a refused detail activates nothing."""

from __future__ import annotations

from django.db import transaction

from hostledger.catalog.models import FamilyCode
from hostledger.provisioning.controls import service_access_set
from hostledger.subscriptions.actions import service_activate

SERVER_FAMILIES = (
    FamilyCode.VPS,
    FamilyCode.CLOUD,
    FamilyCode.DEDICATED,
    FamilyCode.SHARED_HOSTING,
    FamilyCode.CMS_HOSTING,
)
"""Families whose hand-built services have an address and credentials to hand over."""


@transaction.atomic
def service_activate_with_access(*, service, actor, note: str = "", access=None):
    """Store the access details staff entered (address, user name, password; a dedicated
    server's BMC) encrypted, then activate the service (ORD-02, CAT-03)."""
    details = {key: value for key, value in dict(access or {}).items() if value not in (None, "")}
    if details:
        service_access_set(service=service, details=details, actor=actor)
    return service_activate(service=service, actor=actor, note=note)
