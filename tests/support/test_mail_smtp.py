"""The built-in SMTP receiver (SUP-01): real SMTP sent with smtplib to the receiver on
127.0.0.1 on a free port; too large a mail is refused at the door (552), so the sender's
server keeps it and tells the sender."""

from __future__ import annotations

import smtplib

import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.flows.mail_in import MailReceiver
from hostledger.support import actions
from hostledger.support.models import Department, Ticket, TicketMessage
from tests.support.mail_helpers import mail, reply_to
from tests.web.conftest import make_client_user, make_staff_user


@pytest.fixture
def receiver(default_departments):
    started = MailReceiver(host="127.0.0.1", port=0)
    started.start()
    yield started
    started.stop()


def _send(receiver, raw: bytes, *, to: str, sender: str = "anna@example.com"):
    with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as smtp:
        return smtp.sendmail(sender, [to], raw)


@pytest.mark.django_db(transaction=True)
def test_a_reply_sent_by_smtp_lands_in_the_thread__SUP_01(policies, receiver):
    owner = make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    agent = make_staff_user("support")
    ticket = actions.ticket_open(
        client=owner.client,
        department=Department.objects.get(slug="support"),
        subject="Down",
        body="Help",
        author=owner,
    )
    actions.ticket_staff_reply(ticket=ticket, body="Restarted.", author=agent)

    refused = _send(receiver, mail(to=reply_to(ticket), body="Thanks!"), to=reply_to(ticket))

    assert refused == {}
    assert TicketMessage.objects.filter(ticket=ticket, source="mail").get().body == "Thanks!"


@pytest.mark.django_db(transaction=True)
def test_an_unknown_sender_by_smtp_waits_for_review__SUP_01(receiver):
    _send(receiver, mail(sender="x@example.org"), to="sales@localhost", sender="x@example.org")
    ticket = Ticket.objects.get()
    assert ticket.needs_review and ticket.department.slug == "sales"


@pytest.mark.django_db(transaction=True)
def test_too_large_a_mail_is_refused_with_552_and_nothing_is_written__SUP_01(
    default_departments,
):
    provider_setting_change(key="support.mail_max_bytes", raw_value=str(64 * 1024))
    small = MailReceiver(host="127.0.0.1", port=0)
    small.start()
    try:
        with pytest.raises(smtplib.SMTPException) as refused:
            _send(small, mail(body="z" * (100 * 1024)), to="support@localhost")
    finally:
        small.stop()
    code = getattr(refused.value, "smtp_code", None) or refused.value.args[0]
    assert code == 552
    assert not Ticket.objects.exists()
