"""Background jobs: the registry of periodic jobs, their runs and the scheduler's one pass.

An app declares a job in its ``jobs.py`` with :func:`periodic_job` on a plain function that
takes a :class:`JobContext`::

    @periodic_job("privacy.purge_expired_sessions", every=timedelta(days=1))
    def purge_expired_sessions(run: JobContext) -> None:
        run.count("deleted", sessions_expired_purge(now=run.now))

Every run is a :class:`~hostledger.core.models.JobRun` row. The scheduler
(``hostledger scheduler``) calls :func:`schedule_due_jobs` every few seconds: it inserts one
JobRun per job and time slot and, in the same transaction, enqueues the :func:`execute_job_run`
task through ``django.tasks``. The unique constraint on (job name, slot) makes a second
scheduler's insert fail, so each slot runs once however many schedulers run (habit 2). The
worker (``hostledger worker``) executes the task: it marks the JobRun running, calls the job
function and stores the outcome, counts, progress and log.

All jobs share the one task :func:`execute_job_run`, because the database backend stores a
task by its import path; the JobRun row says which job to call.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django_tasks_db import DatabaseBackend

from hostledger.core import conf
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import JobRun
from hostledger.core.registry import setting_value

logger = logging.getLogger("hostledger.jobs")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# How often a running job writes its progress, counts and log to its JobRun row, at most.
PROGRESS_WRITE_SECONDS = 1.0
# The log kept on a JobRun: the most recent lines up to this many characters.
LOG_MAX_CHARS = 64_000
LOG_LINE_MAX_CHARS = 2_000
# The error kept on a failed JobRun: the end of the traceback up to this many characters.
ERROR_MAX_CHARS = 20_000

JobFunction = Callable[["JobContext"], None]
Interval = timedelta | Callable[[], timedelta]


@dataclass(frozen=True)
class Job:
    """A registered job: its name, the function that does the work and, for a periodic job,
    how often it runs.

    ``every`` is a timedelta or a callable returning one (so the interval can come from a
    provider setting); ``None`` means the job only runs when staff start it. Slots are aligned
    to the Unix epoch in UTC, shifted by ``offset``: a daily job with ``offset=3h`` has one
    slot per day starting at 03:00 UTC.
    """

    name: str
    function: JobFunction
    every: Interval | None = None
    offset: timedelta = timedelta(0)
    description: str = ""

    @property
    def is_periodic(self) -> bool:
        return self.every is not None

    def interval(self) -> timedelta:
        """The interval in force; raises ValueError if it is not a positive timedelta."""
        every = self.every() if callable(self.every) else self.every
        if not isinstance(every, timedelta) or every <= timedelta(0):
            raise ValueError(f"Job {self.name}: interval {every!r} is not a positive timedelta.")
        return every

    def slot_for(self, now: datetime) -> datetime:
        """The start of the time slot ``now`` falls in, in UTC."""
        return slot_start(now, self.interval(), self.offset)

    @property
    def function_path(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


def slot_start(now: datetime, interval: timedelta, offset: timedelta = timedelta(0)) -> datetime:
    """``now`` floored to ``interval``, counting from the Unix epoch (UTC) plus ``offset``."""
    if timezone.is_naive(now):
        raise ValueError("slot_start needs an aware datetime.")
    elapsed = now.astimezone(UTC) - EPOCH - offset
    return EPOCH + offset + (elapsed // interval) * interval


_JOBS: dict[str, Job] = {}
_loaded = False
_load_lock = threading.Lock()


def _register(job: Job) -> None:
    existing = _JOBS.get(job.name)
    if existing is not None and existing.function_path != job.function_path:
        raise RuntimeError(
            f"Job {job.name} is declared twice: {existing.function_path} and {job.function_path}."
        )
    _JOBS[job.name] = job


def periodic_job(
    name: str, *, every: Interval, offset: timedelta = timedelta(0), description: str = ""
) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn(run: JobContext) -> None`` to run once per ``every``.

    The function is returned unchanged, so it can also be called directly. Its runs are
    executed by the shared task :func:`execute_job_run`.
    """
    if isinstance(every, timedelta) and every <= timedelta(0):
        raise ValueError(f"Job {name}: every must be a positive timedelta.")

    def decorator(function: JobFunction) -> JobFunction:
        _register(
            Job(
                name=name,
                function=function,
                every=every,
                offset=offset,
                description=description or (function.__doc__ or "").strip().split("\n")[0],
            )
        )
        return function

    return decorator


