"""Domain renewals survive a billing run killed at random points and a worker killed in the
middle of renewing (AUT-01, DOM-02): after the reruns, the registry shows exactly one renewal,
from the previous expiry, of each domain whose renewal was paid, and none of the others.

A world of .ee domain services ordered a year before the run is built in the test database
through the order and the registrar module, against the local registrar keeping its registry
in a file (``HOSTLEDGER_LOCAL_REGISTRAR_STATE``), since the processes it is shared with are
killed. Each trial works on a copy of the database and of the registry file: ``hostledger
billing-run`` is killed at a random point and run again, its database state must equal a
clean run's, then ``hostledger worker`` carries out the queued renewals — in some trials it
too is killed half-way, the periodic sweep re-hands the calls it was running, and a second
worker finishes them.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from bench import world as bench_world
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.core.registry import provider_setting_change
from hostledger.domains.models import Domain, DomainStatus
from hostledger.domains.registrars.local.registrar import STATE_ENVIRONMENT
from hostledger.domains.registrars.local.store import FileStore
from hostledger.provisioning.actions import provisioning_operation_run
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import order_place
from tests.automation.test_crash_and_concurrency import (
    AS_OF,
    HOSTLEDGER,
    Copies,
    _environment,
    finish,
    operations_without_task,
    run_window,
    wait_for_job_row,
    work_done,
)
from tests.catalog_helpers import create_published_tariff
from tests.domain_helpers import ESTONIAN_ADMIN
from tests.subscriptions.factories import fund, new_client, new_payer

pytestmark = pytest.mark.long_running(200)

TALLINN = ZoneInfo("Europe/Tallinn")
ORDER_DAY = date(2026, 4, 1)  # a year before the run: the renewal period starts on AS_OF
DOMAINS = 40
CHUNK = 10  # the setting's minimum: four chunks
TRIALS = 3  # right after a chunk commit, then two random points (one with the worker killed)
ORDER_GROSS = "18.60"  # twelve months of 1.25 with 24 % VAT: nothing left to renew with

KILL_AFTER_RENEWING_CHUNK = """
import os, signal, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import transaction
from hostledger.automation import dunning, run

queued = []


def counting(step):
    def counted(**arguments):
        count = step(**arguments)
        queued.append(count)
        return count
    return counted


def die_if_the_chunk_queued_renewals():
    if any(queued):
        os.kill(os.getpid(), signal.SIGKILL)


original_lock_clock = run._lock_clock


def lock_clock_and_arm():
    # The first thing each chunk's transaction does; the callback registered here is the first
    # to run once that transaction has committed, before anything the chunk queued after it.
    clock = original_lock_clock()
    queued.clear()
    transaction.on_commit(die_if_the_chunk_queued_renewals)
    return clock


run._lock_clock = lock_clock_and_arm
dunning.paid_domain_renewals_queue = counting(dunning.paid_domain_renewals_queue)
from django.core.management import call_command
call_command("billing_run", as_of=sys.argv[1])
"""

SWEEP_LATER = """
import os, sys
from datetime import timedelta
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.utils import timezone
from hostledger.provisioning.actions import provisioning_operations_sweep
# An hour on: calls a killed worker was running count as lost and go to a worker again.
print(provisioning_operations_sweep(now=timezone.now() + timedelta(hours=1)))
"""


def _build_domains(count: int) -> dict[str, bool]:
    """``count`` clients, each with a .ee domain ordered and registered on ORDER_DAY; three
    in four leave enough on the balance for the renewal. Returns name → renewal paid."""
    family = ProductFamily.objects.get(code=FamilyCode.DOMAIN)
    tariff = create_published_tariff(
        family=family, code="domain-ee", name=".ee domain", monthly_fee="1.25", specs={"zone": "ee"}
    )
    provider_setting_change(key="domains.local_registrar_enabled", raw_value=True)
    provider_setting_change(key="provisioning.family_modules", raw_value="domain=registrar")
    paid: dict[str, bool] = {}
    for number in range(count):
        client = new_client()
        payer = new_payer(client)
        name = f"crash{number:03d}.ee"
        paid[name] = number % 4 != 3
        fund(client, "60.00" if paid[name] else ORDER_GROSS, on=ORDER_DAY)
        order_place(
            client=client,
            payer=payer,
            tariff=tariff,
            period_months=12,
            actor=client.owner,
            today=ORDER_DAY,
            start_at_once=True,
            host_name=name,
            domain_admin=ESTONIAN_ADMIN,
        )
    queued = ProvisioningOperation.objects.filter(
        operation="create", status=ProvisioningOperation.Status.QUEUED
    )
    for operation_id in queued.values_list("pk", flat=True):
        provisioning_operation_run(operation_id=operation_id)
    registered = Domain.objects.filter(status=DomainStatus.REGISTERED)
    assert registered.count() == count
    assert set(registered.values_list("expires_on", flat=True)) == {date(2027, 4, 1)}
    return paid


@pytest.fixture
def world(transactional_db, tmp_path, monkeypatch, time_machine):
    template_state = tmp_path / "registry-template.json"
    monkeypatch.setenv(STATE_ENVIRONMENT, str(template_state))
    time_machine.move_to(datetime(2026, 4, 1, 10, 0, tzinfo=TALLINN), tick=True)
    paid = _build_domains(DOMAINS)
    bench_world.set_chunk_clients(CHUNK)
    copies = Copies(tmp_path)
    copies.paid = paid
    copies.template_state = template_state
    yield copies
    copies.close()


def _state_copy(world, name: str) -> Path:
    path = world.tmp_path / f"{name}.json"
    shutil.copyfile(world.template_state, path)
    return path


def _environment_with(url: str, state: Path) -> dict[str, str]:
    """The subprocesses' environment: the copy's database and registry file, and this test
    module's store of the clients' keys, which the domains' names are encrypted under."""
    return {
        **_environment(url),
        STATE_ENVIRONMENT: str(state),
        "HOSTLEDGER_SUBJECT_KEY_STORE_PATH": str(settings.SUBJECT_KEY_STORE_PATH),
    }


