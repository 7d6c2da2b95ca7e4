"""A job run whose process is gone is marked abandoned, and tasks are enqueued in the
transaction of the work they carry (AUT-01, PRV-02: nothing a killed process began is left
hanging)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hostledger.core import jobs
from hostledger.core.audit import verify_audit_chain
from hostledger.core.models import AuditEvent, JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.tasks import run_provisioning_operation

pytestmark = pytest.mark.django_db


def _dead_process_id() -> int:
    """The id of a process that has ended and been reaped."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(ended.stdout)


def _running(**fields) -> JobRun:
    now = timezone.now()
    defaults = {
        "job_name": "automation.billing_run",
        "status": JobRun.Status.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "host": jobs._this_host(),
        "process_id": os.getpid(),
    }
    return JobRun.objects.create(**{**defaults, **fields})


def test_a_run_whose_process_died_on_this_machine_is_marked_abandoned_at_once__AUT_01():
    last_seen = timezone.now() - timedelta(seconds=5)
    dead = _running(process_id=_dead_process_id(), heartbeat_at=last_seen)
    alive = _running()

    assert jobs.job_runs_mark_abandoned() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobRun.Status.ABANDONED
    assert dead.heartbeat_at == last_seen
    assert last_seen.isoformat() in dead.error
    assert alive.status == JobRun.Status.RUNNING
    event = AuditEvent.objects.get(action="job.run_abandoned")
    assert event.data == {"last_seen": last_seen.isoformat()}
    assert jobs.job_runs_mark_abandoned() == 0


def test_a_run_on_another_machine_is_abandoned_when_its_heartbeat_lapses__AUT_01():
    now = timezone.now()
    provider_setting_change(key="core.job_heartbeat_lapse_minutes", raw_value=30, actor=None)
    lapsed = _running(host="worker-2", process_id=1, heartbeat_at=now - timedelta(minutes=31))
    recent = _running(host="worker-2", process_id=1, heartbeat_at=now - timedelta(minutes=29))

    assert jobs.job_runs_mark_abandoned(now=now) == 1

    assert JobRun.objects.get(pk=lapsed.pk).status == JobRun.Status.ABANDONED
    assert JobRun.objects.get(pk=recent.pk).status == JobRun.Status.RUNNING


def test_a_run_marked_abandoned_by_mistake_still_stores_its_outcome():
    run = _running(host="worker-2", heartbeat_at=timezone.now() - timedelta(days=1))
    jobs.job_runs_mark_abandoned()
    context = jobs.JobContext(JobRun.objects.get(pk=run.pk))
    context.count("renewals_issued", 3)
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(), **context.report_fields()
    )
    assert JobRun.objects.get(pk=run.pk).counts == {"renewals_issued": 3}


def test_the_scheduler_pass_marks_abandoned_runs(monkeypatch):
    dead = _running(process_id=_dead_process_id())
    monkeypatch.setattr(jobs, "registered_jobs", lambda: [])
    jobs.schedule_due_jobs(timezone.now())
    assert JobRun.objects.get(pk=dead.pk).status == JobRun.Status.ABANDONED


def test_progress_writes_are_the_heartbeat():
    run = _running(heartbeat_at=timezone.now() - timedelta(hours=1))
    context = jobs.JobContext(JobRun.objects.get(pk=run.pk))
    context.progress(1, 10)
    context.flush()
    assert JobRun.objects.get(pk=run.pk).heartbeat_at > timezone.now() - timedelta(minutes=1)


def test_a_task_enqueued_in_a_transaction_that_rolls_back_is_not_queued__PRV_02():
    with transaction.atomic():
        jobs.enqueue_in_transaction(run_provisioning_operation, 12345)
        assert DBTaskResult.objects.filter(
            task_path__endswith="run_provisioning_operation"
        ).exists()
        transaction.set_rollback(True)
    assert not DBTaskResult.objects.exists()


def test_a_task_enqueued_in_a_transaction_is_written_before_its_commit__PRV_02(
    django_capture_on_commit_callbacks,
):
    """Written in the transaction itself, not by an after-commit callback that a kill right
    after the COMMIT would lose."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        jobs.enqueue_in_transaction(run_provisioning_operation, 12345)
    assert callbacks == []
    (row,) = DBTaskResult.objects.all()
    assert row.args_kwargs == {"args": [12345], "kwargs": {}}


def test_the_audit_chain_holds_after_runs_are_marked_abandoned():
    _running(process_id=_dead_process_id())
    jobs.job_runs_mark_abandoned()
    assert verify_audit_chain() == []
