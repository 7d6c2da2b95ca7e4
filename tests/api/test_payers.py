"""Payers through the API (ACC-04), with ownership (habit 6) and trusted access (ACC-06)."""

from __future__ import annotations

import pytest

from hostledger.accounts import actions
from hostledger.accounts.models import Payer
from tests.api.conftest import (
    api_by_token,
    database_state,
    error_of,
    iso,
    make_client_user,
)

COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "vat_number": "EE102329731",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "postal_code": "10117",
    "country": "EE",
    "invoice_email": "billing@pilvepood.example",
}


def payer_json(payer: Payer) -> dict:
    return {
        "id": payer.public_id,
        "kind": payer.kind,
        "name": payer.name,
        "registry_code": payer.registry_code,
        "vat_number": payer.vat_number,
        "vat_number_format_valid": payer.vat_number_format_valid,
        "street": payer.street,
        "city": payer.city,
        "postal_code": payer.postal_code,
        "country": payer.country,
        "invoice_email": payer.invoice_email,
        "buyer_reference": payer.buyer_reference,
        "is_default": payer.is_default,
        "archived_at": iso(payer.archived_at),
        "created_at": iso(payer.created_at),
    }


@pytest.fixture
def company_payer(client_a) -> Payer:
    return actions.payer_create(client=client_a.client, actor=client_a, data=COMPANY)


def test_a_client_lists_its_payers_oldest_first__ACC_04(client_a, company_payer, client_b):
    first = client_a.client.payers.get(is_default=True)

    response = api_by_token(client_a).get("/payers")

    assert response.status_code == 200
    assert response.json() == {
        "items": [payer_json(first), payer_json(company_payer)],
        "count": 2,
        "limit": 50,
        "offset": 0,
    }


def test_the_payer_list_pages_in_a_stable_order(client_a, company_payer):
    api = api_by_token(client_a)

    pages = [api.get(f"/payers?limit=1&offset={offset}").json() for offset in (0, 1, 2)]

    assert [page["count"] for page in pages] == [2, 2, 2]
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        [client_a.client.payers.get(is_default=True).public_id],
        [company_payer.public_id],
        [],
    ]


def test_a_client_adds_a_payer__ACC_04(client_a):
    response = api_by_token(client_a).post("/payers", COMPANY)

    assert response.status_code == 201
    payer = Payer.objects.get(public_id=response.json()["id"])
    assert payer.client == client_a.client
    assert response.json() == payer_json(payer)
    assert (payer.name, payer.vat_number, payer.vat_number_format_valid, payer.is_default) == (
        "Pilvepood OÜ",
        "EE102329731",
        True,
        False,
    )


def test_a_payer_with_bad_data_is_refused_naming_the_fields__ACC_04(client_a):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/payers", COMPANY | {"vat_number": "EE123", "registry_code": ""})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "registry_code": "This field is required.",
        "vat_number": "This is not a valid EU VAT number (country prefix and digits).",
    }
    assert database_state() == before


def test_a_client_reads_changes_and_archives_a_payer__ACC_04(client_a, company_payer):
    api = api_by_token(client_a)
    path = f"/payers/{company_payer.public_id}"

    assert api.get(path).json() == payer_json(company_payer)
    changed = api.patch(path, {"city": "Tartu", "is_default": True})
    archived = api.post(path + "/archive")

    assert changed.status_code == 200
    assert (changed.json()["city"], changed.json()["is_default"]) == ("Tartu", True)
    assert archived.status_code == 200
    company_payer.refresh_from_db()
    assert archived.json() == payer_json(company_payer)
    assert company_payer.archived_at is not None
    assert [p["id"] for p in api.get("/payers").json()["items"]] == [
        client_a.client.payers.get(is_default=True).public_id
    ]


def test_the_last_payer_cannot_be_archived__ACC_04(client_a):
    only = client_a.client.payers.get()
    api = api_by_token(client_a)
    before = database_state()

    response = api.post(f"/payers/{only.public_id}/archive")

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "last_payer",
        "message": "A client keeps at least one payer.",
        "fields": {},
    }
    assert database_state() == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("GET", "", None), ("PATCH", "", {"name": "Hijacked"}), ("POST", "/archive", None)],
)
def test_another_clients_payer_answers_404_and_is_unchanged__ACC_04(
    client_a, company_payer, client_b, method, suffix, body
):
    """Habit 6: B, acting in its own account, cannot see or touch A's payer; 404, not 403."""
    api = api_by_token(client_b)
    before = database_state()

    response = api.call(method, f"/payers/{company_payer.public_id}{suffix}", body)

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such payer.", "fields": {}}
    assert database_state() == before


def test_naming_a_client_one_has_no_access_to_answers_404__ACC_06(client_a, client_b):
    api = api_by_token(client_b)
    before = database_state()

    listed = api.get(f"/payers?client={client_a.client.public_id}")
    added = api.post(f"/payers?client={client_a.client.public_id}", COMPANY)

    assert (listed.status_code, added.status_code) == (404, 404)
    assert error_of(added) == {"code": "not_found", "message": "No such client.", "fields": {}}
    assert database_state() == before


def test_a_read_only_trusted_user_reads_but_cannot_change_payers__ACC_06(
    client_a, company_payer, trusted_reader
):
    api = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    assert api.get("/payers" + acting).json()["count"] == 2
    assert api.get(f"/payers/{company_payer.public_id}{acting}").status_code == 200
    before = database_state()

    answers = [
        api.post("/payers" + acting, COMPANY),
        api.patch(f"/payers/{company_payer.public_id}{acting}", {"name": "Changed"}),
        api.post(f"/payers/{company_payer.public_id}/archive{acting}"),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert {error_of(answer)["code"] for answer in answers} == {"permission_denied"}
    assert database_state() == before


def test_a_trusted_user_with_the_billing_scope_manages_payers__ACC_06(client_a):
    bookkeeper = make_client_user("bookkeeper@example.com")
    actions.access_grant_create(
        client=client_a.client, actor=client_a, grantee_email=bookkeeper.email, scopes=["billing"]
    )
    api = api_by_token(bookkeeper)

    response = api.post(f"/payers?client={client_a.client.public_id}", COMPANY)

    assert response.status_code == 201
    assert Payer.objects.get(public_id=response.json()["id"]).client == client_a.client
    assert bookkeeper.client.payers.count() == 1


def test_a_payer_carries_the_buyers_reference_for_its_invoices__ACC_04_BIL_10(client_a):
    api = api_by_token(client_a)
    created = api.post("/payers", COMPANY | {"buyer_reference": "Cost centre 4410"})
    assert (created.status_code, created.json()["buyer_reference"]) == (201, "Cost centre 4410")
    payer_id = created.json()["id"]

    changed = api.patch(f"/payers/{payer_id}", {"buyer_reference": "PO 2026-17"})
    assert (changed.status_code, changed.json()["buyer_reference"]) == (200, "PO 2026-17")

    before = database_state()
    refused = api.patch(f"/payers/{payer_id}", {"buyer_reference": "x" * 101})
    assert refused.status_code == 400
    assert list(error_of(refused)["fields"]) == ["buyer_reference"]
    assert database_state() == before
