"""Staff search over tickets (SUP-01, GDPR-11): by a word prefix of the subject or of any
message, by the sender's address or by number, while the text stays encrypted; the search
tokens are keyed hashes, never the words."""

from __future__ import annotations

from django.db import connection

from hostledger.support import actions
from hostledger.support.models import Department, TicketSearchToken
from hostledger.support.selectors import ticket_search


def test_tickets_are_found_by_word_prefixes_of_subject_and_messages__SUP_01(
    client_a, owner_a, client_b, owner_b, support_department, agent
):
    first = actions.ticket_open(
        client=client_a,
        department=support_department,
        subject="Postfix queue is stuck",
        body="Mail to Jüri bounces.",
        author=owner_a,
    )
    second = actions.ticket_open(
        client=client_b,
        department=support_department,
        subject="Invoice question",
        body="Why two invoices?",
        author=owner_b,
    )
    actions.ticket_staff_reply(ticket=second, body="One is a credit note.", author=agent)

    assert ticket_search(agent, "postfix") == [first]
    assert ticket_search(agent, "Pos") == [first]
    assert ticket_search(agent, "juri bounces") == [first]
    assert ticket_search(agent, "credit") == [second]
    assert ticket_search(agent, "invoice credit") == [second]
    assert ticket_search(agent, "postfix credit") == []
    assert ticket_search(agent, second.number_display) == [second]
    assert ticket_search(agent, str(first.pk)) == [first]


def test_internal_notes_are_searchable_by_staff__SUP_01(
    client_a, owner_a, support_department, agent
):
    ticket = actions.ticket_open(
        client=client_a,
        department=support_department,
        subject="Hello",
        body="Hi",
        author=owner_a,
    )
    actions.ticket_note_add(ticket=ticket, body="Escalated to Margus", author=agent)
    assert ticket_search(agent, "margus") == [ticket]


def test_unknown_senders_are_found_by_address__SUP_01(agent, support_department):
    ticket = actions.ticket_open_for_review(
        department=Department.objects.get(slug="sales"),
        sender_address="Someone@Example.org",
        subject="Price list",
        body="Send prices",
    )
    assert ticket_search(agent, "someone@example.org") == [ticket]


def test_the_tokens_hold_no_words__SUP_01_GDPR_11(client_a, owner_a, support_department):
    actions.ticket_open(
        client=client_a,
        department=support_department,
        subject="Kubernetes",
        body="cluster",
        author=owner_a,
    )
    tokens = list(TicketSearchToken.objects.values_list("token", flat=True))
    assert tokens and all(len(token) == 64 for token in tokens)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM support_ticketsearchtoken")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "kube" not in stored and "clus" not in stored
