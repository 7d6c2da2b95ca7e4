"""The cookie banner in a real browser (GDPR-13, GDPR-06): a first visit shows the banner and
sets only necessary cookies; rejecting the optional categories keeps it so — checked in
``document.cookie``, in the browser's cookie jar (HTTP-only cookies too) and in every
``Set-Cookie`` header the browser received; a signed-in client allows analytics from the
"Cookie settings" link of the footer and the choice is stored with its policy version.

Drives Debian's chromium through Playwright against the live test server, with the browser
fixture of tests/web/test_browser_journey.py.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from hostledger.privacy.cookies import CONSENT_COOKIE_NAME, COOKIE_POLICY_VERSION
from hostledger.privacy.cookies import necessary_cookie_names as registered_necessary
from hostledger.privacy.models import CookieConsent
from tests.web.conftest import make_client_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def cookie_names(header_values: list[str]) -> set[str]:
    return {value.split("=", 1)[0].strip() for value in header_values}


@pytest.mark.django_db(transaction=True)
def test_reject_then_allow_analytics_from_the_footer__GDPR_13_GDPR_06(
    live_server,
    browser_page,  # noqa: F811
    policies,
):
    page = browser_page
    journey = Journey(page, live_server.url)
    set_cookie_headers: list[str] = []
    page.on(
        "response",
        lambda response: set_cookie_headers.extend(
            header["value"]
            for header in response.headers_array()
            if header["name"].lower() == "set-cookie"
        ),
    )
    necessary = registered_necessary()

    # A first visit: the banner asks, and only necessary cookies exist.
    journey.goto("/accounts/login/")
    banner = page.locator("#cookie-banner")
    banner.wait_for()
    assert cookie_names(set_cookie_headers) <= necessary
    assert {cookie["name"] for cookie in page.context.cookies()} <= necessary
    journey.snap("cookie_banner")

    # Reject the optional categories: htmx sends the form and removes the banner in place.
    banner.get_by_role("button", name="Reject optional").click()
    banner.wait_for(state="detached")
    journey.goto("/policies/terms/")
    assert page.locator("#cookie-banner").count() == 0
    assert page.evaluate("document.cookie") == ""  # every cookie is HTTP-only and necessary
    jar = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert set(jar) <= necessary
    assert jar[CONSENT_COOKIE_NAME]["value"] == f"v{COOKIE_POLICY_VERSION}:none"
    assert jar[CONSENT_COOKIE_NAME]["httpOnly"] is True
    assert cookie_names(set_cookie_headers) <= necessary
    assert CONSENT_COOKIE_NAME in cookie_names(set_cookie_headers)

    # A signed-in client changes the choice from the footer link: analytics allowed.
    user = make_client_user("kadri@example.com")
    http = HttpClient()
    http.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    journey.goto("/")
    page.get_by_role("link", name="Cookie settings").click()
    page.get_by_role("heading", name="Cookie policy and settings").wait_for()
    page.locator("#cookie-analytics-settings").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save my choice").click()

    consent = CookieConsent.objects.get(user=user)
    assert consent.categories == ["analytics"]
    assert (consent.policy_version, consent.source) == (COOKIE_POLICY_VERSION, "settings")
    jar = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert jar[CONSENT_COOKIE_NAME] == f"v{COOKIE_POLICY_VERSION}:analytics"
    journey.goto("/cookies/")
    assert page.get_by_text("Allowed now: necessary cookies, analytics.").count() == 1
    assert page.locator("#cookie-analytics-settings").is_checked()
    assert journey.problems == []
