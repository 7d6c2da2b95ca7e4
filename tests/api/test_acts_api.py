"""Acts of acceptance through API v1: the monthly acts (DOC-01), disputes and confirmations by
the dispute deadline and the staff's decisions (DOC-02), and paper-act requests (DOC-03).

March 2026's acts are formed on Wednesday 1 April 2026 at 03:00 in Tallinn; the dispute
period is 3 working days, so with Good Friday (3 April) off the last day is Tuesday 7 April.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from hostledger.accounts import actions as accounts
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import acts_form, invoice_finalise, proforma_create
from hostledger.invoicing.lines import LineInput
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import eur, make_bookkeeper, money

TALLINN = ZoneInfo("Europe/Tallinn")
MARCH = date(2026, 3, 1)
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "postal_code": "10117",
    "country": "EE",
    "invoice_email": "arved@pilvepood.example",
}


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TALLINN)


@pytest.fixture
def payer(client_a):
    return accounts.payer_create(client=client_a.client, actor=client_a, data=COMPANY)


def march_act(client, payer, time_machine, price: str = "10.00"):
    """VPS Start for March 2026 at ``price`` net, paid on 2 March; the act formed 1 April."""
    time_machine.move_to(at(3, 2), tick=False)
    line = LineInput(
        description="VPS Start, March 2026",
        quantity=Decimal("1"),
        unit_price=eur(price),
        period_start=MARCH,
        period_end=date(2026, 3, 31),
    )
    invoice = invoice_finalise(
        proforma=proforma_create(client=client, payer=payer, lines=[line]),
        paid_on=date(2026, 3, 2),
    )
    (act,) = acts_form(month=MARCH, payer=payer, now=at(4, 1, 3))
    time_machine.move_to(at(4, 2), tick=False)
    return act, invoice


@pytest.fixture
def act(client_a, payer, time_machine):
    return march_act(client_a.client, payer, time_machine)[0]


@pytest.fixture
def billing_member(db):
    return make_staff_user("billing")


# ----------------------------------------------------------------------------- acts


def test_the_act_of_a_month_lists_its_services_with_exact_amounts__DOC_01(
    client_a, payer, time_machine
):
    act, invoice = march_act(client_a.client, payer, time_machine)
    api = api_by_token(client_a)

    listed = api.get("/acts").json()
    response = api.get(f"/acts/{act.public_id}")

    summary = {
        "id": act.public_id,
        "payer_id": payer.public_id,
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "status": "formed",
        "acceptance": None,
        "formed_on": "2026-04-01",
        "dispute_deadline": "2026-04-07",
        "can_be_disputed": True,
        "net": money("10.00"),
        "vat": money("2.40"),
        "gross": money("12.40"),
    }
    assert listed["items"] == [summary]
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in summary} == summary
    assert body["lines"] == [
        {
            "position": 1,
            "document_number": invoice.number_display,
            "description": "VPS Start, March 2026",
            "service_month": "2026-03-01",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "vat_rate": "24.00",
            "net": money("10.00"),
            "vat": money("2.40"),
            "gross": money("12.40"),
        }
    ]
    assert body["payer"]["name"] == "Pilvepood OÜ"
    assert body["provider"]["country"] == "EE"
    assert (body["dispute"], body["accepted_at"]) == (None, None)


def test_another_clients_act_is_not_found__DOC_01(client_b, act):
    response = api_by_token(client_b).get(f"/acts/{act.public_id}")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such act.", "fields": {}}


def test_a_dispute_with_reasons_by_the_deadline_is_recorded_once__DOC_02(
    client_a, act, time_machine
):
    time_machine.move_to(at(4, 7, 23), tick=False)  # the last day of the dispute period
    api = api_by_token(client_a)

    response = api.post(f"/acts/{act.public_id}/dispute", {"reasons": "Down 3-5 March."})
    before = database_state()
    again = api.post(f"/acts/{act.public_id}/dispute", {"reasons": "Still down."})

    assert response.status_code == 201, response.content
    dispute = response.json()
    assert dispute == {
        "id": dispute["id"],
        "act_id": act.public_id,
        "reasons": "Down 3-5 March.",
        "raised_at": "2026-04-07T20:00:00Z",
        "outcome": None,
        "resolution_note": None,
        "resolved_at": None,
    }
    detail = api.get(f"/acts/{act.public_id}").json()
    assert (detail["status"], detail["can_be_disputed"], detail["dispute"]) == (
        "disputed",
        False,
        dispute,
    )
    assert again.status_code == 400
    assert error_of(again)["code"] == "act_disputed"
    assert database_state() == before


def test_after_the_deadline_an_undisputed_act_counts_as_accepted__DOC_02(
    client_a, act, time_machine
):
    time_machine.move_to(at(4, 8, 0), tick=False)
    api = api_by_token(client_a)
    before = database_state()

    shown = api.get(f"/acts/{act.public_id}").json()
    disputed = api.post(f"/acts/{act.public_id}/dispute", {"reasons": "Too late."})
    confirmed = api.post(f"/acts/{act.public_id}/confirm")

    assert (shown["status"], shown["can_be_disputed"]) == ("accepted", False)
    assert api.get("/acts?status=accepted").json()["count"] == 1
    assert api.get("/acts?status=formed").json()["count"] == 0
    assert disputed.status_code == 400
    assert error_of(disputed) == {
        "code": "dispute_period_over",
        "message": f"dispute_deadline: act {act.public_id} could be disputed until "
        "2026-04-07; without a dispute it counts as accepted.",
        "fields": {"dispute_deadline": "passed on 2026-04-07"},
    }
    assert confirmed.status_code == 400
    assert database_state() == before


def test_confirming_an_act_accepts_it_and_ends_the_dispute_period__DOC_02(client_a, act):
    api = api_by_token(client_a)

    response = api.post(f"/acts/{act.public_id}/confirm")
    disputed = api.post(f"/acts/{act.public_id}/dispute", {"reasons": "Changed my mind."})

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["acceptance"], body["accepted_at"]) == (
        "accepted",
        "confirmed_by_client",
        "2026-04-02T07:00:00Z",
    )
    assert disputed.status_code == 400
    assert error_of(disputed)["code"] == "act_accepted"


def test_a_dispute_needs_reasons__DOC_02(client_a, act):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post(f"/acts/{act.public_id}/dispute", {"reasons": "   "})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reasons"]
    assert database_state() == before


def test_a_read_only_trusted_user_reads_acts_but_disputes_none__ACC_06_DOC_02(
    client_a, trusted_reader, act
):
    reader = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    before = database_state()

    listed = reader.get(f"/acts{acting}")
    disputed = reader.post(f"/acts/{act.public_id}/dispute{acting}", {"reasons": "No."})
    confirmed = reader.post(f"/acts/{act.public_id}/confirm{acting}")

    assert [item["id"] for item in listed.json()["items"]] == [act.public_id]
    assert (disputed.status_code, confirmed.status_code) == (403, 403)
    assert database_state() == before


# ----------------------------------------------------------------------------- staff


@pytest.mark.parametrize(
    ("outcome", "status", "acceptance"),
    [("upheld", "dispute_upheld", None), ("rejected", "accepted", "dispute_rejected")],
)
def test_staff_decide_a_dispute_once__DOC_02(
    client_a, act, billing_member, outcome, status, acceptance
):
    api_by_token(client_a).post(f"/acts/{act.public_id}/dispute", {"reasons": "Down 3 days."})
    staff = api_by_token(billing_member)

    waiting = staff.get("/staff/act-disputes").json()
    response = staff.post(
        f"/staff/acts/{act.public_id}/dispute-resolution",
        {"outcome": outcome, "note": "Checked the monitoring."},
    )
    again = staff.post(
        f"/staff/acts/{act.public_id}/dispute-resolution",
        {"outcome": "rejected", "note": "Once more."},
    )

    assert [(item["act"]["id"], item["reasons"]) for item in waiting["items"]] == [
        (act.public_id, "Down 3 days.")
    ]
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["resolution_note"], body["resolved_at"]) == (
        outcome,
        "Checked the monitoring.",
        "2026-04-02T07:00:00Z",
    )
    assert (body["act"]["status"], body["act"]["acceptance"]) == (status, acceptance)
    assert staff.get("/staff/act-disputes").json()["items"] == []
    assert again.status_code == 400
    assert error_of(again)["code"] == "act_not_disputed"
    shown = api_by_token(client_a).get(f"/acts/{act.public_id}").json()
    assert (shown["status"], shown["dispute"]["outcome"]) == (status, outcome)


def test_staff_without_personal_data_access_do_not_read_the_reasons__DOC_02_GDPR_12(client_a, act):
    api_by_token(client_a).post(f"/acts/{act.public_id}/dispute", {"reasons": "Down 3 days."})
    bookkeeper = api_by_token(make_bookkeeper())
    reads_before = AuditEvent.objects.filter(action="personal_data.read").count()

    waiting = bookkeeper.get("/staff/act-disputes").json()
    detail = bookkeeper.get(f"/staff/acts/{act.public_id}").json()

    assert [(item["id"], item["reasons"]) for item in waiting["items"]] == [
        (waiting["items"][0]["id"], None)
    ]
    assert (detail["payer"], detail["dispute"]["reasons"]) == (None, None)
    assert detail["net"] == money("10.00")
    assert AuditEvent.objects.filter(action="personal_data.read").count() == reads_before


@pytest.mark.parametrize("role", ["support", "abuse", "privacy_officer"])
def test_staff_without_billing_manage_decide_nothing__DOC_02_ACC_11(client_a, act, role):
    api_by_token(client_a).post(f"/acts/{act.public_id}/dispute", {"reasons": "Down."})
    staff = api_by_token(make_staff_user(role))
    before = database_state()

    listed = staff.get("/staff/acts")
    resolved = staff.post(
        f"/staff/acts/{act.public_id}/dispute-resolution",
        {"outcome": "upheld", "note": "Sure."},
    )

    assert (listed.status_code, resolved.status_code) == (403, 403)
    assert database_state() == before


def test_staff_list_acts_by_month_status_and_client__DOC_01(
    client_a, client_b, payer, act, billing_member
):
    staff = api_by_token(billing_member)

    everything = staff.get("/staff/acts").json()
    of_march = staff.get("/staff/acts?month=2026-03-15&status=formed").json()
    of_february = staff.get("/staff/acts?month=2026-02-01").json()
    of_b = staff.get(f"/staff/acts?client={client_b.client.public_id}").json()

    assert [(item["id"], item["client_id"]) for item in everything["items"]] == [
        (act.public_id, client_a.client.public_id)
    ]
    assert [item["id"] for item in of_march["items"]] == [act.public_id]
    assert (of_february["items"], of_b["items"]) == ([], [])


# ----------------------------------------------------------------------------- paper acts


def test_paper_acts_are_requested_once_per_quarter_and_payer__DOC_03(client_a, payer, act):
    api = api_by_token(client_a)

    response = api.post("/paper-act-requests", {"payer": payer.public_id})
    before = database_state()
    twice = api.post("/paper-act-requests", {"payer": payer.public_id, "quarter_of": "2026-05-20"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "payer_id": payer.public_id,
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "status": "requested",
        "postal_address": {
            "name": "Pilvepood OÜ",
            "street": "Narva mnt 5",
            "city": "Tallinn",
            "postal_code": "10117",
            "country": "EE",
        },
        "requested_at": "2026-04-02T07:00:00Z",
        "sent_at": None,
        "sent_note": "",
        "withdrawn_at": None,
    }
    assert twice.status_code == 400
    assert error_of(twice)["code"] == "paper_acts_already_requested"
    assert database_state() == before
    assert [item["id"] for item in api.get("/paper-act-requests").json()["items"]] == [body["id"]]


def test_a_quarter_that_has_not_begun_is_refused__DOC_03(client_a, payer, act):
    api = api_by_token(client_a)
    before = database_state()

    response = api.post(
        "/paper-act-requests", {"payer": payer.public_id, "quarter_of": "2026-07-01"}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"quarter_of": "a period that has not begun"}
    assert database_state() == before


def test_a_withdrawn_request_may_be_filed_again_and_a_sent_one_stays__DOC_03(
    client_a, payer, act, billing_member
):
    api = api_by_token(client_a)
    first = api.post("/paper-act-requests", {"payer": payer.public_id}).json()["id"]

    withdrawn = api.post(f"/paper-act-requests/{first}/withdraw")
    second = api.post("/paper-act-requests", {"payer": payer.public_id}).json()["id"]
    staff = api_by_token(billing_member)
    waiting = staff.get("/staff/paper-act-requests?status=requested").json()
    sent = staff.post(f"/staff/paper-act-requests/{second}/sent", {"note": "RR123456789EE"})
    late = api.post(f"/paper-act-requests/{second}/withdraw")

    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    assert [
        (item["id"], item["client_id"], item["postal_address"]["city"]) for item in waiting["items"]
    ] == [(second, client_a.client.public_id, "Tallinn")]
    assert sent.status_code == 200
    assert (sent.json()["status"], sent.json()["sent_note"], sent.json()["sent_at"]) == (
        "sent",
        "RR123456789EE",
        "2026-04-02T07:00:00Z",
    )
    assert late.status_code == 400
    assert error_of(late)["code"] == "paper_act_request_closed"
    every = staff.get("/staff/paper-act-requests").json()
    assert {(item["id"], item["status"]) for item in every["items"]} == {
        (first, "withdrawn"),
        (second, "sent"),
    }


def test_another_clients_paper_act_request_is_not_found__DOC_03(client_a, client_b, payer, act):
    request_id = (
        api_by_token(client_a).post("/paper-act-requests", {"payer": payer.public_id}).json()["id"]
    )
    other = api_by_token(client_b)
    before = database_state()

    response = other.post(f"/paper-act-requests/{request_id}/withdraw")

    assert response.status_code == 404
    assert database_state() == before
