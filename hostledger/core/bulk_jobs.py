"""Bulk actions: one staff action applied to a selection of rows as one background job.

An app declares a bulk action in its ``jobs.py`` (or a module that one imports) with
:func:`bulk_action` on a function that applies the action to one row::

    @bulk_action("services.suspend", permitted=can_manage_services)
    def services_suspend(*, public_id: str, actor, parameters: dict, key: str) -> None:
        service_suspend(service=staff_service(public_id), actor=actor, reason=parameters["reason"])

The function raises :class:`~hostledger.core.errors.DomainError` (NotFound, PermissionDenied,
a wrong state) to have the row skipped with the error's message as the reason. ``key`` is
the same for every row of one job (``bulk<run id>``); actions that queue messages under a key
put it in theirs.

Staff queue a job with :func:`bulk_job_queue`: ``permitted(actor)`` is checked then, and again
before every row, so a permission taken away while the job runs stops the rest (each such
row is reported, not done). The worker runs the job like any other (a
:class:`~hostledger.core.models.JobRun` named ``bulk.<action>``, with progress and counts on
the jobs page). Every row is applied in its own transaction together with the update of its
:class:`~hostledger.core.models.BulkJobItem`: a failing row is recorded with its reason and the
rest go on, and a run resumed after a crash (:func:`bulk_job_resume`) does only the rows not
done yet, so nothing is suspended or reminded twice. Queueing, resuming and the end of a run
are in the audit trail; each row's action writes its own history as when done one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.jobs import JobContext, execute_job_run, job
from hostledger.core.models import BulkJob, BulkJobItem, JobRun

logger = logging.getLogger("hostledger.jobs")

JOB_PREFIX = "bulk."
# The most rows one bulk job takes: the staff lists show at most a few hundred per page.
BULK_MAX_ROWS = 1000
PUBLIC_ID_MAX_CHARS = 64

RowFunction = Callable[..., None]


@dataclass(frozen=True)
class BulkAction:
    """A declared bulk action: its name, who may do it and the function doing one row."""

    name: str
    function: RowFunction
    permitted: Callable[[object], bool]
    description: str = ""

    @property
    def job_name(self) -> str:
        return f"{JOB_PREFIX}{self.name}"


_ACTIONS: dict[str, BulkAction] = {}


def bulk_action(
    name: str, *, permitted: Callable[[object], bool], description: str = ""
) -> Callable[[RowFunction], RowFunction]:
    """Register ``fn(*, public_id, actor, parameters, key) -> None`` as the bulk action
    ``name``, done by staff for whom ``permitted(user)`` is true. Its runs are the job
    ``bulk.<name>``."""

    def decorator(function: RowFunction) -> RowFunction:
        summary = description or (function.__doc__ or "").strip().split("\n")[0]
        declared = BulkAction(
            name=name, function=function, permitted=permitted, description=summary
        )
        _ACTIONS[name] = declared
        job(declared.job_name, description=summary)(run_bulk_job)
        return function

    return decorator


def get_bulk_action(name: str) -> BulkAction:
    """The bulk action called ``name``; DomainError ``unknown_bulk_action`` if there is none."""
    try:
        return _ACTIONS[name]
    except KeyError:
        raise DomainError(
            "unknown_bulk_action",
            f"No bulk action named {name} is registered.",
            fields={"action": "unknown action"},
        ) from None


def _clean_ids(public_ids: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in public_ids:
        public_id = str(value or "").strip()
        if not public_id or public_id in seen:
            continue
        if len(public_id) > PUBLIC_ID_MAX_CHARS:
            raise DomainError(
                "invalid_input",
                "A selected id is too long.",
                fields={"ids": f"at most {PUBLIC_ID_MAX_CHARS} characters each"},
            )
        seen.add(public_id)
        cleaned.append(public_id)
    if not cleaned:
        raise DomainError("invalid_input", "Select at least one row.", fields={"ids": "required"})
    if len(cleaned) > BULK_MAX_ROWS:
        raise DomainError(
            "invalid_input",
            f"Select at most {BULK_MAX_ROWS} rows at a time.",
            fields={"ids": f"at most {BULK_MAX_ROWS}"},
        )
    return cleaned


@transaction.atomic
def bulk_job_queue(
    *, action: str, public_ids: Iterable[str], actor, parameters: dict | None = None
) -> JobRun:
    """Queue one job applying ``action`` with ``parameters`` to the rows ``public_ids`` as
    ``actor``; PermissionDenied (nothing queued) if the actor may not do the action."""
    declared = get_bulk_action(action)
    if actor is None or not declared.permitted(actor):
        raise PermissionDenied(f"You may not {declared.description.lower() or action}.")
    ids = _clean_ids(public_ids)
    job_run = JobRun.objects.create(
        job_name=declared.job_name,
        status=JobRun.Status.QUEUED,
        triggered_by=actor,
        progress_total=len(ids),
    )
    bulk = BulkJob.objects.create(
        job_run=job_run, action=declared.name, parameters=dict(parameters or {}), actor=actor
    )
    BulkJobItem.objects.bulk_create(
        BulkJobItem(bulk_job=bulk, position=position, public_id=public_id)
        for position, public_id in enumerate(ids)
    )
    record_audit_event(
        action="bulk_job.queued",
        actor=actor,
        obj=job_run,
        data={"action": declared.name, "rows": len(ids), "parameters": bulk.parameters},
    )
    _enqueue(job_run)
    return job_run


def _enqueue(job_run: JobRun) -> None:
    """Enqueue the run's task in the caller's transaction (the database task backend commits
    it with the job's rows or not at all)."""
    result = execute_job_run.enqueue(job_run.pk)
    JobRun.objects.filter(pk=job_run.pk).update(task_result_id=str(result.id))


@transaction.atomic
def bulk_job_resume(*, job_run_id: int, actor) -> JobRun:
    """Queue again a bulk job whose run failed or was abandoned (its process died): the new
    run does only the rows not done yet. Needs the action's permission."""
    bulk = (
        BulkJob.objects.select_related("job_run").select_for_update().filter(job_run_id=job_run_id)
    ).first()
    if bulk is None:
        raise NotFound("bulk job")
    declared = get_bulk_action(bulk.action)
    if actor is None or not declared.permitted(actor):
        raise PermissionDenied(f"You may not {declared.description.lower() or bulk.action}.")
    moved = JobRun.objects.filter(
        pk=job_run_id, status__in=(JobRun.Status.FAILED, JobRun.Status.ABANDONED)
    ).update(status=JobRun.Status.QUEUED, finished_at=None, error="")
    if not moved:
        raise DomainError(
            "bulk_job_not_stopped",
            "Only a bulk job that failed or whose process stopped can be resumed.",
            fields={"status": "queued, running or finished"},
            status=409,
        )
    record_audit_event(action="bulk_job.resumed", actor=actor, obj=bulk.job_run)
    _enqueue(bulk.job_run)
    return JobRun.objects.get(pk=job_run_id)


def _summary(bulk: BulkJob) -> dict[str, int]:
    counts = {state: 0 for state in BulkJobItem.State.values}
    for state in bulk.items.values_list("state", flat=True):
        counts[state] += 1
    return counts


def run_bulk_job(run: JobContext) -> None:
    """Apply a bulk job's action to each of its rows not done yet, one transaction per row."""
    bulk = BulkJob.objects.select_related("actor").filter(job_run_id=run.job_run.pk).first()
    if bulk is None:
        raise DomainError(
            "bulk_job_without_rows",
            "A bulk job is started from a staff list, with the rows selected there.",
        )
    declared = get_bulk_action(bulk.action)
    actor = bulk.actor
    key = f"bulk{run.job_run.pk}"
    total = bulk.items.count()
    pending = list(bulk.items.filter(state=BulkJobItem.State.PENDING).values_list("pk", flat=True))
    finished = total - len(pending)
    run.progress(finished, total)
    for item_pk in pending:
        state, public_id = _apply_row(declared, bulk, item_pk, actor=actor, key=key)
        if state is not None:
            run.count(state)
            run.log(f"{public_id}: {state}")
        finished += 1
        run.progress(finished, total)
    summary = _summary(bulk)
    run.counts.update({state: summary[state] for state in ("done", "skipped")})
    run.flush()
    record_audit_event(
        action="bulk_job.finished",
        actor=actor,
        obj=run.job_run,
        data={"action": bulk.action, **summary},
    )


def _apply_row(declared: BulkAction, bulk: BulkJob, item_pk: int, *, actor, key: str):
    """Apply the action to one row and record how it went, in one transaction; the row's
    state, or None if another run took it meanwhile."""
    with transaction.atomic():
        item = (
            BulkJobItem.objects.select_for_update()
            .filter(pk=item_pk, state=BulkJobItem.State.PENDING)
            .first()
        )
        if item is None:
            return None, ""
        reason = ""
        # Read afresh for each row, so a permission taken away meanwhile counts at once.
        actor = (
            get_user_model().objects.filter(pk=actor.pk, is_active=True).first() if actor else None
        )
        if actor is None or not declared.permitted(actor):
            reason = _("The staff member who started the job may not do this any more.")
        else:
            try:
                with transaction.atomic():
                    declared.function(
                        public_id=item.public_id,
                        actor=actor,
                        parameters=bulk.parameters,
                        key=key,
                    )
            except DomainError as error:
                reason = error.message
            except Exception as error:  # a row's failure never stops the others
                logger.exception("Bulk job %s: row %s failed.", bulk.job_run_id, item.public_id)
                reason = _("Unexpected error (%(kind)s); see the server log.") % {
                    "kind": type(error).__name__
                }
        item.state = BulkJobItem.State.SKIPPED if reason else BulkJobItem.State.DONE
        item.reason = reason
        item.finished_at = timezone.now()
        item.save(update_fields=["state", "reason", "finished_at"])
        return item.state, item.public_id


def bulk_job_for_staff(job_run_id) -> tuple[JobRun, BulkJob, list[BulkJobItem]]:
    """A bulk job's run, the job and its rows in the order selected; NotFound if none."""
    try:
        bulk = BulkJob.objects.select_related("job_run", "actor").get(job_run_id=int(job_run_id))
    except (BulkJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("bulk job") from None
    return bulk.job_run, bulk, list(bulk.items.order_by("position"))


def bulk_job_visible_to(bulk: BulkJob, user, *, sees_all_jobs: bool) -> bool:
    """Whether ``user`` may read the job's page: who started it, or staff who see job runs."""
    return sees_all_jobs or (user is not None and bulk.actor_id == user.pk)