def job(name: str, *, description: str = "") -> Callable[[JobFunction], JobFunction]:
    """Register ``fn(run: JobContext) -> None`` as a job that only runs when started with
    :func:`run_job_now` (by staff or by code)."""

    def decorator(function: JobFunction) -> JobFunction:
        summary = description or (function.__doc__ or "").strip().split("\n")[0]
        _register(Job(name=name, function=function, description=summary))
        return function

    return decorator


def load_jobs() -> None:
    """Import every installed app's ``jobs`` module so that all jobs are registered."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            autodiscover_modules("jobs")
            _loaded = True


def registered_jobs() -> list[Job]:
    """Every registered job, periodic or not, by name."""
    load_jobs()
    return sorted(_JOBS.values(), key=lambda item: item.name)


def get_job(name: str) -> Job:
    """The registered job called ``name``; DomainError ``unknown_job`` if there is none."""
    load_jobs()
    try:
        return _JOBS[name]
    except KeyError:
        raise DomainError(
            "unknown_job",
            gettext("No job named %(name)s is registered.") % {"name": name},
            fields={"name": "unknown job"},
        ) from None


class JobContext:
    """What a running job reports through: progress, counts and log lines.

    Progress, counts and log are written to the JobRun row at most once per
    ``write_interval`` seconds while the job runs, and once more when it ends.
    """

    def __init__(
        self,
        job_run: JobRun,
        *,
        now: datetime | None = None,
        write_interval: float = PROGRESS_WRITE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.job_run = job_run
        self.now = now or job_run.started_at or timezone.now()
        self.counts: dict[str, int] = dict(job_run.counts or {})
        self.progress_done = job_run.progress_done
        self.progress_total = job_run.progress_total
        self._lines: deque[str] = deque(job_run.log.splitlines() if job_run.log else ())
        self._log_chars = sum(len(line) + 1 for line in self._lines)
        self._dropped_lines = 0
        self._write_interval = write_interval
        self._clock = clock
        self._last_write: float | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        """Report ``done`` items of ``total``; written now unless written less than
        ``write_interval`` seconds ago (the last value is always written at the end)."""
        self.progress_done = int(done)
        if total is not None:
            self.progress_total = int(total)
        finished = self.progress_total is not None and self.progress_done >= self.progress_total
        self._write(force=finished)

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name`` (e.g. "deleted", "invoices_issued")."""
        self.counts[name] = self.counts.get(name, 0) + int(n)

    def log(self, line: str) -> None:
        """Append a line to the run's log; only the most recent lines are kept."""
        text = str(line).replace("\r", "")
        logger.info("%s: %s", self.job_run.job_name, text)
        for part in text.split("\n"):
            if len(part) > LOG_LINE_MAX_CHARS:
                part = part[: LOG_LINE_MAX_CHARS - 1] + "…"
            stamped = f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {part}"
            self._lines.append(stamped)
            self._log_chars += len(stamped) + 1
        while self._log_chars > LOG_MAX_CHARS and len(self._lines) > 1:
            self._log_chars -= len(self._lines.popleft()) + 1
            self._dropped_lines += 1

    @property
    def log_text(self) -> str:
        """The kept log, noting how many earlier lines were dropped."""
        lines = list(self._lines)
        if self._dropped_lines:
            lines.insert(0, f"[{self._dropped_lines} earlier lines dropped]")
        return "\n".join(lines)

    def report_fields(self) -> dict:
        """The JobRun fields this context owns, as they stand now."""
        return {
            "progress_done": self.progress_done,
            "progress_total": self.progress_total,
            "counts": self.counts,
            "log": self.log_text,
        }

    def flush(self) -> None:
        """Write progress, counts and log to the JobRun row now."""
        self._write(force=True)

    def _write(self, *, force: bool) -> None:
        moment = self._clock()
        if (
            not force
            and self._last_write is not None
            and moment - self._last_write < self._write_interval
        ):
            return
        JobRun.objects.filter(pk=self.job_run.pk).update(
            heartbeat_at=timezone.now(), **self.report_fields()
        )
        self._last_write = moment


