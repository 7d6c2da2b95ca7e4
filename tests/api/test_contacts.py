"""Contact persons through the API, with their history (ACC-05) and ownership (habit 6)."""

from __future__ import annotations

import pytest

from hostledger.accounts import actions
from hostledger.accounts.models import Contact
from tests.api.conftest import api_by_token, database_state, error_of, iso

TECHNICAL = {
    "role": "technical",
    "name": "Jaan Tamm",
    "email": "jaan@example.com",
    "phone": "+372 5123 4567",
}


def contact_json(contact: Contact) -> dict:
    return {
        "id": contact.public_id,
        "role": contact.role,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "archived_at": iso(contact.archived_at),
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
    }


@pytest.fixture
def contact(client_a) -> Contact:
    return actions.contact_create(client=client_a.client, actor=client_a, data=TECHNICAL)


def test_a_client_names_a_contact_person__ACC_05(client_a):
    response = api_by_token(client_a).post("/contacts", TECHNICAL)

    assert response.status_code == 201
    contact = Contact.objects.get(public_id=response.json()["id"])
    assert contact.client == client_a.client
    assert response.json() == contact_json(contact)
    assert contact.phone == "+37251234567"


def test_contacts_are_listed_by_role_then_age__ACC_05(client_a, contact):
    abuse = actions.contact_create(
        client=client_a.client,
        actor=client_a,
        data=TECHNICAL | {"role": "abuse", "name": "Abuse desk"},
    )

    response = api_by_token(client_a).get("/contacts")

    assert response.json() == {
        "items": [contact_json(abuse), contact_json(contact)],
        "count": 2,
        "limit": 50,
        "offset": 0,
    }


def test_a_change_to_a_contact_is_kept_in_its_history__ACC_05(client_a, contact):
    api = api_by_token(client_a)
    path = f"/contacts/{contact.public_id}"

    changed = api.patch(path, {"email": "jaan.tamm@example.com"})
    archived = api.post(path + "/archive")
    history = api.get(path + "/history").json()

    assert changed.status_code == 200
    assert changed.json()["email"] == "jaan.tamm@example.com"
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert history["count"] == 3
    assert [
        (v["change"], v["email"], v["archived_at"] is not None, v["changed_by"])
        for v in history["items"]
    ] == [
        ("changed", "jaan.tamm@example.com", True, client_a.public_id),
        ("changed", "jaan.tamm@example.com", False, client_a.public_id),
        ("created", "jaan@example.com", False, client_a.public_id),
    ]
    assert api.get("/contacts").json()["count"] == 0
    assert api.get(path).json()["archived_at"] is not None


def test_an_archived_contact_cannot_be_changed__ACC_05(client_a, contact):
    api = api_by_token(client_a)
    api.post(f"/contacts/{contact.public_id}/archive")
    before = database_state()

    response = api.patch(f"/contacts/{contact.public_id}", {"name": "New name"})

    assert response.status_code == 400
    assert error_of(response)["code"] == "contact_archived"
    assert database_state() == before


def test_a_contact_with_a_bad_email_is_refused__ACC_05(client_a):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/contacts", TECHNICAL | {"email": "not an email"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"email": "Enter a valid email address."}
    assert database_state() == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"name": "Hijacked"}),
        ("POST", "/archive", None),
        ("GET", "/history", None),
    ],
)
def test_another_clients_contact_answers_404_and_is_unchanged__ACC_05(
    client_a, contact, client_b, method, suffix, body
):
    api = api_by_token(client_b)
    before = database_state()

    response = api.call(method, f"/contacts/{contact.public_id}{suffix}", body)

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such contact.", "fields": {}}
    assert database_state() == before


def test_a_read_only_trusted_user_reads_but_cannot_change_contacts__ACC_06(
    client_a, contact, trusted_reader
):
    api = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    assert api.get("/contacts" + acting).json()["count"] == 1
    assert api.get(f"/contacts/{contact.public_id}/history{acting}").json()["count"] == 1
    before = database_state()

    answers = [
        api.post("/contacts" + acting, TECHNICAL),
        api.patch(f"/contacts/{contact.public_id}{acting}", {"name": "Changed"}),
        api.post(f"/contacts/{contact.public_id}/archive{acting}"),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert error_of(answers[0]) == {
        "code": "permission_denied",
        "message": "Only the account owner can do this.",
        "fields": {},
    }
    assert database_state() == before
