"""``hostledger billing-run [--as-of TIMESTAMP]``: run the billing run now (AUT-01).

Without ``--as-of`` it runs as of now. With it, as of that moment, to catch up after
downtime or to drive tests; a moment before the latest run is refused, since time only
moves forward. The run is stored as a job run, so staff see it on the jobs page; a run
whose process was killed is marked abandoned when the next one starts.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hostledger.automation.jobs import JOB_NAME
from hostledger.core.errors import DomainError
from hostledger.core.jobs import JobContext, job_run_begin
from hostledger.core.models import JobRun


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: '{text}' is not an ISO 8601 date or date and time.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Run the billing run now, or as of a moment (time only moves forward)."
    # A batch job started by cron or an operator: Django's system checks (which import every
    # URL and page module) would only delay it; `hostledger check` runs them.
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="ISO 8601 moment, e.g. 2026-12-01T06:00 (local time unless an offset is given).",
        )

    def handle(self, *args, as_of: str | None, verbosity: int, **options) -> None:
        from hostledger.automation.run import billing_run

        moment = parse_moment(as_of) if as_of else timezone.now()
        job_run = job_run_begin(JOB_NAME)
        context = JobContext(job_run, now=moment)
        try:
            counts = billing_run(as_of=moment, context=context)
        except DomainError as error:
            JobRun.objects.filter(pk=job_run.pk).update(
                status=JobRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{error.code}: {error.message}",
                **context.report_fields(),
            )
            raise CommandError(error.message) from None
        except BaseException as error:
            JobRun.objects.filter(pk=job_run.pk).update(
                status=JobRun.Status.FAILED,
                finished_at=timezone.now(),
                error=repr(error)[:2000],
                **context.report_fields(),
            )
            raise
        JobRun.objects.filter(pk=job_run.pk).update(
            status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(), **context.report_fields()
        )
        if verbosity:
            summary = ", ".join(f"{name}={value}" for name, value in sorted(counts.items()))
            self.stdout.write(f"Billing run as of {moment.isoformat()}: {summary or 'nothing due'}")
