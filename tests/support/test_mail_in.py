"""Support mail in (SUP-01): a signed reply lands in its ticket's thread; mail from a known
client to a department opens a ticket; an unknown sender's mail waits in the review queue,
one ticket per message; the routes are a registry other apps extend."""

from __future__ import annotations

import pytest

from hostledger.flows import mail_in
from hostledger.flows.mail_in import MailOutcome, Outcome, mail_receive, register_route
from hostledger.support import actions
from hostledger.support.models import AuthorKind, Ticket, TicketMessage, TicketStatus
from hostledger.support.reply_addresses import message_message_id, thread_message_id
from tests.support.conftest import PDF
from tests.support.mail_helpers import mail, reply_to


@pytest.fixture
def answered(client_a, owner_a, support_department, agent):
    ticket = actions.ticket_open(
        client=client_a,
        department=support_department,
        subject="Server down",
        body="Help",
        author=owner_a,
    )
    actions.ticket_staff_reply(ticket=ticket, body="Restarted.", author=agent)
    return ticket


def test_a_signed_reply_from_the_owner_lands_in_the_thread__SUP_01(answered):
    outcome = mail_receive(mail(to=reply_to(answered), body="Works now, thanks."))

    assert outcome == MailOutcome(Outcome.ADDED_TO_TICKET, "", answered.number_display)
    message = TicketMessage.objects.filter(ticket=answered).last()
    assert (message.body, message.source, message.author_kind) == (
        "Works now, thanks.",
        "mail",
        AuthorKind.CLIENT,
    )
    answered.refresh_from_db()
    assert answered.status == TicketStatus.OPEN


def test_a_trusted_user_with_the_tickets_scope_may_answer_by_mail__SUP_01_ACC_06(
    answered, tickets_user
):
    outcome = mail_receive(mail(sender=tickets_user.email, to=reply_to(answered)))
    assert outcome.outcome == Outcome.ADDED_TO_TICKET
    assert TicketMessage.objects.filter(ticket=answered).last().author_kind == "trusted_user"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sender": "mallory@example.net"}, "the sender may not write in ticket"),
        ({"forge": True}, "the reply address is not signed correctly"),
    ],
)
def test_a_reply_with_a_bad_signature_or_sender_goes_to_review_not_the_thread__SUP_01(
    answered, change, reason
):
    address = reply_to(answered)
    if change.get("forge"):
        local, _, domain = address.partition("@")
        address = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + domain
    before = TicketMessage.objects.filter(ticket=answered).count()

    outcome = mail_receive(mail(sender=change.get("sender", "anna@example.com"), to=address))

    assert outcome.outcome == Outcome.REVIEW_TICKET_OPENED
    assert reason in outcome.detail
    assert TicketMessage.objects.filter(ticket=answered).count() == before
    review = Ticket.objects.get(needs_review=True)
    assert review.client is None and review.messages.get().body.startswith("My server is down.")


def test_an_answer_sent_to_the_department_joins_the_ticket_it_answers__SUP_01(
    answered, support_department, owner_b
):
    """A mail program that answered to the department's address instead of the reply
    address still names the answer it follows; the owner's mail joins that ticket, another
    client's mail naming it opens a ticket of its own."""
    staff_answer = TicketMessage.objects.filter(ticket=answered, author_kind="staff").get()
    quoted = message_message_id(staff_answer.public_id)
    headers = {"In-Reply-To": quoted, "References": f"{thread_message_id(answered.public_id)}"}

    outcome = mail_receive(
        mail(to=support_department.mail_address, body="Still down.", headers=headers)
    )

    assert outcome == MailOutcome(Outcome.ADDED_TO_TICKET, "", answered.number_display)
    assert TicketMessage.objects.filter(ticket=answered).last().body == "Still down."
    assert Ticket.objects.count() == 1
    other = mail_receive(
        mail(
            sender="bert@example.com",
            to=support_department.mail_address,
            message_id="<m2@example.com>",
            headers=headers,
        )
    )
    assert other.outcome == Outcome.TICKET_OPENED
    assert Ticket.objects.exclude(pk=answered.pk).get().client == owner_b.client


def test_mail_from_a_known_client_to_a_department_opens_a_ticket__SUP_01(
    owner_a, client_a, billing_department
):
    outcome = mail_receive(
        mail(
            sender="ANNA@example.com",
            to=billing_department.mail_address,
            subject="Invoice copy",
            files=[("invoice.pdf", PDF, "application/pdf")],
        )
    )
    assert outcome.outcome == Outcome.TICKET_OPENED
    ticket = Ticket.objects.get()
    assert (ticket.client, ticket.department, ticket.subject, ticket.source) == (
        client_a,
        billing_department,
        "Invoice copy",
        "mail",
    )
    assert ticket.messages.get().attachments.get().content_type == "application/pdf"


def test_unknown_senders_get_one_review_ticket_per_message__SUP_01(support_department):
    for number in (1, 2):
        outcome = mail_receive(
            mail(sender="stranger@example.net", message_id=f"<s{number}@example.net>")
        )
        assert outcome.outcome == Outcome.REVIEW_TICKET_OPENED
    assert Ticket.objects.filter(needs_review=True, client__isnull=True).count() == 2


def test_the_same_mail_twice_is_added_once__SUP_01(answered):
    raw = mail(to=reply_to(answered), message_id="<same@example.com>")
    assert mail_receive(raw).outcome == Outcome.ADDED_TO_TICKET
    assert mail_receive(raw).outcome == Outcome.DUPLICATE
    assert TicketMessage.objects.filter(ticket=answered, source="mail").count() == 1


def test_a_reply_to_a_merged_ticket_lands_where_its_messages_went__SUP_01(
    answered, client_a, owner_a, support_department, agent
):
    target = actions.ticket_open(
        client=client_a, department=support_department, subject="T", body="T", author=owner_a
    )
    actions.ticket_merge(source=answered, target=target, actor=agent)
    outcome = mail_receive(mail(to=reply_to(answered)))
    assert outcome.ticket == target.number_display


def test_mail_to_no_support_address_is_not_routed__SUP_01(db):
    assert mail_receive(mail(to="someone@elsewhere.example")).outcome == Outcome.NO_ROUTE


def test_other_apps_add_a_route_to_the_registry__SUP_01(db, support_department, monkeypatch):
    monkeypatch.setattr(mail_in, "ADDRESS_ROUTES", dict(mail_in.ADDRESS_ROUTES))
    seen = []

    def abuse_handle(inbound, address):
        seen.append((inbound.subject, address))
        return MailOutcome("abuse_case_opened")

    register_route(
        "abuse",
        matches=lambda address: address == "abuse@localhost",
        handle=abuse_handle,
        first=True,
    )
    assert next(iter(mail_in.ADDRESS_ROUTES)) == "abuse"
    outcome = mail_receive(
        mail(sender="reporter@example.org", to="abuse@localhost", subject="Spam")
    )
    assert outcome.outcome == "abuse_case_opened"
    assert seen == [("Spam", "abuse@localhost")]


def test_a_message_id_sent_first_by_someone_else_does_not_block_the_clients_mail__SUP_01(
    answered,
):
    stolen = "<known@example.com>"
    mail_receive(mail(sender="mallory@example.net", message_id=stolen))
    outcome = mail_receive(mail(to=reply_to(answered), message_id=stolen))
    assert outcome.outcome == Outcome.ADDED_TO_TICKET
