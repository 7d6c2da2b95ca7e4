"""Staff viewing the client area as a client sees it (read-only, audited, shown to the
client) and the client's activity timeline on the staff client page (ACC-08, ACC-11,
GDPR-11, GDPR-12)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.accounts.actions.view_as import STAFF_VIEW_METHOD
from hostledger.accounts.models import LoginAttempt, Payer, StaffRole
from hostledger.accounts.sessions import SessionStore
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.support import actions as support
from hostledger.support.models import Department, Ticket
from hostledger.web.timeline import client_timeline
from hostledger.web.view_as import REFUSAL, SESSION_VIEW_AS_KEY
from tests.api.money_factories import make_catalog, make_final_invoice, paid_order, record_payment
from tests.support.conftest import ensure_default_departments
from tests.web.conftest import login, make_staff_user
from tests.write_detection import recorded_writes


@pytest.fixture
def agent(client, db):
    member = make_staff_user("support")
    login(client, member)
    return member


def _start(http, client_a):
    return http.post(reverse("web:staff_view_as_start", args=[client_a.public_id]))


def test_staff_sees_the_client_area_as_the_client_with_a_banner__ACC_11(
    client, agent, client_a, owner_a
):
    started = _start(client, client_a)
    assert started.status_code == 302 and started["Location"] == reverse("web:dashboard")

    page = client.get(reverse("web:dashboard")).content.decode()
    assert "data-view-as-banner" in page
    assert agent.full_name in page and client_a.public_id in page
    assert "End the view" in page
    profile = client.get(reverse("web:profile")).content.decode()
    assert owner_a.email in profile and "data-view-as-banner" in profile
    # The staff area stays the staff member's own while the view lasts.
    staff_page = client.get(reverse("web:staff_client_detail", args=[client_a.public_id]))
    assert staff_page.status_code == 200


def test_starting_and_ending_a_view_are_audited_and_shown_to_the_client__ACC_08_GDPR_12(
    client, agent, client_a, owner_a
):
    _start(client, client_a)
    ended = client.post(reverse("web:staff_view_as_end"))

    assert ended["Location"] == reverse("web:staff_client_detail", args=[client_a.public_id])
    events = list(
        AuditEvent.objects.filter(
            subject_client_id=client_a.pk, action__startswith="client.view_as"
        )
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert events == [
        ("client.view_as_started", agent.pk),
        ("client.view_as_ended", agent.pk),
    ]
    lines = list(
        LoginAttempt.objects.filter(user=owner_a, method=STAFF_VIEW_METHOD)
        .order_by("id")
        .values_list("reason", "ip_address")
    )
    assert lines == [("view_started", None), ("view_ended", None)]
    login(client, owner_a)
    history = client.get(reverse("web:sign_in_history")).content.decode()
    assert "Staff started viewing your account" in history
    assert "Staff stopped viewing your account" in history
    assert agent.email not in history


def test_ending_the_view_gives_the_staff_member_their_own_session_back__ACC_11(
    client, agent, client_a
):
    _start(client, client_a)
    session_key = client.session.session_key
    client.post(reverse("web:staff_view_as_end"))

    assert SESSION_VIEW_AS_KEY not in client.session
    assert client.session.session_key == session_key
    assert int(client.session["_auth_user_id"]) == agent.pk
    # The support agent has no client account: the client area sends them to the staff area.
    assert client.get(reverse("web:dashboard"))["Location"] == reverse("web:staff_home")
    assert "data-view-as-banner" not in client.get(reverse("web:staff_home")).content.decode()


def test_the_view_keeps_ids_only_in_the_session__GDPR_11(client, agent, client_a, owner_a):
    _start(client, client_a)
    client.get(reverse("web:dashboard"))

    data = SessionStore(session_key=client.session.session_key).load()
    assert data[SESSION_VIEW_AS_KEY] == client_a.public_id
    stored = json.dumps(data, default=str).lower()
    for personal in (owner_a.email, client_a.first_name, client_a.last_name, agent.email):
        assert personal.lower() not in stored


WRITES_WHILE_VIEWING = [
    pytest.param(
        "web:payer_create",
        [],
        {"kind": "natural", "name": "New Payer", "street": "A 1", "city": "Tartu", "country": "EE"},
        id="new payer",
    ),
    pytest.param(
        "web:profile_edit", [], {"first_name": "Changed", "last_name": "Name"}, id="profile"
    ),
    pytest.param(
        "web:ticket_create",
        [],
        {"department": "support", "subject": "Help", "body": "Please"},
        id="new ticket",
    ),
    pytest.param("web:account_switch", [], {"client": "cli_none"}, id="account switch"),
]


@pytest.mark.parametrize(("name", "args", "data"), WRITES_WHILE_VIEWING)
def test_every_client_area_write_while_viewing_is_refused_and_writes_nothing__ACC_11(
    client, agent, client_a, name, args, data
):
    ensure_default_departments()
    _start(client, client_a)

    with recorded_writes() as writes:
        response = client.post(reverse(name, args=args), data)

    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert writes.kept == []


def test_api_writes_while_viewing_are_refused_and_write_nothing__ACC_11(client, agent, client_a):
    _start(client, client_a)
    payers = Payer.objects.count()

    with recorded_writes() as writes:
        response = client.post(
            "/api/v1/payers",
            {"kind": "natural", "name": "Api Payer", "country": "EE"},
            content_type="application/json",
        )

    assert response.status_code == 403
    assert response.json()["code"] == "viewing_as_client"
    assert writes.kept == []
    assert Payer.objects.count() == payers
    # Reads through the API answer as the client: the client's own payers.
    listed = client.get("/api/v1/payers")
    assert listed.status_code == 200


def test_staff_area_writes_wait_until_the_view_ends__ACC_11(client, db, client_a):
    admin = make_staff_user("administrator")
    login(client, admin)
    _start(client, client_a)

    with recorded_writes() as writes:
        refused = client.post(
            reverse("web:staff_note_add", args=[client_a.public_id]), {"text": "A note"}
        )
    assert refused.status_code == 403 and writes.kept == []

    client.post(reverse("web:staff_view_as_end"))
    kept = client.post(reverse("web:staff_note_add", args=[client_a.public_id]), {"text": "Ok"})
    assert kept.status_code == 302


def test_reading_client_pages_while_viewing_writes_nothing__ACC_11(client, agent, client_a):
    _start(client, client_a)
    pages = [
        "web:dashboard",
        "web:profile",
        "web:payer_list",
        "web:ticket_list",
        "web:sign_in_history",
    ]

    for name in pages:
        with recorded_writes() as writes:
            response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert writes.kept == [], name


def test_losing_the_permission_ends_the_view__ACC_11(client, agent, client_a, owner_a):
    _start(client, client_a)
    StaffRole.objects.filter(slug="support").update(permissions=["clients.view"])

    response = client.get(reverse("web:dashboard"))

    assert response["Location"] == reverse("web:staff_home")
    assert SESSION_VIEW_AS_KEY not in client.session
    assert AuditEvent.objects.filter(
        action="client.view_as_ended", subject_client_id=client_a.pk
    ).exists()


def test_signing_out_while_viewing_ends_the_view__ACC_11(client, agent, client_a, owner_a):
    _start(client, client_a)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert LoginAttempt.objects.filter(
        user=owner_a, method=STAFF_VIEW_METHOD, reason="view_ended"
    ).exists()


def test_staff_without_the_permission_cannot_start_a_view__ACC_11(client, db, client_a):
    login(client, make_staff_user("billing"))

    with recorded_writes() as writes:
        response = _start(client, client_a)

    assert response.status_code == 403
    assert writes.kept == []
    assert SESSION_VIEW_AS_KEY not in client.session


# ----------------------------------------------------------------------------- timeline


@pytest.fixture
def busy_client(client_a, owner_a):
    """Client A with an order and its service, an invoice, a payment, a ticket, a staff
    note and a sign-in, each at a known moment."""
    ensure_default_departments()
    catalog = make_catalog()
    payer = client_a.payers.get()
    order = paid_order(client_a, payer, catalog["tariff"], os_image=catalog["os_image"])
    invoice = make_final_invoice(client_a, payer)
    payment = record_payment(client_a, None, "1.00", "PAY-TIMELINE")
    ticket = support.ticket_open(
        client=client_a,
        department=Department.objects.get(slug="support"),
        subject="Disk is slow",
        body="Since Monday",
        author=owner_a,
    )
    admin = make_staff_user("administrator", email="admin@staff.example")
    note = accounts.staff_note_add(client=client_a, actor=admin, text="Prefers e-mail")
    sign_in = accounts.login_attempt_record(
        identifier=owner_a.email, user=owner_a, ip_address="192.0.2.7", succeeded=True
    )
    return {
        "order": order,
        "invoice": invoice,
        "payment": payment,
        "ticket": ticket,
        "note": note,
        "sign_in": sign_in,
    }


def test_the_timeline_merges_every_source_newest_first(busy_client, client_a):
    timeline = client_timeline(client_a, with_personal_data=True)

    kinds = {entry.kind for entry in timeline.entries}
    assert kinds == {"order", "invoice", "payment", "service_status", "ticket", "note", "sign_in"}
    moments = [entry.at for entry in timeline.entries]
    assert moments == sorted(moments, reverse=True)
    assert timeline.entries[0].item == busy_client["sign_in"]


def test_the_timeline_leaves_out_personal_data_for_staff_without_the_permission(
    busy_client, client_a
):
    timeline = client_timeline(client_a, with_personal_data=False)

    assert {entry.kind for entry in timeline.entries} == {
        "order",
        "invoice",
        "payment",
        "service_status",
        "ticket",
    }


def test_the_timeline_pages_without_losing_or_repeating_an_entry(busy_client, client_a):
    everything = client_timeline(client_a, with_personal_data=True, size=100).entries
    pages = []
    page = 1
    while True:
        shown = client_timeline(client_a, page=page, with_personal_data=True, size=3)
        pages.extend(shown.entries)
        if not shown.has_next:
            break
        page += 1

    assert len(everything) > 6
    assert [(entry.kind, entry.item.pk) for entry in pages] == [
        (entry.kind, entry.item.pk) for entry in everything
    ]


def test_the_timeline_reads_each_source_once_whatever_the_page(busy_client, client_a):
    """One statement a source (seven), on the first page as on a later one."""
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            client_timeline(client_a, page=page, with_personal_data=True, size=2)
        assert len(queries) == 7, [query["sql"] for query in queries]


def test_the_timeline_page_shows_the_activity_and_audits_the_read__GDPR_12(
    client, busy_client, client_a
):
    login(client, make_staff_user("support"))
    url = reverse("web:staff_client_timeline", args=[client_a.public_id])

    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "Disk is slow" in page and "Prefers e-mail" in page and "192.0.2.7" in page
    assert "<html" not in fragment and "data-timeline" in fragment
    reads = AuditEvent.objects.filter(subject_client_id=client_a.pk, action=PERSONAL_DATA_READ)
    assert any("activity timeline" in event.data["what"] for event in reads)


def test_the_timeline_of_staff_without_personal_data_hides_subjects_notes_and_sign_ins(
    client, busy_client, client_a
):
    login(client, make_staff_user("abuse"))
    page = client.get(reverse("web:staff_client_timeline", args=[client_a.public_id]))

    html = page.content.decode()
    assert page.status_code == 200
    assert busy_client["ticket"].number_display in html
    for personal in ("Disk is slow", "Prefers e-mail", "192.0.2.7"):
        assert personal not in html
    assert Ticket.objects.filter(client=client_a).count() == 1
    assert timezone.now() - busy_client["note"].created_at < timedelta(minutes=5)
