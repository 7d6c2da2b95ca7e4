"""A ticket in a real browser (SUP-01): the client opens a ticket with an attachment, staff
answer it on the ticket page, the answer is mailed through the outbox with a signed reply
address, the client answers by mail through the built-in SMTP receiver and the answer is in
the thread the client reads.

Drives Debian's chromium through Playwright against the live test server; the browser also
enforces the strict Content Security Policy, so an inline script or style would fail the
test. Set HOSTLEDGER_SCREENSHOT_DIR to keep a screenshot of every page visited.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client as HttpClient

from hostledger.flows.mail_in import MailReceiver
from hostledger.notifications.actions import deliveries_fan_out, deliveries_send_due
from hostledger.support.models import Ticket, TicketMessage
from tests.support.conftest import PNG
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _signed_in(page, live_server, user) -> None:
    """Give the browser the session cookie of ``user`` signed in (two-factor included for
    staff: their authenticator is set up)."""
    http = HttpClient()
    http.force_login(user)
    cookie = http.cookies["sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_ticket_by_web_answered_and_continued_by_mail__SUP_01(
    live_server,
    browser_page,  # noqa: F811
    policies,
    tmp_path,
    default_departments,
):
    page = browser_page
    journey = Journey(page, live_server.url)
    owner = make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    agent = make_staff_user("support")
    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(PNG)

    # The client opens a ticket with an attachment.
    _signed_in(page, live_server, owner)
    journey.goto("/tickets/new/")
    page.get_by_label("Department").select_option("support")
    page.get_by_label("Subject").fill("<script>alert(1)</script> VPS is down")
    page.get_by_label("Message").fill("Since 08:00 the VPS does not answer.\n<b>bold?</b>")
    page.get_by_label("Attachments").set_input_files(str(screenshot))
    page.get_by_role("button", name="Open the ticket").click()
    page.wait_for_url("**/tickets/tkt_*/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "<script>alert(1)</script> VPS is down"
    )
    assert page.get_by_text("<b>bold?</b>", exact=False).count() == 1
    journey.snap("ticket-client-detail")
    ticket = Ticket.objects.get()
    journey.goto("/tickets/")
    journey.snap("ticket-client-list")

    # Staff answer it from the queue.
    _signed_in(page, live_server, agent)
    journey.goto("/staff/tickets/")
    journey.snap("ticket-staff-queue")
    page.get_by_role("link", name=ticket.number_display).click()
    page.get_by_label("Answer to the client").fill("We restarted it; it answers again.")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(f"**/staff/tickets/{ticket.public_id}/")
    page.get_by_label("Internal note").fill("Host 7 had a kernel panic.")
    page.get_by_role("button", name="Add the note").click()
    journey.snap("ticket-staff-detail")

    # The outbox mails the answer with a signed reply address and threading headers.
    deliveries_fan_out()
    deliveries_send_due()
    (sent,) = mail.outbox
    assert sent.to == ["anna@example.com"]
    assert "We restarted it; it answers again." in sent.body
    assert "Host 7" not in sent.body
    reply_to = sent.reply_to[0]
    assert reply_to.startswith(f"support+T{ticket.pk}.")
    assert sent.extra_headers["References"].startswith(f"<{ticket.public_id}@")

    # The client answers by mail through the SMTP receiver.
    receiver = MailReceiver(host="127.0.0.1", port=0)
    receiver.start()
    try:
        answer = EmailMessage()
        answer["From"] = "Anna Tamm <anna@example.com>"
        answer["To"] = reply_to
        answer["Subject"] = "Re: " + sent.subject
        answer["Message-ID"] = "<answer-1@example.com>"
        answer["In-Reply-To"] = sent.extra_headers["Message-ID"]
        answer.set_content("Thank you, it works now.\n\n> We restarted it")
        with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as smtp:
            smtp.send_message(answer)
    finally:
        receiver.stop()
    assert TicketMessage.objects.filter(ticket=ticket, source="mail").count() == 1

    # The answer is in the thread the client reads; the internal note is not.
    _signed_in(page, live_server, owner)
    journey.goto(f"/tickets/{ticket.public_id}/")
    assert page.get_by_text("Thank you, it works now.").count() == 1
    assert page.get_by_text("kernel panic").count() == 0
    journey.snap("ticket-client-thread")
    assert journey.problems == []
