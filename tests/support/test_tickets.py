"""Tickets between a client and staff (SUP-01): opening, answering, notes, closing, rating,
assignment, priority and status; every message kept, every refusal changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from hostledger.core.errors import DomainError
from hostledger.notifications.models import Notification
from hostledger.support import actions
from hostledger.support.models import (
    AuthorKind,
    Ticket,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)
from hostledger.support.selectors import client_ticket_messages, ticket_timers

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _state() -> dict:
    return {
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "messages": list(TicketMessage.objects.order_by("pk").values_list("pk", "ticket_id")),
        "notifications": Notification.objects.count(),
    }


def _open(client, owner, usual_department, **overrides):
    values = {
        "client": client,
        "department": usual_department,
        "subject": "The server does not answer",
        "body": "Since 08:00 the VPS is unreachable.",
        "author": owner,
        "now": NOW,
    }
    values.update(overrides)
    return actions.ticket_open(**values)


def test_a_client_opens_a_ticket_and_staff_answer_it__SUP_01(
    client_a, owner_a, support_department, agent
):
    ticket = _open(client_a, owner_a, support_department)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.number_display == f"T-{ticket.pk:06d}"

    answer = actions.ticket_staff_reply(
        ticket=ticket, body="We restarted it.", author=agent, now=NOW + timedelta(hours=2)
    )

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.first_response_at == NOW + timedelta(hours=2)
    assert answer.author_kind == AuthorKind.STAFF
    notification = Notification.objects.get(client=client_a, event="ticket_answered")
    assert notification.context == {"ticket_message": answer.public_id}
    # Every message kept, oldest first.
    assert [m.body for m in client_ticket_messages(ticket)] == [
        "Since 08:00 the VPS is unreachable.",
        "We restarted it.",
    ]


def test_subject_and_bodies_are_encrypted_in_the_database__SUP_01_GDPR_11(
    client_a, owner_a, support_department
):
    ticket = _open(client_a, owner_a, support_department)
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject FROM support_ticket WHERE id = %s", [ticket.pk])
        (stored_subject,) = cursor.fetchone()
        cursor.execute("SELECT body FROM support_ticketmessage WHERE ticket_id = %s", [ticket.pk])
        (stored_body,) = cursor.fetchone()
    assert stored_subject.startswith("enc2:") and "server" not in stored_subject
    assert stored_body.startswith("enc2:") and "VPS" not in stored_body


def test_internal_notes_are_never_among_the_clients_messages__SUP_01(
    client_a, owner_a, support_department, agent
):
    ticket = _open(client_a, owner_a, support_department)
    actions.ticket_note_add(ticket=ticket, body="Client owes money; be brief.", author=agent)

    assert all(not m.is_internal_note for m in client_ticket_messages(ticket))
    assert "Client owes money" not in [m.body for m in client_ticket_messages(ticket)]
    assert TicketMessage.objects.filter(ticket=ticket, is_internal_note=True).count() == 1
    assert not Notification.objects.filter(event="ticket_answered").exists()
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # a note is no answer


def test_a_client_reply_reopens_the_ticket__SUP_01(client_a, owner_a, support_department, agent):
    ticket = _open(client_a, owner_a, support_department)
    actions.ticket_staff_reply(ticket=ticket, body="Done.", author=agent, status="closed")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.resolved_at is not None

    actions.ticket_client_reply(ticket=ticket, body="It is down again.", author=owner_a)

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.resolved_at is None


def test_the_client_closes_and_rates_after_an_answer__SUP_01(
    client_a, owner_a, support_department, agent
):
    ticket = _open(client_a, owner_a, support_department)
    before = _state()
    with pytest.raises(DomainError) as refused:
        actions.ticket_rate(ticket=ticket, rating=5)
    assert refused.value.fields == {"rating": "no answer to rate yet"}
    assert _state() == before

    actions.ticket_staff_reply(ticket=ticket, body="Fixed.", author=agent)
    actions.ticket_close(ticket=ticket, actor=owner_a, now=NOW + timedelta(hours=5))
    rated = actions.ticket_rate(ticket=ticket, rating="4", comment="Quick, thanks")

    assert (rated.status, rated.rating, rated.rating_comment) == ("closed", 4, "Quick, thanks")
    for bad in (0, 6, "five", None):
        before = _state()
        with pytest.raises(DomainError) as refused:
            actions.ticket_rate(ticket=ticket, rating=bad)
        assert "rating" in refused.value.fields
        assert _state() == before


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("subject", {"subject": "   "}),
        ("subject", {"subject": "x" * 201}),
        ("body", {"body": ""}),
        ("body", {"body": "y" * 50_001}),
        ("department", {"department": None}),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written__SUP_01(
    client_a, owner_a, support_department, field, values
):
    before = _state()
    with pytest.raises(DomainError) as refused:
        _open(client_a, owner_a, support_department, **dict(values))
    assert field in refused.value.fields
    assert _state() == before


def test_subject_is_one_line_without_control_characters__SUP_01(
    client_a, owner_a, support_department
):
    ticket = _open(client_a, owner_a, support_department, subject="Down\r\nBcc: x@y\x07 now")
    assert ticket.subject == "Down Bcc: x@y now"


def test_staff_assign_set_priority_and_status__SUP_01(
    client_a, owner_a, support_department, billing_department, agent, owner_b
):
    ticket = _open(client_a, owner_a, support_department)
    actions.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    actions.ticket_priority_set(ticket=ticket, priority=TicketPriority.URGENT, actor=agent)
    actions.ticket_status_set(ticket=ticket, status=TicketStatus.ON_HOLD, actor=agent)
    actions.ticket_department_set(ticket=ticket, department=billing_department, actor=agent)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.status, ticket.department) == (
        agent,
        "urgent",
        "on_hold",
        billing_department,
    )
    before = _state()
    with pytest.raises(DomainError):
        actions.ticket_assign(ticket=ticket, assignee=owner_b, actor=agent)
    with pytest.raises(DomainError):
        actions.ticket_priority_set(ticket=ticket, priority="panic", actor=agent)
    with pytest.raises(DomainError):
        actions.ticket_status_set(ticket=ticket, status="open", actor=owner_a)
    with pytest.raises(DomainError):
        actions.ticket_staff_reply(ticket=ticket, body="Hi", author=owner_a)
    assert _state() == before


def test_first_response_and_resolution_timers_follow_the_department__SUP_01(
    client_a, owner_a, support_department, agent
):
    support_department.first_response_hours = 4
    support_department.resolution_hours = 24
    support_department.save()
    ticket = _open(client_a, owner_a, support_department)

    timers = ticket_timers(ticket, now=NOW + timedelta(hours=3))
    assert timers["first_response"].due_at == NOW + timedelta(hours=4)
    assert not timers["first_response"].overdue
    assert timers["first_response"].seconds_left == 3600

    late = ticket_timers(ticket, now=NOW + timedelta(hours=5))
    assert late["first_response"].overdue
    with time_machine.travel(NOW + timedelta(hours=6), tick=False):
        actions.ticket_staff_reply(ticket=ticket, body="Sorry for the wait.", author=agent)
    ticket.refresh_from_db()
    done = ticket_timers(ticket, now=NOW + timedelta(hours=30))
    assert done["first_response"].done_at == NOW + timedelta(hours=6)
    assert done["first_response"].overdue  # answered after the target
    assert done["resolution"].overdue and done["resolution"].done_at is None
