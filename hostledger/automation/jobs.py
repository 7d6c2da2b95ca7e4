"""The billing run as a periodic job (AUT-01): staff watch its progress, counts, duration
and errors on the jobs page like any other job."""

from __future__ import annotations

from datetime import timedelta

from hostledger.automation import conf
from hostledger.core.jobs import JobContext, periodic_job
from hostledger.core.registry import setting_value
from hostledger.flows import bulk_actions  # noqa: F401  (registers the staff bulk actions' jobs)

JOB_NAME = "automation.billing_run"


def run_interval() -> timedelta:
    return timedelta(minutes=setting_value(conf.RUN_INTERVAL_MINUTES))


@periodic_job(JOB_NAME, every=run_interval)
def run_billing(run: JobContext) -> None:
    """Charge, renew, remind, suspend, resume and accrue penalties for everything due now.

    If a run was made as of a later moment (a catch-up with ``--as-of``), the scheduled run
    goes as of that moment, since time only moves forward."""
    from hostledger.automation.models import BillingClock
    from hostledger.automation.run import CLOCK_ID, billing_run

    latest = BillingClock.objects.filter(pk=CLOCK_ID).values_list("as_of", flat=True).first()
    billing_run(as_of=max(run.now, latest) if latest else run.now, context=run)
