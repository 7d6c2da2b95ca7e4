"""Bulk actions of the staff lists, end to end through the web: staff tick rows, choose an
action and submit; one job is queued, the worker applies the action row by row with the
single action's checks, and the job's page shows progress and every row's result.

Proved here: every selected row changes exactly once; a row in a wrong state or out of the
actor's reach is reported and skipped while the rest go on; progress reaches the total; a
job run again (as after a crash) changes nothing more; a staff member without the single
action's permission gets 403 and nothing is queued.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.core.bulk_jobs import bulk_job_queue
from hostledger.core.jobs import JobContext, get_job
from hostledger.core.models import AuditEvent, BulkJob, BulkJobItem, JobRun
from hostledger.flows.bulk_actions import SUSPEND_SERVICES
from hostledger.invoicing.models import Invoice
from hostledger.notifications.models import Notification
from hostledger.subscriptions.actions import order_place, service_activate
from hostledger.subscriptions.models import Service, ServiceStatus, ServiceStatusChange
from hostledger.support.actions import ticket_open
from hostledger.support.models import Department, Ticket
from tests.queued_tasks import run_queued_tasks
from tests.subscriptions.factories import build_catalog, fund
from tests.support.conftest import ensure_default_departments
from tests.web.conftest import login, make_client_user, make_staff_user

JOB_TASK = "hostledger.core.jobs.execute_job_run"


def _place(client, tariff, shop):
    return order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=tariff,
        period_months=1,
        os_image=shop.debian,
        actor=client.owner,
        start_at_once=True,
    )


def _run_jobs() -> int:
    return run_queued_tasks(JOB_TASK)


def _items(run: JobRun) -> dict[str, BulkJobItem]:
    return {item.public_id: item for item in BulkJobItem.objects.filter(bulk_job__job_run=run)}


def _rerun(run: JobRun) -> None:
    """Run the job's function again on the same run, as a worker would after a restart."""
    run.refresh_from_db()
    context = JobContext(run)
    get_job(run.job_name).function(context)


@pytest.fixture
def shop(policies):
    return build_catalog()


@pytest.fixture
def client_with_services(shop):
    owner = make_client_user("sven@example.com", first_name="Sven", last_name="Saar")
    client = owner.client
    admin = make_staff_user("administrator", email="builder@staff.example")
    active = []
    for _ in range(2):
        fund(client, "12.28", on=timezone.localdate())
        service = _place(client, shop.vps_start, shop).services.get()
        service_activate(service=service, actor=admin)
        active.append(service)
    fund(client, "12.28", on=timezone.localdate())
    waiting = _place(client, shop.vps_start, shop).services.get()  # paid, not set up yet
    return client, active, waiting


def test_bulk_suspend_through_the_list_suspends_each_selected_service_once__ORD_02(
    client, client_with_services
):
    _, active, waiting = client_with_services
    support = make_staff_user("support")
    login(client, support)
    page = client.get(reverse("web:staff_services"))
    assert page.status_code == 200
    assert b'form="bulk-form"' in page.content and b'name="all_on_page"' in page.content

    selected = [service.public_id for service in active] + [waiting.public_id, "svc_missing"]
    response = client.post(
        reverse("web:staff_services_bulk"),
        {"action": "suspend", "reason": "Spam from these servers.", "ids": selected},
    )
    run = JobRun.objects.get(job_name=f"bulk.{SUSPEND_SERVICES}")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_bulk_job", args=[run.pk])
    assert run.status == JobRun.Status.QUEUED and run.triggered_by == support

    assert _run_jobs() == 1
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert (run.progress_done, run.progress_total) == (4, 4)
    assert run.counts["done"] == 2 and run.counts["skipped"] == 2
    items = _items(run)
    for service in active:
        service.refresh_from_db()
        assert service.status == ServiceStatus.SUSPENDED
        assert items[service.public_id].state == BulkJobItem.State.DONE
        changes = ServiceStatusChange.objects.filter(
            service=service, to_status=ServiceStatus.SUSPENDED
        )
        assert changes.count() == 1
        assert changes.get().reason == "Spam from these servers."
        assert changes.get().actor == support
    waiting.refresh_from_db()
    assert waiting.status != ServiceStatus.SUSPENDED
    assert items[waiting.public_id].state == BulkJobItem.State.SKIPPED
    assert items[waiting.public_id].reason
    assert items["svc_missing"].state == BulkJobItem.State.SKIPPED

    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert waiting.public_id.encode() in shown.content
    assert items[waiting.public_id].reason.encode() in shown.content

    # Run again, as after a crash: nothing is suspended or recorded twice.
    before = ServiceStatusChange.objects.count()
    _rerun(run)
    assert ServiceStatusChange.objects.count() == before
    assert {key: item.state for key, item in _items(run).items()} == {
        key: item.state for key, item in items.items()
    }
    assert AuditEvent.objects.filter(action="bulk_job.queued").count() == 1


