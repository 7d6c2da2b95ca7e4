"""The billing run killed at random points, and two runs at once, end as one clean run
(AUT-01: every effect has a unique key and each chunk commits whole or not at all).

A small world (bench/world.py) is built in the test database and copied: a SQLite file, or
a PostgreSQL database it is dumped into (pg_dump), used as the template of each copy.
``hostledger billing-run`` runs in a subprocess on a copy, with ``automation.chunk_clients``
at its minimum so the run has many chunks; the full money and service state of each copy is
compared on stable keys with that of a clean run on another copy.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import world as bench_world

pytestmark = pytest.mark.long_running(220)

AS_OF = "2027-04-01T06:00"
SERVICES = 60
CHUNK = 10  # the setting's minimum: six chunks
TRIALS = 10
HOSTLEDGER = str(Path(sys.executable).parent / "hostledger")


class Copies:
    """Copies of the world built in the test database, each a database of its own."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.postgres = connection.vendor == "postgresql"
        self.prefix = f"hl_crash_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.made: list[str] = []
        if self.postgres:
            self.template = f"{self.prefix}_world"
            # The test database stays in use by this worker, so it is copied with pg_dump
            # into a database of our own, which then serves as the template of each copy.
            bench_world.postgres_create(self.template)
            self.made.append(self.template)
            _postgres_copy(settings.DATABASES["default"]["NAME"], self.template)
        else:
            self.template = tmp_path / "world.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.template)
            connection.connection.backup(target)
            target.close()

    def new(self, name: str) -> str:
        if self.postgres:
            database = f"{self.prefix}_{name}"
            url = bench_world.postgres_create(database, template=self.template)
            self.made.append(database)
            return url
        path = self.tmp_path / f"{name}.sqlite3"
        bench_world.sqlite_copy(self.template, path)
        return bench_world.sqlite_url(path)

    def drop(self, url: str) -> None:
        if self.postgres:
            bench_world.postgres_drop(bench_world.database_name(url))

    def close(self) -> None:
        for database in self.made if self.postgres else []:
            bench_world.postgres_drop(database)


def _postgres_copy(source: str, target: str) -> None:
    """Copy the PostgreSQL database ``source`` into the empty ``target`` (schema and rows)."""
    dump = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", source],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", target],
        input=dump.stdout,
        check=True,
        capture_output=True,
    )


