"""A client account made from another HostLedger's export of personal data (GDPR-02, seed
000: "export or import of data")."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts.actions.registration import clean_client_data
from hostledger.accounts.actions.search import client_search_index_refresh
from hostledger.accounts.models import Client, User
from hostledger.accounts.validation import FieldErrors, clean_email
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError


@transaction.atomic
def client_import(*, profile: dict, actor=None) -> Client:
    """Create a user and its client account from an imported profile (``email``,
    ``full_name``, ``preferred_language`` and the ACC-01 fields).

    The user has no password and an unverified email: the person sets a password through
    "forgot password", which verifies the address. The age declaration and the acceptance of
    this provider's policies are not carried over; they are asked for anew. Refused when the
    email already belongs to a user.
    """
    errors = FieldErrors()
    email = clean_email(profile.get("email"), "profile.email", errors, required=True)
    errors.raise_if_any()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            "already_exists",
            _("profile.email: a user with the email %(email)s already exists here.")
            % {"email": email},
            fields={"profile.email": "already exists"},
        )
    cleaned = clean_client_data(profile, prefix="profile.")
    user = User.objects.create_user(email=email, password=None)
    user.full_name = (profile.get("full_name") or "").strip()[:200]
    user.preferred_language = (profile.get("preferred_language") or "").strip()[:8] or "en"
    user.save(update_fields=["full_name", "preferred_language"])
    EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    client = Client.objects.create(owner=user, **cleaned)
    client_search_index_refresh(client=client)
    record_audit_event(
        action="client.imported",
        actor=actor,
        obj=client,
        subject_client_id=client.pk,
        data={"kind": client.kind},
    )
    return client
