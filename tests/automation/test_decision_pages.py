"""The pages and API of what the billing run produces (AUT-01, AUT-06, BIL-07): decisions the
client can have reviewed and staff confirm, reject or answer; the late-payment penalty shown
apart from the invoice; how far a service is paid and when it renews.

Every decision here is made by the billing run itself: a one-month VPS Start (12.28 with VAT)
paid on 1 March 2027 whose renewal, invoiced on 22 March and due on 30 March, stays unpaid
(tests/automation/test_scenarios.py tells the same story)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from hostledger.automation.models import AutomatedDecision, PenaltyAccrual, ServiceRenewal
from hostledger.core.money import Money, format_money
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.models import Invoice
from hostledger.subscriptions.models import Service
from tests.api.conftest import api_by_session, api_by_token, error_of
from tests.automation.conftest import moment
from tests.subscriptions.factories import fund
from tests.web.conftest import login, make_staff_user

ISSUE_DAY = date(2027, 3, 22)
PERIOD_START = date(2027, 4, 1)
PROPOSAL_DAY = date(2027, 4, 12)  # 21 days after the invoice date


def euro(minor: int) -> str:
    return format_money(Money(minor, "EUR"), "en")


def penalty_minor(gross_minor: int, days: int) -> int:
    exact = Decimal(gross_minor) * Decimal("0.001") * days
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decision_row(decision_id: int) -> dict:
    return AutomatedDecision.objects.filter(pk=decision_id).values().get()


@pytest.fixture
def unpaid_renewal(active_service, run_as_of):
    """The service and its renewal, invoiced on 22 March and never paid."""
    service = active_service()
    run_as_of(ISSUE_DAY)
    renewal = ServiceRenewal.objects.select_related("invoice").get(service=service)
    return service, renewal


@pytest.fixture
def proposed(unpaid_renewal, run_as_of):
    """The termination the run proposed 21 days after the invoice date."""
    service, renewal = unpaid_renewal
    run_as_of(PROPOSAL_DAY)
    decision = AutomatedDecision.objects.get()
    assert decision.state == AutomatedDecision.State.PROPOSED
    return service, renewal, decision


class OwnerBrowser:
    """The client's owner in the browser, signed in afresh for each request: the run moves
    the clock by weeks, further than a session lasts."""

    def __init__(self, http, owner):
        self.http, self.owner = http, owner

    def get(self, *args, **kwargs):
        return login(self.http, self.owner).get(*args, **kwargs)

    def post(self, *args, **kwargs):
        return login(self.http, self.owner).post(*args, **kwargs)


@pytest.fixture
def client_http(client, client_record):
    return OwnerBrowser(client, client_record.owner)


def staff_http(client, role: str):
    return login(client, make_staff_user(role))


# ----------------------------------------------------------------------------- client pages


def test_client_reads_the_decision_in_plain_words_with_its_facts__AUT_06(proposed, client_http):
    _, renewal, decision = proposed
    page = client_http.get(reverse("web:decision_list")).content.decode()
    assert "Ending the service&#x27;s contract because a renewal invoice is unpaid" in page
    assert "Proposed: a staff member will confirm or reject it" in page
    for label, value in (
        ("Unpaid invoice", renewal.invoice.public_id),
        ("Invoice amount", euro(renewal.invoice.gross_minor)),
        ("Invoice date", "22 Mar 2027"),
        ("Payment was due on", "30 Mar 2027"),
        ("Period starting on", "1 Apr 2027"),
        ("Termination allowed after (days from the invoice date)", "20"),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert reverse("web:decision_review", args=[decision.public_id]) in page


def test_client_asks_for_a_review_once_and_a_reason_is_required__AUT_06(proposed, client_http):
    _, _, decision = proposed
    url = reverse("web:decision_review", args=[decision.public_id])
    prefix = decision.public_id
    before = decision_row(decision.pk)

    empty = client_http.post(url, {f"{prefix}-reason": "  "})
    assert empty.status_code == 400
    assert decision_row(decision.pk) == before

    asked = client_http.post(url, {f"{prefix}-reason": "I paid by bank on 5 April."})
    assert asked.status_code == 302
    stored = AutomatedDecision.objects.get(pk=decision.pk)
    assert stored.review_reason == "I paid by bank on 5 April."
    assert stored.review_requested_at is not None
    assert stored.state == AutomatedDecision.State.PROPOSED  # asking does not decide

    again = client_http.post(url, {f"{prefix}-reason": "Once more."}, follow=True)
    assert "already been asked for" in again.content.decode()
    assert AutomatedDecision.objects.get(pk=decision.pk).review_reason == (
        "I paid by bank on 5 April."
    )
    page = client_http.get(reverse("web:decision_list")).content.decode()
    assert "You asked for a review on" in page and url not in page


def test_another_clients_decision_is_not_found__AUT_06(proposed, client, other_client):
    _, _, decision = proposed
    http = login(client, other_client.owner)
    assert decision.public_id not in http.get(reverse("web:decision_list")).content.decode()
    url = reverse("web:decision_review", args=[decision.public_id])
    assert http.post(url, {f"{decision.public_id}-reason": "Not mine."}).status_code == 404
    assert AutomatedDecision.objects.get(pk=decision.pk).review_requested_at is None


def test_an_automatic_decision_says_so_and_stays_open_to_review__AUT_06(
    active_service, run_as_of, client_http
):
    provider_setting_change(key="automation.auto_terminate_for_debt", raw_value="on")
    active_service()
    run_as_of(ISSUE_DAY)
    run_as_of(PROPOSAL_DAY)
    decision = AutomatedDecision.objects.get()
    assert decision.state == AutomatedDecision.State.APPLIED
    page = client_http.get(reverse("web:decision_list")).content.decode()
    assert "the billing system alone" in page and "Carried out" in page
    assert reverse("web:decision_review", args=[decision.public_id]) in page


# ----------------------------------------------------------------------------- staff pages


def test_staff_list_filters_by_state_kind_and_open_review__AUT_06(proposed, client):
    _, _, decision = proposed
    http = staff_http(client, "billing")  # clients.view reads
    url = reverse("web:staff_decisions")
    assert decision.public_id in http.get(url, {"state": "proposed"}).content.decode()
    assert decision.public_id in http.get(url, {"kind": "terminate_for_debt"}).content.decode()
    assert decision.public_id not in http.get(url, {"state": "applied"}).content.decode()
    assert decision.public_id not in http.get(url, {"review": "open"}).content.decode()
    AutomatedDecision.objects.filter(pk=decision.pk).update(
        review_requested_at=moment(PROPOSAL_DAY), review_reason="Paid."
    )
    assert decision.public_id in http.get(url, {"review": "open"}).content.decode()
    assert decision.public_id not in http.get(url, {"review": "answered"}).content.decode()
    assert http.get(url, {"state": "nonsense"}).status_code == 200


def test_staff_detail_shows_the_facts_as_a_table_with_links__AUT_06(proposed, client):
    service, renewal, decision = proposed
    http = staff_http(client, "administrator")
    page = http.get(reverse("web:staff_decision", args=[decision.public_id])).content.decode()
    assert '<th scope="row">Payment was due on</th><td>30 Mar 2027</td>' in page
    assert reverse("web:staff_service", args=[service.public_id]) in page
    assert reverse("web:staff_invoice", args=[renewal.invoice.public_id]) in page
    assert reverse("web:staff_client_detail", args=[decision.client.public_id]) in page
    assert reverse("web:staff_decision_confirm", args=[decision.public_id]) in page
    assert reverse("web:staff_decision_reject", args=[decision.public_id]) in page


def test_staff_confirm_terminates_and_the_debt_remains__AUT_06_AUT_02(proposed, client):
    service, renewal, decision = proposed
    http = staff_http(client, "support")
    url = reverse("web:staff_decision_confirm", args=[decision.public_id])
    response = http.post(url, {"confirm-note": "Called, no answer."})
    assert response.status_code == 302
    stored = AutomatedDecision.objects.get(pk=decision.pk)
    assert (stored.state, stored.decision_note) == ("applied", "Called, no answer.")
    assert Service.objects.get(pk=service.pk).status == "terminated"
    assert Invoice.objects.get(pk=renewal.invoice_id).status == Invoice.Status.ISSUED
    again = http.post(url, {"confirm-note": ""}, follow=True)
    assert "This decision is applied." in again.content.decode()


def test_staff_reject_needs_a_note_and_terminates_nothing__AUT_06(proposed, client):
    service, _, decision = proposed
    http = staff_http(client, "support")
    url = reverse("web:staff_decision_reject", args=[decision.public_id])
    before = decision_row(decision.pk)
    assert http.post(url, {"reject-note": ""}).status_code == 400
    assert decision_row(decision.pk) == before
    assert http.post(url, {"reject-note": "Promised to pay Friday."}).status_code == 302
    stored = AutomatedDecision.objects.get(pk=decision.pk)
    assert (stored.state, stored.decision_note) == ("rejected", "Promised to pay Friday.")
    assert Service.objects.get(pk=service.pk).status == "suspended"


def test_staff_answer_a_review_and_the_client_reads_it__AUT_06(proposed, client, client_record):
    _, _, decision = proposed
    OwnerBrowser(client, client_record.owner).post(
        reverse("web:decision_review", args=[decision.public_id]),
        {f"{decision.public_id}-reason": "I paid by bank."},
    )
    http = staff_http(client, "administrator")
    detail = reverse("web:staff_decision", args=[decision.public_id])
    assert "I paid by bank." in http.get(detail).content.decode()
    url = reverse("web:staff_decision_review_answer", args=[decision.public_id])
    assert http.post(url, {"answer-outcome": ""}).status_code == 400
    answered = http.post(url, {"answer-outcome": "No payment arrived; the debt stands."})
    assert answered.status_code == 302
    stored = AutomatedDecision.objects.get(pk=decision.pk)
    assert stored.review_outcome == "No payment arrived; the debt stands."
    assert stored.reviewed_by_id is not None
    owner = OwnerBrowser(client, client_record.owner)
    page = owner.get(reverse("web:decision_list")).content.decode()
    assert "No payment arrived; the debt stands." in page


def test_staff_without_services_manage_read_but_cannot_decide__AUT_06(proposed, client):
    service, _, decision = proposed
    http = staff_http(client, "billing")
    page = http.get(reverse("web:staff_decision", args=[decision.public_id])).content.decode()
    assert reverse("web:staff_decision_confirm", args=[decision.public_id]) not in page
    before = decision_row(decision.pk)
    url = reverse("web:staff_decision_confirm", args=[decision.public_id])
    assert http.post(url, {"confirm-note": ""}).status_code == 403
    assert decision_row(decision.pk) == before
    assert Service.objects.get(pk=service.pk).status == "suspended"


def test_staff_service_page_shows_renewals_penalties_and_decisions__AUT_06_BIL_07(proposed, client):
    service, renewal, decision = proposed
    http = staff_http(client, "support")
    page = http.get(reverse("web:staff_service", args=[service.public_id])).content.decode()
    assert "1 Apr 2027 \u2013 30 Apr 2027" in page
    assert "Invoiced, awaiting payment" in page
    accrual = PenaltyAccrual.objects.get(invoice=renewal.invoice)
    assert accrual.days == (PROPOSAL_DAY - date(2027, 3, 30)).days
    assert euro(accrual.amount_minor) in page and "0.1 %/day" in page
    assert reverse("web:staff_decision", args=[decision.public_id]) in page


# ----------------------------------------------------------------------------- penalty, renewals


def test_invoice_page_shows_the_penalty_apart_from_the_total__BIL_07(
    unpaid_renewal, run_as_of, client_http, apply_payments, client_record, time_machine
):
    _, renewal = unpaid_renewal
    invoice = renewal.invoice
    url = reverse("web:invoice_detail", args=[invoice.public_id])
    assert "Late-payment penalty" not in client_http.get(url).content.decode()

    run_as_of(date(2027, 4, 5))  # six days late
    amount = penalty_minor(invoice.gross_minor, 6)
    page = client_http.get(url).content.decode()
    assert f"Late-payment penalty: {euro(amount)}" in page
    assert f"apart from this invoice's total of {euro(invoice.gross_minor)}" in page
    assert "<dt>Days of delay</dt><dd>6 (from 31 Mar 2027 through 5 Apr 2027)</dd>" in page
    assert "<dt>Rate</dt><dd>0.1 % per day</dd>" in page
    assert f"<dt>Accrued so far</dt><dd>{euro(amount)}</dd>" in page

    time_machine.move_to(moment(date(2027, 4, 6), 9), tick=True)
    fund(client_record, "20.00", on=date(2027, 4, 6))
    apply_payments(client_record, today=date(2027, 4, 6))
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert accrual.settled
    page = client_http.get(url).content.decode()
    assert "Posted to your balance" in page
    assert f"<dt>Penalty charged</dt><dd>{euro(accrual.amount_minor)}</dd>" in page


def test_service_page_shows_paid_through_and_the_next_renewal__AUT_01(
    active_service, run_as_of, client_http
):
    service = active_service()
    url = reverse("web:service_detail", args=[service.public_id])
    page = client_http.get(url).content.decode()
    assert "Paid through <strong>31 Mar 2027</strong>" in page
    assert "Next renewal from <strong>1 Apr 2027</strong>" in page
    assert "its invoice is issued on 22 Mar 2027" in page

    run_as_of(ISSUE_DAY)
    renewal = ServiceRenewal.objects.select_related("invoice").get(service=service)
    page = client_http.get(url).content.decode()
    assert "Next renewal: 1 Apr 2027 \u2013 30 Apr 2027" in page
    assert reverse("web:invoice_detail", args=[renewal.invoice.public_id]) in page
    assert "due 30 Mar 2027" in page


# ----------------------------------------------------------------------------- API


def test_api_lists_the_clients_decisions_and_takes_a_review__AUT_06(
    proposed, client_record, other_client
):
    service, renewal, decision = proposed
    api = api_by_token(client_record.owner)
    body = api.get("/decisions").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["kind"], item["state"]) == (
        decision.public_id,
        "terminate_for_debt",
        "proposed",
    )
    assert (item["service_id"], item["invoice_id"]) == (
        service.public_id,
        renewal.invoice.public_id,
    )
    facts = {fact["key"]: fact for fact in item["facts"]}
    assert facts["due_on"]["text"] == "30 Mar 2027"
    assert facts["gross_minor"]["value"] == renewal.invoice.gross_minor
    assert facts["termination_after_days"]["value"] == 20

    path = f"/decisions/{decision.public_id}/review"
    assert api.post(path, {"reason": ""}).status_code == 400
    assert api_by_token(other_client.owner).post(path, {"reason": "x"}).status_code == 404
    answered = api.post(path, {"reason": "I paid by bank."})
    assert answered.status_code == 200, answered.content
    assert answered.json()["review_reason"] == "I paid by bank."
    again = api.post(path, {"reason": "Again."})
    assert (again.status_code, error_of(again)["code"]) == (400, "review_already_requested")


def test_api_staff_reject_confirm_and_answer__AUT_06(proposed, client_record):
    service, _, decision = proposed
    support = api_by_session(make_staff_user("support"))
    listed = support.get("/staff/decisions?state=proposed&kind=terminate_for_debt").json()
    assert [item["id"] for item in listed["items"]] == [decision.public_id]
    assert support.get("/staff/decisions?review=open").json()["count"] == 0

    base = f"/staff/decisions/{decision.public_id}"
    assert support.post(f"{base}/reject", {"note": ""}).status_code == 400
    no_review = support.post(f"{base}/review-answer", {"outcome": "Checked."})
    assert (no_review.status_code, error_of(no_review)["code"]) == (400, "no_open_review")
    billing = api_by_session(make_staff_user("billing"))
    assert billing.post(f"{base}/confirm", {}).status_code == 403
    assert Service.objects.get(pk=service.pk).status == "suspended"

    api_by_token(client_record.owner).post(
        f"/decisions/{decision.public_id}/review", {"reason": "Paid."}
    )
    assert support.get("/staff/decisions?review=open").json()["count"] == 1
    confirmed = support.post(f"{base}/confirm", {"note": "No payment."})
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["state"], confirmed.json()["decision_note"]) == (
        "applied",
        "No payment.",
    )
    assert Service.objects.get(pk=service.pk).status == "terminated"
    rejected = support.post(f"{base}/reject", {"note": "Too late."})
    assert (rejected.status_code, error_of(rejected)["code"]) == (400, "decision_not_open")
    answer = support.post(f"{base}/review-answer", {"outcome": "The debt stands."})
    assert answer.status_code == 200
    assert answer.json()["review_outcome"] == "The debt stands."


def test_api_invoice_carries_its_penalty_apart__BIL_07(unpaid_renewal, run_as_of, client_record):
    _, renewal = unpaid_renewal
    api = api_by_token(client_record.owner)
    path = f"/invoices/{renewal.invoice.public_id}"
    assert api.get(path).json()["penalty"] is None
    run_as_of(date(2027, 4, 5))
    penalty = api.get(path).json()["penalty"]
    gross = renewal.invoice.gross_minor
    assert penalty == {
        "days": 6,
        "rate_percent_per_day": "0.1",
        "base": {"amount": str(Money(gross, "EUR").amount), "currency": "EUR"},
        "amount": {
            "amount": str(Money(penalty_minor(gross, 6), "EUR").amount),
            "currency": "EUR",
        },
        "delay_from": "2027-03-31",
        "accrued_through": "2027-04-05",
        "posted": False,
    }
