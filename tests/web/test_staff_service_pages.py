"""The staff area's order and service pages: lists with filters, one order, one service with
its history and life-cycle forms, and the activation queue ordered by commencement deadline.
A change needs a reason and ``services.manage``; a refused one changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostledger.subscriptions.actions import order_place, service_activate
from hostledger.subscriptions.models import Order, ServiceStatus
from tests.subscriptions.factories import NOW, build_catalog, fund, written_rows
from tests.web.conftest import login, make_client_user, make_staff_user

pytestmark = pytest.mark.django_db

TALLINN = ZoneInfo("Europe/Tallinn")


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    """Monday 1 March 2027, 10:00 in Tallinn."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def support(client):
    """A member of the support role: clients.view and services.manage."""
    return login(client, make_staff_user("support"))


def html_of(response) -> str:
    return response.content.decode()


def place(client, tariff, *, paid=True, os_image=None, today=None, trial=False):
    """An order placed by the client's owner; paid from the balance when ``paid``."""
    if paid:
        fund(client, "200.00", on=today or NOW.date())
    return order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=tariff,
        period_months=1,
        os_image=os_image,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        trial=trial,
        actor=client.owner,
        today=today,
        host_name="shop.example.ee",  # what a hosting order names (ORD-01)
    )


@pytest.fixture
def vps(shop, client_a):
    """A paid VPS Start waiting to be set up, paid on Monday 1 March 2027."""
    return place(client_a, shop.vps_start, os_image=shop.debian).services.get()


# ----------------------------------------------------------------------------- orders


def test_order_list_filters_by_status_and_client__ORD_01(support, shop, client_a, owner_b):
    paid = place(client_a, shop.vps_start, os_image=shop.debian)
    unpaid = place(owner_b.client, shop.hosting_start, paid=False)
    html = html_of(support.get(reverse("web:staff_orders")))
    assert paid.public_id in html and unpaid.public_id in html

    html = html_of(support.get(reverse("web:staff_orders"), {"status": "placed"}))
    assert unpaid.public_id in html and paid.public_id not in html
    html = html_of(support.get(reverse("web:staff_orders"), {"client": client_a.public_id}))
    assert paid.public_id in html and unpaid.public_id not in html


def test_order_detail_shows_what_was_asked_at_the_prices_of_that_moment__ORD_01(
    support, shop, client_a
):
    order = place(client_a, shop.vps_start, os_image=shop.windows)
    html = html_of(support.get(reverse("web:staff_order", args=[order.public_id])))
    assert '<h1>VPS Start <span class="badge badge-success">Paid</span>' in html
    assert "Windows Server 2022 licence" in html
    assert '<td class="table-num" data-label="Per month">€12.35</td>' in html
    assert '<tfoot><tr><td colspan="5">Net total</td><td class="table-num">€22.25</td>' in html
    assert order.services.get().public_id in html


# ----------------------------------------------------------------------------- services


def test_service_list_filters_by_status_family_and_client__ORD_02(
    support, shop, client_a, owner_b, vps
):
    hosting = place(owner_b.client, shop.hosting_start, paid=False).services.get()
    html = html_of(support.get(reverse("web:staff_services")))
    assert vps.public_id in html and hosting.public_id in html
    for query, shown, hidden in (
        ({"status": "pending"}, hosting, vps),
        ({"status": "provisioning"}, vps, hosting),
        ({"family": "vps"}, vps, hosting),
        ({"client": owner_b.client.public_id}, hosting, vps),
    ):
        html = html_of(support.get(reverse("web:staff_services"), query))
        assert shown.public_id in html and hidden.public_id not in html, query


def test_service_page_shows_the_history_with_reason_actor_and_time__ORD_02(support, vps, client_a):
    html = html_of(support.get(reverse("web:staff_service", args=[vps.public_id])))
    history = html[html.index("<h2>History</h2>") :]
    assert "<strong>Pending payment → Provisioning</strong>" in history
    assert "Period paid on 2027-03-01; provisioning started." in history
    assert client_a.owner.email in history, "staff see who made each change"
    assert '<time datetime="2027-03-01T10:00:00+02:00">1 Mar 2027, 10:00</time>' in history
    assert "Must start by <strong>2 Mar 2027</strong>" in html
    assert "Create" in html and "Waiting" in html, "the module's create call waits for staff"


def test_staff_activate_a_manual_service_and_the_deadline_is_recorded__CAT_03_PRV_01(
    support, vps, client_a
):
    response = support.post(
        reverse("web:staff_service_activate", args=[vps.public_id]),
        {"activate-reason": "Built on host pve-3."},
        follow=True,
    )
    vps.refresh_from_db()
    assert vps.status == ServiceStatus.ACTIVE and vps.activated_at is not None
    change = vps.status_changes.order_by("id").last()
    assert change.reason == (
        "Activated by staff on 2027-03-01; commencement deadline 2027-03-02 (met). "
        "Built on host pve-3."
    )
    assert change.actor.email == "support@staff.example"
    html = html_of(response)
    assert f"Service {vps.public_id} is active." in html
    assert "<strong>Provisioning → Active</strong>" in html


