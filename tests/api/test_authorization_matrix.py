"""Who may call what: every API v1 operation for every kind of caller, from one table.

Callers: nobody (anonymous), client A (who owns the objects addressed), client B (another
client), a read-only trusted user of A (ACC-06), and one staff member of each default role
(ACC-11) with two-factor sign-in on (ACC-09). Client-scoped rows act in A's account with
``?client=<A>``: B and staff have no access to it and get 404, as for any other client's
object (habit 6). Every refused call must leave the database exactly as it was.

Each row runs once with a browser session and once with a read+write API token. The one
difference: a token cannot create tokens (403 ``session_required``), so a leaked token cannot
outlive its own expiry.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hostledger.accounts import actions
from hostledger.accounts.models import User
from tests.api.conftest import (
    api_by_session,
    api_by_token,
    database_state,
    error_of,
    make_client_user,
    make_staff_user,
    make_user,
)

ACTORS = (
    "anonymous",
    "client_a",
    "client_b",
    "trusted_reader",
    "support",
    "billing",
    "abuse",
    "privacy_officer",
    "administrator",
)
CLIENT_SCOPED = ("/payers", "/contacts", "/grants")
"""Rows under these paths act in A's account: ``?client=<A>`` is added to them."""

#   method    path                              anon A    B    T    sup  bil  abu  prv  adm
TABLE = [
    ("GET",    "/me",                           401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("PATCH",  "/me",                           401, 200, 200, 200, 404, 404, 404, 404, 404),
    ("GET",    "/me/login-history",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/tokens",                       401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/tokens",                       401, 201, 201, 201, 201, 201, 201, 201, 201),
    ("DELETE", "/tokens/{token}",               401, 200, 404, 404, 404, 404, 404, 404, 404),
    ("GET",    "/payers",                       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/payers",                       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/payers/{payer}",               401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PATCH",  "/payers/{payer}",               401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/payers/{payer}/archive",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts",                     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/contacts",                     401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts/{contact}",           401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PATCH",  "/contacts/{contact}",           401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/contacts/{contact}/archive",   401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts/{contact}/history",   401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/grants",                       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/grants",                       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/grants/{grant}/revoke",        401, 200, 404, 404, 404, 404, 404, 404, 404),
    ("GET",    "/staff/clients",                401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/clients/{client}",       401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/users",                  401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/users",                  401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/users/{staff_member}",   401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/roles",                  401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("PATCH",  "/staff/roles/abuse",            401, 403, 403, 403, 403, 403, 403, 403, 200),
]  # fmt: skip

COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}
TECHNICAL = {"role": "technical", "name": "Jaan Tamm", "email": "jaan@example.com"}
BODIES = {
    ("PATCH", "/me"): {"city": "Tartu"},
    ("POST", "/tokens"): {"name": "Matrix", "scopes": ["read"]},
    ("POST", "/payers"): COMPANY,
    ("PATCH", "/payers/{payer}"): {"city": "Tartu"},
    ("POST", "/contacts"): TECHNICAL,
    ("PATCH", "/contacts/{contact}"): {"name": "J. Tamm"},
    ("POST", "/grants"): {"grantee_email": "newcomer@example.com", "scopes": ["tickets"]},
    ("POST", "/staff/users"): {
        "email": "new@provider.example",
        "full_name": "New Member",
        "roles": ["support"],
    },
    ("PATCH", "/staff/users/{staff_member}"): {"roles": ["billing"]},
    ("PATCH", "/staff/roles/abuse"): {"permissions": ["clients.view"]},
}

CODE_OF_STATUS = {401: {"not_authenticated"}, 403: {"permission_denied"}, 404: {"not_found"}}


@dataclass
class World:
    """Client A's account with one object of each kind, and the staff member and role that
    staff rows change."""

    client_a: User
    ids: dict[str, str]


@pytest.fixture
def world(policies) -> World:
    owner = make_client_user("mari@example.com")
    account = owner.client
    payer = actions.payer_create(client=account, actor=owner, data=COMPANY)
    contact = actions.contact_create(client=account, actor=owner, data=TECHNICAL)
    helper = make_client_user("helper@example.com")
    grant = actions.access_grant_create(
        client=account, actor=owner, grantee_email=helper.email, scopes=["billing"]
    )
    make_user("newcomer@example.com")
    token, _ = actions.api_token_create(user=owner, name="A's script", scopes=["read"])
    actions.staff_roles_ensure_defaults()
    member = actions.staff_user_create(
        actor=None,
        email="member@provider.example",
        full_name="Staff Member",
        role_slugs=["support"],
    )
    return World(
        client_a=owner,
        ids={
            "client": account.public_id,
            "payer": payer.public_id,
            "contact": contact.public_id,
            "grant": grant.public_id,
            "token": token.public_id,
            "staff_member": member.public_id,
        },
    )


def make_actor(actor: str, world: World) -> User | None:
    if actor == "anonymous":
        return None
    if actor == "client_a":
        return world.client_a
    if actor == "client_b":
        return make_client_user("peeter@example.com")
    if actor == "trusted_reader":
        reader = make_client_user("accountant@example.com")
        actions.access_grant_create(
            client=world.client_a.client,
            actor=world.client_a,
            grantee_email=reader.email,
            scopes=["read_only"],
        )
        return reader
    return make_staff_user(actor)


CASES = [
    pytest.param(method, path, actor, statuses[index], by, id=f"{method} {path} | {actor} | {by}")
    for method, path, *statuses in TABLE
    for index, actor in enumerate(ACTORS)
    for by in ("session", "token")
]


def test_the_table_covers_every_operation_of_the_api(anonymous, db):
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in anonymous.get("/openapi.json").json()["paths"].items()
        for method in operations
    }
    placeholders = {
        "{token}": "{token_id}",
        "{payer}": "{payer_id}",
        "{contact}": "{contact_id}",
        "{grant}": "{grant_id}",
        "/staff/clients/{client}": "/staff/clients/{client_id}",
        "{staff_member}": "{user_id}",
        "/staff/roles/abuse": "/staff/roles/{slug}",
    }
    covered = set()
    for method, path, *_ in TABLE:
        for placeholder, parameter in placeholders.items():
            path = path.replace(placeholder, parameter)
        covered.add((method, path))
    assert covered == documented


@pytest.mark.parametrize(("method", "path", "actor", "expected", "by"), CASES)
def test_authorization_matrix__ACC_06_ACC_09_ACC_11(world, method, path, actor, expected, by):
    """ACC-06 (trusted access), ACC-09 (staff with two-factor), ACC-11 (staff roles); another
    client's object is a 404 (habit 6); a refused call changes nothing."""
    user = make_actor(actor, world)
    if user is None:
        api = api_by_session(None)
    else:
        api = api_by_token(user) if by == "token" else api_by_session(user)
    expected_codes = CODE_OF_STATUS.get(expected, set())
    if by == "token" and (method, path) == ("POST", "/tokens") and expected == 201:
        expected, expected_codes = 403, {"session_required"}
    address = path + ("?client={client}" if path.startswith(CLIENT_SCOPED) else "")
    compared = expected >= 400 or method != "GET"
    before = database_state() if compared else None

    response = api.call(method, address.format(**world.ids), BODIES.get((method, path)))

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert error_of(response)["code"] in expected_codes
        assert database_state() == before
    elif method != "GET":
        assert database_state() != before
