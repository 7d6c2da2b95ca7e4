"""Trusted-entity access grants (ACC-06)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import (
    AccessGrant,
    Client,
    User,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError


def clean_scopes(scopes) -> list[str]:
    chosen = sorted({str(scope) for scope in (scopes or [])})
    unknown = [scope for scope in chosen if scope not in AccessGrant.Scope.values]
    if unknown or not chosen:
        raise DomainError(
            "invalid_input",
            _("scopes: choose one or more of billing, services, tickets, read_only."),
            fields={"scopes": "Choose one or more of billing, services, tickets, read_only."},
        )
    if AccessGrant.Scope.READ_ONLY in chosen and len(chosen) > 1:
        raise DomainError(
            "invalid_input",
            _("scopes: read_only cannot be combined with other scopes."),
            fields={"scopes": "read_only cannot be combined with other scopes."},
        )
    return chosen


@transaction.atomic
def access_grant_create(*, client: Client, actor: User, grantee_email: str, scopes) -> AccessGrant:
    """Give another registered user scoped access to the client's account (ACC-06).

    The grantee must have verified the email address named: otherwise whoever signed up
    first with someone else's address would receive the access meant for that person.
    """
    from allauth.account.models import EmailAddress

    chosen = clean_scopes(scopes)
    email = (grantee_email or "").strip().lower()
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    grantee = User.objects.filter(
        email=email, is_active=True, is_staff=False, pk__in=verified
    ).first()
    if grantee is None or grantee.pk == client.owner_id:
        raise DomainError(
            "invalid_input",
            _("grantee_email: no other registered client user has this email address."),
            fields={"grantee_email": "No other registered user has this email address."},
        )
    try:
        with transaction.atomic():
            grant = AccessGrant.objects.create(
                client=client, grantee=grantee, scopes=chosen, created_by=actor
            )
    except IntegrityError:
        raise DomainError(
            "duplicate_grant",
            _("grantee_email: this user already has access; revoke it first to change it."),
            fields={"grantee_email": "Already has access."},
        ) from None
    record_audit_event(
        action="access_grant.created",
        actor=actor,
        obj=grant,
        subject_client_id=client.pk,
        data={"grantee": grantee.public_id, "scopes": chosen},
    )
    return grant


@transaction.atomic
def access_grant_revoke(*, grant: AccessGrant, actor: User) -> AccessGrant:
    """End a trusted user's access at once (ACC-06); the grant stays as a record."""
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        record_audit_event(
            action="access_grant.revoked",
            actor=actor,
            obj=grant,
            subject_client_id=grant.client_id,
            data={"grantee": grant.grantee.public_id},
        )
    return grant
