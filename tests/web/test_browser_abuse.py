"""The abuse desk in a real browser (ABU-01 … ABU-03): a report sent through the public
form, the staff queue and case page where staff notify the client, and the client's case
page where the client answers. Each page has one h1, every table a caption, every field a
label, and no console error under the Content Security Policy. HOSTLEDGER_SCREENSHOT_DIR
keeps a screenshot of each page."""

from __future__ import annotations

import pytest

from hostledger.abuse.models import AbuseCase, CaseStatus
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
