"""Mail to the abuse address reaches the abuse desk through the mail receiver (ABU-01): an ARF
feedback report or a written complaint opens a case, even when a program marked it as
automatic; a bounce to that address opens nothing; the same mail twice opens one case.
Sent as real SMTP to the receiver on 127.0.0.1 where it matters."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

from hostledger.abuse.models import AbuseCase, Source
from hostledger.flows.mail_in import MailReceiver, Outcome, mail_receive
from hostledger.support.actions import ticket_open
from hostledger.support.models import Department, Ticket
from hostledger.support.reply_addresses import reply_address
from tests.support.conftest import ensure_default_departments
from tests.support.mail_helpers import mail
from tests.web.conftest import make_client_user, publish_policies

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "abuse"


@pytest.fixture
def abuse_address(db) -> str:
    ensure_default_departments()
    return Department.objects.get(slug="abuse").mail_address


def arf_report(to: str, *, extra_headers: str = "") -> bytes:
    """The RFC 5965 example report of the mail-auth samples, addressed to ``to``."""
    raw = (SAMPLES / "mail-auth-arf-002.eml").read_bytes()
    return raw.replace(b"To: <abuse@example.net>", f"To: <{to}>{extra_headers}".encode(), 1)


def test_an_arf_report_to_the_abuse_address_opens_a_case__ABU_01(abuse_address):
    outcome = mail_receive(
        arf_report(abuse_address, extra_headers="\nAuto-Submitted: auto-generated"),
        recipients=[abuse_address],
        envelope_sender="abusedesk@example.com",
    )

    assert outcome.outcome == Outcome.ABUSE_CASE_OPENED
    assert outcome.detail.startswith("ARF feedback report")
    case = AbuseCase.objects.get()
    assert case.source == Source.MAIL
    assert case.reported_ip == "192.0.2.1"
    assert not Ticket.objects.exists()


def test_the_same_report_twice_opens_one_case__ABU_01(abuse_address):
    raw = arf_report(abuse_address, extra_headers="\nMessage-ID: <fbl-1@mail.example.com>")
    first = mail_receive(raw, recipients=[abuse_address], envelope_sender="a@example.com")
    again = mail_receive(raw, recipients=[abuse_address], envelope_sender="a@example.com")

    assert (first.outcome, again.outcome) == (Outcome.ABUSE_CASE_OPENED, Outcome.DUPLICATE)
    assert AbuseCase.objects.count() == 1


def test_a_bounce_to_the_abuse_address_opens_nothing__ABU_01(abuse_address):
    bounce = EmailMessage()
    bounce["From"] = "MAILER-DAEMON@mx.example.com"
    bounce["To"] = abuse_address
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce.set_content("The mail could not be delivered.")
    bounce.make_mixed()
    bounce.set_type("multipart/report")
    bounce.set_param("report-type", "delivery-status")

    outcome = mail_receive(bounce.as_bytes(), recipients=[abuse_address], envelope_sender="")

    assert outcome.outcome == Outcome.AUTOMATIC
    assert not AbuseCase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_complaint_sent_by_smtp_to_the_abuse_address_opens_a_case__ABU_01():
    ensure_default_departments()
    address = Department.objects.get(slug="abuse").mail_address
    receiver = MailReceiver(host="127.0.0.1", port=0)
    receiver.start()
    try:
        complaint = EmailMessage()
        complaint["From"] = "Mari Maasikas <mari@example.org>"
        complaint["To"] = address
        complaint["Subject"] = "Spam from your network"
        complaint["Message-ID"] = "<complaint-1@example.org>"
        complaint.set_content("Your customer at 192.0.2.77 sends us spam every hour.")
        with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as smtp:
            refused = smtp.sendmail("mari@example.org", [address], complaint.as_bytes())
    finally:
        receiver.stop()

    assert refused == {}
    case = AbuseCase.objects.get()
    assert case.source == Source.MAIL
    assert case.reported_ip == "192.0.2.77"


def test_an_answer_to_a_ticket_of_the_abuse_department_stays_in_its_ticket__ABU_01_SUP_01(
    abuse_address,
):
    """Tickets can be opened in the abuse department too; the signed reply address of their
    answers is the department's address with a tag, and it leads to the ticket, not to a new
    abuse case."""
    publish_policies()
    owner = make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    ticket = ticket_open(
        client=owner.client,
        department=Department.objects.get(slug="abuse"),
        subject="Is my server blacklisted?",
        body="Mail bounces.",
        author=owner,
    )
    answer_to = reply_address(department_address=abuse_address, ticket_key=ticket.pk)

    outcome = mail_receive(
        mail(sender="anna@example.com", to=answer_to, body="Thanks."), recipients=[answer_to]
    )

    assert outcome.outcome == Outcome.ADDED_TO_TICKET
    assert not AbuseCase.objects.exists()
