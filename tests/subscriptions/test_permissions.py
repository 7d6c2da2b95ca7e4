"""Staff roles that may activate, suspend, resume and terminate services (ORD-02, ACC-11)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from hostledger.accounts import actions
from hostledger.accounts import permissions as perms
from hostledger.accounts.models import StaffRole

pytestmark = pytest.mark.django_db

grant_migration = importlib.import_module(
    "hostledger.subscriptions.migrations.0002_services_manage_permission"
)


def test_support_and_administrators_may_manage_services__ORD_02():
    actions.staff_roles_ensure_defaults()
    holders = {
        role.slug for role in StaffRole.objects.all() if perms.SERVICES_MANAGE in role.permissions
    }
    assert holders == {"support", "administrator"}


def test_existing_roles_are_given_the_permission_once__ORD_02():
    StaffRole.objects.create(slug="support", name="Support", permissions=["clients.view"])
    StaffRole.objects.create(
        slug="administrator", name="Administrator", permissions=["audit.view", "staff.manage"]
    )
    StaffRole.objects.create(slug="billing", name="Billing", permissions=["billing.manage"])

    grant_migration.grant(apps, None)
    grant_migration.grant(apps, None)

    roles = dict(StaffRole.objects.values_list("slug", "permissions"))
    assert roles == {
        "support": ["clients.view", "services.manage"],
        "administrator": ["audit.view", "services.manage", "staff.manage"],
        "billing": ["billing.manage"],
    }
    grant_migration.revoke(apps, None)
    assert StaffRole.objects.get(slug="support").permissions == ["clients.view"]
