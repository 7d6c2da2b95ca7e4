"""Keyboard-only use and layout in Debian's chromium.

- A client orders a VPS from the catalog and pays its proforma by topping up through the
  local test gateway with the keyboard alone (Tab, Shift+Tab, Enter, Space, and the arrow
  keys inside a group of radio buttons), and every control reached shows where the focus is.
- At 375 by 812 the navigation folds behind the top bar's Menu button, which opens it with
  every link of the desktop navigation, client and staff; without JavaScript the whole
  navigation shows above the page.
- The staff report pages and a few main pages fit the window in light and dark, at desktop
  and phone sizes. Set HOSTLEDGER_SCREENSHOT_DIR to keep a screenshot of each.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hostledger.subscriptions.models import Order, ServiceStatus
from hostledger.web.report_pages import REPORTS
from tests.api.money_factories import make_catalog, make_proforma, paid_order
from tests.subscriptions.factories import build_catalog
from tests.web.accessibility import chromium, overflow, sign_in
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM
from tests.web.test_client_money_pages import enable_local_gateway

pytestmark = [
    pytest.mark.browser,
    pytest.mark.long_running(120),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(autouse=True)
def database_calls_beside_the_browser(monkeypatch):
    # Playwright's sync API runs an event loop; the test's own database calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}

FOCUS_SHOWN = """el => {
  const marked = e => {
    if (!e) return false;
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
  };
  return el.matches(':focus-visible') && (marked(el) || marked(el.closest('label')));
}"""
"""Whether the focused element, or the label it sits in, shows a focus outline or ring."""


def tab_to(page, target, *, backwards: bool = False, limit: int = 200) -> None:
    """Press Tab (Shift+Tab) until ``target`` has the focus; each control passed on the way
    must show the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate_handle("document.activeElement")
        name = page.evaluate(
            "e => e.tagName + ' ' + (e.getAttribute('name') || e.textContent.trim().slice(0, 40))",
            focused,
        )
        if name.startswith("BODY"):
            continue
        assert page.evaluate(FOCUS_SHOWN, focused), f"no visible focus on {name} at {page.url}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"the keyboard never reached {target} on {page.url}")


def choose_radio(page, radio) -> None:
    """Tab into the radio group, then move to ``radio`` with the arrow keys."""
    name = radio.get_attribute("name")
    group = page.locator(f"input[type=radio][name='{name}']")
    checked = page.locator(f"input[type=radio][name='{name}']:checked")
    tab_to(page, checked if checked.count() else group.first)  # where Tab enters a group
    for _ in range(group.count()):
        if radio.is_checked():
            return
        page.keyboard.press("ArrowDown")
    if not radio.is_checked():
        page.keyboard.press("Space")
    assert radio.is_checked()


@pytest.mark.django_db(transaction=True)
def test_a_client_orders_and_pays_with_the_keyboard_alone__ORD_01_ORD_03(
    live_server, policies, settings
):
    enable_local_gateway(settings)
    settings.SITE_URL = live_server.url
    shop = build_catalog()
    owner = make_client_user("keys@example.com", first_name="Kaia", last_name="Klahv")
    with chromium(viewport=DESKTOP) as new_context:
        context = new_context()
        sign_in(context, live_server, owner)
        page = context.new_page()
        page.goto(live_server.url + "/catalog/")

        tab_to(page, page.locator(f'a[href="/orders/new/?tariff={shop.vps_start.public_id}"]'))
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Order VPS Start").wait_for()

        with page.expect_response(lambda response: "/orders/new/" in response.url):
            choose_radio(page, page.locator("input[name=os_image]").first)
        page.locator("#summary-total", has_text="€12.28").wait_for()
        at_once = page.get_by_label("Start the service at once")
        tab_to(page, at_once)
        with page.expect_response(lambda response: "/orders/new/" in response.url):
            page.keyboard.press("Space")  # the summary, with the button, is drawn anew
        assert at_once.is_checked()
        tab_to(page, page.get_by_role("button", name="Place order"))
        page.keyboard.press("Enter")
        page.get_by_text("Pay its proforma to start the service.").wait_for()
        order = Order.objects.get(client=owner.client)
        assert order.status == Order.Status.PLACED

        # Back up the page with Shift+Tab is as good as forward.
        tab_to(page, page.get_by_role("link", name=re.compile(r"^Top up €")).first)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Top up your balance").wait_for()
        choose_radio(page, page.get_by_label("Local test payments (no real money)"))
        tab_to(page, page.get_by_role("button", name="Continue to payment"))
        page.keyboard.press("Enter")
        page.get_by_text("Local test gateway").first.wait_for()
        pay = page.get_by_role("button", name=re.compile(r"^Pay €"))
        tab_to(page, pay)
        page.keyboard.press("Space")
        page.get_by_role("heading", name="Paid").wait_for()

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.services.get().status == ServiceStatus.PROVISIONING


