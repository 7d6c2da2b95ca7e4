"""The billing run as a periodic job (AUT-01): staff watch its progress, counts, duration
and errors on the jobs page like any other job."""

from __future__ import annotations

from datetime import timedelta

from hostledger.automation import conf
from hostledger.core.jobs import JobContext, periodic_job
from hostledger.core.registry import setting_value

JOB_NAME = "automation.billing_run"


def run_interval() -> timedelta:
    return timedelta(minutes=setting_value(conf.RUN_INTERVAL_MINUTES))


@periodic_job(JOB_NAME, every=run_interval)
def run_billing(run: JobContext) -> None:
    """Charge, renew, remind, suspend, resume and accrue penalties for everything due now."""
    from hostledger.automation.run import billing_run

    billing_run(as_of=run.now, context=run)
