"""Staff pages of acts of acceptance: the list across clients (DOC-01), open disputes and
their decision (DOC-02), and paper-act requests to post (DOC-03).

January 2025's acts are formed on Monday 3 February 2025 (dispute deadline Thursday
6 February); pages are looked at on 4 February. Every refused input names its field and
leaves the acts, disputes and requests as they were.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hostledger.accounts import actions as account_actions
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import (
    act_confirm,
    act_dispute,
    acts_form,
    paper_act_request_file,
)
from hostledger.invoicing.acts import previous_month_start
from hostledger.invoicing.models import AcceptanceAct, ActDispute, PaperActRequest
from tests.invoicing.act_factories import FEBRUARY, JANUARY, act_state, at, form, paid_invoice
from tests.invoicing.conftest import line, seeded_tables  # noqa: F401  (a fixture)
from tests.web.conftest import login, make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey, browser_page  # noqa: F401

NOW = at(2025, 2, 4, 10)
FORMED = at(2025, 2, 3, 3)
JAN = {"period_start": date(2025, 1, 1), "period_end": date(2025, 1, 31)}
REASONS = "The VPS was unreachable from 3 to 9 January."
NOTE = "Our monitoring shows 40 minutes of downtime, within the service level."


def write_state() -> dict:
    """What the act pages write; staff's readings of personal data are recorded on every
    page shown, so they are left out."""
    return {
        **act_state(),
        "audit": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def frozen_now(request):
    """The clock stops at NOW, except in the browser, which drops session cookies that expired
    in a frozen past."""
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def billing(client, db):
    member = make_staff_user("billing")
    login(client, member)
    return member


@pytest.fixture
def acts(client_a, payer_a, client_b):
    """January acts of clients A (VPS Start 12.00 + VAT 2.64 = 14.64) and B (Web hosting S
    3 x 3.33: 9.99 + 2.20 = 12.19), and A's December act (10.00 + 2.20 = 12.20), accepted
    long ago."""
    paid_invoice(
        client_a,
        payer_a,
        [line("VPS Start, December 2024", "1", "10.00")],
        issued_on=date(2024, 12, 2),
        paid_on=date(2024, 12, 2),
    )
    (december,) = form(date(2024, 12, 1), on=at(2025, 1, 2, 3))
    paid_invoice(
        client_a,
        payer_a,
        [line("VPS Start, January 2025", "1", "12.00", **JAN)],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
    paid_invoice(
        client_b,
        client_b.payers.get(),
        [line("Web hosting S", "3", "3.33")],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 9),
    )
    by_client = {act.client_id: act for act in form(JANUARY, on=FORMED)}
    return by_client[client_a.pk], by_client[client_b.pk], december


@pytest.fixture
def disputed(acts, owner_a):
    act_a, _, _ = acts
    act_dispute(act=act_a, reasons=REASONS, actor=owner_a)
    return act_a


# ----------------------------------------------------------------------------- list


def test_act_list_filters_by_month_status_and_client__DOC_01(billing, client, acts, owner_b):
    act_a, act_b, december = acts
    act_confirm(act=act_b, actor=owner_b)
    url = reverse("web:staff_acts")
    listing = client.get(url)
    assert listing.context["acts"] == [act_b, act_a, december]
    html = html_of(listing)
    for text in ("Jan 2025", "Dec 2024", "€14.64", "€12.19", "until 6 Feb 2025"):
        assert text in html, text

    assert {act.pk for act in client.get(url, {"month": "2025-01"}).context["acts"]} == {
        act_a.pk,
        act_b.pk,
    }
    accepted = client.get(url, {"status": "accepted"}).context["acts"]
    assert {act.pk for act in accepted} == {act_b.pk, december.pk}
    awaiting = client.get(url, {"status": "formed"}).context["acts"]
    assert [act.pk for act in awaiting] == [act_a.pk]
    of_b = client.get(url, {"client": "bert@example.com"}).context["acts"]
    assert [act.pk for act in of_b] == [act_b.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"month": "January"}, "month"), ({"client": "nobody@example.com"}, "client")],
)
def test_bad_act_filters_name_their_field(billing, client, acts, query, field):
    response = client.get(reverse("web:staff_acts"), query)
    assert response.status_code == 200
    assert response.context["acts"] == [] and field in response.context["form"].errors


def test_act_list_answers_htmx_with_the_results_only__DOC_01(billing, client, acts):
    response = client.get(
        reverse("web:staff_acts"), {"month": "2024-12"}, headers={"HX-Request": "true"}
    )
    html = html_of(response)
    assert html.lstrip().startswith('<section id="act-results"')
    assert "<html" not in html and "€12.20" in html
    assert "€14.64" not in html and "€12.19" not in html


def test_act_page_shows_lines_totals_and_records_reading_the_payer__DOC_01_GDPR_12(
    billing, client, acts, client_a
):
    act_a, _, _ = acts
    response = client.get(reverse("web:staff_act", args=[act_a.public_id]))
    html = html_of(response)
    for text in ("VPS Start, January 2025", "€12.00", "€2.64", "€14.64", "Anna Tamm", "Ahtri 12"):
        assert text in html, text
    event = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last()
    assert event.subject_client_id == client_a.pk
    assert event.data["what"] == f"act {act_a.public_id}: payer as printed"


def test_staff_without_personal_data_permission_do_not_see_the_payer__GDPR_12(client, acts):
    account_actions.staff_roles_ensure_defaults()
    member = account_actions.staff_user_create(
        actor=None,
        email="clerk@staff.example",
        full_name="Clerk",
        role_slugs=[],
        extra_permissions=["billing.manage"],
    )
    TOTP.activate(member, generate_totp_secret())
    login(client, member)
    act_a, _, _ = acts
    reads = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count()
    html = html_of(client.get(reverse("web:staff_act", args=[act_a.public_id])))
    assert "€14.64" in html and "Anna Tamm" not in html and "Hidden" in html
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count() == reads


def test_staff_download_the_act_as_pdf__DOC_01(billing, client, acts):
    act_a, _, _ = acts
    response = client.get(reverse("web:staff_act_pdf", args=[act_a.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (act_a.public_id, "Anna Tamm", "€12.00", "€2.64", "€14.64", "January 2025"):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last().data["what"] == (
        f"act {act_a.public_id}: PDF with the payer as printed"
    )


# ----------------------------------------------------------------------------- disputes


def test_open_disputes_are_listed_with_their_reasons__DOC_02(billing, client, disputed):
    response = client.get(reverse("web:staff_act_disputes"))
    html = html_of(response)
    assert [row["dispute"].act_id for row in response.context["rows"]] == [disputed.pk]
    assert REASONS in html and "€14.64" in html and "Record the decision" in html
    event = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last()
    assert event.data == {"what": "open act disputes: reasons", "ids": [disputed.public_id]}


def test_rejecting_a_dispute_accepts_the_act__DOC_02(billing, client, disputed):
    prefix = disputed.public_id
    response = client.post(
        reverse("web:staff_act_resolve", args=[disputed.public_id]),
        {f"{prefix}-outcome": "rejected", f"{prefix}-note": NOTE, f"{prefix}-back": "disputes"},
    )
    assert response["Location"] == reverse("web:staff_act_disputes")
    disputed.refresh_from_db()
    dispute = ActDispute.objects.get()
    assert (disputed.status, disputed.acceptance, disputed.accepted_by) == (
        AcceptanceAct.Status.ACCEPTED,
        AcceptanceAct.Acceptance.DISPUTE_REJECTED,
        billing,
    )
    assert (dispute.outcome, dispute.resolution_note, dispute.resolved_by) == (
        "rejected",
        NOTE,
        billing,
    )
    html = html_of(client.get(response["Location"]))
    assert "No open disputes" in html and "is rejected." in html


def test_upholding_a_dispute_from_the_act_page__DOC_02(billing, client, disputed):
    page = html_of(client.get(reverse("web:staff_act", args=[disputed.public_id])))
    assert REASONS in page and "Record the decision" in page
    response = client.post(
        reverse("web:staff_act_resolve", args=[disputed.public_id]),
        {"outcome": "upheld", "note": "Credit note for six days follows.", "back": "act"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("web:staff_act", args=[disputed.public_id])
    disputed.refresh_from_db()
    assert disputed.status == AcceptanceAct.Status.DISPUTE_UPHELD
    html = html_of(response)
    assert "Dispute upheld" in html and "Credit note for six days follows." in html


@pytest.mark.parametrize(
    ("data", "field"),
    [({"note": NOTE}, "outcome"), ({"outcome": "upheld", "note": ""}, "note")],
)
def test_a_decision_without_outcome_or_note_is_refused__DOC_02(
    billing, client, disputed, data, field
):
    before = write_state()
    on_act_page = client.post(reverse("web:staff_act_resolve", args=[disputed.public_id]), data)
    assert on_act_page.status_code == 400
    assert list(on_act_page.context["resolve_form"].errors) == [field]
    prefix = disputed.public_id
    prefixed = {f"{prefix}-{name}": value for name, value in data.items()}
    on_list = client.post(
        reverse("web:staff_act_resolve", args=[disputed.public_id]),
        {**prefixed, f"{prefix}-back": "disputes"},
    )
    assert on_list.status_code == 400
    assert list(on_list.context["rows"][0]["form"].errors) == [field]
    assert write_state() == before


def test_an_act_without_an_open_dispute_cannot_be_decided__DOC_02(billing, client, acts):
    act_a, _, _ = acts
    before = write_state()
    response = client.post(
        reverse("web:staff_act_resolve", args=[act_a.public_id]),
        {"outcome": "rejected", "note": NOTE},
        follow=True,
    )
    assert "has no open dispute" in html_of(response)
    assert write_state() == before


# ----------------------------------------------------------------------------- paper acts


@pytest.fixture
def paper_requests(acts, client_a, payer_a, owner_a, client_b, owner_b):
    """A's request for Q1 2025 (its January act) and B's for Q4 2024 (no act then)."""
    a = paper_act_request_file(client=client_a, payer=payer_a, actor=owner_a)
    b = paper_act_request_file(
        client=client_b,
        payer=client_b.payers.get(),
        actor=owner_b,
        quarter_of=date(2024, 11, 1),
    )
    return a, b


def test_paper_requests_list_the_acts_to_post_and_the_address__DOC_03(
    billing, client, paper_requests, acts
):
    a, b = paper_requests
    act_a, _, _ = acts
    response = client.get(reverse("web:staff_paper_act_requests"))
    html = html_of(response)
    rows = response.context["rows"]
    assert [row["request"] for row in rows] == [b, a]
    assert [row["acts"] for row in rows] == [[], [act_a]]
    assert "Q1 2025 (January \u2013 March 2025)" in html and "Ahtri 12" in html
    assert reverse("web:staff_act_pdf", args=[act_a.public_id]) in html
    event = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last()
    assert event.data["ids"] == [b.public_id, a.public_id]


def test_staff_mark_a_paper_request_sent__DOC_03(billing, client, paper_requests):
    a, _ = paper_requests
    response = client.post(
        reverse("web:staff_paper_act_request_sent", args=[a.public_id]),
        {f"{a.public_id}-note": "RR123456789EE"},
        follow=True,
    )
    assert f"Request {a.public_id} of" in html_of(response)
    a.refresh_from_db()
    assert (a.status, a.sent_by, a.sent_note) == (
        PaperActRequest.Status.SENT,
        billing,
        "RR123456789EE",
    )
    assert [row["request"] for row in response.context["rows"]] == [paper_requests[1]]
    sent = client.get(reverse("web:staff_paper_act_requests"), {"status": "sent"})
    assert "RR123456789EE" in html_of(sent)

    before = write_state()
    again = client.post(
        reverse("web:staff_paper_act_request_sent", args=[a.public_id]), follow=True
    )
    assert "is sent" in html_of(again)
    assert write_state() == before


def test_a_too_long_tracking_note_is_refused__DOC_03(billing, client, paper_requests):
    a, _ = paper_requests
    before = write_state()
    response = client.post(
        reverse("web:staff_paper_act_request_sent", args=[a.public_id]),
        {f"{a.public_id}-note": "x" * 201},
    )
    assert response.status_code == 400
    bound = next(row for row in response.context["rows"] if row["request"] == a)
    assert list(bound["form"].errors) == ["note"]
    assert write_state() == before


# ----------------------------------------------------------------------------- query counts

LIST_PAGES = {
    "web:staff_acts": 9,
    "web:staff_act_disputes": 10,
    "web:staff_paper_act_requests": 13,
}


@pytest.fixture
def busy(billing, client, policies):
    """Ten clients, each with a disputed January act, a February act and a paper request
    for Q1 2025."""
    for number in range(10):
        user = make_client_user(f"client{number}@example.com")
        payer = user.client.payers.get()
        for month in (JANUARY, FEBRUARY):
            paid_invoice(
                user.client, payer, [line("Web hosting S")], issued_on=month, paid_on=month
            )
    formed = form(JANUARY, on=FORMED) + form(FEBRUARY, on=at(2025, 3, 2))
    for act in formed:
        if act.period_start == JANUARY:
            act_dispute(act=act, reasons=REASONS, actor=act.client.owner)
    for act in formed[:10]:
        paper_act_request_file(client=act.client, payer=act.payer, actor=act.client.owner)
    return client


@pytest.mark.parametrize(("url_name", "most"), LIST_PAGES.items())
def test_staff_act_list_pages_have_a_fixed_query_count__DOC_01_DOC_02_DOC_03(
    busy, url_name, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy.get(reverse(url_name))
    assert response.status_code == 200


def test_query_count_numbers_are_not_empty_pages(busy):
    assert len(busy.get(reverse("web:staff_acts")).context["acts"]) == 20
    assert len(busy.get(reverse("web:staff_act_disputes")).context["rows"]) == 10
    assert len(busy.get(reverse("web:staff_paper_act_requests")).context["rows"]) == 10


# ----------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.django_db(transaction=True)
def test_staff_decide_a_dispute_and_post_paper_acts_in_a_browser__DOC_02_DOC_03(
    live_server,
    browser_page,  # noqa: F811
    policies,
    seeded_tables,  # noqa: F811
):
    """The staff pages pass the browser's strict Content Security Policy, the htmx filter
    swaps the results, and a dispute is decided from the list. Set HOSTLEDGER_SCREENSHOT_DIR
    to keep screenshots."""
    month = previous_month_start(timezone.localdate())
    for email, name in (("anna@example.com", "Anna"), ("bert@example.com", "Bert")):
        user = make_client_user(email, first_name=name, last_name="Tamm")
        paid_invoice(
            user.client,
            user.client.payers.get(),
            [line("VPS Start", "1", "12.00"), line("Web hosting S", "3", "3.33")],
            issued_on=month,
            paid_on=month,
        )
    acts = acts_form(month=month, now=timezone.now())
    act_dispute(act=acts[0], reasons=REASONS, actor=acts[0].client.owner)
    paper_act_request_file(client=acts[1].client, payer=acts[1].payer, actor=None)
    member = make_staff_user("billing")
    http = HttpClient()
    http.force_login(member)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    journey = Journey(browser_page, live_server.url)
    page = browser_page

    journey.goto(reverse("web:staff_acts"))
    page.get_by_role("heading", name="Latest acts").wait_for()
    journey.snap("staff_act_list")
    page.get_by_label("Status").select_option("disputed")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("heading", name="Matching acts").wait_for()
    assert page.locator("#act-results tbody tr").count() == 1
    journey.snap("staff_act_list_filtered")

    journey.goto(reverse("web:staff_act", args=[acts[0].public_id]))
    page.get_by_text(REASONS).wait_for()
    journey.snap("staff_act_detail")

    journey.goto(reverse("web:staff_act_disputes"))
    journey.snap("staff_act_disputes")
    page.get_by_label("Rejected: the act is accepted").check()
    page.get_by_label("Note to the client").fill(NOTE)
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("No open disputes").wait_for()
    assert ActDispute.objects.get().outcome == "rejected"

    journey.goto(reverse("web:staff_paper_act_requests"))
    journey.snap("staff_paper_requests")
    page.get_by_placeholder("Tracking number").fill("RR123456789EE")
    page.get_by_role("button", name="Mark sent").click()
    page.get_by_text("is marked sent").wait_for()
    assert PaperActRequest.objects.get().sent_note == "RR123456789EE"
    assert journey.problems == []
