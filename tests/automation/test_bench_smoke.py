"""The billing-run benchmark at a small size (AUT-01): its world builds, the run charges and
suspends what the world's mix says, the rerun finds nothing new, and it prints its summary
line in the agreed format."""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import Count

from bench import billing_run as bench
from hostledger.ledger.selectors import verify_balances
from hostledger.subscriptions.models import Service

SUMMARY = re.compile(
    r"^services=(\d+) seconds=([\d.]+) rate=(\d+)/s baseline_ratio=([\d.]+) "
    r"peak_rss_mb=(\d+) idle_rerun_seconds=([\d.]+)$"
)


@pytest.mark.django_db(transaction=True)
def test_benchmark_small_world_charges_and_suspends_its_mix__AUT_01():
    out = io.StringIO()
    result = bench.measure(200, out=out)
    last = out.getvalue().strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    assert int(match.group(1)) == 200
    assert float(match.group(2)) > 0 and float(match.group(4)) > 0
    world, counts = result["world"], result["run"]["counts"]
    assert sum(world.kinds.values()) == 200
    assert world.kinds["covered"] and world.kinds["short"] and world.kinds["overdue"]
    for name, value in world.expected().items():
        assert counts.get(name, 0) == value, name
    assert result["run"]["transactions"] == world.kinds["covered"]
    statuses = dict(Service.objects.values_list("status").order_by().annotate(n=Count("id")))
    assert statuses.get("suspended", 0) == world.kinds["short"] + world.kinds["overdue"]
    assert statuses.get("terminated", 0) == world.trials_ended
    idle = result["idle"]["counts"]
    assert not {k: v for k, v in idle.items() if k != "penalties_accrued"}, idle
    assert idle.get("penalties_accrued", 0) in (0, world.kinds["overdue"])
    assert verify_balances() == []
