"""From an order to its invoice in a real browser (ORD-01, ORD-03, CAT-03, PRV-01, BIL-04).

A client signs in, orders a VPS on the order page (the live summary quotes the proforma),
tops up the missing amount through the local test gateway, which pays the proforma and starts
provisioning; a member of staff signs in with a password and an authenticator code,
activates the service in the activation queue (manual module); the client sees the service
active and downloads the invoice as a PDF that carries the invoice's number.

Drives Debian's chromium through Playwright against the live test server, with the fixtures
of tests/web/test_browser_journey.py (skipped where /usr/bin/chromium is missing). Set
HOSTLEDGER_SCREENSHOT_DIR to keep a screenshot of every page visited.
"""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from pypdf import PdfReader

from hostledger.invoicing.models import Invoice
from hostledger.subscriptions.models import Order, ServiceStatus
from tests.subscriptions.factories import build_catalog
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    Journey,
    browser_page,
    current_totp_code,
)
from tests.web.test_client_money_pages import enable_local_gateway

CLIENT_EMAIL = "liis.lepp@example.com"
STAFF_EMAIL = "tanel.tugi@staff.example"
PASSWORD = "Amber-harbour-5527"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium; install the chromium package to run browser tests",
    ),
]


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_client_orders_pays_staff_activate_and_the_invoice_downloads__ORD_01_ORD_03_CAT_03(
    live_server,
    browser_page,  # noqa: F811  (the imported fixture)
    policies,
    settings,
):
    enable_local_gateway(settings)
    settings.SITE_URL = live_server.url  # where the gateway sends the browser
    shop = build_catalog()
    client_user = make_client_user(
        CLIENT_EMAIL, password=PASSWORD, first_name="Liis", last_name="Lepp"
    )
    staff_user = make_staff_user("support", with_authenticator=False, email=STAFF_EMAIL)
    staff_user.set_password(PASSWORD)
    staff_user.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(staff_user, secret)

    page = browser_page
    journey = Journey(page, live_server.url)

    # The client signs in and opens the order page from the catalog (ORD-01).
    journey.goto("/accounts/login/")
    sign_in(page, CLIENT_EMAIL)
    page.get_by_role("heading", name="Liis Lepp").wait_for()
    journey.goto("/catalog/")
    journey.snap("catalog")
    page.locator(f'a[href="/orders/new/?tariff={shop.vps_start.public_id}"]').click()
    page.get_by_role("heading", name="Order VPS Start").wait_for()
    journey.snap("order_new")

    # Choosing the image updates the summary through htmx: one month, 24 % VAT.
    page.locator("label.choice-card", has_text="Debian 12").click()
    page.locator("#summary-total", has_text="€12.28").wait_for()
    journey.snap("order_summary")
    # The consumer asks for the service to start before the withdrawal period ends (ORD-07).
    page.get_by_label("Start the service at once").check()
    page.wait_for_load_state("networkidle")  # the summary it refreshes has arrived
    page.get_by_role("button", name="Place order").click()
    page.get_by_text("Pay its proforma to start the service.").wait_for()
    journey.snap("order_placed")
    order = Order.objects.get(client=client_user.client)
    assert order.status == Order.Status.PLACED and order.proforma.gross_minor == 1228

    # Top up through the local gateway; the money pays the proforma at once (ORD-03).
    page.get_by_role("link", name=re.compile(r"^Top up €")).click()
    page.get_by_role("heading", name="Top up your balance").wait_for()
    page.get_by_label("Local test payments (no real money)").check()
    journey.snap("top_up")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_text("Local test gateway").wait_for()
    journey.snap("local_gateway")
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    page.get_by_role("heading", name="Paid").wait_for()
    journey.snap("top_up_paid")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    service = order.services.get()
    assert service.status == ServiceStatus.PROVISIONING

    journey.goto(f"/services/{service.public_id}/")
    page.get_by_text("Paid — we are setting it up.").wait_for()
    journey.snap("service_provisioning")

    # A member of staff signs in with two factors and activates it from the queue (CAT-03).
    staff_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15_000)
    staff_journey = Journey(staff_page, live_server.url)
    try:
        staff_journey.goto("/accounts/login/")
        sign_in(staff_page, STAFF_EMAIL)
        staff_page.get_by_label("Code").fill(current_totp_code(secret))
        staff_page.get_by_role("button", name=re.compile("sign in", re.I)).click()
        staff_page.wait_for_url(re.compile(r"/staff/"))
        staff_journey.goto("/staff/services/activation-queue/")
        staff_page.get_by_role("heading", name="Activation queue").wait_for()
        staff_journey.snap("activation_queue")
        staff_page.get_by_role(
            "button", name=re.compile(rf"^Activate .* no\. {service.pk}$")
        ).click()
        staff_page.get_by_text(f"Service {service.public_id} is active.").wait_for()
        staff_journey.snap("activation_queue_done")
        staff_journey.goto(f"/staff/services/{service.public_id}/")
        staff_journey.snap("staff_service")
        assert staff_journey.problems == []
    finally:
        staff_page.goto("about:blank")
        staff_context.close()
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE

    # The client sees the service active and downloads the invoice as PDF (BIL-04).
    journey.goto(f"/services/{service.public_id}/")
    page.locator("h1 .badge", has_text="Active").wait_for()
    assert page.get_by_text("Provisioning → Active").is_visible()
    journey.snap("service_active")
    invoice = Invoice.objects.get(pk=order.proforma_id)
    assert invoice.kind == Invoice.Kind.FINAL and invoice.number_display
    journey.goto(f"/orders/{order.public_id}/")
    journey.snap("order_paid")
    page.get_by_role("link", name=f"Invoice {invoice.number_display}").first.click()
    page.get_by_role("heading", name=re.compile(re.escape(invoice.number_display))).wait_for()
    journey.snap("invoice")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = "".join(part.extract_text() or "" for part in PdfReader(io.BytesIO(content)).pages)
    assert invoice.number_display in text

    assert journey.problems == []
