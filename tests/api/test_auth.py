"""Authentication of API v1: personal API tokens and the browser session.

Tokens are stored only as their SHA-256, are scoped (read: GET; write: POST, PATCH, DELETE),
expire and can be revoked; staff use the API only with two-factor sign-in on (ACC-09).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.accounts.models import ApiToken, Payer
from tests.api.conftest import (
    Api,
    api_by_session,
    api_by_token,
    database_state,
    error_of,
    make_staff_user,
    make_token,
)

NEW_PAYER = {
    "kind": "natural",
    "name": "Mari Maasikas",
    "street": "Ahtri 12",
    "city": "Tallinn",
    "country": "EE",
}


@pytest.mark.parametrize("path", ["/me", "/payers", "/tokens", "/staff/clients"])
def test_a_call_without_credentials_answers_401_with_a_bearer_challenge(anonymous, db, path):
    response = anonymous.get(path)

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "not_authenticated",
        "message": "Send a valid API token as 'Authorization: Bearer hl_…' or sign in to the "
        "client area.",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="HostLedger API"'


def test_the_token_secret_is_kept_only_as_its_sha256(client_a):
    secret = make_token(client_a)

    token = ApiToken.objects.get(user=client_a)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(database_state())
    assert Api(api_by_session(None).http, secret).get("/me").status_code == 200
    assert secret not in repr(database_state())


def test_an_unknown_token_answers_401(client_a, anonymous):
    response = Api(anonymous.http, "hl_00000000_not-a-real-token").get("/me")

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "invalid_token",
        "message": "The API token is unknown, expired or revoked.",
        "fields": {},
    }


def test_an_expired_token_answers_401(client_a):
    api = Api(api_by_session(None).http, make_token(client_a, days=1))
    assert api.get("/me").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = api.get("/me")

    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_a_revoked_token_answers_401(client_a):
    api = api_by_token(client_a)
    token = ApiToken.objects.get(user=client_a)

    assert api.delete(f"/tokens/{token.public_id}").status_code == 200
    response = api.get("/me")

    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_a_token_of_a_deactivated_user_answers_401(client_a):
    api = api_by_token(client_a)
    client_a.is_active = False
    client_a.save(update_fields=["is_active"])

    assert api.get("/me").status_code == 401


def test_a_read_only_token_may_get_but_not_post_and_the_post_changes_nothing(client_a):
    api = api_by_token(client_a, scopes=["read"])
    assert api.get("/payers").status_code == 200
    before = database_state()

    response = api.post("/payers", NEW_PAYER)

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "insufficient_scope",
        "message": "This API token lacks the 'write' scope needed for POST.",
        "fields": {},
    }
    assert database_state() == before


def test_a_write_only_token_may_not_read(client_a):
    api = api_by_token(client_a, scopes=["write"])

    response = api.get("/payers")

    assert response.status_code == 403
    assert error_of(response)["code"] == "insufficient_scope"
    assert api.post("/payers", NEW_PAYER).status_code == 201


def test_a_token_records_when_it_was_last_used(client_a):
    api = api_by_token(client_a)
    assert ApiToken.objects.get(user=client_a).last_used_at is None

    api.get("/me")

    assert ApiToken.objects.get(user=client_a).last_used_at is not None


def test_a_browser_session_may_read_and_write_with_the_csrf_token(client_a):
    api = api_by_session(client_a, enforce_csrf=True)
    api.http.get("/api/v1/docs")  # any page that renders the CSRF token sets its cookie
    csrf = api.http.cookies["csrftoken"].value

    assert api.get("/payers").status_code == 200
    response = api.post("/payers", NEW_PAYER, **{"X-CSRFToken": csrf})

    assert response.status_code == 201


def test_a_browser_session_write_without_the_csrf_token_is_refused_and_changes_nothing(client_a):
    api = api_by_session(client_a, enforce_csrf=True)
    before = database_state()

    response = api.post("/payers", NEW_PAYER)

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "csrf_failed",
        "message": "The CSRF token is missing or wrong; send it in the X-CSRFToken header.",
        "fields": {},
    }
    assert database_state() == before
    assert Payer.objects.filter(client=client_a.client).count() == 1


def test_a_token_call_needs_no_csrf_token(client_a):
    api = api_by_token(client_a)
    api.http = type(api.http)(enforce_csrf_checks=True)

    assert api.post("/payers", NEW_PAYER).status_code == 201


@pytest.mark.parametrize("by", ["token", "session"])
def test_staff_without_two_factor_sign_in_are_refused__ACC_09(db, by):
    """ACC-09: two-factor sign-in is mandatory for staff, for the API too."""
    administrator = make_staff_user("administrator", two_factor=False)
    api = api_by_token(administrator) if by == "token" else api_by_session(administrator)

    response = api.get("/staff/clients")

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "two_factor_required",
        "message": "Staff members must turn on two-factor sign-in before they use the API.",
        "fields": {},
    }


def test_staff_with_two_factor_sign_in_may_call_by_token__ACC_09(db):
    administrator = make_staff_user("administrator")

    assert api_by_token(administrator).get("/staff/clients").status_code == 200


# ----------------------------------------------------------------------------- the token API


def test_a_token_created_from_the_session_shows_its_secret_once(client_a):
    api = api_by_session(client_a)

    response = api.post("/tokens", {"name": "Monitoring", "scopes": ["read"], "days": 30})

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(user=client_a)
    assert body["id"] == token.public_id
    assert body["secret"].startswith(f"hl_{token.prefix}_")
    assert hashlib.sha256(body["secret"].encode()).hexdigest() == token.secret_hash
    assert body["scopes"] == ["read"]
    assert body["is_active"] is True
    assert token.expires_at - token.created_at == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )
    listed = api.get("/tokens").json()
    assert listed["count"] == 1
    assert "secret" not in listed["items"][0]
    assert body["secret"] not in api.get("/tokens").content.decode()
    assert Api(api.http, body["secret"]).get("/me").json()["user"]["email"] == client_a.email


def test_a_token_cannot_create_tokens_and_nothing_is_created(client_a):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/tokens", {"name": "Another", "scopes": ["read", "write"]})

    assert response.status_code == 403
    assert error_of(response)["code"] == "session_required"
    assert database_state() == before


def test_a_token_longer_than_the_provider_allows_is_refused(client_a):
    response = api_by_session(client_a).post(
        "/tokens", {"name": "Long", "scopes": ["read"], "days": 91}
    )

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid_input",
        "message": "days: Between 1 and 90 days.",
        "fields": {"days": "Between 1 and 90 days."},
    }


def test_another_users_token_cannot_be_revoked(client_a, client_b):
    token, _ = actions.api_token_create(user=client_a, name="A's", scopes=["read"])

    response = api_by_token(client_b).delete(f"/tokens/{token.public_id}")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
