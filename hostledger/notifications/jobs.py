"""The outbox job: fan out new notifications, then send due deliveries (NTF-02)."""

from __future__ import annotations

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.notifications.actions import deliveries_fan_out, deliveries_send_due
from hostledger.notifications.conf import outbox_interval


@periodic_job("notifications.outbox", every=outbox_interval)
def run_outbox(run: JobContext) -> None:
    """Fan out new messages into deliveries and send the due ones, with retries."""
    run.count("fanned_out", deliveries_fan_out(now=run.now))
    report = deliveries_send_due(now=run.now)
    for name, value in report.as_counts().items():
        run.count(name, value)
    for line in report.errors:
        run.log(line)
