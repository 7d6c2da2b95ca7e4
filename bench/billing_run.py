"""Benchmark of the billing run (AUT-01): N services, all due on one day.

    .venv/bin/python bench/billing_run.py --services 100000 --database postgres

Builds a throwaway database (a SQLite file in a temporary directory, or a fresh PostgreSQL
database ``hl_bench_<pid>`` on 127.0.0.1:5432, dropped at the end), migrates it, writes the
world of :mod:`bench.world` (most balances cover the renewal, some are short, some already
overdue, some trials), then:

1. runs the billing run as of 06:00 on the day everything is due, timed, sampling the
   process's peak resident memory while it runs;
2. runs it again the same moment (nothing is due any more), timed;
3. writes as many ledger rows as the run wrote (transactions and entries) into copies of the
   ledger tables the fastest way the database allows, COPY on PostgreSQL and one
   ``executemany`` in one transaction on SQLite, timed: the baseline.

The last line is ``services=N seconds=S rate=R/s baseline_ratio=X peak_rss_mb=M
idle_rerun_seconds=T``, where baseline_ratio is the baseline's seconds divided by the run's
(1.0: the run is as fast as the bare writes). ``--profile FILE`` writes cProfile statistics of
the first run to FILE and prints its top functions by cumulative time.

``--keep-world`` (PostgreSQL only) keeps the built and migrated world as a template database
``hl_bench_world_<services>_<hash>``, the hash taken over the migrations, ``bench/world.py``
and the catalog factories it uses; a later run with the option and the same ``--services``
clones that template (``CREATE DATABASE ... TEMPLATE``) instead of building, and says which
it did. The measured database is always a fresh copy, dropped at the end; the templates stay
until ``--drop-worlds`` drops every ``hl_bench_world_*`` database:

    .venv/bin/python bench/billing_run.py --services 1000000 --database postgres --keep-world
    .venv/bin/python bench/billing_run.py --drop-worlds
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import resource
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world

ROOT = bench_world.ROOT


class PeakRss:
    """The peak resident memory of this process while the block runs, in MB: the kernel's
    high-water mark reset at the start (``/proc/self/clear_refs``) where allowed, and a
    sampling thread in any case."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._hwm_reset = False

    @staticmethod
    def _status(field: str) -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self._status("VmRSS"))
            self._stop.wait(self.interval)

    def __enter__(self):
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            self._hwm_reset = True
        except OSError:
            self._hwm_reset = False
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, self._status("VmRSS"))
        if self._hwm_reset:
            self.peak_kb = max(self.peak_kb, self._status("VmHWM"))
        return False

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024


def ledger_counts() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_ledgertransaction")
        transactions = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM ledger_entry")
        return transactions, cursor.fetchone()[0]


def run_as_of():
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime.combine(bench_world.RUN_DAY, clock_time(6), tzinfo=ZoneInfo(settings.TIME_ZONE))


def timed_run(profile_path: str | None = None) -> dict:
    """The billing run as of :func:`run_as_of`, timed, with its peak memory and counts."""
    from hostledger.automation.run import billing_run

    before = ledger_counts()
    profiler = cProfile.Profile() if profile_path else None
    with PeakRss() as rss:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        counts = billing_run(as_of=run_as_of())
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    after = ledger_counts()
    if profiler:
        profiler.dump_stats(profile_path)
    return {
        "seconds": seconds,
        "counts": counts,
        "peak_rss_mb": rss.mb,
        "transactions": after[0] - before[0],
        "entries": after[1] - before[1],
    }


# -- the baseline: the same number of ledger rows, written the fastest way ------------------

COPIES = {"ledger_ledgertransaction": "bench_ledgertransaction", "ledger_entry": "bench_entry"}
TXN_COLUMNS = ("id", "public_id", "kind", "idempotency_key", "client_id", "memo", "created_at")
ENTRY_COLUMNS = ("id", "transaction_id", "account_id", "client_id", "amount_minor", "currency")


