"""A report page in a real browser: the chart is an accessible image beside the table of
its numbers, the page has one h1, every table a caption, every field a label, no console
error under the strict Content Security Policy (no script draws the chart), and the
download links answer files. HOSTLEDGER_SCREENSHOT_DIR keeps a screenshot.
"""

from __future__ import annotations

import pytest

from hostledger.core.money import Money
from tests.api.money_factories import make_catalog, make_proforma, paid_order, record_payment
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.conftest import policies as policies  # the fixture
from tests.web.test_browser_journey import CHROMIUM, Journey
from tests.web.test_browser_journey import browser_page as browser_page  # the fixture
from tests.web.test_browser_overview_pages import _accessible, _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_revenue_report_shows_an_accessible_chart_beside_its_table(
    live_server, browser_page, policies
):
    owner = make_client_user("mari@example.com", first_name="Mari", last_name="Maasikas")
    client = owner.client
    catalog = make_catalog()
    payer = client.payers.get()
    order = paid_order(client, payer, catalog["tariff"], os_image=catalog["os_image"])
    make_proforma(client, payer, "25.00")
    record_payment(client, None, "40.00", "TOPUP-1")
    billing = make_staff_user("billing")
    journey = Journey(browser_page, live_server.url)
    page = browser_page
    page.set_default_timeout(90_000)  # a first page render on a busy machine
    page.set_default_navigation_timeout(90_000)

    _sign_in(page, live_server, billing)
    journey.goto("/staff/reports/")
    page.get_by_role("link", name="Revenue", exact=True).first.click()
    page.wait_for_url("**/staff/reports/revenue/")
    chart = page.get_by_role("img", name="Net revenue by month and product family")
    assert chart.is_visible()
    net = Money(order.proforma.net_minor, "EUR")
    assert net.amount == Money.of("9.90").amount
    table = page.get_by_role("table", name="Revenue by month and product family")
    assert "€9.90" in table.inner_text()
    assert page.locator("svg[role=img] rect").count() >= 1
    assert _accessible(page) == []
    journey.snap("report-revenue")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("revenue-")
    assert journey.problems == []
