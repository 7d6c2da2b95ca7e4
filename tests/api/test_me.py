"""The caller's own account: profile (GDPR-03), sign-in history (ACC-08)."""

from __future__ import annotations

from hostledger.accounts import actions
from hostledger.accounts.models import Client
from hostledger.core.models import AuditEvent
from tests.api.conftest import api_by_token, database_state, error_of, iso, make_user


def test_me_shows_the_user_their_profile_and_accounts(client_a):
    account = client_a.client

    response = api_by_token(client_a).get("/me")

    assert response.status_code == 200
    assert response.json() == {
        "user": {
            "id": client_a.public_id,
            "email": "mari@example.com",
            "full_name": "Mari Maasikas",
            "preferred_language": "en",
            "is_staff": False,
        },
        "client": {
            "id": account.public_id,
            "kind": "natural",
            "first_name": "Mari",
            "last_name": "Maasikas",
            "company_name": "",
            "registry_code": "",
            "vat_number": "",
            "street": "Ahtri 12",
            "city": "Tallinn",
            "postal_code": "10151",
            "country": "EE",
            "phone": "+37255550101",
            "phone_confirmed_at": iso(account.phone_confirmed_at),
            "created_at": iso(account.created_at),
        },
        "accounts": [
            {
                "id": account.public_id,
                "display_name": "Mari Maasikas",
                "is_owner": True,
                "scopes": ["owner"],
            }
        ],
    }


def test_me_lists_the_accounts_granted_to_a_trusted_user__ACC_06(client_a, trusted_reader):
    accounts = api_by_token(trusted_reader).get("/me").json()["accounts"]

    assert accounts == [
        {
            "id": trusted_reader.client.public_id,
            "display_name": "Anu Arvepidaja",
            "is_owner": True,
            "scopes": ["owner"],
        },
        {
            "id": client_a.client.public_id,
            "display_name": "Mari Maasikas",
            "is_owner": False,
            "scopes": ["read_only"],
        },
    ]


def test_a_client_rectifies_their_own_data__GDPR_03(client_a):
    response = api_by_token(client_a).patch("/me", {"street": "Pikk 7", "phone": "+372 5555 0202"})

    assert response.status_code == 200
    assert response.json()["client"]["street"] == "Pikk 7"
    assert response.json()["client"]["phone"] == "+37255550202"
    account = Client.objects.get(pk=client_a.client.pk)
    assert (account.street, account.phone, account.city) == ("Pikk 7", "+37255550202", "Tallinn")
    latest = account.history.order_by("-history_date").first()
    assert latest.history_user_id == client_a.pk
    event = AuditEvent.objects.filter(action="client.updated").get()
    assert event.actor_id == client_a.pk
    assert event.data == {"fields": ["street", "phone"]}


def test_a_rectification_with_a_bad_field_changes_nothing__GDPR_03(client_a):
    api = api_by_token(client_a)
    before = database_state()

    response = api.patch("/me", {"street": "Pikk 7", "phone": "12"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"phone": "This is not a possible phone number."}
    assert database_state() == before


def test_the_kind_of_person_cannot_be_changed_through_the_profile(client_a):
    response = api_by_token(client_a).patch("/me", {"kind": "legal"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"kind": "Unknown field."}


def test_a_user_without_a_client_account_of_their_own_has_no_profile_to_change(client_a):
    helper = make_user("helper@example.com")
    actions.access_grant_create(
        client=client_a.client, actor=client_a, grantee_email=helper.email, scopes=["billing"]
    )
    api = api_by_token(helper)
    before = database_state()

    response = api.patch("/me", {"street": "Elsewhere 1"})

    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "You have no client account of your own.",
        "fields": {},
    }
    assert database_state() == before


def test_the_sign_in_history_shows_only_the_callers_attempts_newest_first__ACC_08(
    client_a, client_b
):
    for ip, succeeded in (("192.0.2.10", False), ("192.0.2.11", True)):
        actions.login_attempt_record(
            identifier=client_a.email,
            user=client_a,
            ip_address=ip,
            succeeded=succeeded,
            reason="" if succeeded else "password",
        )
    actions.login_attempt_record(
        identifier=client_b.email, user=client_b, ip_address="198.51.100.7", succeeded=True
    )
    api = api_by_token(client_a)

    first_page = api.get("/me/login-history?limit=1").json()
    second_page = api.get("/me/login-history?limit=1&offset=1").json()

    assert first_page["count"] == 2
    assert [first_page["limit"], first_page["offset"]] == [1, 0]
    newest, oldest = first_page["items"][0], second_page["items"][0]
    assert {key: newest[key] for key in ("ip_address", "succeeded", "method", "reason")} == {
        "ip_address": "192.0.2.11",
        "succeeded": True,
        "method": "password",
        "reason": "",
    }
    assert {key: oldest[key] for key in ("ip_address", "succeeded", "reason")} == {
        "ip_address": "192.0.2.10",
        "succeeded": False,
        "reason": "password",
    }