def test_bulk_suspend_needs_a_reason_and_a_selection__ORD_02(client, client_with_services):
    _, active, _ = client_with_services
    login(client, make_staff_user("support"))
    no_reason = client.post(
        reverse("web:staff_services_bulk"),
        {"action": "suspend", "reason": "", "ids": [active[0].public_id]},
    )
    nothing = client.post(
        reverse("web:staff_services_bulk"), {"action": "suspend", "reason": "Abuse."}
    )
    assert no_reason.status_code == nothing.status_code == 302
    assert no_reason["Location"] == reverse("web:staff_services")
    assert not JobRun.objects.filter(job_name__startswith="bulk.").exists()


def test_select_all_on_the_page_takes_every_row_listed(client, client_with_services):
    login(client, make_staff_user("support"))
    page_ids = [service.public_id for service in Service.objects.all()]
    client.post(
        reverse("web:staff_services_bulk"),
        {"action": "suspend", "reason": "Abuse.", "all_on_page": "1", "page_ids": page_ids},
    )
    bulk = BulkJob.objects.get()
    assert set(bulk.items.values_list("public_id", flat=True)) == set(page_ids)


def test_bulk_suspend_without_services_manage_is_refused_and_queues_nothing__ACC_11(
    client, client_with_services
):
    _, active, _ = client_with_services
    login(client, make_staff_user("billing"))
    response = client.post(
        reverse("web:staff_services_bulk"),
        {"action": "suspend", "reason": "Abuse.", "ids": [active[0].public_id]},
    )
    assert response.status_code == 403
    assert not JobRun.objects.filter(job_name__startswith="bulk.").exists()
    assert not BulkJob.objects.exists()


def test_a_permission_taken_away_before_the_run_skips_every_row__ACC_11(client_with_services):
    _, active, _ = client_with_services
    support = make_staff_user("support")
    run = bulk_job_queue(
        action=SUSPEND_SERVICES,
        public_ids=[service.public_id for service in active],
        actor=support,
        parameters={"reason": "Abuse."},
    )
    support.staff_roles.clear()
    support.extra_permissions = []
    support.save(update_fields=["extra_permissions"])
    assert _run_jobs() == 1
    run.refresh_from_db()
    assert run.counts == {"done": 0, "skipped": 2}
    assert not Service.objects.filter(status=ServiceStatus.SUSPENDED).exists()
    assert all(item.reason for item in _items(run).values())


def test_a_stopped_bulk_job_resumed_does_only_the_rows_left(client, client_with_services):
    """A run whose process died after the first row: the resumed run suspends the second
    service only."""
    _, active, _ = client_with_services
    support = make_staff_user("support")
    run = bulk_job_queue(
        action=SUSPEND_SERVICES,
        public_ids=[service.public_id for service in active],
        actor=support,
        parameters={"reason": "Abuse."},
    )
    assert _run_jobs() == 1
    first = BulkJobItem.objects.get(bulk_job__job_run=run, position=1)
    # As if the process died before the second row: its service and row are as before.
    Service.objects.filter(public_id=first.public_id).update(status=ServiceStatus.ACTIVE)
    ServiceStatusChange.objects.filter(
        service__public_id=first.public_id, to_status=ServiceStatus.SUSPENDED
    ).delete()
    BulkJobItem.objects.filter(pk=first.pk).update(state=BulkJobItem.State.PENDING)
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.ABANDONED)

    login(client, support)
    page = client.get(reverse("web:staff_bulk_job", args=[run.pk]))
    assert reverse("web:staff_bulk_job_resume", args=[run.pk]).encode() in page.content
    resumed = client.post(reverse("web:staff_bulk_job_resume", args=[run.pk]))
    assert resumed.status_code == 302
    assert _run_jobs() == 1
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.counts["done"] == 2 and run.progress_done == 2
    # Resuming a finished job is refused: nothing is queued.
    client.post(reverse("web:staff_bulk_job_resume", args=[run.pk]))
    assert _run_jobs() == 0
    for service in active:
        assert (
            ServiceStatusChange.objects.filter(
                service=service, to_status=ServiceStatus.SUSPENDED
            ).count()
            == 1
        )


# ----------------------------------------------------------------------------- reminders


@pytest.fixture
def proformas(shop):
    owner = make_client_user("piret@example.com", first_name="Piret", last_name="Puu")
    client = owner.client
    overdue = [_place(client, shop.vps_start, shop).proforma for _ in range(2)]
    not_yet = _place(client, shop.vps_start, shop).proforma
    past = timezone.localdate() - timedelta(days=3)
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in overdue]).update(due_on=past)
    Invoice.objects.filter(pk=not_yet.pk).update(due_on=timezone.localdate() + timedelta(days=5))
    return overdue, not_yet


