"""Every page of the staff area passes axe-core's WCAG 2.1 A and AA rules in Debian's
chromium and fits a 1366 px wide window (a wide table scrolls inside its own box): the
pages without arguments and the pages of the authorization world's objects (clients,
services, orders, invoices, payments, acts, decisions, jobs, settings, roles), opened by an
administrator. A sample again in dark mode, for contrast."""

from __future__ import annotations

import time

import pytest

from tests.domain_helpers import local_registry_in_memory
from tests.web.accessibility import (
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
    "/staff/",
    "/staff/orders/",
    "/staff/invoices/",
    "/staff/payments/",
    "/staff/reports/",
    "/staff/reports/revenue/",
    "/staff/jobs/",
)


@pytest.mark.django_db(transaction=True)
def test_every_staff_page_passes_axe_wcag_21_aa(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with local_registry_in_memory():
        started = time.monotonic()
        world = world_for_pages()
        built = time.monotonic()
        with chromium(viewport={"width": 1366, "height": 768}) as new_context:
            context = new_context()
            sign_in(context, live_server, world.staff)
            staff = check_pages(context, live_server.url, pages_of("staff", world.ids), "staff")
            light = time.monotonic()
            dark = new_context(color_scheme="dark")
            sign_in(dark, live_server, world.staff)
            dark_staff = check_pages(dark, live_server.url, DARK_SAMPLE, "staff (dark)")
    print(
        f"\nworld {built - started:.0f} s; axe on {len(staff.paths)} pages {light - built:.0f} s, "
        f"on {len(DARK_SAMPLE)} dark pages {time.monotonic() - light:.0f} s"
    )
    assert len(staff.paths) > 80
    assert len(dark_staff.paths) == len(DARK_SAMPLE)
    violations = staff.violations + dark_staff.violations
    assert violations == [], report(violations)
    assert staff.overflowing == []
