"""Who may open the staff reports, download them, and export the staff lists (ACC-09,
ACC-11, GDPR-12).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in; clients and their trusted users get 403 (staff pages only).
Reports and their downloads need ``reports.view`` (billing and the administrator). Each list
export needs the permission of its list: clients and services ``clients.view`` (every staff
role), invoices and payments ``billing.manage``, tickets ``tickets.answer``. A refused
request writes nothing; an allowed export writes exactly one audit event.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.web import urls_staff_reports
from hostledger.web.report_pages import REPORTS
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    database_state,
    staff_page,
)

pytestmark = pytest.mark.long_running(90)

REPORT_READERS = ("billing", "administrator")
BILLING = ("billing", "administrator")
TICKET_ANSWERERS = ("support", "billing", "administrator")

ENDPOINTS = [
    Endpoint("staff_reports", staff_page(*REPORT_READERS)),
    Endpoint("staff_report", staff_page(*REPORT_READERS), lambda w: ["revenue"]),
    Endpoint("staff_report_download", staff_page(*REPORT_READERS), lambda w: ["vat", "xlsx"]),
    Endpoint("staff_clients_export", staff_page(*STAFF_ROLES), lambda w: ["csv"]),
    Endpoint("staff_services_export", staff_page(*STAFF_ROLES), lambda w: ["xlsx"]),
    Endpoint("staff_invoices_export", staff_page(*BILLING), lambda w: ["csv"]),
    Endpoint("staff_payments_export", staff_page(*BILLING), lambda w: ["csv"]),
    Endpoint("staff_tickets_export", staff_page(*TICKET_ANSWERERS), lambda w: ["csv"]),
]


@pytest.fixture
def world(built_world, db) -> World:  # noqa: F811
    return built_world


def state() -> dict:
    """What these pages could change, less the audit trail, which an export appends to."""
    return {key: value for key, value in database_state().items() if key != "audit_events"}


CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_report_and_export_url_is_in_the_table():
    """A new URL in urls_staff_reports fails here until this matrix names it."""
    assert {pattern.name for pattern in urls_staff_reports.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_report_and_export_authorization_matrix__ACC_09_ACC_11_GDPR_12(
    endpoint: Endpoint, actor: str, world: World, client
):
    http = world.sign_in(client, actor)
    before = state()
    audit_before = AuditEvent.objects.count()

    response = http.get(endpoint.url(world))

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert state() == before
    exported = AuditEvent.objects.filter(action="staff.list_exported").count()
    if expected == 200 and endpoint.name.endswith("_export"):
        assert exported == 1, "an export is recorded once"
    else:
        assert AuditEvent.objects.count() == audit_before, "a refused or report read wrote"


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_every_report_opens_for_a_reader_and_not_for_support__ACC_11(slug, world: World, client):
    reader = world.sign_in(client, "billing")
    assert reader.get(reverse("web:staff_report", args=[slug])).status_code == 200
    for file_format in ("csv", "xlsx"):
        url = reverse("web:staff_report_download", args=[slug, file_format])
        assert reader.get(url).status_code == 200
    client.logout()
    support = world.sign_in(client, "support")
    assert support.get(reverse("web:staff_report", args=[slug])).status_code == 403
