"""django-allauth adapters: sign-in logging and lockout (ACC-08), social sign-in that keeps
only the email address (ACC-12)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.utils import has_verified_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from hostledger.accounts import actions
from hostledger.accounts.models import User
from hostledger.core.middleware import client_ip_of


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

    def post_login(self, request, user, **kwargs):
        actions.login_attempt_record(
            identifier=user.email,
            user=user,
            ip_address=client_ip_of(request),
            succeeded=True,
            method=_method(kwargs),
        )
        return super().post_login(request, user, **kwargs)


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
