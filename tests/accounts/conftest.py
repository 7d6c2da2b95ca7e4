"""Fixtures of the accounts tests: published policies, registration input, signed-up clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache

from hostledger.accounts.models import Client, User
from hostledger.flows.registration import client_registered
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import policy_publish

PASSWORD = "Tallinn harbour 2024 wind"
"""A password every validator accepts; ACC-07 tests search for it everywhere."""

SIGNUP_IP = "198.51.100.23"

POLICIES_PUBLISHED_AT = datetime(2025, 1, 1, tzinfo=UTC)


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id as configured in production, with the cost lowered so that the hundreds of
    hashes of these tests stay fast. The hashes read ``argon2$argon2id$…`` all the same."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def _light_argon2(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.conftest.LightArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps used TOTP codes and ID-token ids in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def policies(db):
    """Version 1.0 of the terms of service and of the privacy policy, in force since 2025."""
    return {
        kind: policy_publish(
            kind=kind,
            version="1.0",
            title=f"{kind} 1.0",
            body=f"{kind} v1",
            published_at=POLICIES_PUBLISHED_AT,
        )
        for kind in (PolicyDocument.Kind.TERMS, PolicyDocument.Kind.PRIVACY)
    }


def natural_signup(**overrides) -> dict:
    """The sign-up POST of a natural person (ACC-01)."""
    data = {
        "email": "mari.maasikas@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "kind": "natural",
        "first_name": "Mari",
        "last_name": "Maasikas",
        "company_name": "",
        "registry_code": "",
        "vat_number": "",
        "street": "Ahtri 12",
        "city": "Tallinn",
        "postal_code": "10151",
        "country": "EE",
        "phone": "+372 5555 0101",
        "age_declaration": "on",
        "accept_policies": "on",
    }
    data.update(overrides)
    return data


def legal_signup(**overrides) -> dict:
    """The sign-up POST of a legal person (ACC-01)."""
    data = natural_signup(
        email="billing@pilvepood.example",
        kind="legal",
        first_name="",
        last_name="",
        company_name="Pilvepood OÜ",
        registry_code="12345678",
        vat_number="EE102329731",
        street="Narva mnt 5",
        postal_code="10117",
        phone="",
    )
    data.update(overrides)
    return data


def drop_empty(data: dict) -> dict:
    """A browser leaves unticked checkboxes out of the POST."""
    return {key: value for key, value in data.items() if value != "" or key == "vat_number"}


def table_counts() -> dict[str, int]:
    """The number of rows of every model of every installed app."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def make_client_user(
    email: str = "owner@example.com",
    *,
    password: str = PASSWORD,
    kind: str = "natural",
    verified: bool = True,
    **data,
) -> User:
    """A signed-up client with a verified email address, made through the actions."""
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    person = {
        "kind": kind,
        "first_name": "Jaan",
        "last_name": "Tamm",
        "company_name": "Tamme Talu OÜ" if kind == "legal" else "",
        "registry_code": "87654321" if kind == "legal" else "",
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
    return user


@pytest.fixture
def owner(policies) -> User:
    return make_client_user("owner@example.com")


@pytest.fixture
def owner_client(owner) -> Client:
    return owner.client
