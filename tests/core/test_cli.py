"""The ``hostledger`` console command and the ``hostledger run`` supervisor."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hostledger import cli

pytestmark = pytest.mark.long_running(180)

REPO = Path(__file__).resolve().parents[2]
HOSTLEDGER = REPO / ".venv" / "bin" / "hostledger"
START_TIMEOUT = 180  # a fresh database is migrated and given its demo data first
STOP_TIMEOUT = 15

needs_console_script = pytest.mark.skipif(
    not HOSTLEDGER.exists(), reason="the hostledger console script is not installed"
)


def clean_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without HOSTLEDGER_* settings, on a fresh var folder and a
    SQLite database inside it (never the test run's own database)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("HOSTLEDGER_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["HOSTLEDGER_VAR_DIR"] = str(var_dir)
    environment["HOSTLEDGER_DEMO_WORLD_CLIENTS_PER_KIND"] = "0"
    environment.update(extra)
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree(root: int) -> set[int]:
    """Every live descendant of ``root``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return {pid for pid in found if is_alive(pid)}


def is_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def command_lines(pids: set[int]) -> dict[int, str]:
    """The command line of each process still running."""
    lines = {}
    for pid in pids:
        try:
            lines[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return lines


def wait_until_gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if is_alive(pid)}
        time.sleep(0.1)
    return alive


def kill_everything(process: subprocess.Popen, pids: set[int]) -> None:
    """Clean up after a failed test: kill the supervisor and whatever it left running."""
    if process.poll() is None:
        process.kill()
    for pid in pids:
        if is_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_aliases_map_to_management_commands():
    assert cli.translate(["hostledger", "rotate-keys", "--dry-run"]) == [
        "hostledger",
        "rotate_keys",
        "--dry-run",
    ]
    assert cli.translate(["hostledger", "worker", "--batch"]) == ["hostledger", "worker", "--batch"]
    for command in ("token", "audit", "demo", "createstaff", "scheduler", "run", "migrate"):
        assert cli.translate(["hostledger", command]) == ["hostledger", command]
    assert cli.translate(["hostledger"]) == ["hostledger"]


@needs_console_script
def test_hostledger_without_arguments_prints_its_commands(tmp_path):
    result = subprocess.run(
        [HOSTLEDGER],
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: hostledger <command>")
    for command in ("run", "worker", "scheduler", "demo", "createstaff", "rotate-keys"):
        assert f"\n  {command} " in result.stdout


@needs_console_script
def test_hostledger_check_succeeds(tmp_path):
    result = subprocess.run(
        [HOSTLEDGER, "check"],
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@needs_console_script
def test_worker_and_scheduler_commands_take_their_options(tmp_path):
    """``worker`` is the django-tasks-db worker with --batch/--max-tasks; ``scheduler`` has
    --once."""
    environment = clean_environment(tmp_path)
    worker = subprocess.run(
        [HOSTLEDGER, "worker", "--help"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    scheduler = subprocess.run(
        [HOSTLEDGER, "scheduler", "--help"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    assert "--batch" in worker.stdout and "--max-tasks" in worker.stdout
    assert scheduler.returncode == 0, scheduler.stderr
    assert "--once" in scheduler.stdout


def start_run(tmp_path: Path, port: int) -> tuple[subprocess.Popen, Path]:
    output = tmp_path / "run.log"
    environment = clean_environment(
        tmp_path / "var", HOSTLEDGER_BIND=f"127.0.0.1:{port}", HOSTLEDGER_WEB_WORKERS="1"
    )
    with output.open("w") as handle:
        process = subprocess.Popen(
            [HOSTLEDGER, "run"], env=environment, stdout=handle, stderr=subprocess.STDOUT
        )
    return process, output


@needs_console_script
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_run_serves_the_site_and_ctrl_c_stops_every_process(tmp_path):
    """``hostledger run`` answers on HOSTLEDGER_BIND; SIGINT stops web, worker and scheduler."""
    port = free_port()
    process, output = start_run(tmp_path, port)
    descendants: set[int] = set()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=5
                ) as response:
                    status = response.status
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        assert status == 200, output.read_text()

        # The worker and the scheduler start once the site answers.
        expected = ("gunicorn", " worker", " scheduler")
        commands: dict[int, str] = {}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            descendants |= process_tree(process.pid)
            commands = command_lines(descendants)
            if all(any(word in line for line in commands.values()) for word in expected):
                break
            time.sleep(0.1)
        for word in expected:
            assert any(word in line for line in commands.values()), commands

        process.send_signal(signal.SIGINT)
        process.wait(timeout=STOP_TIMEOUT)
        left = wait_until_gone(descendants, timeout=2)
        assert left == set(), f"still running after Ctrl-C: {left}"
        assert process.returncode == 0, output.read_text()
        assert f"HostLedger is serving on http://127.0.0.1:{port}" in output.read_text()
    finally:
        kill_everything(process, descendants | process_tree(process.pid))


@needs_console_script
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_run_stops_everything_and_fails_when_a_child_dies(tmp_path):
    """With the port taken the web server cannot start: the others are stopped, exit is 1."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, output = start_run(tmp_path, port)
        descendants: set[int] = set()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                descendants |= process_tree(process.pid)
                time.sleep(0.25)
            assert process.poll() == 1, output.read_text()
            assert wait_until_gone(descendants, timeout=2) == set()
            assert "web exited" in output.read_text()
        finally:
            kill_everything(process, descendants | process_tree(process.pid))
