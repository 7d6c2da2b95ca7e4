"""Periodic jobs of provisioning: retries of failed module calls and lost tasks (PRV-02)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.flows.usage_collection import usage_collect
from hostledger.provisioning.actions import provisioning_operations_sweep

SWEEP_EVERY = timedelta(minutes=1)
"""How often the sweep runs. A fixed interval, not a provider setting: it only bounds how
late a retry may start; the retry delays themselves are the settings
``provisioning.retry_base_seconds`` and ``provisioning.retry_max_seconds``."""


@periodic_job("provisioning.sweep", every=SWEEP_EVERY)
def sweep_provisioning_operations(run: JobContext) -> None:
    """Hand module calls due for a retry, and calls whose task was lost, to the workers."""
    run.count("handed_to_worker", provisioning_operations_sweep(now=run.now))


@periodic_job("provisioning.collect_usage", every=timedelta(hours=1), offset=timedelta(minutes=5))
def collect_usage(run: JobContext) -> None:
    """Read usage from the modules that report it, for metered billing (BIL-08)."""
    collected = usage_collect(now=run.now)
    run.count("services", collected.services)
    run.count("readings", collected.readings)
    run.count("stored", collected.stored)
    run.count("failed", collected.failed)