def _this_host() -> str:
    return socket.gethostname()[:255]


def _here(now: datetime) -> dict:
    """The JobRun fields that say a run is alive in this process now."""
    return {"host": _this_host(), "process_id": os.getpid(), "heartbeat_at": now}


def job_run_begin(job_name: str) -> JobRun:
    """Store a run of ``job_name`` that starts now in this process (a command run by hand or
    by cron rather than by a worker), after marking earlier runs whose process is gone."""
    job_runs_mark_abandoned()
    now = timezone.now()
    return JobRun.objects.create(
        job_name=job_name, status=JobRun.Status.RUNNING, started_at=now, **_here(now)
    )


def _process_gone(process_id: int | None) -> bool:
    if not process_id:
        return False
    try:
        os.kill(process_id, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user has that id: it exists
        return False
    return False


def job_runs_mark_abandoned(*, now: datetime | None = None) -> int:
    """Mark every running job run whose process is gone as abandoned; return how many.

    A run on this machine is gone as soon as its process is (killed, crashed); a run on
    another machine when it has sent no news for ``core.job_heartbeat_lapse_minutes``. The
    time it was last seen stays in ``heartbeat_at``. A run marked by mistake (a long silent
    step on a far machine) still stores its outcome when it ends. Called by the scheduler on
    every pass and by every run the billing-run command starts.
    """
    now = now or timezone.now()
    lapsed_before = now - timedelta(minutes=setting_value(conf.JOB_HEARTBEAT_LAPSE_MINUTES))
    host = _this_host()
    running = JobRun.objects.filter(status=JobRun.Status.RUNNING).only(
        "pk", "host", "process_id", "heartbeat_at", "started_at"
    )
    abandoned = 0
    for run in running:
        last_seen = run.heartbeat_at or run.started_at
        gone = (run.host == host and _process_gone(run.process_id)) or (
            last_seen is not None and last_seen < lapsed_before
        )
        if not gone:
            continue
        with transaction.atomic():
            moved = JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
                status=JobRun.Status.ABANDONED,
                error=(
                    "The process running this job stopped before it finished "
                    f"(last seen {last_seen.isoformat() if last_seen else 'never'}, "
                    f"process {run.process_id or '?'} on {run.host or 'an unknown machine'})."
                ),
            )
            if moved:
                record_audit_event(
                    action="job.run_abandoned",
                    obj=run,
                    data={"last_seen": last_seen.isoformat() if last_seen else None},
                )
                abandoned += moved
    if abandoned:
        logger.warning("Marked %s job run(s) abandoned: their process is gone.", abandoned)
    return abandoned


def enqueue_in_transaction(task_to_enqueue, *args, work: Callable[[], None] | None = None):
    """Enqueue ``task_to_enqueue`` so that it is queued exactly when the caller's transaction
    commits, even if the process dies right after the COMMIT; ``work`` (e.g. marking what the
    task was handed) goes with the enqueue.

    The database task backend writes its row in the caller's transaction, so the task is
    enqueued at once: it commits with the work it carries or not at all. A backend outside the
    database (Redis) cannot join the transaction; there the task is enqueued after the commit,
    and the periodic sweeps redo what a death between the two would lose.
    """

    def enqueue() -> None:
        if work is not None:
            work()
        task_to_enqueue.enqueue(*args)

    if isinstance(task_to_enqueue.get_backend(), DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)


