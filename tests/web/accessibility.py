"""What the accessibility tests share: axe-core in Debian's chromium, signing a browser in,
and the list of every page a client, a staff member or a visitor can open.

axe-core (vendored in ``tests/web/vendor/axe-core``) checks each page against the WCAG 2.1
A and AA rules. It is evaluated through the browser's debugging protocol, so the page's
strict Content Security Policy does not stop it and needs no exception for the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.test import Client as HttpClient
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from hostledger.core.jobs import run_job_now
from hostledger.privacy.models import PolicyDocument
from hostledger.web.report_pages import REPORTS
from tests.api.test_authorization_matrix import build_world
from tests.web.conftest import make_staff_user, publish_policies
from tests.web.test_browser_journey import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_no_server_errors import (
    PAGES_WITH_ARGUMENTS,
    PAGES_WITHOUT_ARGUMENTS,
    arguments_of,
)

NO_OBJECT = "nob_0000000000000000"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PUBLIC_PAGES = (
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
)
"""The sign-in pages of allauth, which are not among HostLedger's own URL patterns."""

SIGNED_IN_ACCOUNT_PAGES = (
    "/accounts/2fa/",
    "/accounts/password/change/",
    "/accounts/email/",
)
"""allauth's pages of a signed-in person that the navigation leads to."""


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    targets: tuple[str, ...]
    summary: str

    def __str__(self) -> str:
        where = ", ".join(self.targets)
        return f"{self.page}: {self.rule} ({self.impact}) at {where}: {self.summary}"


def axe_violations(page, *, label: str | None = None) -> list[Violation]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => {"
        "  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        "    resultTypes: ['violations']});"
        "  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        "    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));"
        "}",
        WCAG_TAGS,
    )
    where = label or page.url
    return [
        Violation(
            page=where,
            rule=violation["id"],
            impact=violation["impact"] or "",
            targets=tuple(node["target"] for node in violation["nodes"][:6])
            + ((f"… {len(violation['nodes']) - 6} more",) if len(violation["nodes"]) > 6 else ()),
            summary=(violation["nodes"][0]["summary"] or violation["help"]).replace("\n", " "),
        )
        for violation in result
    ]


def report(violations: list[Violation]) -> str:
    return f"{len(violations)} accessibility violations:\n" + "\n".join(map(str, violations))


