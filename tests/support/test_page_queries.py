"""The ticket lists cost the same number of queries for 2 tickets as for 12 (SUP-01): no
query per row."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostledger.support import actions
from tests.web.conftest import login


def _tickets(client, owner, department, count: int) -> None:
    for number in range(count):
        actions.ticket_open(
            client=client,
            department=department,
            subject=f"Question {number}",
            body="Text",
            author=owner,
        )


def _queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_the_staff_queue_and_the_client_list_make_no_query_per_ticket__SUP_01(
    client_a, owner_a, support_department, agent, client
):
    _tickets(client_a, owner_a, support_department, 2)
    staff_http = login(client, agent)
    few_staff = _queries(staff_http, reverse("web:staff_tickets"))
    client_http = login(client.__class__(), owner_a)
    few_client = _queries(client_http, reverse("web:ticket_list"))

    _tickets(client_a, owner_a, support_department, 10)

    assert _queries(staff_http, reverse("web:staff_tickets")) == few_staff
    assert _queries(client_http, reverse("web:ticket_list")) == few_client
