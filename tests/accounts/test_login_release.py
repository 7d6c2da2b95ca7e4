"""Erasure frees the login e-mail: it is replaced by a placeholder that names nobody, allauth's
addresses, identity-provider links, second factors and sessions go, and the person can no
longer sign in, while the address can sign up again (GDPR-04; decision record 0001)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.test import Client as WebClient

from hostledger.accounts.actions import erased_login_email, user_login_email_release
from hostledger.accounts.models import SignInSession, User
from hostledger.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, make_client_user

EMAIL = "mari.maasikas@example.com"


def _signed_in_browser(email: str) -> WebClient:
    browser = WebClient()
    response = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_releasing_the_login_replaces_the_email_and_ends_sign_in__GDPR_04(policies):
    user = make_client_user(EMAIL)
    other = make_client_user("jaan.tamm@example.com")
    SocialAccount.objects.create(user=user, provider="example-idp", uid="sub-1", extra_data={})
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    browser = _signed_in_browser(EMAIL)
    _signed_in_browser(other.email)

    release = user_login_email_release(user=user)

    user.refresh_from_db()
    placeholder = f"erased-{user.public_id}@erased.invalid"
    assert release.placeholder == placeholder == erased_login_email(user)
    assert user.email == placeholder
    assert user.is_active is False
    assert user.has_usable_password() is False
    assert (
        release.email_addresses_deleted,
        release.social_accounts_deleted,
        release.authenticators_deleted,
        release.sessions_ended,
    ) == (1, 1, 1, 1)
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not SignInSession.objects.filter(user=user).exists()
    assert browser.get("/")["Location"].startswith("/accounts/login/")
    # The other person is untouched.
    other.refresh_from_db()
    assert other.email == "jaan.tamm@example.com" and other.is_active
    assert EmailAddress.objects.filter(user=other).count() == 1
    assert SignInSession.objects.filter(user=other).count() == 1
    event = AuditEvent.objects.get(action="account.login_email_released")
    assert event.subject_client_id == user.client.pk
    assert EMAIL not in str(event.data)


def test_the_released_address_no_longer_signs_in_and_can_sign_up_again__GDPR_04(policies):
    user = make_client_user(EMAIL)
    user_login_email_release(user=user)

    refused = WebClient().post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})

    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.wsgi_request.session
    newcomer = make_client_user(EMAIL)
    assert newcomer.pk != user.pk
    assert User.objects.filter(email=EMAIL).get() == newcomer


def test_releasing_twice_changes_nothing_more__GDPR_04(policies):
    user = make_client_user(EMAIL)
    user_login_email_release(user=user)

    again = user_login_email_release(user=user)

    assert (again.email_addresses_deleted, again.sessions_ended) == (0, 0)
    assert AuditEvent.objects.filter(action="account.login_email_released").count() == 1
