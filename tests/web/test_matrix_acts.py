"""Who may open every acts page of the client and staff areas and send its forms
(DOC-01, DOC-02, DOC-03; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in, client B gets 404 for A's acts and requests, a read-only
trusted user of A reads everything and writes nothing (403), staff without a client account
are sent to the staff area; the staff pages need ``billing.manage`` (the billing role and the
administrator). Every refused POST is checked to have left the database as it was.

Client A's January 2025 acts are formed on 3 February 2025 and the pages are opened on
4 February, inside the dispute period: the act of A's default payer is open, the act of its
company payer is disputed. A has an open paper-act request for Q1 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import act_dispute, paper_act_request_file
from hostledger.invoicing.models import (
    AcceptanceAct,
    AcceptanceActLine,
    ActDispute,
    PaperActRequest,
)
from tests.invoicing.act_factories import JANUARY, at, form, paid_invoice
from tests.invoicing.conftest import line
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

NOW = at(2025, 2, 4, 10)
JAN = {"period_start": date(2025, 1, 1), "period_end": date(2025, 1, 31)}


@dataclass
class ActsWorld:
    """The World of the main matrix, plus client A's open and disputed January acts and an
    open paper-act request."""

    world: World
    open_act: AcceptanceAct
    disputed_act: AcceptanceAct
    paper_request: PaperActRequest

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module", autouse=True)
def frozen_now():
    """The whole module, its world included, runs at ``NOW``."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def built_acts_world(frozen_now, built_world) -> ActsWorld:  # noqa: F811  (imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    return build_acts_world(built_world)


@pytest.fixture
def acts_world(built_acts_world, db) -> ActsWorld:
    return built_acts_world


def build_acts_world(world: World) -> ActsWorld:
    client_a = world.client_a
    default_payer = client_a.payers.get(is_default=True)
    for payer in (default_payer, world.payer_a):
        paid_invoice(
            client_a,
            payer,
            [line("VPS Start, January 2025", "1", "12.00", **JAN)],
            issued_on=date(2025, 1, 8),
            paid_on=date(2025, 1, 10),
        )
    by_payer = {act.payer_id: act for act in form(JANUARY, on=at(2025, 2, 3, 3))}
    disputed = by_payer[world.payer_a.pk]
    act_dispute(act=disputed, reasons="Not rendered in full.", actor=world.owner_a)
    request = paper_act_request_file(client=client_a, payer=default_payer, actor=world.owner_a)
    return ActsWorld(world, by_payer[default_payer.pk], disputed, request)


def state() -> dict:
    """What the acts pages can change; staff's readings of personal data are recorded on
    every page shown, so they are left out."""
    return {
        **database_state(),
        "acts": list(AcceptanceAct.objects.order_by("pk").values()),
        "lines": AcceptanceActLine.objects.count(),
        "disputes": list(ActDispute.objects.order_by("pk").values()),
        "requests": list(PaperActRequest.objects.order_by("pk").values()),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def open_act(acts):
    return [acts.open_act.public_id]


def disputed_act(acts):
    return [acts.disputed_act.public_id]


def paper_request(acts):
    return [acts.paper_request.public_id]


READ_BY_ALL = client_page(owner_a=200, owner_b=200, readonly_a=200)
A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
A_ONLY_WRITE = client_page(owner_a=302, owner_b=404, readonly_a=403)
BILLING_STAFF = ("billing", "administrator")
BILLING_WRITERS = frozenset(BILLING_STAFF)

ENDPOINTS = [
    # ---- client area, pages
    Endpoint("act_list", READ_BY_ALL),
    Endpoint("act_detail", A_ONLY_READ, open_act),
    Endpoint("act_pdf", A_ONLY_READ, open_act),
    Endpoint("paper_act_requests", READ_BY_ALL),
    # ---- client area, writes
    Endpoint(
        "act_dispute",
        A_ONLY_WRITE,
        open_act,
        method="POST",
        data=lambda acts: {"reasons": "The VPS was down for six days."},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "act_confirm",
        A_ONLY_WRITE,
        open_act,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    # B's form does not offer A's payer: the form is refused (400), nothing is filed.
    Endpoint(
        "paper_act_requests",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda acts: {
            "payer": acts.world.payer_a.public_id,
            "quarter_of": "2025-01-01",
        },
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "paper_act_request_withdraw",
        A_ONLY_WRITE,
        paper_request,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff area, pages (billing.manage)
    Endpoint("staff_acts", staff_page(*BILLING_STAFF)),
    Endpoint("staff_act", staff_page(*BILLING_STAFF), disputed_act),
    Endpoint("staff_act_pdf", staff_page(*BILLING_STAFF), open_act),
    Endpoint("staff_act_disputes", staff_page(*BILLING_STAFF)),
    Endpoint("staff_paper_act_requests", staff_page(*BILLING_STAFF)),
    # ---- staff area, writes
    Endpoint(
        "staff_act_resolve",
        staff_page(*BILLING_STAFF, granted=302),
        disputed_act,
        method="POST",
        data=lambda acts: {"outcome": "rejected", "note": "Monitoring shows no downtime."},
        writers=BILLING_WRITERS,
    ),
    Endpoint(
        "staff_paper_act_request_sent",
        staff_page(*BILLING_STAFF, granted=302),
        paper_request,
        method="POST",
        data=lambda acts: {f"{acts.paper_request.public_id}-note": "RR123456789EE"},
        writers=BILLING_WRITERS,
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_acts_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_acts or urls_staff_acts fails here until this matrix names
    it, with every actor."""
    from hostledger.web import urls_client_acts, urls_staff_acts

    patterns = {
        pattern.name for pattern in urls_client_acts.urlpatterns + urls_staff_acts.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


def test_every_acts_post_endpoint_refuses_a_get():
    """The write endpoints answer only POST: a GET is never a way to change an act."""
    from hostledger.web import urls_client_acts, urls_staff_acts

    pages = {endpoint.name for endpoint in ENDPOINTS if endpoint.method == "GET"}
    posts_only = {
        pattern.name
        for pattern in urls_client_acts.urlpatterns + urls_staff_acts.urlpatterns
        if pattern.name not in pages
    }
    assert posts_only == {
        "act_dispute",
        "act_confirm",
        "paper_act_request_withdraw",
        "staff_act_resolve",
        "staff_paper_act_request_sent",
    }


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_acts_pages_authorization_matrix__DOC_01_DOC_02_DOC_03_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, acts_world: ActsWorld, client
):
    http = acts_world.sign_in(client, actor)
    url = endpoint.url(acts_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(acts_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
