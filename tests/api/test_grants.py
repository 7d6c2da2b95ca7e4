"""Trusted access through the API: granted, listed and revoked by the owner (ACC-06)."""

from __future__ import annotations

from hostledger.accounts.models import AccessGrant
from hostledger.core.models import AuditEvent
from tests.api.conftest import api_by_token, database_state, error_of, iso, make_client_user


def test_the_owner_grants_scoped_access_and_it_is_logged__ACC_06(client_a):
    helper = make_client_user("helper@example.com")

    response = api_by_token(client_a).post(
        "/grants", {"grantee_email": "Helper@Example.com", "scopes": ["billing", "tickets"]}
    )

    assert response.status_code == 201
    grant = AccessGrant.objects.get(public_id=response.json()["id"])
    assert response.json() == {
        "id": grant.public_id,
        "grantee_id": helper.public_id,
        "grantee_email": "helper@example.com",
        "scopes": ["billing", "tickets"],
        "created_at": iso(grant.created_at),
        "revoked_at": None,
    }
    assert (grant.client, grant.grantee, grant.created_by) == (client_a.client, helper, client_a)
    event = AuditEvent.objects.get(action="access_grant.created")
    assert event.data == {"grantee": helper.public_id, "scopes": ["billing", "tickets"]}
    accounts = api_by_token(helper).get("/me").json()["accounts"]
    assert [(a["id"], a["scopes"]) for a in accounts] == [
        (helper.client.public_id, ["owner"]),
        (client_a.client.public_id, ["billing", "tickets"]),
    ]


def test_a_grant_to_an_unknown_email_is_refused__ACC_06(client_a):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/grants", {"grantee_email": "nobody@example.com", "scopes": ["billing"]})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "grantee_email": "No other registered user has this email address."
    }
    assert database_state() == before


def test_read_only_cannot_be_combined_with_other_scopes__ACC_06(client_a, trusted_reader):
    make_client_user("helper@example.com")

    response = api_by_token(client_a).post(
        "/grants", {"grantee_email": "helper@example.com", "scopes": ["read_only", "billing"]}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "scopes": "read_only cannot be combined with other scopes."
    }


def test_the_owner_lists_and_revokes_grants_and_access_ends_at_once__ACC_06(
    client_a, trusted_reader
):
    owner = api_by_token(client_a)
    reader = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    grant = AccessGrant.objects.get(grantee=trusted_reader)
    assert reader.get("/payers" + acting).status_code == 200
    assert [item["id"] for item in owner.get("/grants").json()["items"]] == [grant.public_id]

    response = owner.post(f"/grants/{grant.public_id}/revoke")

    assert response.status_code == 200
    grant.refresh_from_db()
    assert response.json()["revoked_at"] == iso(grant.revoked_at)
    assert grant.revoked_by == client_a
    assert reader.get("/payers" + acting).status_code == 404
    assert owner.get("/grants").json()["items"][0]["revoked_at"] is not None


def test_a_trusted_user_cannot_see_or_manage_the_grants_of_the_account__ACC_06(
    client_a, trusted_reader
):
    api = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    grant = AccessGrant.objects.get(grantee=trusted_reader)
    before = database_state()

    listed = api.get("/grants" + acting)
    granted = api.post("/grants" + acting, {"grantee_email": client_a.email, "scopes": ["billing"]})
    revoked = api.post(f"/grants/{grant.public_id}/revoke{acting}")

    assert (listed.status_code, granted.status_code, revoked.status_code) == (403, 403, 404)
    assert error_of(listed)["code"] == "permission_denied"
    assert error_of(revoked) == {
        "code": "not_found",
        "message": "No such access grant.",
        "fields": {},
    }
    assert database_state() == before


def test_another_clients_grant_answers_404_and_stays__ACC_06(client_a, trusted_reader, client_b):
    grant = AccessGrant.objects.get(grantee=trusted_reader)
    api = api_by_token(client_b)
    before = database_state()

    response = api.post(f"/grants/{grant.public_id}/revoke")

    assert response.status_code == 404
    assert database_state() == before
