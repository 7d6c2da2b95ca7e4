"""django-allauth adapters: sign-in logging and lockout (ACC-08), social sign-in that keeps
only the email address (ACC-12), allauth's mails in the recipient's language with the
provider's name, and security notices through the notifications outbox (NTF-01, ACC-09)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.utils import has_verified_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from hostledger.accounts import actions
from hostledger.accounts.models import Client, User
from hostledger.core.middleware import client_ip_of
from hostledger.notifications.actions import security_notice_send
from hostledger.notifications.events import (
    EMAIL_CHANGED,
    PASSWORD_CHANGED,
    RECOVERY_CODES_REGENERATED,
    TWO_FACTOR_DISABLED,
    TWO_FACTOR_ENABLED,
    normalised_language,
)
from hostledger.privacy.cookies import cookie_choice_sync_at_sign_in
from hostledger.privacy.policies import policies_to_reaccept

SECURITY_NOTICE_OF_MAIL = {
    "account/email/password_changed": PASSWORD_CHANGED,
    "account/email/password_set": PASSWORD_CHANGED,
    "account/email/password_reset": PASSWORD_CHANGED,
    "account/email/email_changed": EMAIL_CHANGED,
    "mfa/email/totp_activated": TWO_FACTOR_ENABLED,
    "mfa/email/totp_deactivated": TWO_FACTOR_DISABLED,
    "mfa/email/recovery_codes_generated": RECOVERY_CODES_REGENERATED,
}
"""allauth's notification mails that are security notices of HostLedger (NTF-01, ACC-09)."""


def _identifier(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def _method(login_kwargs: dict) -> str:
    """How the person signed in: through a social network or OpenID provider, or a password."""
    signal_kwargs = login_kwargs.get("signal_kwargs") or {}
    return "social" if signal_kwargs.get("sociallogin") else "password"


class AccountAdapter(DefaultAccountAdapter):
    """Logs every password sign-in attempt and locks an identifier after repeated failures.

    allauth's own rate limits are off; the lockout here grows with each lockout (ACC-08).
    """

    def pre_authenticate(self, request, **credentials) -> None:
        identifier = _identifier(credentials)
        if actions.login_lock_remaining(identifier):
            actions.login_attempt_record(
                identifier=identifier,
                user=User.objects.filter(email__iexact=identifier).first(),
                ip_address=client_ip_of(request),
                succeeded=False,
                reason="locked",
            )
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials) -> None:
        identifier = _identifier(credentials)
        actions.login_attempt_record(
            identifier=identifier,
            user=User.objects.filter(email__iexact=identifier).first(),
            ip_address=client_ip_of(request),
            succeeded=False,
            reason="bad_credentials",
        )

    def pre_login(self, request, user, **kwargs):
        """A correct password that does not open the account is still a failed attempt:
        an inactive user, or an email address not verified yet (ACC-08)."""
        response = super().pre_login(request, user, **kwargs)
        if kwargs.get("signup"):
            return response
        reason = ""
        if response is not None:
            reason = "inactive"
        elif kwargs.get("email_verification") == EmailVerificationMethod.MANDATORY and not (
            has_verified_email(user, kwargs.get("email"))
        ):
            reason = "email_not_verified"
        if reason:
            actions.login_attempt_record(
                identifier=user.email,
                user=user,
                ip_address=client_ip_of(request),
                succeeded=False,
                reason=reason,
                method=_method(kwargs),
            )
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (sign-up confirmation, password reset, notices to staff) in the
        recipient's language, signed with the provider's name (``HOSTLEDGER_SITE_NAME``)
        instead of the host name."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (
            normalised_language(user.preferred_language)
            if user is not None
            else normalised_language(translation.get_language())
        )
        context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.SITE_NAME}: {subject}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """A change to how a client signs in goes out as a security notice through the
        outbox, always, from an editable template (NTF-01, ACC-09); an e-mail change also to
        the previous address. Anyone else (staff, trusted users without an account of their
        own) gets allauth's notice, in the provider's name."""
        event = SECURITY_NOTICE_OF_MAIL.get(template_prefix)
        client = Client.objects.filter(owner_id=user.pk).first() if event else None
        if client is None:
            super().send_notification_mail(template_prefix, user, context=context, email=email)
            return
        previous_email = (context or {}).get("from_email", "") if event == EMAIL_CHANGED else ""
        security_notice_send(client=client, event=event, previous_email=previous_email)

    def post_login(self, request, user, **kwargs):
        """Log the sign-in (ACC-08); lead to the new policy versions to accept, if any
        (GDPR-10); keep the cookie choice in the database and the browser alike (GDPR-13)."""
        actions.login_attempt_record(
            identifier=user.email,
            user=user,
            ip_address=client_ip_of(request),
            succeeded=True,
            method=_method(kwargs),
        )
        response = super().post_login(request, user, **kwargs)
        if policies_to_reaccept(user) and isinstance(response, HttpResponseRedirect):
            response = HttpResponseRedirect(
                reverse("web:policy_reaccept") + "?" + urlencode({"next": response.url})
            )
        cookie_choice_sync_at_sign_in(request, response, user)
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Keeps only the email the person allowed the network to share (ACC-12).

    Profile data, tokens and the provider's raw answer are dropped as soon as the provider's
    answer is read, before allauth looks up or saves the linked account; the person still
    completes the registration form (ACC-01…03) on first sign-in.
    """

    def populate_user(self, request, sociallogin, data):
        # Runs while the sign-in is built from the provider's answer, before allauth updates
        # an already linked account with it, so the full answer is never stored.
        email = _keep_only_email(sociallogin, data.get("email") or "")
        return super().populate_user(request, sociallogin, {"email": email})

    def pre_social_login(self, request, sociallogin) -> None:
        _keep_only_email(sociallogin)
        # Not stored (SOCIALACCOUNT_STORE_TOKENS is off) and not kept in the session either
        # while the person fills in the registration form.
        sociallogin.token = None


def _keep_only_email(sociallogin, email: str = "") -> str:
    """Replace the account's extra data with the shared email address alone."""
    email = email or next((address.email for address in sociallogin.email_addresses), "")
    sociallogin.account.extra_data = {"email": email} if email else {}
    return email


def record_second_factor_failure(sender, request, user, authenticator, **kwargs) -> None:
    """Log a wrong two-factor code as a failed sign-in of the user's identifier (ACC-08)."""
    actions.login_attempt_record(
        identifier=user.email,
        user=user,
        ip_address=client_ip_of(request) if request is not None else None,
        succeeded=False,
        reason="bad_second_factor",
        method=authenticator.type,
    )
