"""Periodic jobs of domains: reading the registries' poll queues and refreshing the domains
whose registry state may have moved on its own (DOM-02)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.flows.domain_registry import registry_sync

SYNC_EVERY = timedelta(minutes=10)
"""How often the registries are polled. A fixed interval, not a provider setting: it only
bounds how soon a registration the registry held pending starts the service."""


@periodic_job(
    "domains.registry_sync",
    every=SYNC_EVERY,
    description="Read the registries' poll messages and refresh pending and expired domains; "
    "start the services whose registration the registry has now reported (DOM-02).",
)
def sync_with_registries(run: JobContext) -> None:
    """Poll every registrar in use and refresh the domains it names or that may have moved."""
    report = registry_sync(now=run.now)
    run.count("messages", report.messages)
    run.count("checked", report.checked)
    run.count("started", report.started)
    run.count("errors", report.errors)
