"""Periodic jobs of DNS hosting: retries of failed pushes and lost tasks (PRV-02), and
zones and PTR records whose service or addresses ended (DOM-04, SUP-06)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.dns.actions import (
    ptrs_of_released_allocations_remove,
    zone_pushes_sweep,
    zones_of_ended_services_close,
)

SWEEP_EVERY = timedelta(minutes=1)
"""How often the sweep runs; it only bounds how late a retry starts (the delays themselves
are the provisioning settings)."""
TIDY_EVERY = timedelta(minutes=15)
"""How often zones of ended services and PTRs of released addresses are taken down."""


@periodic_job("dns.sweep", every=SWEEP_EVERY)
def sweep_zone_pushes(run: JobContext) -> None:
    """Hand pushes of zones due for a retry, and pushes whose task was lost, to the workers."""
    run.count("handed_to_worker", zone_pushes_sweep(now=run.now))


@periodic_job("dns.tidy", every=TIDY_EVERY)
def tidy_zones(run: JobContext) -> None:
    """Remove the zones of terminated services and the PTR records of released addresses."""
    run.count("zones_closed", zones_of_ended_services_close(now=run.now))
    run.count("ptrs_removed", ptrs_of_released_allocations_remove())
