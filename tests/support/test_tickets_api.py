"""The support ticket operations of the API (SUP-01, ACC-06): clients list, open, read,
answer, close and rate; staff work the queue, search, answer, note, assign and set the
status. Internal notes never reach a client; refusals are 400 naming the field."""

from __future__ import annotations

import base64

from hostledger.notifications.models import Notification
from hostledger.support.models import Ticket, TicketMessage
from tests.api.conftest import api_by_session, api_by_token, error_of
from tests.support.conftest import PNG


def _open(api, **extra):
    body = {
        "department": "support",
        "subject": "Backups fail",
        "body": "Since Monday.",
        "attachments": [
            {"file_name": "shot.png", "content_base64": base64.b64encode(PNG).decode()}
        ],
    }
    body.update(extra)
    return api.post("/tickets", body)


def test_a_client_opens_reads_answers_rates_and_closes_by_api__SUP_01(
    owner_a, support_department, agent
):
    client_api = api_by_token(owner_a)
    opened = _open(client_api)
    assert opened.status_code == 201, opened.content
    ticket = opened.json()
    assert ticket["number"].startswith("T-") and ticket["department"] == "support"
    assert ticket["messages"][0]["attachments"][0]["content_type"] == "image/png"

    staff_api = api_by_token(agent)
    queue = staff_api.get("/staff/tickets?department=support").json()
    assert [item["id"] for item in queue["items"]] == [ticket["id"]]
    answered = staff_api.post(
        f"/staff/tickets/{ticket['id']}/replies", {"body": "Disk replaced.", "status": "answered"}
    )
    assert answered.status_code == 201, answered.content
    assert (
        staff_api.post(
            f"/staff/tickets/{ticket['id']}/notes", {"body": "Disk 3 of host 7"}
        ).status_code
        == 201
    )
    assert Notification.objects.filter(event="ticket_answered").count() == 1

    read = client_api.get(f"/tickets/{ticket['id']}").json()
    assert [m["body"] for m in read["messages"]] == ["Since Monday.", "Disk replaced."]
    assert (
        client_api.post(f"/tickets/{ticket['id']}/replies", {"body": "Thanks"}).status_code == 201
    )
    rated = client_api.post(f"/tickets/{ticket['id']}/rating", {"rating": 5, "comment": "Fast"})
    assert rated.json()["rating"] == 5
    closed = client_api.post(f"/tickets/{ticket['id']}/close")
    assert closed.json()["status"] == "closed"

    staff_read = staff_api.get(f"/staff/tickets/{ticket['id']}").json()
    assert [m["internal_note"] for m in staff_read["messages"]] == [False, False, True, False]
    found = staff_api.post("/staff/tickets/search", {"q": "backups"}).json()
    assert [item["id"] for item in found["items"]] == [ticket["id"]]


def test_another_clients_ticket_is_404_and_notes_never_reach_clients__SUP_01(
    owner_a, owner_b, support_department, agent
):
    ticket = _open(api_by_token(owner_a)).json()
    api_by_token(agent).post(f"/staff/tickets/{ticket['id']}/notes", {"body": "secret"})
    other = api_by_token(owner_b)
    for response in (
        other.get(f"/tickets/{ticket['id']}"),
        other.post(f"/tickets/{ticket['id']}/replies", {"body": "x"}),
        other.post(f"/tickets/{ticket['id']}/close"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert "secret" not in api_by_token(owner_a).get(f"/tickets/{ticket['id']}").content.decode()


def test_a_trusted_user_with_the_tickets_scope_writes_in_the_granting_account__SUP_01_ACC_06(
    client_a, tickets_user, support_department
):
    api = api_by_session(tickets_user)
    opened = api.post(
        f"/tickets?client={client_a.public_id}",
        {"department": "billing", "subject": "Invoice", "body": "Copy?"},
    )
    assert opened.status_code == 201, opened.content
    assert Ticket.objects.get().client == client_a
    assert TicketMessage.objects.get().author_kind == "trusted_user"


def test_refusals_are_400_naming_the_field_and_change_nothing__SUP_01(owner_a, support_department):
    api = api_by_token(owner_a)
    cases = [
        ({"department": "nope"}, "department"),
        ({"subject": ""}, "subject"),
        (
            {"attachments": [{"file_name": "x.pdf", "content_base64": "!!!"}]},
            "attachments.0.content_base64",
        ),
        (
            {
                "attachments": [
                    {
                        "file_name": "x.pdf",
                        "content_base64": base64.b64encode(b"<script>1</script>").decode(),
                    }
                ]
            },
            "attachments",
        ),
    ]
    for change, field in cases:
        response = _open(api, **change)
        assert response.status_code == 400, response.content
        assert field in error_of(response)["fields"], response.content
    assert not Ticket.objects.exists()
