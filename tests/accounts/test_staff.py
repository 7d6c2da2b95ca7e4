"""Staff roles and permissions; every change is recorded and mailed to the responsible
personnel (ACC-11)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from hostledger.accounts import actions
from hostledger.accounts import permissions as perms
from hostledger.accounts.models import StaffRole, User
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from tests.accounts.conftest import PASSWORD, make_client_user
from tests.queued_tasks import run_queued_tasks

RESPONSIBLE = "dpo@provider.example"


@pytest.fixture
def responsible(db):
    provider_setting_change(key="accounts.responsible_personnel_email", raw_value=RESPONSIBLE)
    actions.staff_roles_ensure_defaults()
    return RESPONSIBLE


@pytest.fixture
def admin(responsible, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = actions.staff_user_create(
            actor=None,
            email="admin@provider.example",
            full_name="Ada Admin",
            role_slugs=["administrator"],
        )
    run_queued_tasks()
    mail.outbox.clear()
    return user


def _staff_state(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        sorted(user.staff_roles.values_list("slug", flat=True)),
        user.extra_permissions,
        user.is_active,
    )


def test_default_roles_exist__ACC_11(db):
    actions.staff_roles_ensure_defaults()

    roles = {role.slug: (role.name, role.permissions) for role in StaffRole.objects.all()}
    assert roles == {
        "support": (
            "Support",
            [
                "clients.view",
                "clients.view_personal_data",
                "clients.view_as",
                "services.manage",
                "tickets.answer",
                "knowledge.manage",
            ],
        ),
        "billing": (
            "Billing",
            [
                "clients.view",
                "clients.view_personal_data",
                "billing.manage",
                "jobs.view",
                "tickets.answer",
                "reports.view",
            ],
        ),
        "abuse": ("Abuse", ["clients.view", "abuse.manage"]),
        "privacy_officer": (
            "Privacy officer",
            [
                "clients.view",
                "clients.view_personal_data",
                "clients.edit",
                "privacy.manage",
                "audit.view",
            ],
        ),
        "administrator": ("Administrator", sorted(perms.ALL_PERMISSIONS)),
    }


def test_ensuring_defaults_again_keeps_edited_roles__ACC_11(db):
    actions.staff_roles_ensure_defaults()
    StaffRole.objects.filter(slug="support").update(permissions=["clients.view"])

    actions.staff_roles_ensure_defaults()

    assert StaffRole.objects.count() == 5
    assert StaffRole.objects.get(slug="support").permissions == ["clients.view"]


def test_staff_user_create_is_recorded_and_mailed_once__ACC_11(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = actions.staff_user_create(
            actor=admin,
            email="Tiina@Provider.example",
            full_name="Tiina Tugi",
            role_slugs=["support", "billing"],
            password=PASSWORD,
            extra_permissions=["audit.view"],
        )

    assert user.email == "tiina@provider.example"
    assert user.is_staff is True
    assert user.check_password(PASSWORD)
    assert _staff_state(user) == (["billing", "support"], ["audit.view"], True)
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).count() == 1
    event = AuditEvent.objects.get(action="staff.created", object_id=user.public_id)
    assert event.actor_id == admin.pk
    assert event.data == {"roles": ["billing", "support"], "extra_permissions": ["audit.view"]}
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == [RESPONSIBLE]
    assert message.subject == "[HostLedger] Staff user tiina@provider.example created"
    assert "Roles: billing, support" in message.body
    assert "Extra permissions: audit.view" in message.body
    assert "Changed by: admin@provider.example" in message.body
    assert PASSWORD not in message.body


def test_staff_user_without_password_cannot_sign_in_with_one__ACC_11(admin):
    assert admin.has_usable_password() is False


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"role_slugs": ["support", "owner"]}, "roles"),
        ({"role_slugs": ["support"], "extra_permissions": ["clients.delete"]}, "permissions"),
        ({"role_slugs": [], "email": "not an email"}, "email"),
        ({"role_slugs": [], "email": "admin@provider.example"}, "email"),
        ({"role_slugs": [], "full_name": ""}, "full_name"),
    ],
)
def test_invalid_staff_user_is_refused_naming_the_field__ACC_11(
    admin, django_capture_on_commit_callbacks, arguments, field
):
    users = User.objects.count()
    events = AuditEvent.objects.count()
    values = {"email": "new@provider.example", "full_name": "New Person", **arguments}

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        actions.staff_user_create(actor=admin, **values)

    assert set(refused.value.fields) == {field}
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    run_queued_tasks()
    assert mail.outbox == []


def test_access_change_is_recorded_and_mailed_once__ACC_11(
    admin, django_capture_on_commit_callbacks
):
    member = actions.staff_user_create(
        actor=admin, email="tugi@provider.example", full_name="Tugi", role_slugs=["support"]
    )
    assert perms.permissions_of(member) == {
        "clients.view",
        "clients.view_personal_data",
        "clients.view_as",
        "services.manage",
        "tickets.answer",
        "knowledge.manage",
    }
    run_queued_tasks()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.staff_user_access_change(
            actor=admin, staff_user=member, role_slugs=["abuse"], extra_permissions=["jobs.view"]
        )

    assert _staff_state(member) == (["abuse"], ["jobs.view"], True)
    assert perms.permissions_of(member) == {"clients.view", "abuse.manage", "jobs.view"}
    event = AuditEvent.objects.get(action="staff.access_changed")
    assert event.actor_id == admin.pk
    assert event.object_id == member.public_id
    assert event.data == {
        "before": {"roles": ["support"], "extra_permissions": [], "is_active": True},
        "after": {"roles": ["abuse"], "extra_permissions": ["jobs.view"], "is_active": True},
    }
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == [RESPONSIBLE]
    assert message.subject == "[HostLedger] Staff access of tugi@provider.example changed"


def test_deactivation_is_recorded_and_mailed__ACC_11(admin, django_capture_on_commit_callbacks):
    member = actions.staff_user_create(
        actor=admin, email="tugi@provider.example", full_name="Tugi", role_slugs=["support"]
    )
    run_queued_tasks()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.staff_user_access_change(actor=admin, staff_user=member, is_active=False)

    assert _staff_state(member) == (["support"], [], False)
    assert perms.permissions_of(User.objects.get(pk=member.pk)) == set()
    assert AuditEvent.objects.get(action="staff.access_changed").data["after"]["is_active"] is False
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_access_change_without_a_difference_is_silent__ACC_11(
    admin, django_capture_on_commit_callbacks
):
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        actions.staff_user_access_change(
            actor=admin, staff_user=admin, role_slugs=["administrator"], is_active=True
        )

    assert AuditEvent.objects.count() == events
    run_queued_tasks()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"role_slugs": ["abuse", "janitor"]}, "roles"),
        ({"extra_permissions": ["jobs.view", "money.print"]}, "permissions"),
        ({"role_slugs": ["abuse"], "is_active": False}, "is_active"),
    ],
)
def test_refused_access_change_changes_nothing__ACC_11(
    admin, django_capture_on_commit_callbacks, arguments, field
):
    before = _staff_state(admin)
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        actions.staff_user_access_change(actor=admin, staff_user=admin, **arguments)

    assert set(refused.value.fields) == {field}
    assert _staff_state(admin) == before
    assert AuditEvent.objects.count() == events
    run_queued_tasks()
    assert mail.outbox == []


def test_access_change_of_a_client_user_is_refused__ACC_11(admin, policies):
    client_user = make_client_user("mari@example.com")

    with pytest.raises(DomainError) as refused:
        actions.staff_user_access_change(actor=admin, staff_user=client_user, role_slugs=["abuse"])

    assert refused.value.code == "not_staff"
    assert list(client_user.staff_roles.all()) == []
    assert User.objects.get(pk=client_user.pk).is_staff is False


def test_role_change_is_recorded_and_mailed_once__ACC_11(admin, django_capture_on_commit_callbacks):
    role = StaffRole.objects.get(slug="abuse")

    with django_capture_on_commit_callbacks(execute=True):
        actions.staff_role_change(
            actor=admin, role=role, permissions=["abuse.manage", "clients.view", "jobs.view"]
        )

    role.refresh_from_db()
    assert role.permissions == ["abuse.manage", "clients.view", "jobs.view"]
    event = AuditEvent.objects.get(action="staff.role_changed")
    assert event.data == {
        "role": "abuse",
        "before": ["abuse.manage", "clients.view"],
        "after": ["abuse.manage", "clients.view", "jobs.view"],
    }
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == [RESPONSIBLE]
    assert message.subject == "[HostLedger] Staff role Abuse changed"


def test_role_change_with_an_unknown_permission_changes_nothing__ACC_11(
    admin, django_capture_on_commit_callbacks
):
    role = StaffRole.objects.get(slug="abuse")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        actions.staff_role_change(actor=admin, role=role, permissions=["abuse.manage", "root"])

    assert set(refused.value.fields) == {"permissions"}
    assert StaffRole.objects.get(slug="abuse").permissions == ["clients.view", "abuse.manage"]
    assert not AuditEvent.objects.filter(action="staff.role_changed").exists()
    run_queued_tasks()
    assert mail.outbox == []


def test_permissions_are_the_union_of_roles_and_extras__ACC_11(admin):
    member = actions.staff_user_create(
        actor=admin,
        email="mix@provider.example",
        full_name="Mix",
        role_slugs=["abuse", "support"],
        extra_permissions=["jobs.run"],
    )

    assert perms.permissions_of(User.objects.get(pk=member.pk)) == {
        "clients.view",
        "clients.view_personal_data",
        "clients.view_as",
        "services.manage",
        "tickets.answer",
        "knowledge.manage",
        "abuse.manage",
        "jobs.run",
    }
    assert perms.has_permission(member, "jobs.run") is True
    assert perms.has_permission(member, "billing.manage") is False
    assert perms.permissions_of(admin) == set(perms.ALL_PERMISSIONS)


def test_client_users_hold_no_staff_permissions__ACC_11(policies):
    client_user = make_client_user("mari@example.com")
    client_user.extra_permissions = ["staff.manage"]
    client_user.save(update_fields=["extra_permissions"])

    assert perms.permissions_of(client_user) == set()
    assert perms.has_permission(client_user, "staff.manage") is False
