"""Sign-in through an OpenID Connect provider: only the shared email address is kept, and it
leads to one account (ACC-12). The provider is mocked at the HTTP client with ``responses``.

The ID token comes straight from the provider's token endpoint, so allauth checks its issuer,
audience and expiry but, as OpenID Connect Core allows for that channel, not its signature;
the mocked provider still signs it (HS256 with the client secret) as a real one would.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.test import Client as WebClient

from hostledger.accounts.models import Client, LoginAttempt, Payer, User
from hostledger.accounts.models import SignInSession as Session
from hostledger.ledger.models import ClientPaymentReference
from hostledger.privacy.models import PolicyAcceptance
from tests.accounts.conftest import PASSWORD, drop_empty, make_client_user, natural_signup

ISSUER = "https://idp.example.test"
CLIENT_ID = "hostledger-panel"
CLIENT_SECRET = "idp-client-secret-5b1f0c9e7d2a4e68"
LOGIN = "/accounts/oidc/example-idp/login/"
CALLBACK = "/accounts/oidc/example-idp/login/callback/"
IP = "192.0.2.150"

PROFILE = {
    "sub": "idp-user-4711",
    "email": "anna.lepik@example.com",
    "email_verified": True,
    "name": "Anna Lepik",
    "given_name": "Anna",
    "family_name": "Lepik",
    "picture": "https://idp.example.test/photos/4711.jpg",
    "locale": "et",
    "phone_number": "+372 5000 1234",
}
PRIVATE_VALUES = ("Anna Lepik", "Lepik", "photos/4711", "5000 1234")


@pytest.fixture
def identity_provider(db):
    """An OpenID Connect provider enabled by staff, and its HTTP endpoints mocked."""
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="example-idp",
        name="Example IdP",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={"server_url": ISSUER},
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.get(
            f"{ISSUER}/.well-known/openid-configuration",
            json={
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "userinfo_endpoint": f"{ISSUER}/userinfo",
                "jwks_uri": f"{ISSUER}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            },
        )
        yield mocked


def _answer_as(mocked: responses.RequestsMock, profile: dict) -> None:
    """The token and userinfo answers of the provider for one person."""
    now = int(time.time())
    id_token = jwt.encode(
        {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": profile["sub"],
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            **{key: value for key, value in profile.items() if key != "sub"},
        },
        CLIENT_SECRET,
        algorithm="HS256",
    )
    _respond(
        mocked,
        responses.POST,
        f"{ISSUER}/token",
        {
            "access_token": "idp-access-" + uuid.uuid4().hex,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "idp-refresh-" + uuid.uuid4().hex,
            "id_token": id_token,
        },
    )
    _respond(mocked, responses.GET, f"{ISSUER}/userinfo", profile)


def _respond(mocked: responses.RequestsMock, method: str, url: str, body: dict) -> None:
    """Register the answer, replacing the one a previous sign-in of the test used."""
    if any(registered.url == url for registered in mocked.registered()):
        mocked.replace(method, url, json=body)
    else:
        mocked.add(method, url, json=body)


def _sign_in_at_the_provider(browser: WebClient, mocked, profile: dict):
    """Start the sign-in, check the redirect to the provider, come back with a code."""
    _answer_as(mocked, profile)
    started = browser.post(LOGIN, REMOTE_ADDR=IP)
    assert started.status_code == 302
    authorize = urlsplit(started["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{ISSUER}/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"http://testserver{CALLBACK}"]
    return browser.get(
        CALLBACK, {"code": "one-time-code", "state": query["state"][0]}, REMOTE_ADDR=IP
    )


def _assert_only_the_email_is_kept(account: SocialAccount) -> None:
    assert account.extra_data == {"email": account.user.email}
    assert SocialToken.objects.count() == 0
    _assert_sessions_hold_no_profile()


def _assert_sessions_hold_no_profile() -> None:
    """Not even the sessions keep the profile or the tokens the provider sent."""
    assert Session.objects.exists()
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        for private in PRIVATE_VALUES:
            assert private not in decoded
        assert "idp-access-" not in decoded
        assert "idp-refresh-" not in decoded


def _registration_fields() -> dict:
    data = drop_empty(natural_signup(email=PROFILE["email"], first_name="Anna", last_name="L."))
    del data["password1"], data["password2"]
    return data


def test_first_sign_in_completes_the_registration_form__ACC_12(identity_provider, policies):
    browser = WebClient()

    response = _sign_in_at_the_provider(browser, identity_provider, PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/3rdparty/signup/"
    (token_call,) = [call for call in identity_provider.calls if call.request.method == "POST"]
    sent = parse_qs(token_call.request.body)
    assert sent["code"] == ["one-time-code"]
    assert sent["client_id"] == [CLIENT_ID]
    assert sent["client_secret"] == [CLIENT_SECRET]
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    form = browser.get("/accounts/3rdparty/signup/").context["form"]
    assert form.initial["email"] == PROFILE["email"]
    assert "age_declaration" in form.fields

    done = browser.post("/accounts/3rdparty/signup/", _registration_fields(), REMOTE_ADDR=IP)

    assert done.status_code == 302
    assert done["Location"] == "/"
    user = User.objects.get()
    assert user.email == PROFILE["email"]
    assert user.has_usable_password() is False
    assert browser.session["_auth_user_id"] == str(user.pk)
    client_record = Client.objects.get(owner=user)
    assert (client_record.first_name, client_record.last_name) == ("Anna", "L.")
    assert Payer.objects.get(client=client_record).is_default is True
    # Like every sign-up, the client gets its bank transfer reference at once (BIL-06).
    assert ClientPaymentReference.objects.filter(client=client_record).count() == 1
    assert PolicyAcceptance.objects.filter(user=user).count() == 2
    assert EmailAddress.objects.get(user=user).verified is True
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (user, "example-idp", PROFILE["sub"])
    _assert_only_the_email_is_kept(account)
    attempt = LoginAttempt.objects.get()
    assert (attempt.succeeded, attempt.method, attempt.user, attempt.ip_address) == (
        True,
        "social",
        user,
        IP,
    )


def test_registration_form_is_still_required_after_social_sign_in__ACC_12(
    identity_provider, policies
):
    browser = WebClient()
    _sign_in_at_the_provider(browser, identity_provider, PROFILE)
    data = _registration_fields()
    del data["age_declaration"]

    refused = browser.post("/accounts/3rdparty/signup/", data, REMOTE_ADDR=IP)

    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"age_declaration"}
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert "socialaccount_sociallogin" in browser.session  # the sign-in waits for the form
    _assert_sessions_hold_no_profile()


def test_second_sign_in_opens_the_same_account__ACC_12(identity_provider, policies):
    first = WebClient()
    _sign_in_at_the_provider(first, identity_provider, PROFILE)
    first.post("/accounts/3rdparty/signup/", _registration_fields(), REMOTE_ADDR=IP)
    user = User.objects.get()

    second = WebClient()
    response = _sign_in_at_the_provider(
        second, identity_provider, {**PROFILE, "name": "Anna Lepik", "locale": "en"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert second.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1
    account = SocialAccount.objects.get()
    _assert_only_the_email_is_kept(account)
    assert LoginAttempt.objects.filter(user=user, succeeded=True, method="social").count() == 2


def test_verified_email_links_to_the_existing_account__ACC_12(identity_provider, policies):
    existing = make_client_user(PROFILE["email"])

    browser = WebClient()
    response = _sign_in_at_the_provider(browser, identity_provider, PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert browser.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.count() == 1
    account = SocialAccount.objects.get()
    assert account.user == existing
    _assert_only_the_email_is_kept(account)
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)  # the verified owner keeps the password


def test_unverified_local_address_is_not_taken_over__ACC_12(identity_provider, policies):
    """Someone who signed up with another person's address never verified it; when that
    person arrives through the provider, the stranger's password stops working."""
    squatter = make_client_user(PROFILE["email"], verified=False)

    browser = WebClient()
    _sign_in_at_the_provider(browser, identity_provider, PROFILE)

    squatter.refresh_from_db()
    assert squatter.has_usable_password() is False
    assert User.objects.count() == 1
