"""Viewing a client's area as the client sees it, in a real browser (ACC-11): the staff
member starts the view from the staff client page, sees the banner on the client's pages
and the help articles the new-ticket form suggests, is refused when sending the form (no
ticket is written), and ends the view to be back on the staff client page as themselves.
HOSTLEDGER_SCREENSHOT_DIR keeps a screenshot of each step.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from hostledger.support.models import Ticket
from hostledger.web.view_as import REFUSAL
from tests.knowledge.helpers import help_article
from tests.support.conftest import ensure_default_departments
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey
from tests.web.test_browser_journey import browser_page as browser_page  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_staff_view_a_client_area_read_only_and_end_the_view__ACC_11(
    live_server, browser_page, policies
):
    ensure_default_departments()
    help_article()
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    agent = make_staff_user("support")
    http = HttpClient()
    http.force_login(agent)
    page = browser_page
    page.set_default_timeout(90_000)  # a first page render on a busy machine
    page.set_default_navigation_timeout(90_000)
    page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    journey = Journey(page, live_server.url)

    journey.goto(f"/staff/clients/{owner.client.public_id}/")
    page.get_by_role("button", name="View as this client (read-only)").click()
    page.wait_for_url(f"{live_server.url}/")
    banner = page.locator("[data-view-as-banner]")
    assert banner.is_visible()
    assert "is viewing the account" in banner.inner_text()
    journey.snap("view_as_dashboard")

    journey.goto("/tickets/new/")
    assert banner.is_visible()
    page.get_by_label("Subject").fill("Forgot the root password")
    suggestions = page.locator("[data-article-suggestions]")
    suggestions.wait_for()
    assert "Resetting the root password" in suggestions.inner_text()
    page.get_by_label("Message").fill("I cannot sign in to the server.")
    journey.snap("view_as_ticket_form")
    page.get_by_role("button", name="Open the ticket").click()
    page.get_by_text(REFUSAL).wait_for()
    journey.snap("view_as_write_refused")
    assert not Ticket.objects.exists()

    journey.goto("/")
    page.get_by_role("button", name="End the view").click()
    page.wait_for_url(f"**/staff/clients/{owner.client.public_id}/")
    assert page.locator("[data-view-as-banner]").count() == 0
    assert page.get_by_text("The view has ended; you act as yourself again.").is_visible()
    journey.snap("view_as_ended")
    assert [problem for problem in journey.problems if "403" not in problem] == []
