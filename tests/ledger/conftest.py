"""Fixtures of the ledger tests: staff, clients and a way to make more of them."""

from __future__ import annotations

import itertools

import pytest

from hostledger.accounts.models import Client, User

_numbers = itertools.count(1)


def new_client(**overrides) -> Client:
    """A natural-person client in Estonia with an owner of its own."""
    number = next(_numbers)
    owner = User.objects.create_user(f"client{number}@example.com", None)
    fields = {
        "owner": owner,
        "kind": "natural",
        "first_name": "Mari",
        "last_name": f"Tamm {number}",
        "country": "EE",
    }
    fields.update(overrides)
    return Client.objects.create(**fields)


@pytest.fixture
def staff(db):
    return User.objects.create_user("billing@example.com", None, is_staff=True)


@pytest.fixture
def client_record(db):
    return new_client()


@pytest.fixture
def make_client(db):
    return new_client