def _start(command: list[str], url: str, state: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        env=_environment_with(url, state),
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(url: str, state: Path) -> subprocess.Popen:
    return _start([HOSTLEDGER, "billing-run", "--as-of", AS_OF], url, state)


def _worker(url: str, state: Path) -> subprocess.Popen:
    return _start(
        [HOSTLEDGER, "worker", "--batch", "--no-startup-delay", "--no-reload"], url, state
    )


def _renewals(state: Path) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for item in FileStore(state).snapshot()["renewals"]:
        found.setdefault(item["name"], []).append((item["from"], item["to"]))
    return found


def _renewal_count(state: Path) -> int:
    return len(FileStore(state).snapshot()["renewals"]) if state.exists() else 0


def _renew_calls(url: str) -> dict[str, int]:
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT status, COUNT(*) FROM provisioning_provisioningoperation "
            "WHERE operation = 'renew' GROUP BY status"
        )
        return dict(cursor.fetchall())
    finally:
        db.close()


def _renew_messages(url: str) -> list[str]:
    db = bench_world.open_database(url)
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT DISTINCT message FROM provisioning_provisioningoperation "
            "WHERE operation = 'renew' AND status <> 'done'"
        )
        return [row[0] for row in cursor.fetchall()]
    finally:
        db.close()


def _assert_one_renewal_per_paid_domain(world, state: Path, label: str) -> None:
    renewals = _renewals(state)
    for name, paid in world.paid.items():
        expected = [("2027-04-01", "2028-04-01")] if paid else []
        assert renewals.get(name, []) == expected, f"{label}: {name}"


def test_domain_renewals_are_made_once_after_kills_of_the_run_and_the_worker__AUT_01_DOM_02(
    world,
):
    before = work_done(world.new("before"))
    clean_url = world.new("clean")
    clean_state = _state_copy(world, "clean")
    finish(_run(clean_url, clean_state))
    clean = bench_world.state_snapshot(clean_url)
    window = run_window(clean_url)
    clean_done = work_done(clean_url)
    assert clean_done > before
    assert _renew_calls(clean_url) == {"queued": sum(world.paid.values())}
    finish(_worker(clean_url, clean_state))
    assert _renew_calls(clean_url) == {"done": sum(world.paid.values())}, _renew_messages(clean_url)
    _assert_one_renewal_per_paid_domain(world, clean_state, "clean run")

    rng = random.Random(20270401)
    workers_killed = 0
    for trial in range(TRIALS):
        url = world.new(f"trial{trial}")
        state = _state_copy(world, f"trial{trial}")
        if trial == 0:
            # Killed right after the commit of the first chunk that queued renewals, before
            # anything else the chunk handed on after its commit.
            killed = subprocess.run(
                [sys.executable, "-c", KILL_AFTER_RENEWING_CHUNK, AS_OF],
                env=_environment_with(url, state),
                cwd=Path(__file__).resolve().parents[2],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
            done = work_done(url)
            assert before < done < clean_done, done
            assert 0 < _renew_calls(url).get("queued", 0) < sum(world.paid.values())
        else:
            # Killed at a random point: once the committed work has reached a random share
            # of a clean run's, after a further random pause, inside or between chunks.
            target = before + 1 + rng.randrange(max((clean_done - before) * 2 // 3, 1))
            process = _run(url, state)
            wait_for_job_row(url, process)
            while process.poll() is None and work_done(url) < target:
                time.sleep(0.002)
            time.sleep(rng.random() * window / 20)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.communicate(timeout=120)
            done = work_done(url)
        finish(_run(url, state))
        differences = bench_world.state_differences(clean, bench_world.state_snapshot(url))
        assert not differences, f"trial {trial} (killed at {done} renewals): {differences}"
        assert operations_without_task(url) == [], f"trial {trial}"

        if trial % 2:
            # The worker dies while it renews: once a random share of the renewals is made,
            # with one possibly half-way (made at the registry, not yet recorded here).
            paid = sum(world.paid.values())
            renew_target = rng.randrange(1, paid)
            worker = _worker(url, state)
            while worker.poll() is None and _renewal_count(state) < renew_target:
                time.sleep(0.005)
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
            worker.communicate(timeout=120)
            if worker.returncode == -signal.SIGKILL and _renewal_count(state) < paid:
                workers_killed += 1
            swept = subprocess.run(
                [sys.executable, "-c", SWEEP_LATER],
                env=_environment_with(url, state),
                cwd=Path(__file__).resolve().parents[2],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert swept.returncode == 0, swept.stderr[-3000:]
        finish(_worker(url, state))
        assert _renew_calls(url) == {"done": sum(world.paid.values())}, f"trial {trial}"
        _assert_one_renewal_per_paid_domain(world, state, f"trial {trial}")
        world.drop(url)
    assert workers_killed >= 1, "no worker was killed half-way through the renewals"


def test_a_second_run_a_day_later_renews_nothing_more__AUT_01_DOM_02(world):
    url = world.new("twice")
    state = _state_copy(world, "twice")
    finish(_run(url, state))
    finish(_worker(url, state))
    later = (datetime.fromisoformat(AS_OF) + timedelta(days=1)).isoformat()
    finish(_start([HOSTLEDGER, "billing-run", "--as-of", later], url, state))
    finish(_worker(url, state))
    _assert_one_renewal_per_paid_domain(world, state, "second run")