def test_suspend_resume_and_terminate_need_a_reason__ORD_02(support, vps):
    service_activate(service=vps, actor=make_staff_user("administrator"), today=NOW.date())
    url = reverse("web:staff_service_suspend", args=[vps.public_id])
    before = written_rows()
    response = support.post(url, {"suspend-reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in html_of(response)
    assert written_rows() == before

    support.post(url, {"suspend-reason": "Abuse report #41: outgoing spam."})
    vps.refresh_from_db()
    assert vps.status == ServiceStatus.SUSPENDED
    html = html_of(support.get(reverse("web:staff_service", args=[vps.public_id])))
    assert "Abuse report #41: outgoing spam." in html
    assert 'name="resume-reason"' in html and 'name="suspend-reason"' not in html

    support.post(
        reverse("web:staff_service_resume", args=[vps.public_id]),
        {"resume-reason": "Spam stopped."},
    )
    vps.refresh_from_db()
    assert vps.status == ServiceStatus.ACTIVE
    support.post(
        reverse("web:staff_service_terminate", args=[vps.public_id]),
        {"terminate-reason": "Client asked by phone."},
    )
    vps.refresh_from_db()
    assert vps.status == ServiceStatus.TERMINATED
    reasons = list(vps.status_changes.order_by("id").values_list("to_status", "reason"))
    assert reasons[-3:] == [
        ("suspended", "Abuse report #41: outgoing spam."),
        ("active", "Spam stopped."),
        ("terminated", "Client asked by phone."),
    ]


def test_a_change_the_state_machine_refuses_is_shown_and_changes_nothing__ORD_02(support, vps):
    before = written_rows()
    response = support.post(
        reverse("web:staff_service_resume", args=[vps.public_id]),
        {"resume-reason": "Try anyway."},
    )
    assert response.status_code == 400
    assert "A service that is provisioning cannot become active." in html_of(response)
    assert written_rows() == before


def test_staff_without_services_manage_read_but_see_no_forms__ACC_11(client, vps):
    login(client, make_staff_user("billing"))
    html = html_of(client.get(reverse("web:staff_service", args=[vps.public_id])))
    assert "Waiting to be set up" in html
    assert 'name="activate-reason"' not in html
    before = written_rows()
    response = client.post(
        reverse("web:staff_service_activate", args=[vps.public_id]), {"activate-reason": ""}
    )
    assert response.status_code == 403
    assert written_rows() == before


# ----------------------------------------------------------------------------- queue


def test_activation_queue_puts_overdue_services_first_and_highlights_them__CAT_03(
    support, shop, client_a, owner_b, time_machine
):
    """Paid on Thursday 25 February (deadline Friday 26), on Friday 26 February (deadline
    Monday 1 March) and today, Monday 1 March (deadline Tuesday 2 March)."""
    owner_c = make_client_user("carl@example.com")
    services = {}
    for label, client, day in (
        ("today", client_a, date(2027, 3, 1)),
        ("thursday", owner_b.client, date(2027, 2, 25)),
        ("friday", owner_c.client, date(2027, 2, 26)),
    ):
        time_machine.move_to(datetime(day.year, day.month, day.day, 9, tzinfo=TALLINN))
        services[label] = place(client, shop.vps_start, os_image=shop.debian, today=day)
    time_machine.move_to(NOW, tick=False)
    deadlines = {
        label: order.services.get().commencement_deadline for label, order in services.items()
    }
    assert deadlines == {
        "today": date(2027, 3, 2),
        "thursday": date(2027, 2, 26),
        "friday": date(2027, 3, 1),
    }
    login(support, make_staff_user("administrator", email="admin2@staff.example"))
    html = html_of(support.get(reverse("web:staff_activation_queue")))
    table = html[html.index("queue-table") :]
    positions = [
        table.index(order.services.get().public_id)
        for order in (services["thursday"], services["friday"], services["today"])
    ]
    assert positions == sorted(positions), "overdue first, then by deadline"
    thursday_row = table[: positions[1]]
    assert 'class="queue-overdue"' in thursday_row
    assert '<span class="badge badge-danger">Overdue</span>' in thursday_row
    assert '<span class="badge badge-warning">Today</span>' in table
    assert "1 working day left" in table
    assert '<p class="stat-value">1</p><p class="stat-note">past their commencement deadline' in (
        html.replace("\n", "")
    )

    service = services["thursday"].services.get()
    response = support.post(
        reverse("web:staff_service_activate", args=[service.public_id]), {"from": "queue"}
    )
    assert response["Location"] == reverse("web:staff_activation_queue")
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert "commencement deadline 2027-02-26 (missed)" in service.status_changes.last().reason
    html = html_of(support.get(reverse("web:staff_activation_queue")))
    assert service.public_id not in html[html.index("queue-table") :]


def test_a_free_trial_waits_in_the_queue_too__CAT_04_CAT_03(support, shop, client_a):
    order = place(client_a, shop.vps_start, os_image=shop.debian, paid=False, trial=True)
    assert order.status == Order.Status.FREE_TRIAL
    html = html_of(support.get(reverse("web:staff_activation_queue")))
    assert order.services.get().public_id in html
    assert '<span class="badge badge-info">Free trial</span>' in html


# ----------------------------------------------------------------------------- query counts


STAFF_LIST_QUERIES = {
    "web:staff_orders": 6,
    "web:staff_services": 6,
    "web:staff_activation_queue": 7,
}
"""Session, user, authenticator, permissions, and the page's reads with one per prefetch."""


@pytest.mark.parametrize("name", sorted(STAFF_LIST_QUERIES))
def test_staff_list_pages_make_the_same_queries_for_1_or_6_rows(name, support, shop, policies):
    def add_client_with_order(number):
        owner = make_client_user(f"count{number}@example.com")
        place(owner.client, shop.vps_start, os_image=shop.debian)

    add_client_with_order(0)
    support.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        assert support.get(reverse(name)).status_code == 200
    for number in range(1, 6):
        add_client_with_order(number)
    with CaptureQueriesContext(connection) as six:
        html = html_of(support.get(reverse(name)))
    assert html.count("svc_" if name != "web:staff_orders" else "ord_") >= 6
    assert len(six) == len(one) == STAFF_LIST_QUERIES[name]
