"""Sign-up and the first token through the API: the web form's checks, the confirmation
mail, the token refused until the address is confirmed, the lockout and two-factor code of a
web sign-in (ACC-01, ACC-02, ACC-03, ACC-08, ACC-09)."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from hostledger.accounts.models import ApiToken, Client, LoginAttempt, User
from hostledger.privacy.models import PolicyAcceptance
from tests.api.conftest import API, error_of

EMAIL = "kadri.kask@example.com"
PASSWORD = "Tallinn harbour 2024 wind"
IP = "198.51.100.40"
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")

NATURAL = {
    "email": EMAIL,
    "password": PASSWORD,
    "kind": "natural",
    "first_name": "Kadri",
    "last_name": "Kask",
    "street": "Pikk 1",
    "city": "Tartu",
    "postal_code": "51003",
    "country": "EE",
    "phone": "+372 5123 4567",
    "age_declaration": True,
    "accept_policies": True,
}


@pytest.fixture(autouse=True)
def _light_argon2(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.conftest.LightArgon2PasswordHasher"]


def post(path: str, body: dict, http: HttpClient | None = None):
    http = http or HttpClient()
    return http.post(API + path, body, content_type="application/json", REMOTE_ADDR=IP)


def token_body(**extra) -> dict:
    return {
        "email": EMAIL,
        "password": PASSWORD,
        "name": "Deploy script",
        "scopes": ["read"],
        **extra,
    }


def confirm_link() -> str:
    (message,) = [m for m in mail.outbox if "confirm" in m.body.lower() and m.to == [EMAIL]]
    (path,) = LINK.findall(message.body)
    return path


def test_the_whole_journey_sign_up_confirm_token_me__ACC_01_ACC_02(policies, settings):
    settings.SITE_NAME = "Pilvepood Hosting"
    signed_up = post("/signup", NATURAL)

    assert signed_up.status_code == 201, signed_up.content
    answer = signed_up.json()
    client = Client.objects.get(owner__email=EMAIL)
    assert answer == {
        "client_id": client.public_id,
        "email": EMAIL,
        "email_confirmation_required": True,
        "message": answer["message"],
    }
    assert "confirm" in answer["message"]
    assert client.kind == "natural"
    assert client.phone == "+37251234567"
    assert client.age_declared_at is not None
    accepted = PolicyAcceptance.objects.filter(user=client.owner)
    assert sorted((a.document.kind, a.document.version, a.ip_address) for a in accepted) == [
        ("privacy", "1.0", IP),
        ("terms", "1.0", IP),
    ]
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    (message,) = mail.outbox
    assert message.subject.startswith("Pilvepood Hosting: ")
    assert "Pilvepood Hosting" in message.body

    refused = post("/signin/token", token_body())
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "email_not_confirmed"
    assert ApiToken.objects.count() == 0

    browser = HttpClient()
    confirmed = browser.post(confirm_link(), REMOTE_ADDR=IP)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified is True

    created = post("/signin/token", token_body(scopes=["read", "write"], days=30))
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("hl_")
    me = HttpClient().get(API + "/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json()["client"]["id"] == client.public_id
    assert me.json()["user"]["email"] == EMAIL
    attempts = list(
        LoginAttempt.objects.filter(user__email=EMAIL)
        .order_by("id")
        .values_list("succeeded", "reason", "method", "ip_address")
    )
    assert attempts == [
        (False, "email_not_verified", "password", IP),
        (True, "", "api_token", IP),
    ]


def test_sign_up_checks_what_the_web_form_checks__ACC_01_ACC_03(policies):
    refused = post(
        "/signup",
        NATURAL
        | {"first_name": "", "phone": "12", "age_declaration": False, "accept_policies": False},
    )

    assert refused.status_code == 400
    fields = error_of(refused)["fields"]
    assert set(fields) == {"first_name", "phone", "age_declaration", "accept_policies"}
    assert User.objects.count() == 0
    assert Client.objects.count() == 0
    assert mail.outbox == []


def test_a_weak_password_is_refused_under_password__ACC_07(policies):
    refused = post("/signup", NATURAL | {"password": "12345678"})

    assert refused.status_code == 400
    assert set(error_of(refused)["fields"]) == {"password"}
    assert User.objects.count() == 0


def test_a_legal_person_signs_up__ACC_01(policies):
    legal = NATURAL | {
        "kind": "legal",
        "first_name": "",
        "last_name": "",
        "phone": "",
        "company_name": "Pilvepood OÜ",
        "registry_code": "12345678",
    }

    signed_up = post("/signup", legal)

    assert signed_up.status_code == 201, signed_up.content
    client = Client.objects.get(owner__email=EMAIL)
    assert (client.kind, client.company_name, client.registry_code) == (
        "legal",
        "Pilvepood OÜ",
        "12345678",
    )


def test_signing_up_with_a_taken_address_answers_alike_and_creates_nothing__ACC_01(policies):
    post("/signup", NATURAL)
    mail.outbox.clear()
    cache.clear()  # past allauth's cooldown between two mails to one address

    again = post("/signup", NATURAL | {"first_name": "Someone"})

    assert again.status_code == 201
    answer = again.json()
    assert set(answer) == {"client_id", "email", "email_confirmation_required", "message"}
    assert re.fullmatch(r"cli_[0-9a-z]{16}", answer["client_id"])
    assert answer["client_id"] != Client.objects.get().public_id
    assert User.objects.count() == 1
    (message,) = mail.outbox  # the owner of the address is told instead
    assert message.to == [EMAIL]
    assert "already" in message.body.lower()


def confirmed_user() -> User:
    post("/signup", NATURAL)
    EmailAddress.objects.filter(email=EMAIL).update(verified=True)
    return User.objects.get(email=EMAIL)


def test_a_wrong_password_is_logged_and_locks_like_the_web__ACC_08(policies, settings):
    confirmed_user()
    for _ in range(5):
        wrong = post("/signin/token", token_body(password="not the password"))
        assert wrong.status_code == 401
        assert error_of(wrong)["code"] == "invalid_credentials"

    locked = post("/signin/token", token_body())

    assert locked.status_code == 429
    assert error_of(locked)["code"] == "too_many_attempts"
    assert ApiToken.objects.count() == 0
    reasons = list(
        LoginAttempt.objects.filter(user__email=EMAIL)
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == ["bad_credentials"] * 5 + ["locked"]


def test_two_factor_needs_the_code__ACC_09(policies):
    user = confirmed_user()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    without = post("/signin/token", token_body())
    wrong = post("/signin/token", token_body(code="000000"))
    assert (without.status_code, error_of(without)["code"]) == (401, "two_factor_code_required")
    assert (wrong.status_code, error_of(wrong)["code"]) == (401, "invalid_two_factor_code")
    assert ApiToken.objects.count() == 0

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    created = post("/signin/token", token_body(code=code))

    assert created.status_code == 201, created.content
    assert ApiToken.objects.get().user == user
    assert LoginAttempt.objects.filter(reason="bad_second_factor").count() == 1
