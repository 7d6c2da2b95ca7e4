"""Trusted entities: scoped access of another registered user to a client's account (ACC-06)."""

from __future__ import annotations

import pytest

from hostledger.accounts import actions
from hostledger.accounts.models import AccessGrant, User
from hostledger.accounts.selectors import OWNER, accessible_clients, client_access
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.models import AuditEvent
from tests.accounts.conftest import make_client_user


@pytest.fixture
def grantee(policies) -> User:
    return make_client_user("accountant@example.com")


def _grant_state() -> list[tuple]:
    return list(
        AccessGrant.objects.order_by("id").values_list(
            "client_id", "grantee_id", "scopes", "revoked_at"
        )
    )


def test_owner_grants_scoped_access_and_it_is_logged__ACC_06(owner, owner_client, grantee):
    grant = actions.access_grant_create(
        client=owner_client,
        actor=owner,
        grantee_email=" Accountant@Example.com ",
        scopes=["tickets", "billing", "billing"],
    )

    assert grant.grantee == grantee
    assert grant.scopes == ["billing", "tickets"]
    assert grant.created_by == owner
    assert grant.revoked_at is None
    event = AuditEvent.objects.get(action="access_grant.created")
    assert event.actor_id == owner.pk
    assert event.object_type == "accounts.AccessGrant"
    assert event.object_id == grant.public_id
    assert event.subject_client_id == owner_client.pk
    assert event.data == {"grantee": grantee.public_id, "scopes": ["billing", "tickets"]}


def test_grantee_sees_the_client_with_its_scopes__ACC_06(owner, owner_client, grantee):
    actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["billing"]
    )

    assert accessible_clients(grantee) == [
        (grantee.client, frozenset({OWNER})),
        (owner_client, frozenset({"billing"})),
    ]
    access = client_access(grantee, owner_client.public_id)
    assert access.is_owner is False
    assert access.can_write("billing") is True
    assert access.can_write("services") is False
    assert access.can_write("tickets") is False
    assert [payer.public_id for payer in access.payers()] == [owner_client.payers.get().public_id]
    with pytest.raises(PermissionDenied):
        access.require_write("services")
    with pytest.raises(PermissionDenied):
        access.require_owner()
    with pytest.raises(PermissionDenied):
        access.grants()


def test_read_only_access_never_writes__ACC_06(owner, owner_client, grantee):
    grant = actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["read_only"]
    )

    access = client_access(grantee, owner_client.public_id)
    assert access.scopes == frozenset({"read_only"})
    for area in ("billing", "services", "tickets", "read_only"):
        assert access.can_write(area) is False
    with pytest.raises(NotFound):
        access.grant(grant.public_id)


def test_read_only_cannot_be_combined__ACC_06(owner, owner_client, grantee):
    with pytest.raises(DomainError) as refused:
        actions.access_grant_create(
            client=owner_client,
            actor=owner,
            grantee_email=grantee.email,
            scopes=["read_only", "billing"],
        )

    assert set(refused.value.fields) == {"scopes"}
    assert _grant_state() == []
    assert not AuditEvent.objects.filter(action="access_grant.created").exists()


@pytest.mark.parametrize("scopes", [[], None, ["admin"], ["billing", "everything"]])
def test_unknown_or_missing_scopes_are_refused__ACC_06(owner, owner_client, grantee, scopes):
    with pytest.raises(DomainError) as refused:
        actions.access_grant_create(
            client=owner_client, actor=owner, grantee_email=grantee.email, scopes=scopes
        )

    assert set(refused.value.fields) == {"scopes"}
    assert _grant_state() == []
    assert not AuditEvent.objects.filter(action="access_grant.created").exists()


def test_grant_needs_another_registered_user__ACC_06(owner, owner_client, policies):
    staff = actions.staff_user_create(
        actor=None, email="support@provider.example", full_name="Support", role_slugs=[]
    )
    unverified = make_client_user("unverified@example.com", verified=False)
    inactive = make_client_user("gone@example.com")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    for email in (
        "nobody@example.com",
        owner.email,
        staff.email,
        unverified.email,
        inactive.email,
        "",
    ):
        with pytest.raises(DomainError) as refused:
            actions.access_grant_create(
                client=owner_client, actor=owner, grantee_email=email, scopes=["tickets"]
            )
        assert set(refused.value.fields) == {"grantee_email"}, email

    assert _grant_state() == []
    assert not AuditEvent.objects.filter(action="access_grant.created").exists()


def test_one_active_grant_per_grantee__ACC_06(owner, owner_client, grantee):
    actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["tickets"]
    )
    before = _grant_state()

    with pytest.raises(DomainError) as refused:
        actions.access_grant_create(
            client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["billing"]
        )

    assert refused.value.code == "duplicate_grant"
    assert _grant_state() == before
    assert AuditEvent.objects.filter(action="access_grant.created").count() == 1


def test_revoke_ends_access_and_is_logged__ACC_06(owner, owner_client, grantee):
    grant = actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["services"]
    )

    actions.access_grant_revoke(grant=grant, actor=owner)

    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert grant.revoked_by == owner
    assert accessible_clients(grantee) == [(grantee.client, frozenset({OWNER}))]
    with pytest.raises(NotFound):
        client_access(grantee, owner_client.public_id)
    event = AuditEvent.objects.get(action="access_grant.revoked")
    assert event.actor_id == owner.pk
    assert event.object_id == grant.public_id
    assert event.subject_client_id == owner_client.pk
    assert event.data == {"grantee": grantee.public_id}
    assert client_access(owner).grant(grant.public_id) == grant


def test_revoking_twice_is_logged_once__ACC_06(owner, owner_client, grantee):
    grant = actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["services"]
    )
    actions.access_grant_revoke(grant=grant, actor=owner)
    revoked_at = AccessGrant.objects.get(pk=grant.pk).revoked_at

    actions.access_grant_revoke(grant=AccessGrant.objects.get(pk=grant.pk), actor=owner)

    assert AccessGrant.objects.get(pk=grant.pk).revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="access_grant.revoked").count() == 1


def test_access_can_be_granted_again_after_revoke__ACC_06(owner, owner_client, grantee):
    first = actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["services"]
    )
    actions.access_grant_revoke(grant=first, actor=owner)

    second = actions.access_grant_create(
        client=owner_client, actor=owner, grantee_email=grantee.email, scopes=["read_only"]
    )

    assert second.pk != first.pk
    assert client_access(grantee, owner_client.public_id).scopes == frozenset({"read_only"})
    assert [grant.public_id for grant in client_access(owner).grants()] == [
        second.public_id,
        first.public_id,
    ]