def test_bulk_payment_reminders_remind_each_overdue_proforma_once__AUT_04(client, proformas):
    overdue, not_yet = proformas
    billing = make_staff_user("billing")
    login(client, billing)
    page = client.get(reverse("web:staff_invoices"))
    assert page.status_code == 200 and b'form="bulk-form"' in page.content

    response = client.post(
        reverse("web:staff_invoices_bulk"),
        {"action": "remind", "ids": [invoice.public_id for invoice in [*overdue, not_yet]]},
    )
    assert response.status_code == 302
    assert _run_jobs() == 1
    run = JobRun.objects.get(job_name="bulk.invoices.remind_overdue")
    assert run.status == JobRun.Status.SUCCEEDED and run.progress_done == run.progress_total == 3
    for invoice in overdue:
        assert Notification.objects.filter(event="payment_reminder", invoice=invoice).count() == 1
    assert not Notification.objects.filter(event="payment_reminder", invoice=not_yet).exists()
    items = _items(run)
    assert items[not_yet.public_id].state == BulkJobItem.State.SKIPPED
    assert "not overdue" in items[not_yet.public_id].reason
    assert AuditEvent.objects.filter(action="invoice.reminder_sent").count() == 2

    _rerun(run)
    assert Notification.objects.filter(event="payment_reminder").count() == 2
    assert AuditEvent.objects.filter(action="invoice.reminder_sent").count() == 2


def test_bulk_payment_reminders_without_billing_manage_are_refused__ACC_11(client, proformas):
    overdue, _ = proformas
    login(client, make_staff_user("support"))
    response = client.post(
        reverse("web:staff_invoices_bulk"), {"action": "remind", "ids": [overdue[0].public_id]}
    )
    assert response.status_code == 403
    assert not BulkJob.objects.exists()


# ----------------------------------------------------------------------------- tickets


@pytest.fixture
def tickets(policies):
    ensure_default_departments()
    owner = make_client_user("toomas@example.com", first_name="Toomas", last_name="Tamm")
    opened = [
        ticket_open(
            client=owner.client,
            department=Department.objects.get(slug="support"),
            subject=f"Question {number}",
            body="Hello.",
            author=owner,
        )
        for number in range(3)
    ]
    return opened


def test_bulk_assign_gives_each_selected_ticket_to_the_staff_member__SUP_01(client, tickets):
    support = make_staff_user("support")
    agent = make_staff_user("billing", email="agent@staff.example")
    merged = tickets[2]
    Ticket.objects.filter(pk=merged.pk).update(merged_into=tickets[0])
    login(client, support)
    page = client.get(reverse("web:staff_tickets"))
    assert page.status_code == 200 and b'form="bulk-form"' in page.content

    response = client.post(
        reverse("web:staff_tickets_bulk"),
        {
            "action": "assign",
            "assignee": agent.public_id,
            "ids": [ticket.public_id for ticket in tickets],
        },
    )
    assert response.status_code == 302
    assert _run_jobs() == 1
    run = JobRun.objects.get(job_name="bulk.tickets.assign")
    assert run.progress_done == run.progress_total == 3
    assert run.counts["done"] == 2 and run.counts["skipped"] == 1
    for ticket in tickets[:2]:
        ticket.refresh_from_db()
        assert ticket.assignee == agent
    merged.refresh_from_db()
    assert merged.assignee is None
    assert "merged" in _items(run)[merged.public_id].reason

    # The job's page is for who started it; staff without job runs who did not, see nothing.
    assert client.get(response["Location"]).status_code == 200
    live = client.get(response["Location"], headers={"HX-Request": "true"})
    assert live.status_code == 200 and b'id="bulk-results"' in live.content
    assert b"<html" not in live.content
    login(client, make_staff_user("abuse"))
    assert client.get(response["Location"]).status_code == 404

    updated = [Ticket.objects.get(pk=ticket.pk).updated_at for ticket in tickets[:2]]
    _rerun(run)
    assert [Ticket.objects.get(pk=ticket.pk).updated_at for ticket in tickets[:2]] == updated


def test_bulk_assign_to_someone_who_does_not_answer_tickets_skips_every_row__SUP_01(
    client, tickets
):
    login(client, make_staff_user("support"))
    abuse = make_staff_user("abuse")
    client.post(
        reverse("web:staff_tickets_bulk"),
        {"action": "assign", "assignee": abuse.public_id, "ids": [tickets[0].public_id]},
    )
    # The form offers only those who answer tickets: nothing is queued.
    assert not BulkJob.objects.exists()


def test_bulk_assign_without_tickets_answer_is_refused__ACC_11(client, tickets):
    login(client, make_staff_user("abuse"))
    response = client.post(
        reverse("web:staff_tickets_bulk"),
        {"action": "assign", "assignee": "", "ids": [tickets[0].public_id]},
    )
    assert response.status_code == 403
    assert not BulkJob.objects.exists()
