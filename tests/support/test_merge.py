"""Merging tickets and the review queue of mail from unknown senders (SUP-01): every message
is kept, and text moved to a client's ticket goes under that client's key."""

from __future__ import annotations

import pytest
from django.db import connection

from hostledger.core.errors import DomainError
from hostledger.support import actions
from hostledger.support.models import Department, Ticket, TicketMessage, TicketStatus
from hostledger.support.selectors import client_ticket_messages, ticket_search
from tests.support.conftest import png_upload


def _ticket(client, owner, department, subject):
    return actions.ticket_open(
        client=client, department=department, subject=subject, body=subject, author=owner
    )


def test_a_merge_moves_every_message_and_closes_the_source__SUP_01(
    client_a, owner_a, support_department, agent
):
    target = _ticket(client_a, owner_a, support_department, "Disk full")
    source = _ticket(client_a, owner_a, support_department, "Disk still full")
    actions.ticket_note_add(ticket=source, body="Same as the other", author=agent)

    actions.ticket_merge(source=source, target=target, actor=agent)

    source.refresh_from_db()
    assert source.status == TicketStatus.CLOSED and source.merged_into == target
    assert TicketMessage.objects.filter(ticket=target).count() == 3
    assert [m.body for m in client_ticket_messages(target)] == ["Disk full", "Disk still full"]
    assert ticket_search(agent, "still") == [target]


def test_tickets_of_two_clients_are_never_merged__SUP_01(
    client_a, owner_a, client_b, owner_b, support_department, agent
):
    one = _ticket(client_a, owner_a, support_department, "A")
    other = _ticket(client_b, owner_b, support_department, "B")
    with pytest.raises(DomainError) as refused:
        actions.ticket_merge(source=other, target=one, actor=agent)
    assert refused.value.fields == {"target": "of another client"}
    assert TicketMessage.objects.get(ticket=other).body == "B"
    with pytest.raises(DomainError):
        actions.ticket_merge(source=one, target=one, actor=agent)


def test_mail_of_an_unknown_sender_merged_into_a_clients_ticket_goes_under_its_key__SUP_01(
    client_a, owner_a, support_department, agent
):
    target = _ticket(client_a, owner_a, support_department, "Backup restore")
    mail = actions.ticket_open_for_review(
        department=support_department,
        sender_address="anna.private@example.net",
        subject="Re: backup",
        body="Sent from my other address",
        files=[png_upload()],
    )
    assert mail.needs_review and mail.client_id is None

    actions.ticket_merge(source=mail, target=target, actor=agent)

    moved = TicketMessage.objects.get(ticket=target, author_kind="sender")
    assert moved.body == "Sent from my other address"
    original = TicketMessage.objects.get(ticket=target, author_kind="client")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT body FROM support_ticketmessage WHERE id IN (%s, %s) ORDER BY id",
            [original.pk, moved.pk],
        )
        stored = [row[0] for row in cursor.fetchall()]
    # Both under the key of client A (the key id is the second part of the token).
    assert all(value.startswith("enc2:") for value in stored)
    assert stored[0].split(":")[1] == stored[1].split(":")[1]
    assert moved.attachments.get().content.client == client_a
    assert not Ticket.objects.filter(needs_review=True).exclude(status="closed").exists()


def test_an_unknown_sender_is_linked_to_a_client__SUP_01(client_a, agent, billing_department):
    mail = actions.ticket_open_for_review(
        department=Department.objects.get(slug="billing"),
        sender_address="accountant@example.net",
        subject="Invoice copy",
        body="Please resend",
    )
    with pytest.raises(DomainError):
        actions.ticket_staff_reply(ticket=mail, body="Who are you?", author=agent)

    actions.ticket_client_link(ticket=mail, client=client_a, actor=agent)
    mail.refresh_from_db()
    assert mail.client == client_a and not mail.needs_review
    actions.ticket_staff_reply(ticket=mail, body="Resent.", author=agent)
