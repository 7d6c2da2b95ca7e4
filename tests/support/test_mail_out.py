"""Each staff answer is mailed through the notifications outbox (SUP-01, NTF-02): in the
client's language, with a signed reply address of the ticket's department and the threading
headers; internal notes are never mailed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from hostledger.notifications.actions import deliveries_fan_out, deliveries_send_due
from hostledger.support import actions
from hostledger.support.reply_addresses import reply_tag_of


def _sent():
    deliveries_fan_out()
    deliveries_send_due()
    return list(mail.outbox)


@pytest.fixture
def ticket(client_a, owner_a, support_department):
    return actions.ticket_open(
        client=client_a,
        department=support_department,
        subject="Backups fail",
        body="Since Monday.",
        author=owner_a,
    )


def test_a_staff_answer_is_mailed_with_a_signed_reply_address_and_thread_headers__SUP_01(
    ticket, agent, owner_a
):
    first = actions.ticket_staff_reply(ticket=ticket, body="Checking the disk.", author=agent)
    actions.ticket_client_reply(ticket=ticket, body="Any news?", author=owner_a)
    second = actions.ticket_staff_reply(ticket=ticket, body="Disk replaced.", author=agent)

    one, two = _sent()
    thread = f"<{ticket.public_id}@127.0.0.1>"
    assert one.subject == f"[{ticket.number_display}] Backups fail"
    assert "Checking the disk." in one.body and f"/tickets/{ticket.public_id}/" in one.body
    assert one.extra_headers["Message-ID"] == f"<{first.public_id}@127.0.0.1>"
    assert one.extra_headers["References"].startswith(thread)
    tag = reply_tag_of(one.reply_to[0])
    assert (tag.ticket_key, tag.signed) == (ticket.pk, True)
    assert one.reply_to[0].endswith("@localhost")
    assert two.extra_headers["Message-ID"] == f"<{second.public_id}@127.0.0.1>"
    assert two.extra_headers["References"].split()[0] == thread
    assert "Disk replaced." in two.body and "Checking the disk." not in two.body
    # The text as sent is kept encrypted in the outbox (GDPR-11).
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM notifications_delivery")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and all(v.startswith("enc2:") and "Disk" not in v for v in stored)


def test_the_answer_is_mailed_in_the_clients_language__SUP_01(ticket, agent, owner_a):
    owner_a.preferred_language = "et"
    owner_a.save(update_fields=["preferred_language"])
    actions.ticket_staff_reply(ticket=ticket, body="Vaatame.", author=agent)
    (sent,) = _sent()
    assert sent.body.startswith("Tere,") and "Vaatame." in sent.body


def test_internal_notes_are_never_mailed__SUP_01(ticket, agent):
    actions.ticket_note_add(ticket=ticket, body="Client is difficult", author=agent)
    assert _sent() == []
