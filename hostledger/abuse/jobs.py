"""The abuse desk's periodic job: the deadlines of the cases, every hour (ABU-02, ABU-03)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from hostledger.abuse.deadlines import abuse_deadlines_run
from hostledger.core.jobs import JobContext, periodic_job

JOB_NAME = "abuse.deadlines"


@periodic_job(JOB_NAME, every=timedelta(hours=1))
def run_abuse_deadlines(run: JobContext) -> None:
    """Suspend the services of abuse cases whose deadline passed, propose terminations and
    erase reporters' details past their retention."""
    for name, value in asdict(abuse_deadlines_run(now=run.now)).items():
        run.count(name, value)
