"""Periodic jobs: scheduling once per slot, running through the worker, and the access log
retention job (GDPR-08)."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hostledger.accounts.models import LoginAttempt
from hostledger.core import jobs
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.privacy.retention import retention_run

NOON = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
def job_registry(monkeypatch):
    """An empty job registry for the test; the real one is back afterwards."""
    jobs.load_jobs()
    registry: dict[str, jobs.Job] = {}
    monkeypatch.setattr(jobs, "_JOBS", registry)
    return registry


def run_queued_tasks() -> None:
    """Run every queued task in this process through ``hostledger worker --batch``.

    The worker commits and closes connections as it does in production, so tests that use
    it run outside a test transaction (``django_db(transaction=True)``).
    """
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def login_attempt(occurred_at: datetime) -> LoginAttempt:
    return LoginAttempt.objects.create(
        identifier="someone@example.com", succeeded=False, occurred_at=occurred_at
    )


def test_slot_is_now_floored_to_the_interval_from_the_epoch_in_utc():
    tallinn_noon = datetime(2030, 3, 14, 14, 30, tzinfo=timezone.get_fixed_timezone(120))
    assert jobs.slot_start(tallinn_noon, timedelta(days=1)) == datetime(2030, 3, 14, tzinfo=UTC)
    assert jobs.slot_start(NOON + timedelta(minutes=7), timedelta(minutes=5)) == NOON + timedelta(
        minutes=5
    )
    assert jobs.slot_start(NOON, timedelta(days=1), timedelta(hours=13)) == datetime(
        2030, 3, 13, 13, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        jobs.slot_start(datetime(2030, 3, 14), timedelta(days=1))


def test_a_job_name_declared_by_two_functions_is_refused(job_registry):
    @jobs.periodic_job("test.twice", every=timedelta(hours=1))
    def first(run):
        pass

    with pytest.raises(RuntimeError):

        @jobs.periodic_job("test.twice", every=timedelta(hours=1))
        def second(run):
            pass


def test_privacy_retention_job_is_discovered():
    """load_jobs() imports every app's jobs module."""
    names = {item.name for item in jobs.registered_jobs()}
    assert "privacy.retention_schedule" in names
    retention = jobs.get_job("privacy.retention_schedule")
    assert retention.interval() == timedelta(days=1)


@pytest.mark.django_db
def test_schedule_due_jobs_queues_each_slot_once(job_registry):
    """Two passes in the same slot make one JobRun and one task row; the next slot another."""

    @jobs.periodic_job("test.hourly", every=timedelta(hours=1))
    def hourly(run):
        pass

    first = jobs.schedule_due_jobs(NOON + timedelta(minutes=10))
    again = jobs.schedule_due_jobs(NOON + timedelta(minutes=50))

    assert [(run.job_name, run.slot) for run in first] == [("test.hourly", NOON)]
    assert again == []
    assert JobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.QUEUED
    task_row = DBTaskResult.objects.get()
    assert str(task_row.id) == run.task_result_id
    assert task_row.task_path == "hostledger.core.jobs.execute_job_run"
    assert task_row.args_kwargs == {"args": [run.id], "kwargs": {}}

    later = jobs.schedule_due_jobs(NOON + timedelta(hours=1, minutes=1))

    assert [run.slot for run in later] == [NOON + timedelta(hours=1)]
    assert JobRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_an_interval_can_come_from_a_callable(job_registry):
    interval = {"value": timedelta(minutes=30)}

    @jobs.periodic_job("test.flexible", every=lambda: interval["value"])
    def flexible(run):
        pass

    assert [run.slot for run in jobs.schedule_due_jobs(NOON + timedelta(minutes=40))] == [
        NOON + timedelta(minutes=30)
    ]
    interval["value"] = timedelta(hours=2)
    assert [run.slot for run in jobs.schedule_due_jobs(NOON + timedelta(minutes=40))] == [NOON]