def _copy_tables(cursor, postgres: bool) -> None:
    if postgres:
        for source, target in COPIES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {target}")
            cursor.execute(f"CREATE TABLE {target} (LIKE {source} INCLUDING ALL)")
        return
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN (%s, %s) "
        "AND sql IS NOT NULL ORDER BY type DESC",
        list(COPIES),
    )
    statements = cursor.fetchall()
    for target in reversed(COPIES.values()):
        cursor.execute(f"DROP TABLE IF EXISTS {target}")
    for kind, name, statement in statements:
        for source, target in COPIES.items():
            statement = statement.replace(f'"{source}"', f'"{target}"')
        if kind == "index":
            statement = statement.replace(f'"{name}"', f'"bench_{name}"', 1)
        cursor.execute(statement)


def _baseline_rows(transactions: int, entries: int):
    """Rows like the run's: transactions of one client each, entries spread over them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(client_id), MAX(client_id) FROM ledger_clientbalance")
        low, high = cursor.fetchone()
        cursor.execute("SELECT MIN(id) FROM ledger_ledgeraccount")
        account = cursor.fetchone()[0]
    stamp = datetime.now().astimezone()
    span = max(high - low + 1, 1)
    txns = [
        (
            n,
            f"txn_{n:020x}",
            "charge",
            f"invoice:bench_{n:016x}",
            low + n % span,
            f"Payment of proforma bench_{n:016x}",
            stamp,
        )
        for n in range(1, transactions + 1)
    ]
    per = max(entries // max(transactions, 1), 1)
    rows = [
        (n, min(transactions, (n - 1) // per + 1), account, low + n % span, 100, "EUR")
        for n in range(1, entries + 1)
    ]
    return txns, rows


def baseline(transactions: int, entries: int) -> float:
    """Seconds to write ``transactions`` and ``entries`` rows into copies of the ledger tables
    in one transaction (COPY on PostgreSQL, executemany on SQLite), commit included."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        _copy_tables(cursor, postgres)
    txns, rows = _baseline_rows(transactions, entries)
    if postgres:
        txn_text = "".join(
            "\t".join(str(v) if not isinstance(v, datetime) else v.isoformat() for v in row) + "\n"
            for row in txns
        ).encode()
        entry_text = "".join("\t".join(map(str, row)) + "\n" for row in rows).encode()
        del txns, rows
    else:
        stamp = txns[0][-1].astimezone(bench_world.UTC).replace(tzinfo=None).isoformat(" ")
        txns = [(*row[:-1], stamp) for row in txns]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            for table, columns, data in (
                ("bench_ledgertransaction", TXN_COLUMNS, txn_text),
                ("bench_entry", ENTRY_COLUMNS, entry_text),
            ):
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for at in range(0, len(data), 1 << 20):
                        copy.write(data[at : at + (1 << 20)])
        else:
            for table, columns, data in (
                ("bench_ledgertransaction", TXN_COLUMNS, txns),
                ("bench_entry", ENTRY_COLUMNS, rows),
            ):
                cursor.cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    data,
                )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for target in reversed(COPIES.values()):
            cursor.execute(f"DROP TABLE {target}")
    return seconds


# -- the benchmark ---------------------------------------------------------------------------


def summary_line(services: int, run: dict, idle: dict, baseline_seconds: float) -> str:
    seconds = run["seconds"]
    return (
        f"services={services} seconds={seconds:.2f} rate={services / seconds:.0f}/s "
        f"baseline_ratio={baseline_seconds / seconds:.3f} peak_rss_mb={run['peak_rss_mb']:.0f} "
        f"idle_rerun_seconds={idle['seconds']:.2f}"
    )


def build_world(services: int, *, out=sys.stdout) -> bench_world.World:
    """Build the world in the configured database and say how long it took."""
    started = time.perf_counter()
    world = bench_world.build_world(services)
    print(
        f"built {services} services in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{kind}={world.kinds[kind]}" for kind in bench_world.KINDS)
        + f" (trials ending before the run day: {world.trials_ended})",
        file=out,
    )
    return world


def keep_world(name: str, template: str) -> None:
    """Copy the database ``name``, just built, into the template ``template``."""
    from django.db import connections

    connections.close_all()  # CREATE DATABASE ... TEMPLATE needs the source unused
    started = time.perf_counter()
    bench_world.postgres_create(template, template=name)
    print(f"world: kept as {template} in {time.perf_counter() - started:.1f} s")


