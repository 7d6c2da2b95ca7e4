"""A new client's first visit in a real browser: sign up as a natural person (ACC-01…03),
confirm the email, which signs in (ACC-08), turn on two-factor sign-in (ACC-09), add a payer
(ACC-04).

Drives Debian's chromium through Playwright against the live test server. The browser also
enforces the strict Content Security Policy, so any inline script or style on these pages
would show up as a console error and fail the test. Set HOSTLEDGER_SCREENSHOT_DIR to keep a
screenshot of every page visited.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail

from hostledger.accounts.models import LoginAttempt, Payer, User
from hostledger.core.models import JobRun
from hostledger.privacy.models import PolicyAcceptance
from tests.web.conftest import make_staff_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
EMAIL = "kati.kask@example.com"
PASSWORD = "Purple-lighthouse-2931"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium; install the chromium package to run browser tests",
    ),
]


def current_totp_code(secret: str) -> str:
    """The authenticator app's code now; waits out the last seconds of a 30-second window so
    the code is still valid when the form arrives."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


ABANDONED_HTMX_REQUEST = ("htmx:sendAbort", "htmx:afterRequest")


class Journey:
    """The browser page plus the checks made on every page it reaches."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self.screenshot_dir = os.environ.get("HOSTLEDGER_SCREENSHOT_DIR")
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message) -> None:
        # htmx logs a request it abandons because the page navigates away (a form submitted
        # while a summary refresh was still in flight) as an error; nothing went wrong.
        if message.type == "error" and message.text not in ABANDONED_HTMX_REQUEST:
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def snap(self, name: str) -> None:
        if self.screenshot_dir:
            Path(self.screenshot_dir).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{self.screenshot_dir}/{name}.png", full_page=True)


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop; the test's own database calls are safe.
    # Set for this test only, so that no later subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            # Stop any htmx polling before the live server and its database go away.
            page.goto("about:blank")
            context.close()
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_new_client_signs_up_enables_two_factor_and_adds_a_payer__ACC_01_ACC_09_ACC_04(
    live_server, browser_page, policies
):
    journey = Journey(browser_page, live_server.url)
    page = browser_page

    # Sign up as a natural person (ACC-01), declaring age (ACC-03) and accepting policies (ACC-02).
    journey.goto("/accounts/signup/")
    assert page.get_by_label("Natural person").is_checked()
    assert page.get_by_label("Company name").is_hidden(), "company fields show for a person"
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("First name").fill("Kati")
    page.get_by_label("Last name").fill("Kask")
    page.get_by_label("Street address").fill("Narva mnt 5")
    page.get_by_label("Postal code").fill("10117")
    page.get_by_label("City").fill("Tallinn")
    page.get_by_label("Country").select_option("EE")
    page.get_by_label("Phone").fill("+372 5123 4567")
    page.get_by_label("I am 16 years old or older").check()
    page.get_by_label("I accept the terms of service and the privacy policy").check()
    journey.snap("signup")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    journey.snap("verification_sent")

    user = User.objects.get(email=EMAIL)
    assert user.client.first_name == "Kati"
    assert PolicyAcceptance.objects.filter(user=user).count() == 2

    # Open the verification link from the email and confirm the address.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    journey.snap("email_confirm")
    page.get_by_role("button", name="Confirm").click()

    # Confirming the address in the browser that signed up signs in (ACC-08 logs it).
    page.get_by_role("heading", name="Kati Kask").wait_for()
    journey.snap("dashboard")
    assert LoginAttempt.objects.filter(user=user, succeeded=True).count() == 1

    # Turn on two-factor sign-in with an authenticator app (ACC-09).
    page.get_by_role("link", name="Set it up").click()
    page.get_by_role("heading", name="Confirm Access").wait_for()  # allauth asks again
    journey.snap("reauthenticate")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Activate Authenticator App").wait_for()
    journey.snap("totp_activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    journey.snap("recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    journey.goto("/accounts/2fa/")
    journey.snap("mfa_index")

    # Add a company as a second payer (ACC-04); it appears in the list.
    journey.goto("/payers/")
    page.get_by_role("link", name="Add payer").first.click()
    page.get_by_label("Legal person").check()
    page.get_by_label("Name on invoices").fill("Kask Consulting OÜ")
    page.get_by_label("Registry code").fill("14412345")
    page.get_by_label("Street address").fill("Tartu mnt 2")
    page.get_by_label("City").fill("Tallinn")
    page.get_by_label("Country").select_option("EE")
    journey.snap("payer_form")
    page.get_by_role("button", name="Add payer").click()
    page.get_by_text("Payer Kask Consulting OÜ added.").wait_for()
    journey.snap("payer_list")
    assert page.get_by_role("cell", name="Kask Consulting OÜ").is_visible()
    names = {payer.name for payer in Payer.objects.filter(client=user.client)}
    assert names == {"Kati Kask", "Kask Consulting OÜ"}

    assert journey.problems == []


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_page_follows_its_progress_until_it_ends(live_server, browser_page):
    """The run page polls with htmx while the run is queued or running, and stops after."""
    from django.test import Client as HttpClient

    admin = make_staff_user("administrator")
    run = JobRun.objects.create(
        job_name="privacy.purge_expired_sessions",
        status="running",
        progress_done=10,
        progress_total=100,
    )
    http = HttpClient()
    http.force_login(admin)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    journey = Journey(browser_page, live_server.url)
    page = browser_page

    journey.goto(f"/staff/jobs/runs/{run.pk}/")
    page.get_by_text("10 of 100").wait_for()
    JobRun.objects.filter(pk=run.pk).update(progress_done=60, log="halfway")
    page.get_by_text("60 of 100").wait_for()
    journey.snap("job_run_running")
    JobRun.objects.filter(pk=run.pk).update(
        status="succeeded", progress_done=100, counts={"deleted": 100}
    )
    page.get_by_text("deleted: 100").wait_for()
    assert page.locator("#run-progress[hx-get]").count() == 0
    journey.snap("job_run_done")
    assert journey.problems == []