@pytest.mark.django_db
def test_a_slot_already_taken_by_another_scheduler_is_skipped(job_registry):
    """The insert that loses to the unique (job, slot) constraint queues nothing."""

    @jobs.periodic_job("test.race", every=timedelta(hours=1))
    def race(run):
        pass

    item = jobs.get_job("test.race")
    assert jobs._schedule_slot(item, NOON) is not None
    assert jobs._schedule_slot(item, NOON) is None
    assert JobRun.objects.filter(job_name="test.race").count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_one_run_on_postgresql(job_registry):
    """Concurrent schedulers on PostgreSQL: exactly one JobRun and one task for the slot."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")

    @jobs.periodic_job("test.concurrent", every=timedelta(hours=1))
    def concurrent(run):
        pass

    barrier = threading.Barrier(2)
    created: list[int] = []
    errors: list[BaseException] = []

    def scheduler():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            created.extend(run.id for run in jobs.schedule_due_jobs(NOON))
        except BaseException as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(created) == 1
    assert JobRun.objects.filter(job_name="test.concurrent").count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_job_and_stores_counts_and_log(job_registry):
    @jobs.periodic_job("test.counting", every=timedelta(days=1))
    def counting(run):
        run.count("seen", 3)
        run.count("seen")
        run.count("skipped", 0)
        run.log("three and one")

    [queued] = jobs.schedule_due_jobs(NOON)
    run_queued_tasks()

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.counts == {"seen": 4, "skipped": 0}
    assert run.log.endswith("three and one")
    assert run.error == ""
    assert run.started_at is not None
    assert run.finished_at >= run.started_at
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_stored_as_failed_with_its_error(job_registry):
    @jobs.job("test.failing")
    def failing(run):
        run.count("before_failure", 2)
        raise ValueError("the bank file is malformed")

    queued = jobs.run_job_now("test.failing")
    run_queued_tasks()

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.FAILED
    assert "Traceback" in run.error
    assert "ValueError: the bank file is malformed" in run.error
    assert run.counts == {"before_failure": 2}
    assert run.finished_at is not None
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == "FAILED"


@pytest.mark.django_db
def test_a_task_delivered_twice_runs_the_job_once(job_registry):
    calls = []

    @jobs.job("test.once")
    def once(run):
        calls.append(run.job_run.pk)

    queued = jobs.run_job_now("test.once")
    jobs.execute_job_run.call(queued.pk)
    jobs.execute_job_run.call(queued.pk)

    assert calls == [queued.pk]
    assert JobRun.objects.get(pk=queued.pk).status == JobRun.Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_progress_is_stored_on_the_run(job_registry):
    seen_during_run = []

    @jobs.job("test.progress")
    def progressing(run):
        run.progress(0, 40)
        seen_during_run.append(JobRun.objects.values_list("progress_done", "progress_total").get())
        for done in range(1, 41):
            run.progress(done)

    queued = jobs.run_job_now("test.progress")
    run_queued_tasks()

    run = JobRun.objects.get(pk=queued.pk)
    assert seen_during_run == [(0, 40)]
    assert (run.progress_done, run.progress_total) == (40, 40)
    assert run.status == JobRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_progress_writes_are_throttled(django_assert_num_queries):
    """A thousand progress reports within the write interval cost one UPDATE, not a thousand."""
    job_run = JobRun.objects.create(job_name="test.throttle", status=JobRun.Status.RUNNING)
    moments = iter([0.0, 0.1, 0.2, 0.5, 1.2, 1.3, 1.4])
    context = jobs.JobContext(job_run, write_interval=1.0, clock=lambda: next(moments))

    with django_assert_num_queries(1):
        context.progress(1, 1000)  # first report: written
        for done in (2, 3, 4):
            context.progress(done)  # within a second of the last write: kept in memory
    assert JobRun.objects.get(pk=job_run.pk).progress_done == 1

    with django_assert_num_queries(1):
        context.progress(5)  # a second and more later: written
        context.progress(6)
    assert JobRun.objects.get(pk=job_run.pk).progress_done == 5

    context.count("done", 6)
    context.flush()
    stored = JobRun.objects.get(pk=job_run.pk)
    assert (stored.progress_done, stored.counts) == (6, {"done": 6})


@pytest.mark.django_db
def test_the_log_keeps_the_latest_lines_within_its_bound(monkeypatch):
    monkeypatch.setattr(jobs, "LOG_MAX_CHARS", 1_000)
    job_run = JobRun.objects.create(job_name="test.log", status=JobRun.Status.RUNNING)
    context = jobs.JobContext(job_run)

    for number in range(200):
        context.log(f"line {number:03d}")
    context.flush()

    log = JobRun.objects.get(pk=job_run.pk).log
    assert len(log) <= 1_100
    assert log.endswith("line 199")
    assert "line 000" not in log
    assert log.startswith("[") and "earlier lines dropped]" in log.splitlines()[0]


@pytest.mark.django_db
def test_run_now_queues_an_unscheduled_run_for_staff(job_registry, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.com", password="x" * 12)

    @jobs.periodic_job("test.manual", every=timedelta(days=1))
    def manual(run):
        pass

    queued = jobs.run_job_now("test.manual", actor=staff)
    again = jobs.run_job_now("test.manual", actor=staff)

    assert queued.slot is None and again.slot is None
    assert queued.triggered_by == staff
    assert DBTaskResult.objects.count() == 2
    assert [run.pk for run in jobs.recent_job_runs(10)] == [again.pk, queued.pk]
    assert [run.pk for run in jobs.recent_job_runs(1)] == [again.pk]
    assert jobs.job_run_detail(queued.pk).triggered_by == staff
    with pytest.raises(NotFound):
        jobs.job_run_detail(queued.pk + 1000)
    with pytest.raises(DomainError) as refused:
        jobs.run_job_now("test.no_such_job")
    assert refused.value.code == "unknown_job"
    assert JobRun.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_retention_job_deletes_only_sign_ins_older_than_the_retention__GDPR_08():
    now = timezone.now()
    expired = [
        login_attempt(now - timedelta(days=61)),
        login_attempt(now - timedelta(days=60, seconds=1)),
    ]
    kept = [
        login_attempt(now - timedelta(days=59, hours=23)),
        login_attempt(now - timedelta(days=1)),
        login_attempt(now),
    ]

    queued = jobs.run_job_now("privacy.retention_schedule")
    run_queued_tasks()

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.counts["access_logs"] == 2
    remaining = set(LoginAttempt.objects.values_list("pk", flat=True))
    assert remaining == {attempt.pk for attempt in kept}
    assert not remaining & {attempt.pk for attempt in expired}


@pytest.mark.django_db(transaction=True)
def test_the_retention_job_honours_a_changed_access_log_retention__GDPR_08():
    now = timezone.now()
    login_attempt(now - timedelta(days=45))
    recent = login_attempt(now - timedelta(days=29))
    provider_setting_change(key="privacy.access_log_retention_days", raw_value=30)

    queued = jobs.run_job_now("privacy.retention_schedule")
    run_queued_tasks()

    assert JobRun.objects.get(pk=queued.pk).counts["access_logs"] == 1
    assert list(LoginAttempt.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_old_sign_ins_are_deleted_one_statement_per_chunk__GDPR_08():
    now = timezone.now()
    for days in range(61, 66):
        login_attempt(now - timedelta(days=days))
    kept = login_attempt(now - timedelta(days=3))

    with CaptureQueriesContext(connection) as queries:
        run = retention_run(now=now, chunk_size=2)

    deletes = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("DELETE") and "accounts_loginattempt" in query["sql"]
    ]
    assert run.counts["access_logs"] == 5
    assert len(deletes) == 3
    assert list(LoginAttempt.objects.values_list("pk", flat=True)) == [kept.pk]
