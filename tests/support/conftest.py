"""Fixtures of the support tests: clients A and B of the web tests, a trusted user of A with
the tickets scope, staff of the default roles, and files of known types."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from hostledger.accounts import actions as account_actions
from hostledger.support.actions import AttachmentUpload
from hostledger.support.models import Department
from tests.web.conftest import (  # noqa: F401  (fixtures)
    client_a,
    client_b,
    make_client_user,
    make_staff_user,
    owner_a,
    owner_b,
    policies,
    staff,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_upload(name: str = "screenshot.png") -> AttachmentUpload:
    return AttachmentUpload(file_name=name, data=PNG, claimed_type="image/png")


@pytest.fixture
def support_department(db) -> Department:
    ensure_default_departments()
    return Department.objects.get(slug="support")


@pytest.fixture
def billing_department(db) -> Department:
    ensure_default_departments()
    return Department.objects.get(slug="billing")


@pytest.fixture
def agent(db):
    """A staff member of the support role (tickets.answer)."""
    return make_staff_user("support")


@pytest.fixture
def administrator(db):
    return make_staff_user("administrator")


@pytest.fixture
def tickets_user(client_a, owner_a, policies):  # noqa: F811
    """A registered user with the tickets scope on A's account (ACC-06)."""
    user = make_client_user("tom@example.com", first_name="Tom", last_name="Abi")
    account_actions.access_grant_create(
        client=client_a, actor=owner_a, grantee_email=user.email, scopes=["tickets"]
    )
    return user


def ensure_default_departments() -> None:
    """The departments of the data migration, again: a test on a real transaction empties
    the tables when it ends, migration data included."""
    migration = importlib.import_module(
        "hostledger.support.migrations.0002_default_departments_and_permissions"
    )
    migration.create(django_apps, None)


@pytest.fixture
def default_departments(transactional_db):
    ensure_default_departments()
