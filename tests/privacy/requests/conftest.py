"""Fixtures of the privacy tests: published policies, a client and a privacy officer."""

from __future__ import annotations

import pytest

from tests.api.conftest import make_client_user, make_staff_user, publish_policies


@pytest.fixture
def policies(db):
    return publish_policies()


@pytest.fixture
def owner(policies):
    return make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")


@pytest.fixture
def officer(db):
    return make_staff_user("privacy_officer")
