"""Who may open the "Your data" pages and request or download an export of personal data
(GDPR-02; ACC-06, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import). The pages
are the account owner's alone: a read-only trusted user of A gets 403 (the data subject is
the owner), client B gets 404 for A's export, staff without a client account are sent to the
staff area. Client A's export failed to build, so its download sends the owner back to the
export's page. The JSON Schema of the export is public. Every refused POST is checked to have
left the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.privacy.exports import personal_data_export_start
from hostledger.privacy.models import PersonalDataExport
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)


@dataclass
class PrivacyWorld:
    """The World of the main matrix, plus an export of A's data whose build failed."""

    world: World
    export: PersonalDataExport

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_privacy_world(built_world) -> PrivacyWorld:  # noqa: F811
    world = built_world
    export = personal_data_export_start(client=world.client_a, requested_by=world.owner_a)
    PersonalDataExport.objects.filter(pk=export.pk).update(
        status=PersonalDataExport.Status.FAILED, error="Matrix: not built"
    )
    export.refresh_from_db()
    return PrivacyWorld(world, export)


@pytest.fixture
def privacy_world(built_privacy_world, db) -> PrivacyWorld:
    return built_privacy_world


def state() -> dict:
    return {
        **database_state(),
        "exports": list(PersonalDataExport.objects.order_by("pk").values()),
        "audit_events": AuditEvent.objects.count(),
    }


def exported(pw):
    return [pw.export.public_id]


EVERYONE = dict.fromkeys(ACTORS, 200)

ENDPOINTS = [
    Endpoint("personal_data", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint(
        "personal_data",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "personal_data_export", client_page(owner_a=200, owner_b=404, readonly_a=403), exported
    ),
    Endpoint(
        "personal_data_export_download",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        exported,
    ),
    Endpoint("personal_data_export_schema", EVERYONE),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_privacy_page_is_in_the_table():
    """A new URL in urls_client_personal_data fails here until this matrix names it."""
    from hostledger.web import urls_client_personal_data

    assert {pattern.name for pattern in urls_client_personal_data.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_privacy_pages_authorization_matrix__GDPR_02_ACC_06(
    endpoint: Endpoint, actor: str, privacy_world: PrivacyWorld, client
):
    http = privacy_world.sign_in(client, actor)
    url = endpoint.url(privacy_world)
    before = state()

    response = http.post(url, {}) if endpoint.method == "POST" else http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES:
        assert response["Location"] == reverse("web:staff_home")
    if expected == 302 and actor == "owner_a" and endpoint.method == "GET":
        assert response["Location"] == reverse(
            "web:personal_data_export", args=exported(privacy_world)
        )
    if actor in endpoint.writers:
        assert state() != before, "an allowed write changed nothing"
    else:
        assert state() == before, "a refused or read-only request changed data"


# ---- the staff page importing an export (privacy.manage)

STAFF_ENDPOINTS = [
    Endpoint(
        "staff_personal_data_import",
        staff_page("privacy_officer", "administrator"),
    ),
    Endpoint(
        "staff_personal_data_import",
        staff_page("privacy_officer", "administrator", granted=400),
        method="POST",
    ),
]


def test_the_staff_import_page_is_in_the_table():
    from hostledger.web import urls_staff_personal_data

    assert {pattern.name for pattern in urls_staff_personal_data.urlpatterns} == {
        endpoint.name for endpoint in STAFF_ENDPOINTS
    }
    for endpoint in STAFF_ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(
    ("endpoint", "actor"),
    [
        pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
        for endpoint in STAFF_ENDPOINTS
        for actor in ACTORS
    ],
)
def test_staff_import_page_authorization_matrix__GDPR_02_ACC_11(
    endpoint: Endpoint, actor: str, privacy_world: PrivacyWorld, client
):
    """An empty upload answers 400 to the permitted staff (nothing imported), 403 to the rest."""
    http = privacy_world.sign_in(client, actor)
    url = endpoint.url(privacy_world)
    before = state()

    response = http.post(url, {}) if endpoint.method == "POST" else http.get(url)

    assert response.status_code == endpoint.expect[actor], response.content[:600]
    assert state() == before
