"""Staff endpoints: client look-up with audited personal-data reads (GDPR-12), staff users and
roles under explicit permissions (ACC-11)."""

from __future__ import annotations

import pytest
from django.core import mail

from hostledger.accounts.models import StaffRole, User
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from tests.api.conftest import api_by_token, database_state, error_of, iso
from tests.queued_tasks import run_queued_tasks


def settle_setup_notices() -> None:
    """Send the notices of the staff the fixtures created, so each test sees its own."""
    run_queued_tasks()
    mail.outbox.clear()


@pytest.fixture
def administrator(staff) -> User:
    return staff["administrator"]


def test_staff_find_clients_without_seeing_personal_data__GDPR_12(client_a, client_b, staff):
    api = api_by_token(staff["support"])

    everyone = api.get("/staff/clients").json()
    by_email = api.post("/staff/clients/search", {"q": "MARI@example.com"}).json()
    by_phone = api.post("/staff/clients/search", {"q": "+372 5555 0101"}).json()

    account = client_a.client
    summary = {
        "id": account.public_id,
        "kind": "natural",
        "country": "EE",
        "created_at": iso(account.created_at),
    }
    assert everyone["count"] == 2
    assert [item["id"] for item in everyone["items"]] == [
        client_b.client.public_id,
        account.public_id,
    ]
    assert by_email == {"items": [summary], "count": 1, "limit": 50, "offset": 0}
    assert by_phone["items"] == [summary]
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_READ).exists()


def test_a_search_in_the_url_is_refused__GDPR_08(client_a, staff):
    api = api_by_token(staff["support"])

    response = api.get("/staff/clients?q=MARI@example.com")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "q": "send the search in the body of POST /api/v1/staff/clients/search"
    }


def test_search_pages_are_asked_in_the_body__GDPR_08(client_a, client_b, staff):
    api = api_by_token(staff["support"])

    second = api.post("/staff/clients/search", {"q": "", "limit": 1, "offset": 1}).json()
    unknown = api.post("/staff/clients/search", {"q": "", "page": 2})

    assert second["count"] == 2 and (second["limit"], second["offset"]) == (1, 1)
    assert [item["id"] for item in second["items"]] == [client_a.client.public_id]
    assert unknown.status_code == 400


def test_a_personal_data_read_by_staff_is_recorded__GDPR_12(client_a, staff):
    support = staff["support"]
    account = client_a.client

    response = api_by_token(support).get(f"/staff/clients/{account.public_id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": account.public_id,
        "kind": "natural",
        "country": "EE",
        "created_at": iso(account.created_at),
        "personal_data": {
            "owner_email": "mari@example.com",
            "first_name": "Mari",
            "last_name": "Maasikas",
            "company_name": "",
            "registry_code": "",
            "vat_number": "",
            "street": "Ahtri 12",
            "city": "Tallinn",
            "postal_code": "10151",
            "phone": "+37255550101",
        },
    }
    read = AuditEvent.objects.get(action=PERSONAL_DATA_READ)
    assert (read.actor_id, read.subject_client_id, read.data) == (
        support.pk,
        account.pk,
        {"what": "client profile (API)"},
    )
    assert read.request_id == response["X-Request-ID"]


def test_staff_without_the_personal_data_permission_see_no_personal_data__GDPR_12(client_a, staff):
    response = api_by_token(staff["abuse"]).get(f"/staff/clients/{client_a.client.public_id}")

    assert response.status_code == 200
    assert response.json()["personal_data"] is None
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_READ).exists()


def test_an_unknown_client_answers_404_to_staff(staff, db):
    response = api_by_token(staff["support"]).get("/staff/clients/cli_0000000000000000")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such client.", "fields": {}}


def test_clients_cannot_use_the_staff_endpoints__ACC_11(client_a):
    api = api_by_token(client_a)

    answers = [
        api.get("/staff/clients"),
        api.get(f"/staff/clients/{client_a.client.public_id}"),
        api.get("/staff/users"),
        api.get("/staff/roles"),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_READ).exists()