NAV_LINKS = "els => els.map(e => e.getAttribute('href'))"


def _nav_hrefs(page) -> list[str]:
    return page.locator("#main-nav a").evaluate_all(NAV_LINKS)


def _all_shown(page) -> list[str]:
    """The navigation links a person cannot see or reach on the screen."""
    return page.locator("#main-nav a").evaluate_all(
        """els => els.filter(e => {
          const r = e.getBoundingClientRect();
          return r.width === 0 || r.height === 0 || r.left < 0 || r.right > window.innerWidth;
        }).map(e => e.getAttribute('href'))"""
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["client", "staff"])
def test_the_phone_menu_opens_every_section_of_the_navigation(live_server, policies, who):
    user = (
        make_client_user("phone@example.com")
        if who == "client"
        else make_staff_user("administrator")
    )
    start = "/" if who == "client" else "/staff/"
    with chromium() as new_context:
        desktop = new_context(viewport=DESKTOP)
        sign_in(desktop, live_server, user)
        page = desktop.new_page()
        page.goto(live_server.url + start)
        wanted = _nav_hrefs(page)
        assert len(wanted) > 15
        assert page.locator(".nav-toggle").is_hidden()

        phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        sign_in(phone, live_server, user)
        page = phone.new_page()
        page.goto(live_server.url + start)
        menu = page.get_by_role("button", name="Menu")
        assert menu.get_attribute("aria-expanded") == "false"
        assert page.locator("#main-nav").is_hidden()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        assert _nav_hrefs(page) == wanted
        assert _all_shown(page) == []
        assert overflow(page) is None
        keep = os.environ.get("HOSTLEDGER_SCREENSHOT_DIR")
        if keep:
            page.screenshot(path=f"{keep}/{who}_phone_menu.png", full_page=True)
        menu.click()
        assert page.locator("#main-nav").is_hidden()

        # Without JavaScript there is no button: the navigation shows in full.
        plain = new_context(viewport=PHONE, java_script_enabled=False)
        sign_in(plain, live_server, user)
        page = plain.new_page()
        page.goto(live_server.url + start)
        assert page.locator(".nav-toggle").is_hidden()
        assert _nav_hrefs(page) == wanted
        assert _all_shown(page) == []


def _screenshot(page, name: str) -> None:
    keep = os.environ.get("HOSTLEDGER_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{keep}/{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_report_and_main_pages_fit_the_window_in_light_and_dark(live_server, policies):
    owner = make_client_user("shots@example.com", first_name="Mari", last_name="Maasikas")
    catalog = make_catalog()
    payer = owner.client.payers.get()
    paid_order(owner.client, payer, catalog["tariff"], os_image=catalog["os_image"])
    make_proforma(owner.client, payer, "25.00")
    admin = make_staff_user("administrator")
    too_wide = []
    with chromium() as new_context:
        for scheme in ("light", "dark"):
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                staff = new_context(viewport=viewport, color_scheme=scheme)
                sign_in(staff, live_server, admin)
                client = new_context(viewport=viewport, color_scheme=scheme)
                sign_in(client, live_server, owner)
                pages = [(staff.new_page(), path) for path in staff_report_pages()] + [
                    (client.new_page(), path) for path in ("/", "/invoices/", "/billing/")
                ]
                for page, path in pages:
                    page.goto(live_server.url + path)
                    name = path.strip("/").replace("/", "_") or "overview"
                    _screenshot(page, f"{name}_{scheme}_{size}")
                    problem = overflow(page)
                    if problem:
                        too_wide.append(f"{path} {scheme} {size}: {problem}")
                    page.close()
    assert too_wide == []


def staff_report_pages() -> list[str]:
    """The index of the staff reports and each report it lists."""
    return ["/staff/reports/", *(f"/staff/reports/{slug}/" for slug in REPORTS)]
