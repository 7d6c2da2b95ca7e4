"""Fixtures of the catalog tests: a staff member, families, and a snapshot of catalog rows."""

from __future__ import annotations

import pytest
from django.apps import apps

from hostledger.accounts.models import User
from hostledger.catalog.models import FamilyCode, ProductFamily


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(email="catalog@provider.example", is_staff=True)


@pytest.fixture
def families(db) -> dict[str, ProductFamily]:
    """The eight families created by the data migration, by code."""
    return {family.code: family for family in ProductFamily.objects.all()}


@pytest.fixture
def vps(families) -> ProductFamily:
    return families[FamilyCode.VPS]


@pytest.fixture
def cloud(families) -> ProductFamily:
    return families[FamilyCode.CLOUD]


def catalog_state() -> dict[str, list]:
    """Every row of every catalog model and the audit trail's ids, to show nothing changed."""
    state = {}
    for model in apps.get_app_config("catalog").get_models(include_auto_created=True):
        state[model._meta.label] = list(model._base_manager.order_by("pk").values())
    state["core.AuditEvent"] = list(
        apps.get_model("core", "AuditEvent").objects.order_by("pk").values_list("pk", flat=True)
    )
    return state