def start_run(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [HOSTLEDGER, "billing-run", "--as-of", AS_OF],
        env=_environment(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


KILL_AFTER_SUSPENDING_CHUNK = """
import os, signal, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import transaction
from hostledger.automation import run

moved = []


def counting(step):
    def counted(**arguments):
        count = step(**arguments)
        moved.append(count)
        return count
    return counted


def die_if_the_chunk_moved_services():
    if any(moved):
        os.kill(os.getpid(), signal.SIGKILL)


original_lock_clock = run._lock_clock


def lock_clock_and_arm():
    # The first thing each chunk's transaction does; the callback registered here is the first
    # to run once that transaction has committed, before anything the chunk queued after it.
    clock = original_lock_clock()
    moved.clear()
    transaction.on_commit(die_if_the_chunk_moved_services)
    return clock


run._lock_clock = lock_clock_and_arm
run.trials_end = counting(run.trials_end)
run.unpaid_services_suspend = counting(run.unpaid_services_suspend)
from django.core.management import call_command
call_command("billing_run", as_of=sys.argv[1])
"""


def _environment(url: str) -> dict[str, str]:
    return {
        **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
        # Compiled modules are kept for the next run, so each start costs imports only.
        "PYTHONPYCACHEPREFIX": str(Path(settings.VAR_DIR) / "pycache"),
        "HOSTLEDGER_DATABASE_URL": url,
        "HOSTLEDGER_VAR_DIR": str(settings.VAR_DIR),
        "HOSTLEDGER_LOG_LEVEL": "WARNING",
    }


def operations_without_task(url: str) -> list[tuple[int, str]]:
    """Module calls still queued that no queued task will carry out: each must be named by a
    ready hand-over task (not yet handed to a worker) or a ready run task (handed)."""
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT task_path, args_kwargs FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'READY'"
        )
        handed_over, to_run = set(), set()
        for task_path, arguments in cursor.fetchall():
            if isinstance(arguments, str):
                arguments = json.loads(arguments)
            (first,) = arguments["args"]
            if task_path.endswith(".hand_operations_to_workers"):
                handed_over.update(first)
            elif task_path.endswith(".run_provisioning_operation"):
                to_run.add(first)
        cursor.execute(
            "SELECT id, operation, handed_to_worker_at FROM provisioning_provisioningoperation "
            "WHERE status = 'queued'"
        )
        return [
            (pk, operation)
            for pk, operation, handed_at in cursor.fetchall()
            if pk not in (to_run if handed_at else handed_over)
        ]
    finally:
        db.close()


def job_runs_left_running(url: str) -> list[int]:
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT id FROM core_jobrun WHERE status = 'running'")
        return [row[0] for row in cursor.fetchall()]
    finally:
        db.close()


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return out


def run_window(url: str) -> float:
    """Seconds the last billing run of the database spent in the run itself (its job row)."""
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT started_at, finished_at FROM core_jobrun ORDER BY id DESC LIMIT 1")
        started, finished = cursor.fetchone()
    finally:
        db.close()
    if isinstance(started, str):
        started, finished = datetime.fromisoformat(started), datetime.fromisoformat(finished)
    return (finished - started).total_seconds()


def wait_for_job_row(url: str, process: subprocess.Popen) -> bool:
    """Wait until the command has stored its job row (the run has begun); False if the
    process ended first."""
    while process.poll() is None:
        db = bench_world.open_database(url)
        try:
            cursor = db.cursor()
            cursor.execute("SELECT COUNT(*) FROM core_jobrun")
            if cursor.fetchone()[0]:
                return True
        except Exception:  # the database may be busy while the command starts
            pass
        finally:
            db.close()
        time.sleep(0.01)
    return False


def work_done(url: str) -> int:
    """How many renewals the database holds: a measure of how far a killed run got."""
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT COUNT(*) FROM automation_servicerenewal")
        return cursor.fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def copies(transactional_db, tmp_path):
    world = bench_world.build_world(SERVICES, seed=7)
    assert all(world.kinds[kind] for kind in bench_world.KINDS), world.kinds
    bench_world.set_chunk_clients(CHUNK)
    made = Copies(tmp_path)
    made.world = world
    yield made
    made.close()


def test_run_killed_at_random_points_then_rerun_equals_clean_run__AUT_01(copies):
    before = work_done(copies.new("before"))
    clean_url = copies.new("clean")
    finish(start_run(clean_url))
    clean = bench_world.state_snapshot(clean_url)
    window = run_window(clean_url)
    clean_done = work_done(clean_url)
    assert clean_done > before

    rng = random.Random(20270401)
    interrupted = 0
    for trial in range(TRIALS):
        url = copies.new(f"trial{trial}")
        # Killed at a random point of the run: once the committed work has reached a random
        # share of what the clean run does, after a further random pause so the kill falls
        # inside a chunk as well as between chunks.
        target = before + 1 + rng.randrange(max((clean_done - before) * 2 // 3, 1))
        pause = rng.random() * window / 20
        process = start_run(url)
        begun = wait_for_job_row(url, process)
        while process.poll() is None and work_done(url) < target:
            time.sleep(0.002)
        time.sleep(pause)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
        done = work_done(url)
        if begun and process.returncode == -signal.SIGKILL and before < done < clean_done:
            interrupted += 1
        finish(start_run(url))
        differences = bench_world.state_differences(clean, bench_world.state_snapshot(url))
        assert not differences, f"trial {trial} (killed at {done} renewals): {differences}"
        # Nothing a killed run began is left hanging: every module call has its task, and the
        # killed run's job row is marked abandoned by the rerun (issue: after a kill).
        assert operations_without_task(url) == [], f"trial {trial}"
        assert job_runs_left_running(url) == [], f"trial {trial}"
        copies.drop(url)
    assert interrupted >= 3, f"only {interrupted} trials were killed half-way"


def test_a_run_killed_right_after_a_chunk_commit_hands_its_module_calls_over__AUT_01_PRV_02(
    copies,
):
    """The first chunk that suspends services or ends trials commits, then the process is
    killed at once, before any other after-commit work runs. The chunk's module calls were
    enqueued in its own transaction, so a worker (not the periodic sweep) carries them to the
    module, and the next run marks the killed run abandoned."""
    url = copies.new("killed_after_commit")
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_SUSPENDING_CHUNK, AS_OF],
        env=_environment(url),
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT id FROM provisioning_provisioningoperation "
            "WHERE status = 'queued' AND operation IN ('suspend', 'terminate')"
        )
        queued = {row[0] for row in cursor.fetchall()}
    finally:
        db.close()
    assert queued, "the killed chunk queued no module call"
    assert operations_without_task(url) == []
    assert len(job_runs_left_running(url)) == 1

    worker = subprocess.run(
        [HOSTLEDGER, "worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=_environment(url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT id, status FROM provisioning_provisioningoperation")
        statuses = dict(cursor.fetchall())
    finally:
        db.close()
    # The manual module answers every call with a task for staff: the call reached it.
    assert {statuses[pk] for pk in queued} == {"waiting"}

    finish(start_run(url))
    assert job_runs_left_running(url) == []
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT COUNT(*) FROM core_jobrun WHERE status = 'abandoned'")
        assert cursor.fetchone()[0] == 1
    finally:
        db.close()


def test_two_concurrent_runs_write_each_effect_once__AUT_01(copies):
    if not copies.postgres:
        pytest.skip("Two runs at once are serialised by SQLite's single writer; PostgreSQL only.")
    clean_url = copies.new("clean")
    finish(start_run(clean_url))
    clean = bench_world.state_snapshot(clean_url)
    for attempt in range(2):
        url = copies.new(f"concurrent{attempt}")
        first, second = start_run(url), start_run(url)
        finish(first)
        finish(second)
        assert operations_without_task(url) == []
        assert job_runs_left_running(url) == []
        state = bench_world.state_snapshot(url)  # raises on a duplicate key or number
        differences = bench_world.state_differences(clean, state)
        assert not differences, differences
        db = bench_world.open_database(url)
        try:
            cursor = db.cursor()
            for query in (
                "SELECT idempotency_key FROM ledger_ledgertransaction GROUP BY idempotency_key "
                "HAVING COUNT(*) > 1",
                "SELECT number_display FROM invoicing_invoice WHERE number IS NOT NULL "
                "GROUP BY number_display HAVING COUNT(*) > 1",
                "SELECT key FROM notifications_notification GROUP BY key HAVING COUNT(*) > 1",
            ):
                cursor.execute(query)
                assert cursor.fetchall() == [], query
        finally:
            db.close()
