"""The abuse desk in a real browser (ABU-01 … ABU-03): a report sent through the public
form, the staff queue and case page where staff notify the client, and the client's case
page where the client answers; a report mailed to the abuse address that ends, past its
deadline, in the suspension notice the client reads. Each page has one h1, every table a
caption, every field a label, and no console error under the Content Security Policy.
HOSTLEDGER_SCREENSHOT_DIR keeps a screenshot of each page."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage

import pytest

from hostledger.abuse.deadlines import abuse_deadlines_run
from hostledger.abuse.models import AbuseCase, CaseStatus
from hostledger.flows.mail_in import MailReceiver
from hostledger.notifications.actions import deliveries_fan_out
from hostledger.notifications.models import Notification
from hostledger.subscriptions.actions import service_host_name_set
from hostledger.subscriptions.models import ServiceStatus
from hostledger.support.models import Department
from tests.datacenter.conftest import make_service, shop  # noqa: F401  (fixtures)
from tests.support.conftest import ensure_default_departments
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey
from tests.web.test_browser_journey import browser_page as browser_page  # the fixture
from tests.web.test_browser_overview_pages import _accessible, _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_report_notify_and_answer_in_the_browser__ABU_01_ABU_02(
    live_server, browser_page, policies
):
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    officer = make_staff_user("abuse")
    journey = Journey(browser_page, live_server.url)
    page = browser_page
    page.set_default_timeout(90_000)
    page.set_default_navigation_timeout(90_000)

    journey.goto("/abuse/report/")
    page.get_by_label("What is it about?").select_option("spam")
    page.get_by_label("Describe what you saw").fill(
        "<script>alert(1)</script> Spam received from your network today."
    )
    page.get_by_label("Your e-mail address").fill("reporter@mailbox.example")
    assert _accessible(page) == []
    journey.snap("abuse_public_form")
    page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    case = AbuseCase.objects.get()

    _sign_in(page, live_server, officer)
    journey.goto("/staff/abuse/")
    assert page.get_by_role("link", name=case.public_id).is_visible()
    assert _accessible(page) == []
    journey.snap("abuse_staff_queue")
    page.get_by_role("link", name=case.public_id).click()
    page.get_by_label("Service id").fill("svc_aaaaaaaaaaaaaaaa")
    page.get_by_role("button", name="Link the service").click()
    assert page.get_by_text("no such service").first.is_visible()
    # Link the case to Mari's account through its case data, as a report naming her would.
    AbuseCase.objects.filter(pk=case.pk).update(client=owner.client)
    journey.goto(f"/staff/abuse/{case.public_id}/")
    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()
    page.get_by_role("button", name="Notify the client").click()
    assert page.get_by_text("The client is notified").is_visible()
    assert _accessible(page) == []
    journey.snap("abuse_staff_case")

    _sign_in(page, live_server, owner)
    journey.goto("/abuse/")
    page.get_by_role("link", name=case.public_id).click()
    assert page.get_by_role("heading", name="Spam").is_visible()
    assert "reporter@mailbox.example" not in page.content()
    page.get_by_label("Your answer").fill("We found the compromised script and removed it.")
    page.get_by_label("The violation is remedied").check()
    assert _accessible(page) == []
    journey.snap("abuse_client_case_before_answer")
    page.get_by_role("button", name="Send the answer").click()
    assert page.get_by_text("Your answer is sent.").is_visible()
    journey.snap("abuse_client_case")
    case.refresh_from_db()
    assert case.status == CaseStatus.REMEDY_CLAIMED
    # The refused link answered 400 on purpose; the browser logs that status as an error.
    assert [item for item in journey.problems if "status of 400" not in item] == []


@pytest.mark.django_db(transaction=True)
def test_a_mailed_report_becomes_a_case_and_the_client_reads_the_suspension__ABU_01_ABU_02(
    live_server,
    browser_page,
    policies,
    make_service,  # noqa: F811
):
    """A complaint mailed by SMTP to the abuse address opens a case about the client's
    service found by its host name; staff notify the client in the browser; once the term
    passes unremedied, the deadline job suspends the service and the client reads the
    suspension notice in its messages."""
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    service = make_service(owner.client)
    officer = make_staff_user("abuse")
    service_host_name_set(
        service=service, host_name="pood.example.com", actor=make_staff_user("administrator")
    )
    ensure_default_departments()
    address = Department.objects.get(slug="abuse").mail_address
    receiver = MailReceiver(host="127.0.0.1", port=0)
    receiver.start()
    try:
        complaint = EmailMessage()
        complaint["From"] = "Postmaster <postmaster@mailbox.example>"
        complaint["To"] = address
        complaint["Subject"] = "Spam advertising http://pood.example.com/offer"
        complaint["Message-ID"] = "<spam-report-7@mailbox.example>"
        complaint.set_content("Your customer's site http://pood.example.com/offer is spammed.")
        with smtplib.SMTP(receiver.host, receiver.port, timeout=10) as smtp:
            assert (
                smtp.sendmail("postmaster@mailbox.example", [address], complaint.as_bytes()) == {}
            )
    finally:
        receiver.stop()
    case = AbuseCase.objects.get()
    assert case.client_id == owner.client.pk

    journey = Journey(browser_page, live_server.url)
    page = browser_page
    page.set_default_timeout(90_000)
    _sign_in(page, live_server, officer)
    journey.goto("/staff/abuse/")
    page.get_by_role("link", name=case.public_id).click()
    page.get_by_role("button", name="Notify the client").click()
    assert page.get_by_text("The client is notified").is_visible()
    journey.snap("abuse_mailed_case_notified")

    case.refresh_from_db()
    ran = abuse_deadlines_run(now=case.suspend_due_at + timedelta(minutes=1))
    assert ran.services_suspended == 1
    service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED
    deliveries_fan_out()

    _sign_in(page, live_server, owner)
    journey.goto("/messages/")
    assert Notification.objects.filter(key__startswith="abuse_services_suspended:").exists()
    assert page.get_by_text(f"Services suspended: abuse case {case.public_id}").first.is_visible()
    assert _accessible(page) == []
    journey.snap("abuse_suspension_notice")
    assert journey.problems == []