@contextmanager
def chromium(**context_options) -> Iterator:
    """One headless chromium; yields a function that opens a new browser context."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        contexts = []

        def new_context(**options):
            context = browser.new_context(**{**context_options, **options})
            context.set_default_timeout(30_000)
            context.set_default_navigation_timeout(60_000)
            contexts.append(context)
            return context

        try:
            yield new_context
        finally:
            for context in contexts:
                for page in context.pages:
                    with suppress(PlaywrightError):
                        page.goto("about:blank")  # stop htmx polling before the server goes
                context.close()
            browser.close()


def sign_in(context, live_server, user) -> HttpClient:
    """Give the browser context the session of ``user``; returns a test client with the same
    session, to look pages up with."""
    http = HttpClient(raise_request_exception=False)
    http.force_login(user)
    context.clear_cookies()
    context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    return http


@dataclass
class PagesWorld:
    client_owner: object
    staff: object
    ids: dict[str, str]


def world_for_pages() -> PagesWorld:
    """The page fuzzing's world (tests/web/test_no_server_errors.py): client A with an object
    of each kind, an administrator and a run of a job. Call it inside
    ``tests.domain_helpers.local_registry_in_memory()``."""
    if not PolicyDocument.objects.exists():
        publish_policies()
    world = build_world()
    staff = make_staff_user("administrator", email="axe-admin@staff.example")
    run = run_job_now("privacy.purge_expired_sessions", actor=staff)
    ids = {**world.ids, "job_run": run.pk}
    return PagesWorld(client_owner=world.client_a, staff=staff, ids=ids)


FILE_WORDS = {"pdf", "csv", "xlsx", "download", "export", "xml", "zip", "ubl", "json", "png", "qr"}
"""Words of the URL names of files to download, which are no pages to check."""


def is_file(name: str) -> bool:
    return bool(FILE_WORDS & set(name.split("_")))


def pages_of(area: str, ids: dict[str, str]) -> list[str]:
    """Every page of the area ("staff" or "client", the public pages included in the
    client's) as a path: the pages without arguments and the pages of the world's objects,
    with the arguments the page fuzzing uses."""
    paths = []
    for name in PAGES_WITHOUT_ARGUMENTS:
        if not is_file(name):
            paths.append(reverse(f"web:{name}"))
    for name, pattern in PAGES_WITH_ARGUMENTS:
        if not is_file(name):
            paths.append(reverse(f"web:{name}", kwargs=arguments_of(pattern, ids)))
    paths += [reverse("web:staff_report", args=[slug]) for slug in REPORTS]
    staff = [path for path in paths if path.startswith("/staff/")]
    client = [path for path in paths if not path.startswith("/staff/")]
    chosen = staff if area == "staff" else client + list(SIGNED_IN_ACCOUNT_PAGES)
    # An argument of no object of the world only gives a 404.
    return sorted(path for path in set(chosen) if NO_OBJECT not in path)


def open_page(page, url: str) -> bool:
    """Open ``url``; whether it is a page of its own to check (a 200 HTML document, not a
    download, a redirect elsewhere, a refusal of GET or an htmx fragment)."""
    for attempt in (1, 2):
        try:
            response = page.goto(url)
            break
        except PlaywrightError as error:
            # A download before ("Download is starting") can leave chromium on its way to
            # an error page, which cuts the next navigation short: once more.
            if "interrupted by another navigation" in str(error):
                page.wait_for_load_state()
                if attempt == 1:
                    continue
                # The page navigated to itself again; check it as it stands now.
                return page.url == url and page.evaluate("document.doctype !== null")
            # A download or an empty error answer (net::ERR_HTTP_RESPONSE_CODE_FAILURE)
            # is no page.
            if "Download is starting" in str(error) or "net::ERR_" in str(error):
                return False
            raise
    if response is None or response.status != 200 or response.request.redirected_from:
        return False
    if not response.headers.get("content-type", "").startswith("text/html"):
        return False
    return page.evaluate("document.doctype !== null")  # an htmx fragment has none


def overflow(page) -> str | None:
    """What makes the page wider than the window, if it is: the document scrolls sideways.
    A wide table scrolls inside its own ``.table-wrap`` instead."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          if (root.scrollWidth <= window.innerWidth) return null;
          const wide = [...document.querySelectorAll('body *')].find(
            e => e.getBoundingClientRect().right > window.innerWidth + 1
              && getComputedStyle(e).position !== 'fixed');
          const name = wide ? wide.tagName.toLowerCase() + (wide.className ? '.' +
            String(wide.className).trim().split(/\\s+/).join('.') : '') : '?';
          return `scrollWidth ${root.scrollWidth} > ${window.innerWidth} (${name})`;
        }"""
    )


@dataclass
class Checked:
    violations: list[Violation]
    paths: list[str]
    overflowing: list[str]


def check_pages(context, base_url: str, paths, who: str) -> Checked:
    """Open each path that is a page of its own, in a tab of its own (so that no download or
    polling of the page before interferes), run axe on it and see that it fits the window's
    width."""
    checked = Checked([], [], [])
    for path in paths:
        page = context.new_page()
        if open_page(page, base_url + path):
            checked.violations += axe_violations(page, label=f"{who} {path}")
            checked.paths.append(path)
            too_wide = overflow(page)
            if too_wide:
                checked.overflowing.append(f"{who} {path}: {too_wide}")
        with suppress(PlaywrightError):
            page.goto("about:blank")  # stop htmx polling
        page.close()
    return checked


def dump(violations: list[Violation], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([v.__dict__ for v in violations], indent=1, default=list))