def measure(
    services: int, *, profile: str | None = None, out=sys.stdout, build: bool = True
) -> dict:
    """Build the world in the configured database (unless ``build`` is false: it is there
    already), run, rerun, baseline; print the report."""
    world = build_world(services, out=out) if build else None
    run = timed_run(profile)
    print(
        "run counts: "
        + ", ".join(f"{name}={value}" for name, value in sorted(run["counts"].items())),
        file=out,
    )
    print(
        f"run wrote {run['transactions']} ledger transactions and {run['entries']} entries; "
        f"ru_maxrss of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
        " MB",
        file=out,
    )
    idle = timed_run()
    print(
        "idle rerun counts: "
        + (", ".join(f"{n}={v}" for n, v in sorted(idle["counts"].items())) or "nothing due"),
        file=out,
    )
    baseline_seconds = baseline(run["transactions"], run["entries"])
    print(f"baseline: {baseline_seconds:.2f} s for the same ledger rows", file=out)
    if profile:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue(), file=out)
    print(summary_line(services, run, idle, baseline_seconds), file=out)
    return {"world": world, "run": run, "idle": idle, "baseline": baseline_seconds}


WORLD_PREFIX = "hl_bench_world_"


def world_template_name(services: int) -> str:
    """The template database of a kept world of ``services`` services, named after the
    migrations and the builder's source (``bench/world.py`` and the catalog factories), so a
    change to either makes a new one."""
    digest = hashlib.sha256()
    sources = [
        ROOT / "bench" / "world.py",
        ROOT / "tests" / "subscriptions" / "factories.py",
        *sorted(ROOT.glob("hostledger/*/migrations/*.py")),
    ]
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{WORLD_PREFIX}{services}_{digest.hexdigest()[:12]}"


def postgres_databases(prefix: str) -> list[str]:
    """The PostgreSQL databases whose names start with ``prefix``."""
    import psycopg

    with psycopg.connect(bench_world.postgres_url("postgres"), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY datname",
            [prefix],
        ).fetchall()
    return [row[0] for row in rows]


def drop_worlds() -> int:
    """Drop every kept world (``hl_bench_world_*``); prints each."""
    names = postgres_databases(WORLD_PREFIX)
    for name in names:
        bench_world.postgres_drop(name)
        print(f"dropped {name}")
    if not names:
        print("no kept worlds")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the run")
    parser.add_argument(
        "--keep-world",
        action="store_true",
        help="PostgreSQL only: keep the built world as a template database and clone it on "
        "later runs of the same size instead of building again",
    )
    parser.add_argument(
        "--drop-worlds",
        action="store_true",
        help=f"drop every kept world ({WORLD_PREFIX}* databases) and exit",
    )
    args = parser.parse_args(argv)
    if args.drop_worlds:
        return drop_worlds()
    if args.services is None:
        parser.error("--services is required.")
    if args.services < 1:
        parser.error("--services: at least 1.")
    if args.keep_world and args.database != "postgres":
        parser.error(
            "--keep-world: only with --database postgres (the world is kept as a template "
            "database and cloned with CREATE DATABASE ... TEMPLATE)."
        )
    workdir = Path(tempfile.mkdtemp(prefix="hl_bench_"))
    name = f"hl_bench_{os.getpid()}"
    template = world_template_name(args.services) if args.keep_world else None
    try:
        cloned = bool(template) and template in postgres_databases(template)
        if cloned:
            started = time.perf_counter()
            url = bench_world.postgres_create(name, template=template)
            print(
                f"world: cloned {template} in {time.perf_counter() - started:.1f} s "
                "(kept by an earlier --keep-world run; --drop-worlds drops it)"
            )
            bench_world.configure(url, workdir)
        else:
            if args.database == "postgres":
                url = bench_world.postgres_create(name)
            else:
                url = bench_world.sqlite_url(workdir / "bench.sqlite3")
            bench_world.configure(url, workdir)
            started = time.perf_counter()
            bench_world.migrate()
            print(f"{args.database}: migrated in {time.perf_counter() - started:.1f} s")
        if template and not cloned:
            build_world(args.services)
            keep_world(name, template)
        measure(args.services, profile=args.profile, build=not template)
    finally:
        if args.database == "postgres":
            from django.db import connections

            connections.close_all()
            bench_world.postgres_drop(name)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
