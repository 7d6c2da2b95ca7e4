"""The language switcher in a real browser: choosing a language in the select reloads the
page in it (the select submits itself; the button does the same without script), and the
choice holds on the next page. Uses the browser set-up of the sign-up journey."""

from __future__ import annotations

import pytest

from tests.web.test_browser_journey import (  # noqa: F401 (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium; install the chromium package to run browser tests",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_the_sign_in_page_to_estonian_and_it_stays(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    policies,
):
    journey = Journey(browser_page, live_server.url)
    page = browser_page

    journey.goto("/accounts/login/")
    page.get_by_role("heading", name="Sign in").wait_for()
    journey.snap("language_before")
    page.get_by_label("Language").select_option("et")
    page.get_by_role("heading", name="Logi sisse").wait_for()
    journey.snap("language_estonian")
    assert page.locator("html").get_attribute("lang") == "et"

    journey.goto("/accounts/signup/")
    page.get_by_role("heading", name="Looge oma konto").wait_for()
    assert page.get_by_label("Keel").input_value() == "et"
    assert not journey.problems, journey.problems
