"""Interruptions and maintenance in a real browser (SUP-03, SUP-04): a client reports an
interruption from its service page, support confirms it and marks it restored, the client
reads how long it counted; planned maintenance shows on the service page. Every page has one
h1, captioned tables, labelled fields and no console error. HOSTLEDGER_SCREENSHOT_DIR keeps a
screenshot of each page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hostledger.incidents.actions import maintenance_window_announce
from hostledger.subscriptions.actions import service_activate
from tests.api.money_factories import make_catalog, paid_order
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey
from tests.web.test_browser_journey import browser_page as browser_page  # the fixture
from tests.web.test_browser_overview_pages import _accessible, _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_a_client_reports_an_interruption_and_support_confirms_and_restores_it__SUP_03_SUP_04(
    live_server, browser_page, policies
):
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    client = owner.client
    catalog = make_catalog()
    support = make_staff_user("support")
    service = paid_order(
        client, client.payers.get(), catalog["tariff"], os_image=catalog["os_image"]
    ).service
    service_activate(service=service, actor=support)
    window = maintenance_window_announce(
        title="Core switch replacement",
        description="Network interruptions of up to 10 minutes.",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        scope="services",
        service_ids=[service.public_id],
        actor=support,
    )
    assert window.recipient_count == 1
    journey = Journey(browser_page, live_server.url)
    page = browser_page
    page.set_default_timeout(90_000)
    page.set_default_navigation_timeout(90_000)

    _sign_in(page, live_server, owner)
    journey.goto(f"/services/{service.public_id}/")
    assert page.get_by_role("heading", name="Planned maintenance").is_visible()
    assert page.get_by_text("Core switch replacement").is_visible()
    assert page.get_by_role("table", name="Maintenance planned on your services").is_visible()
    journey.snap("client_service_with_maintenance")
    page.get_by_role("link", name="Report an interruption").click()
    page.get_by_label("What is wrong").fill("No ping since 08:55 <script>alert(1)</script>")
    page.get_by_role("button", name="Report").click()
    page.wait_for_url("**/interruptions/int_*/")
    assert page.get_by_text("No ping since 08:55 <script>alert(1)</script>").is_visible()
    assert _accessible(page) == []
    interruption_url = page.url.removeprefix(live_server.url)
    journey.snap("client_interruption_reported")

    _sign_in(page, live_server, support)
    journey.goto("/staff/interruptions/")
    assert _accessible(page) == []
    journey.snap("staff_interruption_queue")
    page.locator("a[href*='/staff/interruptions/int_']").first.click()
    page.get_by_role("button", name="Confirm: it counts from now").click()
    assert page.get_by_text("Confirmed; it counts from now.").is_visible()
    page.get_by_role("button", name="Service is back: tell the client").click()
    assert page.get_by_text("Restored; it stopped counting.").is_visible()
    assert _accessible(page) == []
    journey.snap("staff_interruption_restored")
    journey.goto("/staff/maintenance/")
    assert _accessible(page) == []
    journey.snap("staff_maintenance")
    journey.goto("/staff/repairs/")
    assert _accessible(page) == []
    journey.snap("staff_repairs")

    _sign_in(page, live_server, owner)
    journey.goto(interruption_url)
    assert page.get_by_text("Restored", exact=True).first.is_visible()
    journey.goto("/interruptions/")
    assert _accessible(page) == []
    journey.snap("client_interruptions")
    assert journey.problems == []
