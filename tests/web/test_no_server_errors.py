"""No input answers 500 (issue 11, item 9): every page's query parameters are fuzzed, dates far
out of range are refused next to their field, an oversize body answers 413, and the page of a
real server error carries the request id to quote and a way back."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostledger.core.jobs import run_job_now
from hostledger.privacy.models import PolicyDocument
from hostledger.web import urls as web_urls
from tests.api.test_authorization_matrix import build_world
from tests.module_world import kept_for_the_module
from tests.web.conftest import login, make_client_user, make_staff_user, publish_policies

pytestmark = pytest.mark.long_running(110)

QUERY_KEYS = (
    "from",
    "to",
    "date_from",
    "date_to",
    "status",
    "kind",
    "client",
    "source",
    "page",
    "q",
    "show",
    "amount",
    "role",
    "tariff",
    "payment",
    "event",
    "language",
    "state",
    "channel",
    "family",
    "month",
    "quarter_of",
    "period",
    "year",
    "limit",
    "offset",
    "next",
)
"""The query parameters pages read (filters, ranges, paging, pre-filled forms), and more."""

NASTY_VALUES = (
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "-Infinity",
    "\x00",
    "%",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "cli_" + "x" * 300,
    "2026-01-01T00:00:00",
)

query_values = st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=40))
queries = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(min_size=1, max_size=10)),
    query_values,
    max_size=4,
)


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), pattern.name


PAGES_WITHOUT_ARGUMENTS = sorted(
    name for path, name in _walk(web_urls.urlpatterns) if "<" not in path
)


def _who_opens(name: str, path: str) -> str:
    if path.startswith("/staff/"):
        return "staff"
    return "client"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        publish_policies()
        yield {
            "client": make_client_user("fuzz@example.com"),
            "staff": make_staff_user("administrator"),
        }


@pytest.fixture
def signed_in(people, db) -> dict[str, HttpClient]:
    browsers = {}
    for who, user in people.items():
        browser = HttpClient(raise_request_exception=False)
        login(browser, user)
        browsers[who] = browser
    browsers["public"] = HttpClient(raise_request_exception=False)
    return browsers


@pytest.mark.parametrize("name", PAGES_WITHOUT_ARGUMENTS)
def test_no_query_parameter_of_a_page_answers_500(signed_in, name):
    path = reverse(f"web:{name}")
    browsers = [signed_in[_who_opens(name, path)], signed_in["public"]]

    @given(query=queries)
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def opened(query):
        for browser in browsers:
            response = browser.get(path, query)
            assert response.status_code < 500, (path, query, response.status_code)

    opened()


# ----------------------------------------------------------------------------- pages with ids

ID_OF_SEGMENT = {
    "access": "grant",
    "acts": "act",
    "paper-requests": "paper_request",
    "api-tokens": "token",
    "contacts": "contact",
    "credit-notes": "credit_note",
    "decisions": "decision",
    "invoices": "invoice",
    "messages": "notification",
    "orders": "order",
    "payers": "payer",
    "services": "pool",
    "servers": "server",
    "cancellations": "due_cancellation",
    "clients": "client",
    "outbox": "failed_delivery",
    "payments": "payment",
    "reversals": "waiting_reversal",
    "unmatched": "unmatched_payment",
    "users": "staff_member",
    "verification-requests": "answered_verification",
    "verification": "verification_request",
    "add-ons": "add_on",
    "metered-items": "metered_item",
    "os-images": "os_image",
    "tariffs": "tariff",
    "price-changes": "draft_price_version",
    "dns": "zone",
    "records": "record",
    "pushes": "failed_push",
}
"""Which object of the world a path's id names, by the path segment before it."""

FIXED_ARGUMENTS = {
    "kind": "tariffs",
    "code": "vps",
    "slug": "support",
    "key": "accounts.minimum_age",
    "event": "payment_reminder",
    "language": "et",
    "name": "local",
    "file_format": "csv",
}
"""Arguments that name a kind, a code or a setting rather than an object."""

FIXED_ARGUMENTS_UNDER = {("staff/reports/", "slug"): "revenue"}
"""The same, where one argument names different things under different paths."""

_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")

PAGES_WITH_ARGUMENTS = sorted(
    (name, path) for path, name in _walk(web_urls.urlpatterns) if "<" in path
)


def arguments_of(path: str, ids: dict[str, str]) -> dict[str, str]:
    """The URL's arguments filled from the world: each id by the segment before it, a kind or
    code by :data:`FIXED_ARGUMENTS`, anything else an id of no object (the page answers 404)."""
    arguments = {}
    segments = path.strip("/").split("/")
    for position, segment in enumerate(segments):
        matched = _ARGUMENT.search(segment)  # a whole segment, or its end: "clients.<format>"
        if not matched:
            continue
        argument = matched.group(1)
        before = segments[position - 1] if position else ""
        under = [
            value
            for (prefix, name), value in FIXED_ARGUMENTS_UNDER.items()
            if name == argument and path.startswith(prefix)
        ]
        if under:
            arguments[argument] = under[0]
        elif argument in FIXED_ARGUMENTS:
            arguments[argument] = FIXED_ARGUMENTS[argument]
        elif argument == "run_id":
            arguments[argument] = ids["job_run"]
        elif before in ID_OF_SEGMENT and ID_OF_SEGMENT[before] in ids:
            arguments[argument] = ids[ID_OF_SEGMENT[before]]
        else:
            arguments[argument] = "nob_0000000000000000"
    return arguments


