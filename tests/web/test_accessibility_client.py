"""Every page of the client area and the public pages passes axe-core's WCAG 2.1 A and AA
rules in Debian's chromium and fits a 1366 px wide window (a wide table scrolls inside its
own box): the pages without arguments and the pages of a real client's objects (the
authorization world: services in each state, orders, invoices, payments, acts, messages,
decisions), opened by that client; the sign-in pages by a visitor. A sample of them again in
dark mode (the system's colour scheme), for contrast, and in Estonian and Russian."""

from __future__ import annotations

import time

import pytest

from hostledger.accounts.actions import user_language_set
from tests.domain_helpers import local_registry_in_memory
from tests.web.accessibility import (
    PUBLIC_PAGES,
    check_pages,
    chromium,
    pages_of,
    report,
    sign_in,
    world_for_pages,
)
from tests.web.test_browser_journey import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.long_running(150),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

DARK_SAMPLE = (
    "/",
    "/services/",
    "/billing/",
    "/billing/top-up/",
    "/invoices/",
    "/catalog/",
    "/payers/new/",
    "/messages/",
    "/tickets/new/",
)


@pytest.mark.django_db(transaction=True)
def test_every_client_and_public_page_passes_axe_wcag_21_aa(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with local_registry_in_memory():
        started = time.monotonic()
        world = world_for_pages()
        built = time.monotonic()
        with chromium(viewport={"width": 1366, "height": 768}) as new_context:
            public = check_pages(new_context(), live_server.url, PUBLIC_PAGES, "visitor")
            context = new_context()
            sign_in(context, live_server, world.client_owner)
            client = check_pages(context, live_server.url, pages_of("client", world.ids), "client")
            light = time.monotonic()
            dark_visitor = check_pages(
                new_context(color_scheme="dark"),
                live_server.url,
                PUBLIC_PAGES,
                "visitor (dark)",
            )
            dark = new_context(color_scheme="dark")
            sign_in(dark, live_server, world.client_owner)
            dark_client = check_pages(dark, live_server.url, DARK_SAMPLE, "client (dark)")
            # The same sample in Estonian and Russian: the visitor by the browser's language,
            # the client by the language saved on the profile.
            languages = []
            for language in ("et", "ru"):
                visitor = new_context(locale=language)
                languages.append(
                    check_pages(visitor, live_server.url, PUBLIC_PAGES, f"visitor ({language})")
                )
                user_language_set(user=world.client_owner, language=language)
                speaking = new_context()
                sign_in(speaking, live_server, world.client_owner)
                languages.append(
                    check_pages(speaking, live_server.url, DARK_SAMPLE, f"client ({language})")
                )
                page = speaking.new_page()
                page.goto(live_server.url + "/")
                assert page.locator("html").get_attribute("lang") == language
                page.close()
            user_language_set(user=world.client_owner, language="en")
    print(
        f"\nworld {built - started:.0f} s; axe on {len(public.paths) + len(client.paths)} pages "
        f"{light - built:.0f} s, on {len(DARK_SAMPLE) + len(PUBLIC_PAGES)} dark pages "
        f"{time.monotonic() - light:.0f} s"
    )
    assert len(public.paths) == len(PUBLIC_PAGES) and len(client.paths) > 60
    assert len(dark_client.paths) == len(DARK_SAMPLE)
    violations = [
        *public.violations,
        *client.violations,
        *dark_visitor.violations,
        *dark_client.violations,
        *(violation for checked in languages for violation in checked.violations),
    ]
    assert violations == [], report(violations)
    assert public.overflowing + client.overflowing == []
