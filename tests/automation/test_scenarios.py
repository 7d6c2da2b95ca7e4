"""The billing run over several months with a controlled clock (AUT-01 … AUT-06, BIL-07,
CAT-04, ORD-08). A one-month VPS Start (12.28 with VAT) is paid on 1 March 2027; its renewal
from 1 April is invoiced ten days ahead on 22 March and due on 30 March: five Estonian
working days, Good Friday (26 March 2027) not counted, and never after the period starts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from hostledger.automation.actions import decision_confirm, decision_review_request
from hostledger.automation.models import AutomatedDecision, PenaltyAccrual, ServiceRenewal
from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import ClientBalance, LedgerTransaction
from hostledger.ledger.selectors import verify_balances
from hostledger.notifications.models import Notification
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.models import Service, ServicePeriod, ServiceStatusChange
from tests.automation.conftest import moment
from tests.subscriptions.factories import fund

ISSUE_DAY = date(2027, 3, 22)
DUE_DAY = date(2027, 3, 30)
PERIOD_START = date(2027, 4, 1)


def _events(client, event):
    return list(
        Notification.objects.filter(client=client, event=event).values_list("key", flat=True)
    )


def _balance(client) -> int:
    return ClientBalance.objects.get(client=client).balance_minor


def _renewal(service) -> ServiceRenewal:
    return ServiceRenewal.objects.select_related("invoice").get(
        service=service, starts_on=PERIOD_START
    )


def test_renewal_issued_ahead_and_charged_when_due__AUT_01(
    active_service, client_record, run_as_of
):
    service = active_service("30.00")
    assert (service.paid_through, service.invoiced_through) == (date(2027, 3, 31),) * 2
    assert run_as_of(date(2027, 3, 21)).get("renewals_issued", 0) == 0
    assert run_as_of(ISSUE_DAY)["renewals_issued"] == 1
    renewal = _renewal(service)
    assert renewal.ends_on == date(2027, 4, 30)
    assert (renewal.invoice.status, renewal.invoice.due_on) == (Invoice.Status.ISSUED, DUE_DAY)
    assert [line.description for line in renewal.invoice.lines.all()] == ["VPS Start, 1 month"]
    assert _events(client_record, "renewal_invoice_issued") == [
        f"renewal_invoice_issued:{renewal.invoice.public_id}"
    ]
    assert run_as_of(ISSUE_DAY).get("renewals_issued", 0) == 0  # the same day again
    before = _balance(client_record)
    counts = run_as_of(DUE_DAY)
    assert counts["renewals_charged"] == 1 and counts["periods_paid"] == 1
    renewal.refresh_from_db()
    invoice = Invoice.objects.get(pk=renewal.invoice_id)
    assert renewal.state == ServiceRenewal.State.PAID
    assert (invoice.kind, invoice.status, invoice.finalised_on) == ("final", "paid", DUE_DAY)
    assert invoice.number_display.endswith(str(invoice.number).zfill(6))
    assert _balance(client_record) == before - invoice.gross_minor
    assert (
        LedgerTransaction.objects.filter(idempotency_key=f"invoice:{invoice.public_id}").count()
        == 1
    )
    assert ServicePeriod.objects.filter(service=service).count() == 2
    assert Service.objects.get(pk=service.pk).paid_through == date(2027, 4, 30)
    assert _events(client_record, "service_renewed") == [f"service_renewed:{renewal.pk}"]
    run_as_of(DUE_DAY)
    run_as_of(PERIOD_START)
    assert ServicePeriod.objects.filter(service=service).count() == 2
    assert verify_balances() == []


def test_unpaid_renewal_suspends_with_reminders_sent_once__AUT_02_AUT_04(
    active_service, client_record, run_as_of
):
    service = active_service()  # the balance is spent on the first month
    run_as_of(ISSUE_DAY)
    invoice = _renewal(service).invoice
    for day in (25, 26, 27, 28):
        run_as_of(date(2027, 3, day))
    assert _events(client_record, "payment_reminder") == [f"payment_reminder:{invoice.public_id}"]
    run_as_of(DUE_DAY)
    assert Service.objects.get(pk=service.pk).status == "active"  # its paid period runs on
    run_as_of(date(2027, 3, 31))
    run_as_of(date(2027, 3, 31))
    assert _events(client_record, "suspension_warning") == [
        f"suspension_warning:{invoice.public_id}"
    ]
    counts = run_as_of(PERIOD_START)
    assert counts["suspended"] == 1
    run_as_of(date(2027, 4, 2))
    service.refresh_from_db()
    assert (service.status, service.suspension_reason) == ("suspended", "debt")
    change = ServiceStatusChange.objects.filter(service=service, to_status="suspended").get()
    assert ProvisioningOperation.objects.filter(
        service=service, key=f"suspend:{change.pk}"
    ).exists()
    assert len(_events(client_record, "service_suspended")) == 1
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED


def _penalty(gross_minor: int, days: int) -> int:
    exact = Decimal(gross_minor) * Decimal("0.001") * days
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_payment_resumes_service_and_posts_penalty_exact_to_the_cent__AUT_03_BIL_07(
    active_service, client_record, run_as_of, apply_payments, time_machine
):
    service = active_service()
    run_as_of(ISSUE_DAY)
    invoice = _renewal(service).invoice
    run_as_of(PERIOD_START)
    for day in range(2, 10):
        run_as_of(date(2027, 4, day))  # 3 to 10 days late
        accrual = PenaltyAccrual.objects.get(invoice=invoice)
        days = (date(2027, 4, day) - DUE_DAY).days
        assert (accrual.days, accrual.amount_minor) == (days, _penalty(invoice.gross_minor, days))
    time_machine.move_to(moment(date(2027, 4, 10), 9), tick=True)
    fund(client_record, "20.00", on=date(2027, 4, 10))
    apply_payments(client_record, today=date(2027, 4, 10))
    service.refresh_from_db()
    assert (service.status, service.suspension_reason) == ("active", "")
    assert service.paid_through == date(2027, 4, 30)
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert accrual.settled and accrual.days == 11
    assert accrual.amount_minor == _penalty(invoice.gross_minor, 11) == 14  # 13.508 cents
    penalty = LedgerTransaction.objects.get(idempotency_key=f"penalty:{invoice.public_id}")
    assert accrual.transaction_id == penalty.pk
    assert _balance(client_record) == 2000 - invoice.gross_minor - 14
    assert ProvisioningOperation.objects.filter(service=service, operation="resume").count() == 1
    run_as_of(date(2027, 4, 11))
    assert PenaltyAccrual.objects.get(invoice=invoice).amount_minor == 14
    assert LedgerTransaction.objects.filter(kind="penalty").count() == 1
    assert len(_events(client_record, "service_resumed")) == 1
    assert verify_balances() == []


def test_termination_proposed_after_20_days_from_the_invoice_date__AUT_02_AUT_06(
    active_service, client_record, run_as_of, staff
):
    service = active_service()
    run_as_of(ISSUE_DAY)
    invoice = _renewal(service).invoice
    run_as_of(date(2027, 4, 11))  # 20 days after the invoice date: not yet
    assert not AutomatedDecision.objects.exists()
    run_as_of(date(2027, 4, 12))
    run_as_of(date(2027, 4, 13))
    decision = AutomatedDecision.objects.get()
    assert (decision.kind, decision.state, decision.automatic) == (
        "terminate_for_debt",
        "proposed",
        False,
    )
    assert decision.inputs["invoice"] == invoice.public_id
    assert decision.inputs["termination_after_days"] == 20
    assert Service.objects.get(pk=service.pk).status == "suspended"
    decision_review_request(decision=decision, client=client_record, reason="I paid by bank.")
    decision_confirm(decision=decision, actor=staff, today=date(2027, 4, 13))
    service.refresh_from_db()
    assert service.status == "terminated"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED  # debt remains
    assert AutomatedDecision.objects.get().state == "applied"


def test_automatic_termination_when_the_provider_chose_it__AUT_06(
    active_service, client_record, run_as_of
):
    provider_setting_change(key="automation.auto_terminate_for_debt", raw_value="on")
    service = active_service()
    run_as_of(ISSUE_DAY)
    invoice = _renewal(service).invoice
    counts = run_as_of(date(2027, 4, 12))
    assert counts["terminated"] == 1
    assert Service.objects.get(pk=service.pk).status == "terminated"
    decision = AutomatedDecision.objects.get()
    assert (decision.state, decision.automatic) == ("applied", True)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED
    assert run_as_of(date(2027, 4, 13)).get("terminated", 0) == 0


def test_free_trial_announced_then_ended__CAT_04(place, client_record, run_as_of):
    place(trial=True)
    service = Service.objects.get(client=client_record)
    assert service.status == "trial"
    ends_on = service.trial_ends_on
    run_as_of(date(2027, 3, 8))
    run_as_of(date(2027, 3, 9))
    assert _events(client_record, "trial_ending") == [f"trial_ending:{service.pk}"]
    run_as_of(ends_on)
    assert Service.objects.get(pk=service.pk).status == "trial"
    counts = run_as_of(date(2027, 3, 12))
    assert counts["trials_ended"] == 1
    assert Service.objects.get(pk=service.pk).status == "terminated"
    assert len(_events(client_record, "trial_ended")) == 1
    assert ProvisioningOperation.objects.filter(service=service, operation="terminate").count() <= 1


def test_time_only_moves_forward__AUT_01(active_service, run_as_of):
    active_service()
    run_as_of(ISSUE_DAY)
    with pytest.raises(DomainError) as refused:
        run_as_of(date(2027, 3, 21))
    assert refused.value.code == "as_of_in_the_past"


def test_catch_up_after_downtime_bills_each_missed_period_once__AUT_01(
    active_service, client_record, run_as_of
):
    service = active_service("100.00")
    run_as_of(date(2027, 6, 5))  # nothing ran for three months
    renewals = ServiceRenewal.objects.filter(service=service).order_by("starts_on")
    assert [r.starts_on for r in renewals] == [
        date(2027, 4, 1),
        date(2027, 5, 1),
        date(2027, 6, 1),
    ]
    assert {r.state for r in renewals} == {"paid"}
    assert {r.invoice.due_on for r in renewals} == {date(2027, 6, 5)}  # due when invoiced
    assert not PenaltyAccrual.objects.exists()  # not late for the provider's downtime
    assert Service.objects.get(pk=service.pk).paid_through == date(2027, 6, 30)
    run_as_of(date(2027, 6, 5))
    assert ServiceRenewal.objects.filter(service=service).count() == 3
    assert verify_balances() == []


def test_contract_renews_for_a_term_or_ends_on_notice__ORD_08(
    active_service, client_record, run_as_of
):
    from hostledger.subscriptions.actions import contract_notice_give

    service = active_service("400.00")
    term_end = service.contract_ends_on
    run_as_of(term_end + timedelta(days=1))  # a year on, no notice: one more term
    service.refresh_from_db()
    assert service.contract_ends_on > term_end and service.status == "active"
    second_end = service.contract_ends_on
    contract_notice_give(
        service=service,
        party="client",
        actor=client_record.owner,
        today=term_end + timedelta(days=2),
    )
    run_as_of(second_end - timedelta(days=5))
    assert not ServiceRenewal.objects.filter(service=service, starts_on__gt=second_end).exists()
    counts = run_as_of(second_end + timedelta(days=1))
    assert counts["cancellations_carried_out"] == 1
    service.refresh_from_db()
    assert service.status == "terminated" and service.paid_through == second_end
    assert run_as_of(second_end + timedelta(days=2)).get("cancellations_carried_out", 0) == 0
    assert verify_balances() == []


def test_unanswered_verification_restricts_then_proposes_termination__ACC_10_AUT_06(
    active_service, client_record, run_as_of, time_machine, staff
):
    from hostledger.accounts.actions.verification import verification_request_open
    from hostledger.accounts.selectors import client_is_restricted
    from tests.subscriptions.factories import NOW, TODAY, new_staff

    service = active_service("100.00")
    officer = new_staff("clients.edit", "clients.view_personal_data")
    verification_request_open(
        client=client_record, question="Please confirm your address.", actor=officer, now=NOW
    )
    run_as_of(TODAY + timedelta(days=4))
    assert client_is_restricted(client_record, on=TODAY + timedelta(days=4))
    assert len(_events(client_record, "verification_overdue")) == 1
    run_as_of(TODAY + timedelta(days=9))
    assert not AutomatedDecision.objects.exists()
    counts = run_as_of(TODAY + timedelta(days=10))
    assert counts["verification_terminations_proposed"] == 1
    decision = AutomatedDecision.objects.get()
    assert (decision.kind, decision.service_id) == ("terminate_verification", None)
    run_as_of(TODAY + timedelta(days=11))
    assert AutomatedDecision.objects.count() == 1
    decision_confirm(decision=decision, actor=staff, today=TODAY + timedelta(days=11))
    assert Service.objects.get(pk=service.pk).status == "terminated"


def test_no_renewal_while_verification_is_overdue_then_the_suspension_is_billed__ACC_10(
    active_service, client_record, run_as_of
):
    from hostledger.accounts.actions.verification import (
        verification_request_accept,
        verification_request_answer,
        verification_request_open,
    )
    from tests.subscriptions.factories import NOW, new_staff

    service = active_service("100.00")
    officer = new_staff("clients.edit", "clients.view_personal_data")
    request = verification_request_open(
        client=client_record, question="Please confirm your address.", actor=officer, now=NOW
    )
    before = _balance(client_record)
    assert run_as_of(ISSUE_DAY).get("renewals_issued", 0) == 0  # restricted since 5 March
    assert not ServiceRenewal.objects.filter(service=service).exists()
    assert run_as_of(DUE_DAY) == {}  # nothing due, nothing charged
    counts = run_as_of(PERIOD_START)
    assert counts["suspended_for_verification"] == 1
    service.refresh_from_db()
    assert (service.status, service.suspension_reason) == ("suspended", "verification")
    assert len(_events(client_record, "service_suspended_verification")) == 1
    assert _events(client_record, "service_suspended") == []  # it is not a debt
    assert run_as_of(date(2027, 4, 2)) == {}  # suspended once, still not renewed
    assert _balance(client_record) == before

    lifted = date(2027, 4, 6)
    request = verification_request_answer(
        request=request, answer="Same address.", actor=client_record.owner, now=moment(lifted)
    )
    verification_request_accept(request=request, actor=officer, now=moment(lifted))
    counts = run_as_of(lifted)
    assert counts["renewals_issued"] == 1 and counts["renewals_charged"] == 1
    assert counts["resumed"] == 1
    renewal = _renewal(service)  # from where billing stopped: the suspension is payable
    assert (renewal.starts_on, renewal.ends_on, renewal.state) == (
        PERIOD_START,
        date(2027, 4, 30),
        ServiceRenewal.State.PAID,
    )
    service.refresh_from_db()
    assert (service.status, service.suspension_reason, service.paid_through) == (
        "active",
        "",
        date(2027, 4, 30),
    )
    assert _balance(client_record) == before - renewal.invoice.gross_minor
    assert len(_events(client_record, "service_resumed")) == 1
    assert verify_balances() == []


def test_a_second_run_on_the_same_day_finds_nothing_unless_something_fell_due__AUT_01(
    active_service, client_record, run_as_of
):
    service = active_service()  # the balance is spent on the first month
    run_as_of(ISSUE_DAY)
    run_as_of(DUE_DAY)
    renewal = _renewal(service)
    assert renewal.state == ServiceRenewal.State.INVOICED
    watch = _JobPage()
    assert run_as_of(DUE_DAY, context=watch) == {}  # settled: nothing read but a few indexes
    assert watch.settled and watch.reported == [(0, 0)]
    fund(client_record, "20.00", on=DUE_DAY)  # money recorded without applying it
    watch = _JobPage()
    counts = run_as_of(DUE_DAY, context=watch)
    assert not watch.settled and counts["renewals_charged"] == 1
    assert _renewal(service).state == ServiceRenewal.State.PAID
    watch = _JobPage()
    assert run_as_of(DUE_DAY, context=watch) == {}
    assert watch.settled  # the money seen by the last walk is not looked at again
    assert verify_balances() == []


class _JobPage:
    """What a run reports to the staff jobs page (a JobContext's count, progress and log)."""

    def __init__(self):
        self.lines: list[str] = []
        self.reported: list[tuple[int, int]] = []

    def count(self, name: str, n: int = 1) -> None:
        pass

    def progress(self, done: int, total: int) -> None:
        self.reported.append((done, total))

    def log(self, line: str) -> None:
        self.lines.append(line)

    @property
    def settled(self) -> bool:
        return any("already billed" in line for line in self.lines)
