"""Disputing an act within the dispute period, acceptance after it, and staff decisions on
disputes (DOC-02).

January's acts are formed late, on Friday 21 February 2025: Monday 24 February is Estonia's
Independence Day, so the three working days are 25, 26 and 27 February.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hostledger.core.calendar import is_working_day
from hostledger.core.errors import DomainError
from hostledger.core.jobs import JobContext, get_job
from hostledger.core.models import AuditEvent, JobRun
from hostledger.invoicing.act_selectors import (
    act_can_be_disputed,
    act_status,
    acts_for_staff,
    client_act,
    client_acts,
    dispute_of_act,
    open_act_disputes_for_staff,
)
from hostledger.invoicing.actions import (
    act_confirm,
    act_dispute,
    act_dispute_resolve,
    acts_accept_overdue,
)
from hostledger.invoicing.models import AcceptanceAct, ActDispute
from tests.invoicing.act_factories import (
    JANUARY,
    act_state,
    at,
    form,
    january_service,
)
from tests.invoicing.conftest import make_payer

pytestmark = pytest.mark.django_db

FORMED = at(2025, 2, 21)  # a Friday
DEADLINE = date(2025, 2, 27)  # Thursday: Mon 24 Feb is a public holiday
REASONS = "The VPS was unreachable from 3 to 9 January; the service was not rendered in full."


@pytest.fixture
def acts(estonian_client, estonian_payer):
    """January acts of two payers of one client, formed on Friday 21 February 2025."""
    company = make_payer(estonian_client, kind="legal", name="Maasikas OÜ", is_default=False)
    january_service(estonian_client, estonian_payer)
    january_service(estonian_client, company, "20.00")
    formed = form(JANUARY, on=FORMED)
    by_payer = {act.payer_id: act for act in formed}
    return by_payer[estonian_payer.pk], by_payer[company.pk]


@pytest.fixture
def owner(estonian_client):
    return estonian_client.owner


def test_dispute_deadline_is_three_working_days_past_a_weekend_and_a_holiday__DOC_02(acts):
    assert not is_working_day(date(2025, 2, 24))
    assert {act.dispute_deadline for act in acts} == {DEADLINE}
    assert {act.formed_on for act in acts} == {date(2025, 2, 21)}


def test_dispute_on_the_last_working_day_is_accepted__DOC_02(acts, owner):
    act = acts[0]
    with time_machine.travel(at(2025, 2, 27, 23), tick=False):
        dispute = act_dispute(act=act, reasons=f"  {REASONS}  ", actor=owner)
        assert act_status(AcceptanceAct.objects.get(pk=act.pk)) == "disputed"

    assert (dispute.reasons, dispute.raised_by, dispute.raised_at) == (
        REASONS,
        owner,
        at(2025, 2, 27, 23),
    )
    assert (dispute.outcome, dispute.is_open) == ("", True)
    assert AcceptanceAct.objects.get(pk=act.pk).status == "disputed"
    assert dispute_of_act(act) == dispute
    event = AuditEvent.objects.get(action="act.disputed")
    assert (event.object_id, event.subject_client_id) == (act.public_id, act.client_id)


def test_dispute_after_the_deadline_is_refused_naming_the_field__DOC_02(acts, owner):
    before = act_state()

    with time_machine.travel(at(2025, 2, 28, 0), tick=False), pytest.raises(DomainError) as late:
        act_dispute(act=acts[1], reasons=REASONS, actor=owner)

    assert (late.value.code, late.value.status) == ("dispute_period_over", 409)
    assert late.value.fields == {"dispute_deadline": "passed on 2025-02-27"}
    assert "2025-02-27" in late.value.message
    assert act_state() == before


def test_status_is_accepted_after_the_deadline_even_before_the_job_runs__DOC_02(
    acts, estonian_client
):
    act = acts[0]
    on_deadline, after = DEADLINE, date(2025, 2, 28)

    assert act_status(act, today=on_deadline) == "formed"
    assert act_can_be_disputed(act, today=on_deadline)
    assert act_status(act, today=after) == "accepted"
    assert not act_can_be_disputed(act, today=after)
    assert AcceptanceAct.objects.get(pk=act.pk).status == "formed"
    assert client_act(estonian_client, act.public_id, today=after).current_status == "accepted"
    assert {a.current_status for a in client_acts(estonian_client, today=on_deadline)} == {"formed"}
    assert acts_for_staff(status="accepted", today=after).count() == 2
    assert acts_for_staff(status="formed", today=after).count() == 0
    assert acts_for_staff(status="formed", today=on_deadline, month=date(2025, 1, 20)).count() == 2


def test_auto_acceptance_job_marks_undisputed_overdue_acts_once__DOC_02(acts, owner):
    disputed, undisputed = acts
    with time_machine.travel(at(2025, 2, 26), tick=False):
        act_dispute(act=disputed, reasons=REASONS, actor=owner)

    assert acts_accept_overdue(today=DEADLINE) == 0
    job = get_job("invoicing.accept_overdue_acts")
    run = JobRun.objects.create(job_name=job.name, status=JobRun.Status.RUNNING)
    context = JobContext(run, now=at(2025, 2, 28, 1))
    with time_machine.travel(at(2025, 2, 28, 1), tick=False):
        job.function(context)
    assert context.counts == {"acts_accepted": 1}
    assert acts_accept_overdue(today=date(2025, 3, 31)) == 0

    undisputed.refresh_from_db()
    assert (undisputed.status, undisputed.acceptance) == ("accepted", "deadline_passed")
    assert undisputed.accepted_at == at(2025, 2, 28, 1)
    disputed.refresh_from_db()
    assert disputed.status == "disputed"
    assert act_status(disputed, today=date(2025, 6, 1)) == "disputed"


def test_client_may_confirm_an_act_within_the_period__DOC_02(acts, owner):
    act = acts[0]
    with time_machine.travel(at(2025, 2, 25), tick=False):
        confirmed = act_confirm(act=act, actor=owner)
        with pytest.raises(DomainError) as dispute_after_confirming:
            act_dispute(act=act, reasons=REASONS, actor=owner)

    assert (confirmed.status, confirmed.acceptance) == ("accepted", "confirmed_by_client")
    assert (confirmed.accepted_by, confirmed.accepted_at) == (owner, at(2025, 2, 25))
    assert dispute_after_confirming.value.fields == {"act": "already accepted"}
    with time_machine.travel(at(2025, 3, 3), tick=False), pytest.raises(DomainError) as late:
        act_confirm(act=acts[1], actor=owner)
    assert late.value.code == "dispute_period_over"


@pytest.mark.parametrize("reasons", ["", "   ", None, "x" * 4001])
def test_dispute_without_reasons_names_the_field_and_writes_nothing__DOC_02(acts, owner, reasons):
    before = act_state()

    with time_machine.travel(at(2025, 2, 24), tick=False), pytest.raises(DomainError) as error:
        act_dispute(act=acts[0], reasons=reasons, actor=owner)

    assert error.value.fields == {"reasons": "required, at most 4000 characters"}
    assert act_state() == before


def test_an_act_is_disputed_once__DOC_02(acts, owner):
    with time_machine.travel(at(2025, 2, 24), tick=False):
        act_dispute(act=acts[0], reasons=REASONS, actor=owner)
        before = act_state()
        with pytest.raises(DomainError) as again:
            act_dispute(act=acts[0], reasons="Also the backups.", actor=owner)

    assert (again.value.code, again.value.fields) == ("act_disputed", {"act": "already disputed"})
    assert act_state() == before


def test_staff_rejecting_a_dispute_accepts_the_act_and_is_audited__DOC_02(acts, owner, staff):
    act = acts[0]
    with time_machine.travel(at(2025, 2, 24), tick=False):
        act_dispute(act=act, reasons=REASONS, actor=owner)
    assert [d.act_id for d in open_act_disputes_for_staff()] == [act.pk]

    with time_machine.travel(at(2025, 3, 10), tick=False):
        dispute = act_dispute_resolve(
            act=act, outcome="rejected", note="Monitoring shows the VPS was up.", actor=staff
        )

    act.refresh_from_db()
    assert (act.status, act.acceptance, act.accepted_by) == ("accepted", "dispute_rejected", staff)
    assert (dispute.outcome, dispute.resolution_note, dispute.resolved_by) == (
        "rejected",
        "Monitoring shows the VPS was up.",
        staff,
    )
    assert dispute.resolved_at == at(2025, 3, 10)
    assert list(open_act_disputes_for_staff()) == []
    event = AuditEvent.objects.get(action="act.dispute_resolved")
    assert event.actor_id == staff.pk
    assert event.data == {"dispute": dispute.public_id, "outcome": "rejected"}


def test_staff_upholding_a_dispute_records_the_decision__DOC_02(acts, owner, staff):
    act = acts[0]
    with time_machine.travel(at(2025, 2, 24), tick=False):
        act_dispute(act=act, reasons=REASONS, actor=owner)

    dispute = act_dispute_resolve(
        act=act, outcome="upheld", note="Credit six days of January.", actor=staff
    )

    act.refresh_from_db()
    assert (act.status, act.acceptance, act.accepted_at) == ("dispute_upheld", "", None)
    assert dispute.outcome == "upheld"
    assert act_status(act, today=date(2025, 12, 31)) == "dispute_upheld"
    assert acts_accept_overdue(today=date(2025, 12, 31)) == 1  # only the other act
    assert AcceptanceAct.objects.get(pk=act.pk).status == "dispute_upheld"


@pytest.mark.parametrize(
    ("outcome", "note", "field"),
    [("maybe", "A note.", "outcome"), ("rejected", "  ", "note"), ("upheld", None, "note")],
)
def test_bad_resolution_names_the_field_and_writes_nothing__DOC_02(
    acts, owner, staff, outcome, note, field
):
    with time_machine.travel(at(2025, 2, 24), tick=False):
        act_dispute(act=acts[0], reasons=REASONS, actor=owner)
    before = act_state()

    with pytest.raises(DomainError) as error:
        act_dispute_resolve(act=acts[0], outcome=outcome, note=note, actor=staff)

    assert list(error.value.fields) == [field]
    assert act_state() == before


def test_resolving_an_act_without_an_open_dispute_is_refused__DOC_02(acts, owner, staff):
    before = act_state()
    with pytest.raises(DomainError) as undisputed:
        act_dispute_resolve(act=acts[1], outcome="rejected", note="Nothing to decide.", actor=staff)
    assert (undisputed.value.code, undisputed.value.fields) == (
        "act_not_disputed",
        {"act": "no open dispute"},
    )
    assert act_state() == before

    with time_machine.travel(at(2025, 2, 24), tick=False):
        act_dispute(act=acts[0], reasons=REASONS, actor=owner)
    act_dispute_resolve(act=acts[0], outcome="rejected", note="Up all month.", actor=staff)
    with pytest.raises(DomainError) as twice:
        act_dispute_resolve(act=acts[0], outcome="upheld", note="Changed my mind.", actor=staff)
    assert twice.value.code == "act_not_disputed"
    assert ActDispute.objects.get().outcome == "rejected"


def test_staff_list_refuses_an_unknown_status_naming_the_field__DOC_02(acts):
    with pytest.raises(DomainError) as error:
        acts_for_staff(status="lost")
    assert error.value.fields == {"status": "unknown status"}
