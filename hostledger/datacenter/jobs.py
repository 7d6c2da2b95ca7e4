"""Periodic jobs of the data centre: the daily check of the IP usage rule (SUP-06)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.flows.ip_usage import ip_usage_check


@periodic_job(
    "datacenter.ip_usage_check",
    every=timedelta(days=1),
    offset=timedelta(hours=5),
    description="Warn clients whose IP addresses are under-used and propose reclaiming them "
    "to staff once the time to remedy has run out (SUP-06, AUT-06).",
)
def check_ip_usage(run: JobContext) -> None:
    """Check every live IPv4 allocation against the usage rule."""
    report = ip_usage_check(now=run.now)
    run.count("checked", report.checked)
    run.count("warned", report.warned)
    run.count("proposed", report.proposed)
    run.count("cleared", report.cleared)
