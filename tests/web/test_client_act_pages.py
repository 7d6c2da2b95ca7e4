"""The client area's acts of acceptance (DOC-01), their disputes and confirmation (DOC-02)
and requests for paper acts (DOC-03).

January 2025's acts are formed on Monday 3 February 2025; with three working days to dispute,
the deadline is Thursday 6 February. Pages are looked at on 4 February unless a test moves
the clock. Estonia's VAT rate then is 22 %. Every refused change leaves the acts, disputes
and requests as they were.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hostledger.accounts import actions as account_actions
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.actions import (
    act_dispute,
    act_dispute_resolve,
    acts_form,
    credit_note_issue,
)
from hostledger.invoicing.acts import previous_month_start
from hostledger.invoicing.models import AcceptanceAct, ActDispute, PaperActRequest
from tests.invoicing.act_factories import JANUARY, act_state, at, form, paid_invoice
from tests.invoicing.conftest import line, seeded_tables  # noqa: F401  (a fixture)
from tests.web.conftest import login, make_client_user
from tests.web.test_browser_journey import CHROMIUM, Journey, browser_page  # noqa: F401

FORMED = at(2025, 2, 3, 3)
NOW = at(2025, 2, 4, 10)
DEADLINE = date(2025, 2, 6)
AFTER_DEADLINE = at(2025, 2, 7, 9)
JAN = {"period_start": date(2025, 1, 1), "period_end": date(2025, 1, 31)}
REASONS = "The VPS was unreachable from 3 to 9 January; the service was not rendered in full."


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
def company_payer(client_a, owner_a):
    return account_actions.payer_create(
        client=client_a,
        actor=owner_a,
        data={
            "kind": "legal",
            "name": "Tamm Digital OÜ",
            "registry_code": "14412345",
            "street": "Tartu mnt 2",
            "city": "Tallinn",
            "postal_code": "10115",
            "country": "EE",
        },
    )


@pytest.fixture
def january_acts(client_a, payer_a, company_payer):
    """January acts of both of client A's payers.

    Anna Tamm: Web hosting S 3 x 3.33 (net 9.99, VAT 2.1978 -> 2.20) and VPS Start 12.00 for
    January (VAT 2.64): net 21.99, VAT 4.84, total 26.83. Tamm Digital OÜ: VPS Pro 20.00 for
    January (VAT 4.40): total 24.40.
    """
    paid_invoice(
        client_a,
        payer_a,
        [line("Web hosting S", "3", "3.33"), line("VPS Start, January 2025", "1", "12.00", **JAN)],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
    paid_invoice(
        client_a,
        company_payer,
        [line("VPS Pro, January 2025", "1", "20.00", **JAN)],
        issued_on=date(2025, 1, 5),
        paid_on=date(2025, 1, 6),
    )
    formed = {act.payer_id: act for act in form(JANUARY, on=FORMED)}
    return formed[payer_a.pk], formed[company_payer.pk]


@pytest.fixture
def owner(client, owner_a):
    return login(client, owner_a)


@pytest.fixture
def readonly(client, readonly_user, client_a):
    return login(client, readonly_user, client_public_id=client_a.public_id)


def act_url(name: str, act) -> str:
    return reverse(f"web:{name}", args=[act.public_id])


# ----------------------------------------------------------------------------- list and act


def test_act_list_shows_each_payers_acts_with_status_and_deadline__DOC_01_DOC_02(
    owner, january_acts, owner_a
):
    anna, company = january_acts
    act_dispute(act=company, reasons=REASONS, actor=owner_a)
    response = owner.get(reverse("web:act_list"))
    html = html_of(response)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(group["payer"].name, group["acts"]) for group in groups] == [
        ("Anna Tamm", [anna]),
        ("Tamm Digital OÜ", [company]),
    ]
    for text in ("January 2025", "€21.99", "€4.84", "€26.83", "€24.40", "Dispute by 6 Feb 2025"):
        assert text in html, text
    assert "Awaiting acceptance" in html and "Disputed" in html and "Under review" in html
    assert [act.public_id for act in response.context["awaiting"]] == [anna.public_id]


def test_act_past_its_deadline_is_shown_accepted_without_a_dispute__DOC_02(
    owner, january_acts, frozen_now, owner_a
):
    anna, _ = january_acts
    frozen_now.move_to(AFTER_DEADLINE)
    login(owner, owner_a)  # a session lasts 12 hours
    html = html_of(owner.get(reverse("web:act_list")))
    assert "Awaiting acceptance" not in html
    assert "No dispute by 6 Feb 2025" in html
    detail = owner.get(act_url("act_detail", anna))
    assert detail.context["disputable"] is False
    assert "Dispute the act" not in html_of(detail) and "Confirm</button>" not in html_of(detail)


def test_act_page_shows_its_lines_totals_and_the_payer_as_formed__DOC_01(owner, january_acts):
    anna, _ = january_acts
    response = owner.get(act_url("act_detail", anna))
    html = html_of(response)
    assert response.status_code == 200
    assert [
        (line.description, line.net_minor, line.vat_minor) for line in response.context["lines"]
    ] == [("Web hosting S", 999, 220), ("VPS Start, January 2025", 1200, 264)]
    for text in (
        "Act of January 2025",
        "Anna Tamm",
        "Ahtri 12",
        "1 Jan 2025 \u2013 31 Jan 2025",
        "€9.99",
        "€2.20",
        "€12.19",
        "€14.64",
        '<th scope="row">Net total</th><td>€21.99</td>',
        '<th scope="row">VAT total</th><td>€4.84</td>',
        '<th scope="row">Total</th><td>€26.83</td>',
        "Please check this act by 6 Feb 2025",
    ):
        assert text in html, text
    assert response.context["disputable"] is True


def test_credit_note_of_the_month_is_subtracted_on_the_act__DOC_01(
    owner, client_a, payer_a, frozen_now
):
    invoice = paid_invoice(
        client_a,
        payer_a,
        [line("VPS Start, January 2025", "1", "12.00", **JAN)],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
    credit_note_issue(
        invoice=invoice, full=True, reason="Service credit", issued_on=date(2025, 1, 20)
    )
    (act,) = form(JANUARY, on=FORMED)
    html = html_of(owner.get(act_url("act_detail", act)))
    assert "act-line--credit" in html and "-€14.64" in html
    assert '<th scope="row">Total</th><td>€0.00</td>' in html


# ----------------------------------------------------------------------------- disputes


def test_client_disputes_an_act_with_reasons__DOC_02(owner, january_acts, owner_a):
    anna, _ = january_acts
    response = owner.post(act_url("act_dispute", anna), {"reasons": REASONS})
    assert response["Location"] == act_url("act_detail", anna)
    dispute = ActDispute.objects.get()
    assert (dispute.act_id, dispute.reasons, dispute.raised_by, dispute.outcome) == (
        anna.pk,
        REASONS,
        owner_a,
        "",
    )
    assert AcceptanceAct.objects.get(pk=anna.pk).status == AcceptanceAct.Status.DISPUTED
    page = owner.get(response["Location"])
    html = html_of(page)
    assert "Your dispute" in html and "unreachable from 3 to 9 January" in html
    assert "Under review" in html and "Your dispute is recorded." in html
    assert page.context["disputable"] is False and "Dispute the act" not in html


@pytest.mark.parametrize("reasons", ["", "   ", "x" * 4001])
def test_dispute_without_reasons_is_refused_naming_the_field__DOC_02(owner, january_acts, reasons):
    anna, _ = january_acts
    before = act_state()
    response = owner.post(act_url("act_dispute", anna), {"reasons": reasons})
    assert response.status_code == 400
    assert list(response.context["dispute_form"].errors) == ["reasons"]
    assert 'class="form-summary"' in html_of(response)
    assert act_state() == before


def test_dispute_after_the_deadline_is_refused_and_changes_nothing__DOC_02(
    owner, january_acts, frozen_now, owner_a
):
    anna, _ = january_acts
    frozen_now.move_to(AFTER_DEADLINE)
    login(owner, owner_a)  # a session lasts 12 hours
    before = act_state()
    response = owner.post(act_url("act_dispute", anna), {"reasons": REASONS}, follow=True)
    assert "could be disputed until 2025-02-06" in html_of(response)
    assert act_state() == before


def test_client_confirms_an_open_act__DOC_02(owner, january_acts, owner_a):
    anna, company = january_acts
    response = owner.post(act_url("act_confirm", anna), follow=True)
    html = html_of(response)
    assert "You accepted the act of January 2025." in html
    anna.refresh_from_db()
    assert (anna.status, anna.acceptance, anna.accepted_by) == (
        AcceptanceAct.Status.ACCEPTED,
        AcceptanceAct.Acceptance.CONFIRMED_BY_CLIENT,
        owner_a,
    )
    assert "Confirmed by you" in html
    assert AcceptanceAct.objects.get(pk=company.pk).status == AcceptanceAct.Status.FORMED


def test_a_confirmed_act_can_no_longer_be_disputed__DOC_02(owner, january_acts):
    anna, _ = january_acts
    owner.post(act_url("act_confirm", anna))
    before = act_state()
    response = owner.post(act_url("act_dispute", anna), {"reasons": REASONS}, follow=True)
    assert "is already accepted" in html_of(response)
    assert act_state() == before


@pytest.mark.parametrize(
    ("outcome", "says"),
    [
        ("rejected", "Your dispute was rejected: the act is accepted."),
        ("upheld", "Your dispute was upheld: the services are corrected with a credit note."),
    ],
)
def test_client_reads_the_decision_on_their_dispute__DOC_02(
    owner, january_acts, owner_a, staff, outcome, says
):
    anna, _ = january_acts
    act_dispute(act=anna, reasons=REASONS, actor=owner_a)
    act_dispute_resolve(
        act=anna, outcome=outcome, note="Monitoring shows 40 minutes down.", actor=staff("billing")
    )
    html = html_of(owner.get(act_url("act_detail", anna)))
    assert says in html and "Monitoring shows 40 minutes down." in html
    assert "Decided 4 Feb 2025" in html


def test_act_downloads_as_pdf_with_its_number_payer_and_totals__DOC_01(owner, january_acts):
    anna, _ = january_acts
    response = owner.get(act_url("act_pdf", anna))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="act-2025-01-{anna.public_id}.pdf"'
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        anna.public_id,
        "Anna Tamm",
        "Web hosting S",
        "€21.99",
        "€4.84",
        "€26.83",
        "6 February 2025",
    ):
        assert expected in text, expected


# ----------------------------------------------------------------------------- who may


def test_another_clients_act_is_not_found__DOC_01(client, january_acts, policies):
    anna, _ = january_acts
    http = login(client, make_client_user("bert.other@example.com"))
    before = act_state()
    for name in ("act_detail", "act_pdf"):
        assert http.get(act_url(name, anna)).status_code == 404
    assert http.post(act_url("act_dispute", anna), {"reasons": REASONS}).status_code == 404
    assert http.post(act_url("act_confirm", anna)).status_code == 404
    assert "January 2025" not in html_of(http.get(reverse("web:act_list")))
    assert act_state() == before


def test_read_only_user_reads_acts_but_cannot_dispute_or_confirm__ACC_06_DOC_02(
    readonly, january_acts
):
    anna, _ = january_acts
    html = html_of(readonly.get(act_url("act_detail", anna)))
    assert "€26.83" in html and "read-only" in html
    assert "Dispute the act" not in html and "Confirm</button>" not in html
    before = act_state()
    assert readonly.post(act_url("act_dispute", anna), {"reasons": REASONS}).status_code == 403
    assert readonly.post(act_url("act_confirm", anna)).status_code == 403
    assert act_state() == before


# ----------------------------------------------------------------------------- paper acts


def test_client_requests_a_quarters_paper_acts_for_a_payer__DOC_03(
    owner, client_a, company_payer, owner_a
):
    page = owner.get(reverse("web:paper_act_requests"))
    assert page.context["form"].fields["quarter_of"].choices == [
        ("2025-01-01", "Q1 2025 (January \u2013 March 2025)"),
        ("2024-10-01", "Q4 2024 (October \u2013 December 2024)"),
        ("2024-07-01", "Q3 2024 (July \u2013 September 2024)"),
        ("2024-04-01", "Q2 2024 (April \u2013 June 2024)"),
    ]
    response = owner.post(
        reverse("web:paper_act_requests"),
        {"payer": company_payer.public_id, "quarter_of": "2024-10-01"},
        follow=True,
    )
    html = html_of(response)
    assert (
        "Requested: the acts of Q4 2024 (October \u2013 December 2024) on paper, by post." in html
    )
    filed = PaperActRequest.objects.get()
    assert (filed.client, filed.payer, filed.period_start, filed.period_end) == (
        client_a,
        company_payer,
        date(2024, 10, 1),
        date(2024, 12, 31),
    )
    assert (filed.requested_by, filed.postal_address["street"]) == (owner_a, "Tartu mnt 2")
    assert "Tamm Digital OÜ" in html and "Posted after 31 Dec 2024" in html


def test_a_second_request_for_the_same_quarter_is_refused__DOC_03(owner, payer_a):
    data = {"payer": payer_a.public_id, "quarter_of": "2025-01-01"}
    assert owner.post(reverse("web:paper_act_requests"), data).status_code == 302
    before = act_state()
    response = owner.post(reverse("web:paper_act_requests"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["quarter_of"] == ["already requested for this payer"]
    assert act_state() == before


def test_paper_request_for_another_clients_payer_is_refused__DOC_03(owner, policies):
    stranger = make_client_user("bert.other@example.com").client.payers.get()
    before = act_state()
    response = owner.post(
        reverse("web:paper_act_requests"),
        {"payer": stranger.public_id, "quarter_of": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "payer" in response.context["form"].errors
    assert act_state() == before


def test_client_withdraws_an_open_request_but_not_a_sent_one__DOC_03(
    owner, payer_a, owner_a, staff
):
    owner.post(
        reverse("web:paper_act_requests"),
        {"payer": payer_a.public_id, "quarter_of": "2025-01-01"},
    )
    filed = PaperActRequest.objects.get()
    url = reverse("web:paper_act_request_withdraw", args=[filed.public_id])
    html = html_of(owner.post(url, follow=True))
    assert "The request is withdrawn." in html and "Withdrawn" in html
    filed.refresh_from_db()
    assert filed.status == PaperActRequest.Status.WITHDRAWN

    owner.post(
        reverse("web:paper_act_requests"),
        {"payer": payer_a.public_id, "quarter_of": "2025-01-01"},
    )
    again = PaperActRequest.objects.get(status=PaperActRequest.Status.REQUESTED)
    from hostledger.invoicing.actions import paper_act_request_mark_sent

    paper_act_request_mark_sent(request=again, actor=staff("billing"), note="EE123456789")
    before = act_state()
    refused = owner.post(reverse("web:paper_act_request_withdraw", args=[again.public_id]))
    assert refused.status_code == 302
    assert act_state() == before
    listing = html_of(owner.get(reverse("web:paper_act_requests")))
    assert "Sent" in listing and "EE123456789" in listing


def test_paper_periods_follow_the_provider_setting__DOC_03(owner):
    provider_setting_change(key="invoicing.paper_act_period_months", raw_value="6")
    page = owner.get(reverse("web:paper_act_requests"))
    assert page.context["form"].fields["quarter_of"].choices[:2] == [
        ("2025-01-01", "January \u2013 June 2025"),
        ("2024-07-01", "July \u2013 December 2024"),
    ]


def test_no_paper_requests_when_the_provider_does_not_post_them__DOC_03(owner, payer_a):
    provider_setting_change(key="invoicing.paper_acts_offered", raw_value="false")
    html = html_of(owner.get(reverse("web:paper_act_requests")))
    assert "The provider does not post paper acts." in html and "Request by post" not in html
    before = act_state()
    response = owner.post(
        reverse("web:paper_act_requests"),
        {"payer": payer_a.public_id, "quarter_of": "2025-01-01"},
    )
    assert response.status_code == 400
    assert act_state() == before


def test_read_only_user_sees_requests_but_cannot_file_or_withdraw__ACC_06_DOC_03(
    readonly, client_a, owner_a, payer_a
):
    from hostledger.invoicing.actions import paper_act_request_file

    filed = paper_act_request_file(client=client_a, payer=payer_a, actor=owner_a)
    html = html_of(readonly.get(reverse("web:paper_act_requests")))
    assert "Q1 2025" in html and "Request by post" not in html and "Withdraw" not in html
    before = act_state()
    data = {"payer": payer_a.public_id, "quarter_of": "2024-10-01"}
    assert readonly.post(reverse("web:paper_act_requests"), data).status_code == 403
    withdraw = reverse("web:paper_act_request_withdraw", args=[filed.public_id])
    assert readonly.post(withdraw).status_code == 403
    assert act_state() == before


# ----------------------------------------------------------------------------- query counts

MONTHS = 8
LIST_PAGES = {"web:act_list": 8, "web:paper_act_requests": 10}


@pytest.fixture
def busy_account(owner, client_a, payer_a, company_payer, owner_a, frozen_now):
    """Eight months of acts of two payers, and a paper request per payer and quarter."""
    from hostledger.invoicing.actions import paper_act_request_file

    for month in range(1, MONTHS + 1):
        first = date(2024, month, 1)
        for payer in (payer_a, company_payer):
            paid_invoice(client_a, payer, [line("Web hosting S")], issued_on=first, paid_on=first)
        next_month = date(2024, month + 1, 1)
        form(first, on=at(next_month.year, next_month.month, 2))
    for quarter in (date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1)):
        for payer in (payer_a, company_payer):
            paper_act_request_file(client=client_a, payer=payer, actor=owner_a, quarter_of=quarter)
    return owner


@pytest.mark.parametrize(("url_name", "most"), LIST_PAGES.items())
def test_act_list_pages_have_a_fixed_query_count__DOC_01_DOC_03(
    busy_account, url_name, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_account.get(reverse(url_name))
    assert response.status_code == 200


def test_query_count_numbers_are_not_empty_pages(busy_account):
    listing = busy_account.get(reverse("web:act_list"))
    assert sum(len(group["acts"]) for group in listing.context["groups"]) == 2 * MONTHS
    requests = busy_account.get(reverse("web:paper_act_requests"))
    assert len(requests.context["requests"]) == 6


# ----------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.django_db(transaction=True)
def test_client_checks_and_disputes_an_act_in_a_browser__DOC_01_DOC_02_DOC_03(
    live_server,
    browser_page,  # noqa: F811
    policies,
    seeded_tables,  # noqa: F811
):
    """The pages pass the browser's strict Content Security Policy (no console errors), the
    dispute form works end to end; the clock runs for real here. Set
    HOSTLEDGER_SCREENSHOT_DIR to keep screenshots."""
    today = timezone.localdate()
    month = previous_month_start(today)
    user = make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    payer = user.client.payers.get()
    paid_invoice(
        user.client,
        payer,
        [line("Web hosting S", "3", "3.33"), line("VPS Start", "1", "12.00")],
        issued_on=month,
        paid_on=month,
    )
    (act,) = acts_form(month=month, now=timezone.now())
    http = HttpClient()
    http.force_login(user)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )
    journey = Journey(browser_page, live_server.url)
    page = browser_page

    journey.goto(reverse("web:act_list"))
    page.get_by_role("heading", name="Acts of acceptance").wait_for()
    journey.snap("client_act_list")
    page.get_by_role("link", name="Review").click()
    page.get_by_text("Please check this act by").wait_for()
    journey.snap("client_act_detail_open")
    page.get_by_label("Why you do not accept the services").fill(REASONS)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Dispute the act").click()
    page.get_by_text("Your dispute is recorded.").wait_for()
    journey.snap("client_act_detail_disputed")
    assert ActDispute.objects.get(act=act).reasons == REASONS

    journey.goto(reverse("web:paper_act_requests"))
    page.get_by_role("button", name="Request by post").click()
    page.get_by_text("on paper, by post.").wait_for()
    journey.snap("client_paper_requests")
    assert PaperActRequest.objects.get().payer == payer
    assert journey.problems == []