@task()
def execute_job_run(job_run_id: int) -> dict:
    """Run the job a queued JobRun names and store how it went.

    The JobRun is moved from queued to running with a conditional UPDATE, so a task delivered
    twice runs the job once. A failure is stored on the JobRun (status, error with traceback)
    and raised again, so the task result shows it too.
    """
    started_at = timezone.now()
    claimed = JobRun.objects.filter(pk=job_run_id, status=JobRun.Status.QUEUED).update(
        status=JobRun.Status.RUNNING, started_at=started_at, **_here(started_at)
    )
    if not claimed:
        logger.warning("JobRun %s is not queued any more; nothing to do.", job_run_id)
        return {"job_run": job_run_id, "status": "skipped"}
    job_run = JobRun.objects.get(pk=job_run_id)
    context = JobContext(job_run, now=started_at)
    try:
        get_job(job_run.job_name).function(context)
    except BaseException as error:
        JobRun.objects.filter(pk=job_run_id).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=_error_text(error),
            **context.report_fields(),
        )
        logger.exception("Job %s (run %s) failed.", job_run.job_name, job_run_id)
        raise
    JobRun.objects.filter(pk=job_run_id).update(
        status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(), **context.report_fields()
    )
    return {"job_run": job_run_id, "status": JobRun.Status.SUCCEEDED, "counts": context.counts}


def _error_text(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error))
    if isinstance(error, DomainError):
        text = f"{error.code}: {error.message}\n{text}"
    if len(text) > ERROR_MAX_CHARS:
        text = "…" + text[-(ERROR_MAX_CHARS - 1) :]
    return text


def _enqueue(job_run: JobRun) -> JobRun:
    """Enqueue the task for a JobRun just inserted, inside the caller's transaction."""
    result = execute_job_run.enqueue(job_run.pk)
    job_run.task_result_id = str(result.id)
    job_run.save(update_fields=["task_result_id"])
    return job_run


def schedule_due_jobs(now: datetime) -> list[JobRun]:
    """Queue every periodic job whose current time slot has no run yet; return the new runs.

    One transaction per job: the JobRun insert (in a savepoint, so another scheduler's row
    for the same slot makes it a no-op) and the task row commit together or not at all.
    Runs whose process is gone are marked abandoned first.
    """
    job_runs_mark_abandoned(now=now)
    due: dict[str, tuple[Job, datetime]] = {}
    for item in registered_jobs():
        if not item.is_periodic:
            continue
        try:
            due[item.name] = (item, item.slot_for(now))
        except Exception:
            logger.exception("Job %s: cannot work out its time slot; skipped.", item.name)
    if not due:
        return []
    already = set(
        JobRun.objects.filter(
            job_name__in=due, slot__in={slot for _, slot in due.values()}
        ).values_list("job_name", "slot")
    )
    created = []
    for name, (item, slot) in due.items():
        if (name, slot) in already:
            continue
        job_run = _schedule_slot(item, slot)
        if job_run is not None:
            created.append(job_run)
    return created


def _schedule_slot(item: Job, slot: datetime) -> JobRun | None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                job_run = JobRun.objects.create(
                    job_name=item.name, slot=slot, status=JobRun.Status.QUEUED
                )
        except IntegrityError:
            return None  # another scheduler queued this slot first
        return _enqueue(job_run)


@transaction.atomic
def run_job_now(name: str, *, actor=None) -> JobRun:
    """Queue a run of the job ``name`` outside its schedule (staff "run now")."""
    item = get_job(name)
    with transaction.atomic():
        job_run = JobRun.objects.create(
            job_name=item.name, slot=None, status=JobRun.Status.QUEUED, triggered_by=actor
        )
        record_audit_event(
            action="job.run_requested", actor=actor, obj=job_run, data={"job": item.name}
        )
        return _enqueue(job_run)


def recent_job_runs(limit: int = 50, *, job_name: str | None = None) -> list[JobRun]:
    """The latest job runs, newest first, for the staff jobs page."""
    runs = JobRun.objects.select_related("triggered_by").defer("log", "error")
    if job_name:
        runs = runs.filter(job_name=job_name)
    return list(runs.order_by("-enqueued_at", "-id")[:limit])


def job_run_detail(job_run_id: int) -> JobRun:
    """One job run with its log and error; NotFound if there is no such run."""
    try:
        return JobRun.objects.select_related("triggered_by").get(pk=job_run_id)
    except (JobRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("job run") from None


def job_runs_newest_first():
    """Every job run, newest first, without its log (the staff API's list)."""
    return (
        JobRun.objects.select_related("triggered_by")
        .defer("log", "error")
        .order_by("-enqueued_at", "-id")
    )
