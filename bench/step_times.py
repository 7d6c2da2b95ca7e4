"""Where the billing run spends its time: seconds per step and per SQL statement.

    .venv/bin/python bench/step_times.py --services 20000 --database postgres

Builds the benchmark's world (bench/world.py) in a throwaway database, runs the billing run
once with every step and every statement of ``hostledger.automation.sql`` timed, then runs it
again the same day, and prints the slowest statements and the steps of both runs. Cheaper
to read than a cProfile dump, and without the profiler's overhead.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world

STEPS = {
    "hostledger.automation.run": [
        "trials_end",
        "renewals_issue",
        "renewals_charge",
        "paid_renewals_apply",
        "debt_services_resume",
        "unpaid_services_suspend",
        "restricted_services_suspend",
        "penalties_accrue",
        "reminders_send",
        "debt_terminations_propose",
        "_contract_terms_step",
        "_contracts_step",
    ],
}


def _timed(table: dict, name: str, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            table[name] = table.get(name, 0.0) + time.perf_counter() - started

    return timed


def instrument(steps: dict, statements: dict) -> None:
    import importlib

    from hostledger.automation import dunning, renewals, sql

    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, _timed(steps, name, getattr(module, name)))
    execute = sql.execute

    def timed_execute(statement, params=()):
        key = " ".join(statement.split())[:100]
        return _timed(statements, key, execute)(statement, params)

    sql.execute = timed_execute
    for module in (renewals, dunning):
        enqueue = module.notifications_enqueue_select

        def timed_enqueue(*args, _enqueue=enqueue, **kwargs):
            key = f"notifications: {kwargs['event']}"
            return _timed(statements, key, _enqueue)(*args, **kwargs)

        module.notifications_enqueue_select = timed_enqueue


def report(title: str, seconds: float, steps: dict, statements: dict, top: int) -> None:
    print(f"\n{title}: {seconds:.2f} s")
    for name, value in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  step {name:28s} {value:7.2f} s")
    for name, value in sorted(statements.items(), key=lambda item: -item[1])[:top]:
        print(f"  {value:7.2f} s  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hl-steps-"))
    name = f"hl_steps_{os.getpid()}"
    try:
        if args.database == "postgres":
            url = bench_world.postgres_create(name)
        else:
            url = bench_world.sqlite_url(workdir / "steps.sqlite3")
        bench_world.configure(url, workdir)
        bench_world.migrate()
        bench_world.build_world(args.services)
        from bench.billing_run import run_as_of
        from hostledger.automation.run import billing_run

        steps: dict = {}
        statements: dict = {}
        instrument(steps, statements)
        for title in ("run", "same-day rerun"):
            steps.clear()
            statements.clear()
            started = time.perf_counter()
            billing_run(as_of=run_as_of())
            seconds = time.perf_counter() - started
            report(title, seconds, steps, statements, args.top)
    finally:
        if args.database == "postgres":
            from django.db import connections

            connections.close_all()
            bench_world.postgres_drop(name)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
