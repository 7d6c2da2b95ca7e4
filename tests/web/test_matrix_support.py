"""Who may open every support ticket page of the client and staff areas and send its forms
(SUP-01; ACC-06, ACC-09, ACC-11, habit 6).

The actors of tests/web/test_authorization_matrix.py plus ``tickets_a``, a trusted user of A
whose grant has the tickets scope: anonymous visitors are sent to sign in; client B gets 404
for A's tickets and attachments; a read-only trusted user of A reads them but cannot write
(403); the tickets grant reads and writes; staff without a client account are sent to the
staff area. The staff desk needs ``tickets.answer`` (support, billing, administrator), the
departments and canned replies ``tickets.manage`` (administrator). Every refused POST is
checked to have left the database as it was. Clients never reach internal notes or their
attachments.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.accounts.actions import access_grant_create
from hostledger.accounts.models import User
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.notifications.models import Notification
from hostledger.support import actions
from hostledger.support.models import (
    Attachment,
    CannedReply,
    Department,
    Ticket,
    TicketMessage,
)
from tests.support.conftest import PNG, ensure_default_departments, png_upload
from tests.web.conftest import STAFF_ROLES, login, make_client_user
from tests.web.test_authorization_matrix import ACTORS as MAIN_ACTORS
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    Endpoint,
    World,
    built_world,
    database_state,
)

ACTORS = (*MAIN_ACTORS, "tickets_a")
ANSWERERS = ("support", "billing", "administrator")
MANAGERS = ("administrator",)


@dataclass
class SupportWorld:
    """The World of the main matrix, plus A's answered ticket with an attachment and an
    internal note with one, A's second ticket, B's ticket, mail of an unknown sender, a
    canned reply and A's trusted user with the tickets scope."""

    world: World
    tickets_a: User
    ticket_a: Ticket
    second_a: Ticket
    ticket_b: Ticket
    review: Ticket
    client_file: Attachment
    note_file: Attachment
    canned: CannedReply

    def sign_in(self, http, actor: str):
        if actor == "tickets_a":
            return login(http, self.tickets_a, client_public_id=self.world.client_a.public_id)
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_support_world(built_world) -> SupportWorld:  # noqa: F811
    world = built_world
    ensure_default_departments()
    tickets_user = make_client_user("tom@example.com", first_name="Tom", last_name="Abi")
    access_grant_create(
        client=world.client_a,
        actor=world.owner_a,
        grantee_email=tickets_user.email,
        scopes=["tickets"],
    )
    support = Department.objects.get(slug="support")
    agent = world.staff["support"]
    ticket_a = actions.ticket_open(
        client=world.client_a,
        department=support,
        subject="Server down",
        body="Please look",
        author=world.owner_a,
        files=[png_upload()],
    )
    actions.ticket_staff_reply(ticket=ticket_a, body="Looking.", author=agent)
    actions.ticket_note_add(
        ticket=ticket_a, body="Internal: check IPMI", author=agent, files=[png_upload("ipmi.png")]
    )
    second_a = actions.ticket_open(
        client=world.client_a,
        department=support,
        subject="Also down",
        body="Same",
        author=world.owner_a,
    )
    ticket_b = actions.ticket_open(
        client=world.owner_b.client,
        department=support,
        subject="B's question",
        body="Hello",
        author=world.owner_b,
    )
    review = actions.ticket_open_for_review(
        department=support, sender_address="stranger@example.net", subject="Hi", body="Who?"
    )
    canned = actions.canned_reply_create(
        actor=world.staff["administrator"], title="Restarted", body="We restarted it."
    )
    client_file = Attachment.objects.get(message__ticket=ticket_a, message__is_internal_note=False)
    note_file = Attachment.objects.get(message__ticket=ticket_a, message__is_internal_note=True)
    return SupportWorld(
        world,
        tickets_user,
        ticket_a,
        second_a,
        ticket_b,
        review,
        client_file,
        note_file,
        canned,
    )


@pytest.fixture
def support_world(built_support_world, db) -> SupportWorld:
    return built_support_world