def test_an_administrator_creates_a_staff_user_and_the_change_is_mailed__ACC_11(
    administrator, django_capture_on_commit_callbacks
):
    settle_setup_notices()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_by_token(administrator).post(
            "/staff/users",
            {
                "email": "Anna@Provider.example",
                "full_name": "Anna Kask",
                "roles": ["support", "billing"],
            },
        )

    assert response.status_code == 201
    anna = User.objects.get(email="anna@provider.example")
    assert response.json() == {
        "id": anna.public_id,
        "email": "anna@provider.example",
        "full_name": "Anna Kask",
        "is_active": True,
        "roles": ["billing", "support"],
        "extra_permissions": [],
    }
    assert anna.is_staff and not anna.has_usable_password()
    run_queued_tasks()
    assert [message.subject for message in mail.outbox] == [
        "[HostLedger] Staff user anna@provider.example created"
    ]
    assert "Changed by: administrator@provider.example" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="staff.created", actor_id=administrator.pk).exists()


def test_an_administrator_changes_a_staff_members_access__ACC_11(
    administrator, staff, django_capture_on_commit_callbacks
):
    settle_setup_notices()
    support = staff["support"]
    api = api_by_token(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"/staff/users/{support.public_id}",
            {"roles": ["abuse"], "extra_permissions": ["audit.view"]},
        )

    assert response.status_code == 200
    assert (response.json()["roles"], response.json()["extra_permissions"]) == (
        ["abuse"],
        ["audit.view"],
    )
    run_queued_tasks()
    assert [message.subject for message in mail.outbox] == [
        "[HostLedger] Staff access of support@provider.example changed"
    ]
    listed = {item["email"]: item for item in api.get("/staff/users").json()["items"]}
    assert listed["support@provider.example"]["roles"] == ["abuse"]


def test_an_administrator_cannot_deactivate_themselves__ACC_11(administrator):
    api = api_by_token(administrator)
    before = database_state()

    response = api.patch(f"/staff/users/{administrator.public_id}", {"is_active": False})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"is_active": "You cannot deactivate yourself."}
    assert database_state() == before


def test_a_client_user_is_not_a_staff_member_to_change(administrator, client_a):
    response = api_by_token(administrator).patch(
        f"/staff/users/{client_a.public_id}", {"is_active": False}
    )

    assert response.status_code == 404
    client_a.refresh_from_db()
    assert client_a.is_active


def test_an_administrator_changes_what_a_role_grants__ACC_11(
    administrator, staff, django_capture_on_commit_callbacks
):
    settle_setup_notices()
    api = api_by_token(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch("/staff/roles/abuse", {"permissions": ["clients.view"]})

    assert response.status_code == 200
    assert response.json() == {"slug": "abuse", "name": "Abuse", "permissions": ["clients.view"]}
    assert StaffRole.objects.get(slug="abuse").permissions == ["clients.view"]
    run_queued_tasks()
    assert [message.subject for message in mail.outbox] == ["[HostLedger] Staff role Abuse changed"]
    roles = api.get("/staff/roles").json()
    assert [role["slug"] for role in roles["items"]] == [
        "abuse",
        "administrator",
        "billing",
        "privacy_officer",
        "support",
    ]


def test_an_unknown_permission_code_is_refused(administrator):
    api = api_by_token(administrator)
    before = database_state()

    response = api.patch("/staff/roles/abuse", {"permissions": ["clients.delete_everything"]})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["permissions.0"]
    assert database_state() == before


def test_an_unknown_role_answers_404(administrator):
    response = api_by_token(administrator).patch("/staff/roles/janitor", {"permissions": []})

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["support", "billing", "abuse", "privacy_officer"])
def test_only_staff_managers_manage_staff_and_a_refusal_changes_nothing__ACC_11(staff, role):
    settle_setup_notices()
    api = api_by_token(staff[role])
    before = database_state()

    answers = [
        api.post(
            "/staff/users",
            {"email": "x@provider.example", "full_name": "X", "roles": ["administrator"]},
        ),
        api.patch(f"/staff/users/{staff[role].public_id}", {"roles": ["administrator"]}),
        api.patch(f"/staff/roles/{role}", {"permissions": ["staff.manage"]}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert database_state() == before
    run_queued_tasks()
    assert mail.outbox == []
