"""Fixtures of the API tests: published policies, clients A and B, a read-only trusted user of
A, one staff member per default role with two-factor sign-in on, and tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client as HttpClient
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.accounts.models import Client, User
from hostledger.flows.registration import client_registered
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import policy_publish

API = "/api/v1"
STAFF_ROLES = ("support", "billing", "abuse", "privacy_officer", "administrator")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI application, served in this test's database transaction: Django
    would otherwise close the connection (and lose the transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def policies(db):
    """The terms of service and the privacy policy every registration accepts (ACC-02)."""
    return publish_policies()


def publish_policies() -> dict:
    return {
        "terms": policy_publish(
            kind=PolicyDocument.Kind.TERMS, version="1.0", title="Terms", body="Terms v1"
        ),
        "privacy": policy_publish(
            kind=PolicyDocument.Kind.PRIVACY, version="1.0", title="Privacy", body="Privacy v1"
        ),
    }


def make_user(email: str) -> User:
    """A signed-up user with a verified email address and no client account yet."""
    user = User.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_client_user(email: str, **data) -> User:
    """A registered client, made through the actions (no password: tests sign in directly)."""
    user = make_user(email)
    person = {
        "kind": "natural",
        "first_name": "Jaan",
        "last_name": "Tamm",
        "street": "Pikk 1",
        "city": "Tartu",
        "postal_code": "51003",
        "country": "EE",
        "phone": "+372 5123 4567",
    }
    person.update(data)
    client_registered(
        user=user,
        data=person,
        declared_old_enough=True,
        accepted_policies=True,
        ip_address="192.0.2.1",
    )
    if person.get("phone"):
        # Test clients have confirmed the number they gave, as a free trial needs (CAT-04).
        client = Client.objects.get(owner=user)
        client.phone_confirmed_at = timezone.now()
        client.save(update_fields=["phone_confirmed_at"])
        user.client = client
    return user


def make_staff_user(role: str, *, two_factor: bool = True) -> User:
    actions.staff_roles_ensure_defaults()
    user = actions.staff_user_create(
        actor=None, email=f"{role}@provider.example", full_name=f"Staff {role}", role_slugs=[role]
    )
    if two_factor:
        TOTP.activate(user, generate_totp_secret())
    return user


def make_token(user: User, scopes=("read", "write"), **kwargs) -> str:
    _, secret = actions.api_token_create(user=user, name="tests", scopes=list(scopes), **kwargs)
    return secret


@pytest.fixture
def client_a(policies) -> User:
    return make_client_user(
        "mari@example.com",
        first_name="Mari",
        last_name="Maasikas",
        street="Ahtri 12",
        city="Tallinn",
        postal_code="10151",
        phone="+372 5555 0101",
    )


@pytest.fixture
def client_b(policies) -> User:
    return make_client_user("peeter@example.com", first_name="Peeter", last_name="Puravik")


@pytest.fixture
def trusted_reader(client_a) -> User:
    """A registered client of their own with read-only access to A's account (ACC-06)."""
    user = make_client_user("accountant@example.com", first_name="Anu", last_name="Arvepidaja")
    actions.access_grant_create(
        client=client_a.client, actor=client_a, grantee_email=user.email, scopes=["read_only"]
    )
    return user


@pytest.fixture
def staff(db) -> dict[str, User]:
    return {role: make_staff_user(role) for role in STAFF_ROLES}


@dataclass
class Api:
    """Calls API v1 as one caller: by token, by browser session, or anonymously."""

    http: HttpClient
    token: str | None = None

    def call(self, method: str, path: str, body=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.http, method.lower())(API + path, **kwargs)

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body=None, **headers):
        return self.call("POST", path, body, **headers)

    def patch(self, path, body=None, **headers):
        return self.call("PATCH", path, body, **headers)

    def delete(self, path, **headers):
        return self.call("DELETE", path, **headers)

    def upload(self, path, files: dict, **headers):
        """POST ``files`` (name → uploaded file) as multipart/form-data."""
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.post(API + path, data=files, headers=headers)


def api_by_token(user: User, scopes=("read", "write")) -> Api:
    return Api(HttpClient(), make_token(user, scopes))


def api_by_session(user: User | None, *, enforce_csrf: bool = False) -> Api:
    http = HttpClient(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        http.force_login(user)
    return Api(http)


@pytest.fixture
def anonymous() -> Api:
    return Api(HttpClient())


BOOKKEEPING_FIELDS = frozenset({"last_used_at", "last_login"})
"""Noted on every authenticated call, not by the call's own action: left out of comparisons."""


def database_state() -> dict[str, list[dict]]:
    """Every row of every model, decrypted, by primary key: a denied write leaves it equal."""
    return {
        model._meta.label: [
            {key: value for key, value in row.items() if key not in BOOKKEEPING_FIELDS}
            for row in model._base_manager.order_by("pk").values()
        ]
        for model in apps.get_models(include_auto_created=True)
    }


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    assert isinstance(body["fields"], dict)
    return body


def iso(moment) -> str | None:
    """A datetime as the API writes it."""
    if moment is None:
        return None
    from django.core.serializers.json import DjangoJSONEncoder

    return DjangoJSONEncoder().default(moment)