def state() -> dict:
    """What the ticket pages can change; staff's readings of personal data are left out."""
    return {
        **database_state(),
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "messages": list(TicketMessage.objects.order_by("pk").values_list("pk", "ticket_id")),
        "attachments": Attachment.objects.count(),
        "departments": list(Department.objects.order_by("pk").values()),
        "canned": list(CannedReply.objects.order_by("pk").values()),
        "notifications": Notification.objects.count(),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def client_page(*, owner_a: int, owner_b: int, readonly_a: int, tickets_a: int) -> dict:
    return {
        "anonymous": 302,
        "owner_a": owner_a,
        "owner_b": owner_b,
        "readonly_a": readonly_a,
        "tickets_a": tickets_a,
        **dict.fromkeys(STAFF_ROLES, 302),
    }


def staff_page(*roles: str, granted: int = 200) -> dict:
    return {
        "anonymous": 302,
        **dict.fromkeys(("owner_a", "owner_b", "readonly_a", "tickets_a"), 403),
        **{role: granted if role in roles else 403 for role in STAFF_ROLES},
    }


def ticket_a(sw):
    return [sw.ticket_a.public_id]


CLIENT_WRITE = {"owner_a": 302, "owner_b": 404, "readonly_a": 403, "tickets_a": 302}
CLIENT_READ = {"owner_a": 200, "owner_b": 404, "readonly_a": 200, "tickets_a": 200}

ENDPOINTS = [
    # ---- client area
    Endpoint("ticket_list", client_page(owner_a=200, owner_b=200, readonly_a=200, tickets_a=200)),
    Endpoint("ticket_create", client_page(owner_a=200, owner_b=200, readonly_a=403, tickets_a=200)),
    Endpoint(
        "ticket_create",
        client_page(owner_a=302, owner_b=302, readonly_a=403, tickets_a=302),
        method="POST",
        data=lambda sw: {"department": "billing", "subject": "Invoice", "body": "A copy?"},
        writers=frozenset({"owner_a", "owner_b", "tickets_a"}),
    ),
    Endpoint("ticket_detail", client_page(**CLIENT_READ), ticket_a),
    Endpoint(
        "ticket_reply",
        client_page(**CLIENT_WRITE),
        ticket_a,
        method="POST",
        data=lambda sw: {"body": "Thanks"},
        writers=frozenset({"owner_a", "tickets_a"}),
    ),
    Endpoint(
        "ticket_close",
        client_page(**CLIENT_WRITE),
        ticket_a,
        method="POST",
        writers=frozenset({"owner_a", "tickets_a"}),
    ),
    Endpoint(
        "ticket_rate",
        client_page(**CLIENT_WRITE),
        ticket_a,
        method="POST",
        data=lambda sw: {"rating": "5", "comment": "Good"},
        writers=frozenset({"owner_a", "tickets_a"}),
    ),
    Endpoint(
        "ticket_attachment",
        client_page(**CLIENT_READ),
        lambda sw: [sw.client_file.public_id],
    ),
    # ---- staff desk (tickets.answer)
    Endpoint("staff_tickets", staff_page(*ANSWERERS)),
    Endpoint(
        "staff_ticket_search",
        staff_page(*ANSWERERS),
        method="POST",
        data=lambda sw: {"q": "server"},
    ),
    Endpoint("staff_ticket", staff_page(*ANSWERERS), ticket_a),
    Endpoint(
        "staff_ticket_attachment",
        staff_page(*ANSWERERS),
        lambda sw: [sw.note_file.public_id],
    ),
    Endpoint(
        "staff_ticket_reply",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"body": "Fixed", "status": "answered", "canned_reply": ""},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_note",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"note": "Note"},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_assign",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"assignee": sw.world.staff["support"].public_id},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_priority",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"priority": "urgent"},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_status",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"status": "on_hold"},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_department",
        staff_page(*ANSWERERS, granted=302),
        ticket_a,
        method="POST",
        data=lambda sw: {"department": "billing"},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_merge",
        staff_page(*ANSWERERS, granted=302),
        lambda sw: [sw.second_a.public_id],
        method="POST",
        data=lambda sw: {"target": sw.ticket_a.number_display},
        writers=frozenset(ANSWERERS),
    ),
    Endpoint(
        "staff_ticket_link_client",
        staff_page(*ANSWERERS, granted=302),
        lambda sw: [sw.review.public_id],
        method="POST",
        data=lambda sw: {"client": sw.world.client_a.public_id},
        writers=frozenset(ANSWERERS),
    ),
    # ---- departments and canned replies (tickets.manage)
    Endpoint("staff_support_departments", staff_page(*MANAGERS)),
    Endpoint(
        "staff_support_departments",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda sw: {
            "name": "Colocation",
            "mail_address": "colo@provider.example",
            "first_response_hours": "8",
            "resolution_hours": "48",
        },
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_support_department", staff_page(*MANAGERS), lambda sw: ["sales"]),
    Endpoint(
        "staff_support_department",
        staff_page(*MANAGERS, granted=302),
        lambda sw: ["sales"],
        method="POST",
        data=lambda sw: {
            "name": "Sales and offers",
            "mail_address": "sales@provider.example",
            "first_response_hours": "12",
            "resolution_hours": "48",
            "is_active": "on",
        },
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_canned_replies", staff_page(*MANAGERS)),
    Endpoint(
        "staff_canned_replies",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda sw: {"title": "Thanks", "body": "Thank you for waiting."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_canned_reply", staff_page(*MANAGERS), lambda sw: [sw.canned.public_id]),
    Endpoint(
        "staff_canned_reply",
        staff_page(*MANAGERS, granted=302),
        lambda sw: [sw.canned.public_id],
        method="POST",
        data=lambda sw: {"title": "Restarted", "body": "We restarted the server."},
        writers=frozenset(MANAGERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_support_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_tickets or urls_staff_tickets fails here until this matrix
    names it, with every actor."""
    from hostledger.web import urls_client_tickets, urls_staff_tickets

    patterns = {
        pattern.name for pattern in urls_client_tickets.urlpatterns + urls_staff_tickets.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_support_pages_authorization_matrix__SUP_01_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, support_world: SupportWorld, client
):
    http = support_world.sign_in(client, actor)
    url = endpoint.url(support_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(support_world))
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


@pytest.mark.parametrize("actor", ["owner_a", "readonly_a", "tickets_a", "owner_b"])
def test_clients_never_reach_internal_notes_or_their_files__SUP_01(
    actor, support_world: SupportWorld, client
):
    http = support_world.sign_in(client, actor)
    page = http.get(reverse("web:ticket_detail", args=[support_world.ticket_a.public_id]))
    assert b"Internal: check IPMI" not in page.content
    assert b"ipmi.png" not in page.content
    download = http.get(reverse("web:ticket_attachment", args=[support_world.note_file.public_id]))
    assert download.status_code == 404
    other = http.get(reverse("web:ticket_detail", args=[support_world.ticket_b.public_id]))
    assert other.status_code == (200 if actor == "owner_b" else 404)


def test_attachments_are_downloads_with_nosniff__SUP_01(support_world: SupportWorld, client):
    http = support_world.sign_in(client, "owner_a")
    response = http.get(
        reverse("web:ticket_attachment", args=[support_world.client_file.public_id])
    )
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
