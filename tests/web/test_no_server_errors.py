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

from hostledger.web import urls as web_urls
from tests.module_world import kept_for_the_module
from tests.web.conftest import login, make_client_user, make_staff_user, publish_policies

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
