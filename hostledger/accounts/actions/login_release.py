"""Freeing a person's login e-mail on erasure (GDPR-04; decision record 0001).

The login e-mail (``accounts_user.email`` and allauth's ``account_emailaddress.email``) stays
in clear so that sign-in can look it up; on erasure it is replaced by a placeholder that says
nothing about the person and cannot receive mail, so the address can sign up again and the
user row (referenced by invoices, the audit trail, acceptances) stays in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from hostledger.accounts.actions.sessions import sessions_end_for_user
from hostledger.accounts.models import Client, User
from hostledger.core.audit import record_audit_event

# RFC 2606 reserves .invalid: an address there is never delivered and never a person's.
ERASED_LOGIN_DOMAIN = "erased.invalid"


def erased_login_email(user: User) -> str:
    """The placeholder login e-mail of an erased person: unique by the random public id."""
    return f"erased-{user.public_id}@{ERASED_LOGIN_DOMAIN}".lower()


@dataclass(frozen=True)
class LoginRelease:
    """What releasing a login removed, for the erasure report."""

    placeholder: str
    email_addresses_deleted: int
    social_accounts_deleted: int
    authenticators_deleted: int
    sessions_ended: int


@transaction.atomic
def user_login_email_release(*, user: User, actor=None) -> LoginRelease:
    """Replace ``user``'s login e-mail with :func:`erased_login_email`, delete its allauth
    e-mail addresses, its links to other identity providers (whose profile holds the e-mail)
    and its second factors, end its sessions and make it unable to sign in: no usable
    password, inactive (GDPR-04).

    Calling it again changes nothing more. The user row stays, so what refers to it (invoices
    held by law, the audit trail) keeps its reference; the audit event names no e-mail.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    placeholder = erased_login_email(user)
    addresses, _ = EmailAddress.objects.filter(user=user).delete()
    social, _ = SocialAccount.objects.filter(user=user).delete()
    factors, _ = Authenticator.objects.filter(user=user).delete()
    sessions = sessions_end_for_user(user_id=user.pk)
    changed = user.email != placeholder or user.is_active or user.has_usable_password()
    user.email = placeholder
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "is_active", "password"])
    if changed:
        record_audit_event(
            action="account.login_email_released",
            actor=actor,
            obj=user,
            subject_client_id=Client.objects.filter(owner=user)
            .values_list("pk", flat=True)
            .first(),
            data={
                "login_addresses_deleted": addresses,
                "social_accounts_deleted": social,
                "authenticators_deleted": factors,
                "sessions_ended": sessions,
            },
        )
    return LoginRelease(
        placeholder=placeholder,
        email_addresses_deleted=addresses,
        social_accounts_deleted=social,
        authenticators_deleted=factors,
        sessions_ended=sessions,
    )
