"""The overview pages in a real browser (issue 11 §8): the client overview, the staff
overview, the staff search (posted from the overview's search box) and the staff client
page. Each page has one h1, every table a caption, every form field a label, and no console
error (the strict Content Security Policy included). HOSTLEDGER_SCREENSHOT_DIR keeps a
screenshot of each page.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from hostledger.accounts import actions as accounts
from tests.api.money_factories import (
    make_catalog,
    make_proforma,
    paid_order,
    record_payment,
    unmatched_payment,
)
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey
from tests.web.test_browser_journey import browser_page as browser_page  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _sign_in(page, live_server, user) -> None:
    http = HttpClient()
    http.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )


def _accessible(page) -> list[str]:
    """What a screen-reader user would miss on the page."""
    problems = []
    if page.locator("h1").count() != 1:
        problems.append("not exactly one h1")
    tables = page.locator("table")
    for index in range(tables.count()):
        if tables.nth(index).locator("caption").count() != 1:
            problems.append(f"table {index} has no caption")
    fields = page.locator("input:not([type=hidden]), textarea, select")
    for index in range(fields.count()):
        field = fields.nth(index)
        field_id = field.get_attribute("id")
        labelled = field.get_attribute("aria-label") or (
            field_id and page.locator(f"label[for='{field_id}']").count()
        )
        if not labelled:
            problems.append(f"field {field.get_attribute('name')} has no label")
    return problems


def test_overview_pages_show_what_matters_and_are_accessible(live_server, browser_page, policies):
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    client = owner.client
    catalog = make_catalog()
    payer = client.payers.get()
    paid_order(client, payer, catalog["tariff"], os_image=catalog["os_image"])
    make_proforma(client, payer, "25.00")
    record_payment(client, None, "40.00", "TOPUP-1")
    unmatched_payment("15.00", "BANK-LINE-7")
    admin = make_staff_user("administrator")
    accounts.staff_note_add(client=client, actor=admin, text="Prefers e-mail; pays monthly.")
    journey = Journey(browser_page, live_server.url)
    page = browser_page
    page.set_default_timeout(90_000)  # a first page render on a busy machine
    page.set_default_navigation_timeout(90_000)

    _sign_in(page, live_server, owner)
    journey.goto("/")
    assert page.get_by_role("heading", name="What is due").is_visible()
    assert page.get_by_role("heading", name="Services by state").is_visible()
    assert page.get_by_text("€31.00").first.is_visible()  # 25.00 + 24 % VAT, due
    assert _accessible(page) == []
    journey.snap("client_overview")

    _sign_in(page, live_server, admin)
    journey.goto("/staff/")
    assert page.get_by_role("heading", name="Queues").is_visible()
    assert page.get_by_role("link", name="Unmatched payments").is_visible()
    assert _accessible(page) == []
    journey.snap("staff_overview")

    page.get_by_label("Find a client").fill("maas")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/staff/client-searches/srch_*/")
    assert "maas" not in page.url
    assert page.get_by_role("link", name="Mari Maasikas").is_visible()
    assert _accessible(page) == []
    journey.snap("staff_search")

    page.get_by_role("link", name="Mari Maasikas").click()
    assert page.get_by_role("heading", name="Staff notes").is_visible()
    # the note is in the notes card and again, with its date, in the activity timeline
    assert page.get_by_text("Prefers e-mail; pays monthly.").first.is_visible()
    assert _accessible(page) == []
    journey.snap("staff_client_page")
    assert journey.problems == []
