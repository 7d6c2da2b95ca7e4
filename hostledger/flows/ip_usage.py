"""The daily check of the IP usage rule (SUP-06; seed 003, annex 7 §5.5; AUT-06).

For each live IPv4 allocation the rule is worked out on the day (``datacenter`` selectors):
at least 25 % of the addresses in use from the allocation on, 50 % once the first year has
passed (provider settings). An allocation below it gets one warning to its client (the
notification ``ip_usage_below_minimum``, naming the last day to remedy it: the warning plus
``datacenter.ip_usage_remedy_days``, 3 by default); if it is still below once that time has
run out, a decision to reclaim it is proposed to staff, who confirm or reject it — never
automatically. An allocation back above the rule has its warning cleared, so a later
shortfall is warned again first.

Each allocation is handled in a transaction of its own, and every effect has a unique key
(the warning's notification key, the decision's subject), so running the check twice on a day
does nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from hostledger.automation.actions import ip_reclaim_propose
from hostledger.datacenter import actions as datacenter
from hostledger.datacenter import selectors
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.events import IP_USAGE_BELOW_MINIMUM


@dataclass
class IpUsageCheck:
    """What one check did."""

    checked: int = 0
    warned: int = 0
    proposed: int = 0
    cleared: int = 0


def _warn(allocation, standing, *, now: datetime) -> None:
    remedy_by = timezone.localtime(selectors.remedy_deadline(now)).date()
    notification_enqueue(
        key=f"ip_usage:{allocation.public_id}:{timezone.localdate(now).isoformat()}",
        client=allocation.client,
        event=IP_USAGE_BELOW_MINIMUM,
        service=allocation.service,
        on_date=remedy_by,
        context={
            "network": allocation.network,
            "addresses_in_use": standing.in_use,
            "addresses_allocated": standing.size,
            "required_percent": standing.required_percent,
        },
        now=now,
    )
    datacenter.ip_allocation_warning_mark(allocation=allocation, warned_at=now)


def ip_usage_check(*, now: datetime | None = None) -> IpUsageCheck:
    """Check every live IPv4 allocation against the usage rule as of ``now`` (SUP-06): warn,
    propose reclaiming to staff once the time to remedy has run out (AUT-06), or clear a
    warning whose allocation meets the rule again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = IpUsageCheck()
    rule = selectors.usage_rule()
    for allocation_id in selectors.active_ipv4_allocations().values_list("pk", flat=True):
        with transaction.atomic():
            allocation = selectors.active_ipv4_allocations().select_for_update(of=("self",))
            allocation = allocation.filter(pk=allocation_id).first()
            if allocation is None:
                continue
            report.checked += 1
            standing = selectors.usage_standing(allocation, on_day=today, rule=rule)
            if not standing.is_short:
                if allocation.warned_at is not None:
                    datacenter.ip_allocation_warning_mark(allocation=allocation, warned_at=None)
                    report.cleared += 1
                continue
            if allocation.warned_at is None:
                _warn(allocation, standing, now=now)
                report.warned += 1
                continue
            deadline = selectors.remedy_deadline(allocation.warned_at)
            if now >= deadline and ip_reclaim_propose(
                allocation=allocation,
                standing=standing,
                warned_at=allocation.warned_at,
                remedy_by=timezone.localtime(deadline).date(),
                as_of=today,
            ):
                report.proposed += 1
    return report
