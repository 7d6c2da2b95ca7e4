"""Periodic job of the incidents app: compensation of interruptions (BIL-09, SUP-03)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.incidents.actions import compensations_grant

JOB_NAME = "incidents.compensations_grant"


@periodic_job(JOB_NAME, every=timedelta(hours=1))
def compensations_grant_job(run: JobContext) -> None:
    """Compensate last month's confirmed interruptions, once per service and month."""
    run.count("compensations", compensations_grant(now=run.now))
