"""The life of a service (ORD-02), manual activation within the commencement term (CAT-03)
and free trials (CAT-04)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from allauth.account.models import EmailAddress

from hostledger.automation.run import billing_run
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.invoicing.models import Invoice
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import (
    order_place_for_trial,
    service_activate,
    service_resume,
    service_suspend,
    service_terminate,
)
from hostledger.subscriptions.models import Order, Service, ServicePeriod, ServiceStatus
from hostledger.subscriptions.selectors import service_history, services_awaiting_activation
from tests.subscriptions.factories import TODAY, fund, new_client, new_payer, written_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_service(place, client_record) -> Service:
    """A one-month VPS paid on Monday 1 March 2027, waiting for staff to build it."""
    fund(client_record, "12.28")
    return place().service


def _changes(service: Service) -> list[tuple]:
    return [
        (change.from_status, change.to_status, change.reason, change.actor_id)
        for change in service_history(service)
    ]


def _operations(service: Service) -> list[tuple]:
    return list(
        ProvisioningOperation.objects.filter(service=service)
        .order_by("id")
        .values_list("operation", "key", "status")
    )


def test_each_legal_transition_is_stored_with_reason_actor_and_time__ORD_02(
    paid_service, staff, run_hooks, client_record
):
    service = paid_service
    run_hooks(service_activate, service=service, actor=staff, today=TODAY)
    run_hooks(service_suspend, service=service, actor=staff, reason="Abuse report 17")
    run_hooks(service_resume, service=service, actor=None, reason="Report resolved")
    run_hooks(service_terminate, service=service, actor=staff, reason="Client asked by ticket")

    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    assert service.terminated_at is not None
    history = service_history(service)
    assert _changes(service) == [
        ("", "pending", f"Order {service.order.number} placed.", client_record.owner.pk),
        ("pending", "provisioning", "Period paid on 2027-03-01; provisioning started.", None),
        (
            "provisioning",
            "active",
            "Activated by staff on 2027-03-01; commencement deadline 2027-03-02 (met).",
            staff.pk,
        ),
        ("active", "suspended", "Abuse report 17", staff.pk),
        ("suspended", "active", "Report resolved", None),
        ("active", "terminated", "Client asked by ticket", staff.pk),
    ]
    assert all(change.changed_at is not None for change in history)
    assert [change.changed_at for change in history] == sorted(c.changed_at for c in history)
    suspend_change, resume_change = history[3], history[4]
    assert _operations(service) == [
        ("create", "create", "done"),
        ("suspend", f"suspend:{suspend_change.pk}", "cancelled"),
        ("resume", f"resume:{resume_change.pk}", "cancelled"),
        ("terminate", "terminate", "waiting"),
    ]
    create = ProvisioningOperation.objects.get(service=service, key="create")
    assert create.completed_by == staff
    actions = list(
        AuditEvent.objects.filter(object_id=service.public_id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "subscriptions.service_provisioning",
        "subscriptions.service_active",
        "subscriptions.service_activated_by_staff",
        "subscriptions.service_suspended",
        "subscriptions.service_active",
        "subscriptions.service_terminated",
    ]


@pytest.mark.parametrize(
    ("steps", "action", "status"),
    [
        ([], "suspend", "pending"),
        ([], "resume", "pending"),
        ([], "activate", "pending"),
        (["pay"], "suspend", "provisioning"),
        (["pay"], "resume", "provisioning"),
        (["pay", "activate"], "resume", "active"),
        (["pay", "activate"], "activate", "active"),
        (["pay", "activate", "suspend"], "suspend", "suspended"),
        (["pay", "activate", "suspend"], "activate", "suspended"),
        (["pay", "terminate"], "terminate", "terminated"),
        (["pay", "terminate"], "resume", "terminated"),
        (["pay", "terminate"], "activate", "terminated"),
    ],
)
def test_illegal_transitions_are_refused_naming_the_status__ORD_02(
    steps, action, status, place, staff, client_record, apply_payments
):
    service = place().service
    do = {
        "activate": lambda: service_activate(service=service, actor=staff, today=TODAY),
        "suspend": lambda: service_suspend(service=service, actor=staff, reason="test"),
        "resume": lambda: service_resume(service=service, actor=staff, reason="test"),
        "terminate": lambda: service_terminate(service=service, actor=staff, reason="test"),
    }
    for step in steps:
        if step == "pay":
            fund(client_record, "12.28")
            apply_payments(client_record)
        else:
            do[step]()
    service.refresh_from_db()
    assert service.status == status
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        do[action]()

    assert refused.value.code == "illegal_transition"
    assert refused.value.status == 409
    assert refused.value.fields["status"].startswith(f"is {status}")
    assert written_rows() == before


def test_staff_need_the_services_manage_permission__ORD_02(
    paid_service, staff_without_permission, client_record
):
    before = written_rows()
    for actor in (staff_without_permission, client_record.owner):
        with pytest.raises(PermissionDenied):
            service_activate(service=paid_service, actor=actor)
        with pytest.raises(PermissionDenied):
            service_terminate(service=paid_service, actor=actor, reason="no")
    with pytest.raises(PermissionDenied):
        service_activate(service=paid_service, actor=None)  # activation is a person's act
    assert written_rows() == before


def test_a_reason_is_required_to_suspend_resume_and_terminate__ORD_02(paid_service, staff):
    service_activate(service=paid_service, actor=staff, today=TODAY)
    before = written_rows()
    for action in (service_suspend, service_terminate):
        for reason in ("", "   ", None, "x" * 501):
            with pytest.raises(DomainError) as refused:
                action(service=paid_service, actor=staff, reason=reason)
            assert "reason" in refused.value.fields
    assert written_rows() == before


def test_the_system_may_suspend_and_resume_without_an_actor__ORD_02(paid_service, staff, run_hooks):
    service_activate(service=paid_service, actor=staff, today=TODAY)
    run_hooks(service_suspend, service=paid_service, actor=None, reason="Balance negative")
    assert _changes(paid_service)[-1] == ("active", "suspended", "Balance negative", None)


def test_terminating_an_unpaid_service_cancels_its_proforma_and_calls_no_module__ORD_02(
    place, staff, run_hooks
):
    order = place()
    run_hooks(service_terminate, service=order.service, actor=staff, reason="Duplicate order")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert Invoice.objects.get(pk=order.proforma_id).status == Invoice.Status.CANCELLED
    assert not ProvisioningOperation.objects.exists()


def test_manual_activation_shows_and_records_the_commencement_deadline__CAT_03(
    place, client_record, staff, apply_payments, time_machine
):
    late = place().service
    on_time = place().service
    time_machine.move_to(datetime(2027, 3, 5, 8, 0, tzinfo=UTC))  # Friday
    fund(client_record, "24.56", on=date(2027, 3, 5))
    apply_payments(client_record, today=date(2027, 3, 5))

    waiting = services_awaiting_activation(today=date(2027, 3, 5))
    assert [(row.service.pk, row.commencement_deadline) for row in waiting] == [
        (late.pk, date(2027, 3, 8)),
        (on_time.pk, date(2027, 3, 8)),
    ]
    assert [(row.working_days_left, row.is_overdue) for row in waiting] == [(1, False)] * 2

    service_activate(service=on_time, actor=staff, today=date(2027, 3, 8))
    waiting = services_awaiting_activation(today=date(2027, 3, 9))
    assert [(row.service.pk, row.working_days_left, row.is_overdue) for row in waiting] == [
        (late.pk, -1, True)
    ]
    service_activate(service=late, actor=staff, note="Disk swap.", today=date(2027, 3, 9))

    assert _changes(on_time)[-1][2] == (
        "Activated by staff on 2027-03-08; commencement deadline 2027-03-08 (met)."
    )
    assert _changes(late)[-1][2] == (
        "Activated by staff on 2027-03-09; commencement deadline 2027-03-08 (missed). Disk swap."
    )
    recorded = {
        event.object_id: event.data
        for event in AuditEvent.objects.filter(action="subscriptions.service_activated_by_staff")
    }
    assert recorded[late.public_id] == {
        "commencement_deadline": "2027-03-08",
        "activated_on": "2027-03-09",
        "within_commencement_term": False,
    }
    assert recorded[on_time.public_id]["within_commencement_term"] is True
    assert services_awaiting_activation(today=date(2027, 3, 9)) == []


def test_a_vps_trial_is_free_and_once_per_client__CAT_04(place, shop, client_record, payer):
    order = place(trial=True)

    assert (order.status, order.is_trial, order.trial_days, order.proforma) == (
        Order.Status.FREE_TRIAL,
        True,
        10,
        None,
    )
    assert order.net_minor == 0
    assert not Invoice.objects.exists()
    service = order.service
    assert service.status == ServiceStatus.TRIAL
    assert service.trial_ends_on == TODAY + timedelta(days=9)
    assert service.commencement_deadline == date(2027, 3, 2)
    assert _operations(service) == [("create", "create", "waiting")]
    assert [change[:2] for change in _changes(service)] == [("", "pending"), ("pending", "trial")]

    before = written_rows()
    with pytest.raises(DomainError) as refused:
        place(trial=True, tariff=shop.vps_large)  # any tariff, but only once
    assert refused.value.fields == {"trial": "already used by this client"}
    assert written_rows() == before

    neighbour = new_client()
    assert place(client=neighbour, payer=new_payer(neighbour), trial=True).is_trial


def test_a_free_trial_needs_a_confirmed_email_and_a_confirmed_phone__CAT_04(place, shop):
    """Each missing contact is named under its own field, and nothing is written."""
    newcomer = new_client(contacts_confirmed=False)
    payer = new_payer(newcomer)
    before = written_rows()
    with pytest.raises(DomainError) as refused:
        place(client=newcomer, payer=payer, trial=True)
    assert set(refused.value.fields) == {"email", "phone"}
    assert "e-mail" in refused.value.fields["email"]
    assert "phone" in refused.value.fields["phone"]
    assert written_rows() == before

    EmailAddress.objects.create(
        user=newcomer.owner, email=newcomer.owner.email, verified=True, primary=True
    )
    with pytest.raises(DomainError) as refused:
        place(client=newcomer, payer=payer, trial=True)
    assert set(refused.value.fields) == {"phone"}

    newcomer.phone = "+372 5555 1234"
    newcomer.save()
    with pytest.raises(DomainError) as refused:
        place(client=newcomer, payer=payer, trial=True)
    assert refused.value.fields == {
        "phone": "Confirm your phone number (the code we send by SMS) before starting a free trial."
    }

    newcomer.phone_confirmed_at = newcomer.created_at
    newcomer.save()
    assert place(client=newcomer, payer=payer, trial=True).service.status == ServiceStatus.TRIAL
    # A paid order needs neither.
    other = new_client(contacts_confirmed=False)
    assert not place(client=other, payer=new_payer(other)).is_trial


def test_a_licence_trial_lasts_at_most_thirty_days__CAT_04(place, shop):
    with pytest.raises(DomainError) as refused:
        place(tariff=shop.windows_licence, os_image=None, trial=True, trial_days=31)
    assert refused.value.fields == {"trial_days": "between 1 and 30"}
    order = place(tariff=shop.windows_licence, os_image=None, trial=True, trial_days=30)
    assert order.service.trial_ends_on == date(2027, 3, 30)


def test_a_paid_trial_stays_a_trial_for_its_free_days_then_becomes_active__CAT_04_ORD_02(
    place, client_record, payer, staff, run_hooks, apply_payments, time_machine
):
    service = place(trial=True).service
    service_activate(service=service, actor=staff, today=TODAY)
    service.refresh_from_db()
    assert (service.status, service.activated_at is not None) == (ServiceStatus.TRIAL, True)
    time_machine.move_to(datetime(2027, 3, 4, 8, 0, tzinfo=UTC))

    order = run_hooks(
        order_place_for_trial,
        service=service,
        payer=payer,
        period_months=1,
        actor=client_record.owner,
        today=date(2027, 3, 4),
    )
    assert (order.period_starts_on, order.period_ends_on) == (date(2027, 3, 11), date(2027, 4, 10))
    assert order.trial_service == service
    service.refresh_from_db()
    assert service.status == ServiceStatus.TRIAL
    with pytest.raises(DomainError) as refused:
        order_place_for_trial(service=service, payer=payer, period_months=1, actor=None)
    assert "service" in refused.value.fields

    fund(client_record, "12.28", on=date(2027, 3, 4))
    assert apply_payments(client_record, today=date(2027, 3, 4)) == []

    # Paid ahead, it stays a trial for its free days (up to 10 March) ...
    service.refresh_from_db()
    assert (service.status, service.paid_through) == (ServiceStatus.TRIAL, date(2027, 4, 10))
    for day in (date(2027, 3, 5), date(2027, 3, 10)):
        time_machine.move_to(datetime.combine(day, time(6), tzinfo=UTC))
        run_hooks(billing_run, as_of=datetime.combine(day, time(6), tzinfo=UTC))
        service.refresh_from_db()
        assert service.status == ServiceStatus.TRIAL
    # ... and becomes active the day its paid period begins.
    time_machine.move_to(datetime(2027, 3, 11, 6, 0, tzinfo=UTC))
    run_hooks(billing_run, as_of=datetime(2027, 3, 11, 6, 0, tzinfo=UTC))
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert _changes(service)[-1] == (
        "trial",
        "active",
        "The free trial ended and its paid continuation began (ORD-02, CAT-04).",
        None,
    )
    period = ServicePeriod.objects.get(service=service)
    assert (period.starts_on, period.ends_on, period.amount_minor) == (
        date(2027, 3, 11),
        date(2027, 4, 10),
        990,
    )
    assert _operations(service) == [("create", "create", "done")]  # built once


def test_a_trial_may_end_in_termination__CAT_04_ORD_02(place, staff, run_hooks):
    service = place(trial=True).service
    run_hooks(service_terminate, service=service, actor=staff, reason="Trial not continued")
    assert _changes(service)[-1][:3] == ("trial", "terminated", "Trial not continued")
    assert _operations(service) == [
        ("create", "create", "cancelled"),
        ("terminate", "terminate", "waiting"),
    ]
