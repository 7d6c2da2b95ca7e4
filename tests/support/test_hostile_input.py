"""Hostile input to the support desk (SUP-01): oversized and malformed mail, attachments
whose content lies about their type, HTML and script in subjects and bodies, mail loops.
Each gets a clear outcome, and a person's text is never lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.flows.mail_in import Outcome, mail_receive
from hostledger.support import actions
from hostledger.support.actions import AttachmentUpload
from hostledger.support.models import Attachment, Ticket, TicketMessage
from hostledger.support.reply_addresses import reply_address
from tests.support.mail_helpers import mail, reply_to
from tests.web.conftest import login


def _nothing_written() -> bool:
    return not Ticket.objects.exists() and not TicketMessage.objects.exists()


def test_oversized_mail_is_refused_unread__SUP_01(support_department, administrator):
    provider_setting_change(
        key="support.mail_max_bytes", raw_value=str(64 * 1024), actor=administrator
    )
    outcome = mail_receive(mail(sender="stranger@example.net", body="x" * (70 * 1024)))
    assert outcome.outcome == Outcome.TOO_LARGE
    assert "65,536" in outcome.detail
    assert _nothing_written()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: stranger@example.net\r\nTo: support@localhost\r\nSubject: =?bogus?Q?x?=\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\n'
        b"Content-Type: text/plain; charset=klingon-8\r\n\r\nStill readable text\r\n",
        b"From: stranger@example.net\r\nTo: support@localhost\r\nSubject: "
        + b"A" * 5000
        + b"\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
    ],
)
def test_malformed_mail_never_crashes_and_a_readable_text_is_kept__SUP_01(support_department, raw):
    outcome = mail_receive(raw, recipients=["support@localhost"])
    if b"stranger@example.net" not in raw:
        assert outcome.outcome == Outcome.AUTOMATIC and outcome.detail == "no sender address"
        assert _nothing_written()
        return
    assert outcome.outcome == Outcome.REVIEW_TICKET_OPENED
    ticket = Ticket.objects.get()
    assert len(ticket.subject) <= 200
    message = ticket.messages.get()
    assert message.body
    if b"Still readable" in raw:
        assert "Still readable text" in message.body


def test_a_very_long_mail_is_cut_with_a_note__SUP_01(support_department):
    outcome = mail_receive(mail(sender="stranger@example.net", body="y" * 60_000))
    assert outcome.outcome == Outcome.REVIEW_TICKET_OPENED
    body = TicketMessage.objects.get().body
    assert body.endswith("the text was cut to fit]") and len(body) <= 50_000


def test_a_mailed_attachment_that_lies_about_its_type_is_left_out_with_a_note__SUP_01(
    owner_a, support_department
):
    outcome = mail_receive(
        mail(
            files=[
                ("invoice.pdf", b"MZ\x90\x00 this is a program", "application/pdf"),
                ("page.png", b"<html><script>steal()</script>", "image/png"),
                ("fine.txt", b"plain notes\n", "text/plain"),
            ]
        )
    )
    assert outcome.outcome == Outcome.TICKET_OPENED
    message = TicketMessage.objects.get()
    assert "My server is down." in message.body
    assert "application/x-msdownload" in message.body and "text/html" in message.body
    assert list(Attachment.objects.values_list("file_name", "content_type")) == [
        ("fine.txt", "text/plain")
    ]


def test_a_web_upload_that_lies_about_its_type_is_refused_and_nothing_is_written__SUP_01(
    client_a, owner_a, support_department
):
    with pytest.raises(DomainError) as refused:
        actions.ticket_open(
            client=client_a,
            department=support_department,
            subject="S",
            body="B",
            author=owner_a,
            files=[AttachmentUpload("cat.jpg", b"<svg onload=alert(1)>", "image/jpeg")],
        )
    assert refused.value.code == "attachment_type_not_allowed"
    assert _nothing_written()


def test_html_mail_becomes_text_without_its_scripts__SUP_01(owner_a, support_department):
    raw = (
        b"From: anna@example.com\r\nTo: support@localhost\r\nSubject: HTML\r\n"
        b"Message-ID: <h1@example.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hello<script>alert(1)</script></p><style>p{}</style><p>Server <b>down</b></p>"
    )
    assert mail_receive(raw).outcome == Outcome.TICKET_OPENED
    body = TicketMessage.objects.get().body
    assert "alert" not in body and "<" not in body
    assert "Hello" in body and "Server down" in body


def test_html_and_script_in_subjects_and_bodies_are_shown_as_text__SUP_01(
    client_a, owner_a, support_department, agent, client
):
    ticket = actions.ticket_open(
        client=client_a,
        department=support_department,
        subject='<img src=x onerror="alert(1)">',
        body="<script>alert('body')</script>",
        author=owner_a,
    )
    for user, name in ((owner_a, "web:ticket_detail"), (agent, "web:staff_ticket")):
        page = login(client, user).get(reverse(name, args=[ticket.public_id]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script>alert('body')</script>" not in html
        assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in html
        assert '<img src=x onerror="alert(1)">' not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize(
    ("headers", "sender", "envelope", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "anna@example.com", None, "Auto-Submitted"),
        ({"Auto-Submitted": "auto-generated; owner"}, "anna@example.com", None, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "anna@example.com", None, "Precedence"),
        ({"Precedence": "list"}, "anna@example.com", None, "Precedence"),
        ({"Precedence": "junk"}, "anna@example.com", None, "Precedence"),
        ({"X-Autoreply": "yes"}, "anna@example.com", None, "X-Autoreply"),
        ({}, "support@localhost", None, "our own addresses"),
        ({}, "billing@localhost", None, "our own addresses"),
        ({}, "anna@example.com", "<>", "bounce"),
    ],
)
def test_automatic_mail_and_our_own_never_open_or_add_to_a_ticket__SUP_01(
    owner_a, support_department, headers, sender, envelope, reason
):
    outcome = mail_receive(
        mail(sender=sender, headers=headers), recipients=None, envelope_sender=envelope
    )
    assert outcome.outcome == Outcome.AUTOMATIC
    assert reason in outcome.detail
    assert _nothing_written()


def test_a_delivery_status_report_never_reaches_a_ticket__SUP_01(
    client_a, owner_a, support_department, agent
):
    ticket = actions.ticket_open(
        client=client_a, department=support_department, subject="S", body="B", author=owner_a
    )
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\nTo: "
        + reply_to(ticket).encode()
        + b"\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn1@mx.example.com>\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b1\r\n\r\n"
        b"--b1\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--b1\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b1--\r\n"
    )
    assert mail_receive(raw).outcome == Outcome.AUTOMATIC
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1


def test_auto_submitted_no_is_a_persons_mail__SUP_01(owner_a, support_department):
    outcome = mail_receive(mail(headers={"Auto-Submitted": "no"}))
    assert outcome.outcome == Outcome.TICKET_OPENED


def test_a_reply_address_for_another_domain_or_a_guessed_number_goes_to_review__SUP_01(
    client_a, owner_a, support_department
):
    ticket = actions.ticket_open(
        client=client_a, department=support_department, subject="S", body="B", author=owner_a
    )
    guessed = reply_address(department_address="support@localhost", ticket_key=ticket.pk + 1)
    guessed = guessed.replace(f"T{ticket.pk + 1}.", f"T{ticket.pk}.")
    outcome = mail_receive(mail(to=guessed))
    assert outcome.outcome == Outcome.REVIEW_TICKET_OPENED
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