@pytest.fixture(scope="module")
def world_with_objects(django_db_setup, django_db_blocker):
    """Client A with a service in each state, orders, invoices, payments, acts, messages,
    verification requests and decisions (the API's authorization world, built through the
    actions), and an administrator."""
    with kept_for_the_module(django_db_blocker):
        if not PolicyDocument.objects.exists():  # the module's other world may have them
            publish_policies()
        world = build_world()
        staff = make_staff_user("administrator", email="fuzz-admin@staff.example")
        run = run_job_now("privacy.purge_expired_sessions", actor=staff)
        yield {
            "client": world.client_a,
            "staff": staff,
            "ids": {**world.ids, "job_run": run.pk},
        }


@pytest.fixture
def signed_in_with_objects(world_with_objects, db) -> dict[str, HttpClient]:
    browsers = {}
    for who in ("client", "staff"):
        browser = HttpClient(raise_request_exception=False)
        login(browser, world_with_objects[who])
        browsers[who] = browser
    return browsers


@pytest.mark.parametrize(("name", "path"), PAGES_WITH_ARGUMENTS)
def test_no_query_parameter_of_a_page_of_an_object_answers_500(
    world_with_objects, signed_in_with_objects, name, path
):
    """Every page whose URL names an object, opened on a real object of the world (client A's
    pages as A, staff pages as an administrator), with fuzzed query parameters."""
    url = reverse(f"web:{name}", kwargs=arguments_of(path, world_with_objects["ids"]))
    browser = signed_in_with_objects["staff" if path.startswith("staff/") else "client"]

    @given(query=queries)
    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def opened(query):
        response = browser.get(url, query)
        assert response.status_code < 500, (url, query, response.status_code)

    opened()


def test_pages_of_objects_open_on_real_objects(world_with_objects, signed_in_with_objects):
    """The fuzz above reaches the pages themselves, not a 404 of a wrong id."""
    ids = world_with_objects["ids"]
    for name, path in PAGES_WITH_ARGUMENTS:
        if name not in OPENED_ON_A_REAL_OBJECT:
            continue
        url = reverse(f"web:{name}", kwargs=arguments_of(path, ids))
        browser = signed_in_with_objects["staff" if path.startswith("staff/") else "client"]
        assert browser.get(url).status_code == 200, url


OPENED_ON_A_REAL_OBJECT = (
    "act_detail",
    "contact_detail",
    "credit_note_detail",
    "invoice_detail",
    "notification",
    "order_detail",
    "payer_edit",
    "service_detail",
    "verification_detail",
    "staff_act",
    "staff_client_detail",
    "staff_client_balance",
    "staff_decision",
    "staff_invoice",
    "staff_order",
    "staff_service",
    "staff_user_detail",
    "staff_catalog_tariff",
    "staff_catalog_add_on",
    "staff_catalog_metered_item",
    "staff_catalog_os_image",
    "staff_catalog_family",
    "job_run_detail",
    "setting_detail",
    "role_detail",
    "staff_notification_template",
    "staff_outbox_delivery",
    "dns_zone",
    "dns_record_edit",
    "staff_dns_zone",
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["billing", "statement_csv"])
def test_a_date_far_in_the_future_is_refused_not_an_overflow(signed_in, name):
    response = signed_in["client"].get(reverse(f"web:{name}"), {"to": "9999-12-31"})
    assert response.status_code < 500
    if name == "billing":
        assert response.context["form"].errors["to"] == [
            "Give a date between 2000-01-01 and 2200-12-31."
        ]


@pytest.mark.django_db
def test_a_10_mb_api_body_answers_413(signed_in):
    body = b'{"name": "' + b"x" * 10_000_000 + b'"}'
    response = signed_in["client"].generic(
        "POST", "/api/v1/payers", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    page = signed_in["client"].generic(
        "POST", reverse("web:payer_create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 413


@pytest.mark.django_db
def test_a_bank_statement_keeps_its_own_bigger_limit(signed_in):
    """A statement of 3 MB is over the body limit of other requests (2.5 MB) but under the
    provider's statement limit (20 MB): it reaches the upload page, which reads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.xml", b"<x>" + b" " * 3_000_000 + b"</x>", "application/xml")
    response = signed_in["staff"].post(reverse("web:staff_payment_statements"), {"file": big})
    assert response.status_code not in (413, 500)


def test_the_500_page_names_the_request_id_and_leads_back(rf, caplog):
    from hostledger.web.views.errors import server_error

    request = rf.get("/staff/clients/")
    request.request_id = "req0123456789abcd"
    with caplog.at_level(logging.ERROR):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "req0123456789abcd" in html and response["X-Request-ID"] == "req0123456789abcd"
    assert re.search(r'href="/staff/"', html)
