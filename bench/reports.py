"""Benchmark of the staff reports on PostgreSQL (target: each report ≤ 1 s with 1,000,000
services).

    .venv/bin/python bench/reports.py --services 100000

Builds a throwaway PostgreSQL database ``hl_bench_reports_<pid>`` on 127.0.0.1:5432 (dropped
at the end unless ``--keep``), migrates it and writes the world of the billing-run benchmark
(``bench/world.py``: per client a payer, an order whose proforma was paid and became a final
invoice with its lines, the service with its add-ons, a bank payment and its ledger entries,
open renewal proformas of the overdue services), then, with plain SQL, spreads the services'
activation over the last 24 months and terminates one in eight (so that MRR moves every
month), and writes three usage records a month for one service in ten for the last three
months. Then VACUUM ANALYZE (as autovacuum would), and each report is computed as its page
computes it (``web.report_pages``: the selectors and the tables of the page and its
downloads) for the 12 months up to the world's run day, ``--repeat`` times. The median and
the slowest run are reported in milliseconds, with the time of the statements alone and
their number; ``--plans FILE`` writes EXPLAIN ANALYZE of each statement.

The last line is ``services=N`` followed by ``report=median/max/sql/queries`` per report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world

TARGET_MS = 1000


def spread_the_services(services: int) -> None:
    """Activation over the 24 months before the run day, one service in eight terminated
    some months later; three usage records a month of one metered item for one service in
    ten, over the last three months."""
    from django.db import connection

    from hostledger.catalog.models import FamilyCode, MeteredItem, ProductFamily

    item = MeteredItem.objects.create(
        family=ProductFamily.objects.get(code=FamilyCode.CLOUD),
        code="bench-traffic",
        name="Outgoing traffic",
        unit="GB",
        unit_price_micro=4300,
    )
    run = bench_world.RUN_DAY
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE subscriptions_service
               SET activated_at = %s::timestamptz - (id %% 730) * interval '1 day',
                   terminated_at = CASE WHEN id %% 8 = 0
                       THEN %s::timestamptz - (id %% 730) * interval '1 day'
                            + (30 + id %% 300) * interval '1 day' END,
                   status = CASE WHEN id %% 8 = 0 THEN 'terminated' ELSE status END
             WHERE status <> 'trial'
            """,
            [f"{run.isoformat()} 09:00+00", f"{run.isoformat()} 09:00+00"],
        )
        cursor.execute(
            """
            INSERT INTO metering_usagerecord (public_id, client_id, service_id,
                metered_item_id, window_start, window_end, quantity_micro, source,
                external_id, recorded_at)
            SELECT 'use_bench' || s.id || '_' || w.n, s.client_id, s.id, %s,
                   %s::timestamptz - w.n * interval '10 days',
                   %s::timestamptz - w.n * interval '10 days' + interval '1 hour',
                   (s.id %% 997 + 1) * 1000000, 'bench', s.id || '-' || w.n, now()
              FROM subscriptions_service s CROSS JOIN generate_series(1, 9) AS w(n)
             WHERE s.id %% 10 = 0
            """,
            [item.pk, f"{run.isoformat()} 00:00+00", f"{run.isoformat()} 00:00+00"],
        )
        cursor.execute("VACUUM ANALYZE")


def measure(repeat: int, plans: str | None) -> dict[str, tuple[float, float, float, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hostledger.reports.periods import ReportPeriod, add_months, month_start
    from hostledger.web.report_pages import REPORTS

    last = month_start(bench_world.RUN_DAY)
    period = ReportPeriod(add_months(last, -11), last)
    results = {}
    plan_text: list[str] = []
    for slug, page in REPORTS.items():
        page.build(period)  # warm-up: the catalog and the plans are cached as on a server
        totals, sqls = [], []
        queries = 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                page.build(period)
                totals.append((time.perf_counter() - started) * 1000)
            sqls.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            queries = len(captured.captured_queries)
        results[slug] = (statistics.median(totals), max(totals), statistics.median(sqls), queries)
        if plans:
            with CaptureQueriesContext(connection) as captured:
                page.build(period)
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                        continue
                    cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                    plan_text.append(f"-- {slug}\n{query['sql']}\n")
                    plan_text.extend(row[0] for row in cursor.fetchall())
                    plan_text.append("")
        print(
            f"{slug}: median {results[slug][0]:.1f} ms, slowest {results[slug][1]:.1f} ms, "
            f"SQL {results[slug][2]:.1f} ms in {queries} statements",
            flush=True,
        )
    if plans:
        Path(plans).write_text("\n".join(plan_text))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", metavar="FILE", help="write EXPLAIN ANALYZE of each query")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure in a database an earlier --keep run built (kept again afterwards)",
    )
    args = parser.parse_args(argv)
    if args.services < 1 or args.repeat < 1:
        parser.error("--services and --repeat: at least 1.")
    workdir = Path(tempfile.mkdtemp(prefix="hl_bench_reports_"))
    name = args.reuse or f"hl_bench_reports_{os.getpid()}"
    keep = args.keep or bool(args.reuse)
    try:
        if args.reuse:
            bench_world.configure(bench_world.postgres_url(name), workdir)
            bench_world.migrate()  # indexes added since the database was built
        else:
            url = bench_world.postgres_create(name)
            bench_world.configure(url, workdir)
            started = time.perf_counter()
            bench_world.migrate()
            print(f"postgres: migrated in {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            bench_world.build_world(args.services)
            spread_the_services(args.services)
            print(f"world: built in {time.perf_counter() - started:.1f} s", flush=True)
        results = measure(args.repeat, args.plans)
        slowest = max(result[1] for result in results.values())
        print(
            f"services={args.services} "
            + " ".join(
                f"{slug}={median:.1f}/{worst:.1f}/{sql:.1f}/{queries}"
                for slug, (median, worst, sql, queries) in results.items()
            )
            + f" slowest_ms={slowest:.1f} target_ms={TARGET_MS}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept the database {name}")
        else:
            bench_world.postgres_drop(name)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
