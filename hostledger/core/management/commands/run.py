"""``hostledger run``: the whole system on one machine.

It migrates the database, loads the demo data when the ``demo`` command is installed, then
starts three child processes and watches them (the web server first, the other two once the
site answers):

* the web server: gunicorn serving ``config.wsgi:application`` on ``HOSTLEDGER_BIND``
  (default 127.0.0.1:8000) with ``HOSTLEDGER_WEB_WORKERS`` processes (default 2);
* ``hostledger worker``, which runs queued tasks and job runs;
* ``hostledger scheduler``, which queues periodic jobs.

SIGINT (Ctrl-C) or SIGTERM stops all of them gracefully; a second signal, or a child that
has not stopped after ``STOP_TIMEOUT_SECONDS``, is killed. If one child dies on its own, the
others are stopped and the command exits non-zero.
"""

from __future__ import annotations

import ctypes
import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hostledger.core.mail_files import file_mail_backend_warning

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WEB_WORKERS = "2"
STOP_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.2
PROBE_TIMEOUT_SECONDS = 2.0
BACKGROUND_START_SECONDS = 30.0


@dataclass
class Child:
    """One supervised process."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Ask Linux to send SIGTERM to this child if the supervisor itself dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Command(BaseCommand):
    """Migrate, load demo data, then supervise the web server, a worker and the scheduler."""

    help = "Serve HostLedger with a worker and the scheduler (migrates first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load the demo data even if available."
        )

    def handle(self, *args, no_demo: bool, verbosity: int, **options) -> None:
        bind = os.environ.get("HOSTLEDGER_BIND", DEFAULT_BIND)
        web_workers = os.environ.get("HOSTLEDGER_WEB_WORKERS", DEFAULT_WEB_WORKERS)
        if not bind.startswith("unix:") and _answers_http(bind):
            raise CommandError(
                f"Something already answers on {_url(bind)}: is HostLedger running already? "
                "Stop it, or choose another address with HOSTLEDGER_BIND."
            )

        mail_warning = file_mail_backend_warning()
        if mail_warning:
            self.stderr.write(self.style.WARNING(f"Warning: {mail_warning}"))
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if not no_demo and "demo" in get_commands():
            call_command("demo", verbosity=verbosity)
        connections.close_all()
        # Static files are served from the apps' folders; the folder only has to exist.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

        python = sys.executable
        children = [
            Child(
                "web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    web_workers,
                    "--graceful-timeout",
                    str(int(STOP_TIMEOUT_SECONDS) - 2),
                    "--access-logfile",
                    "-",
                    # Access-log lines without the secrets some URLs carry (confirmation and
                    # password-reset keys, unsubscribe tokens), without query values outside a
                    # safe list and with IP addresses pseudonymised, written to one file per
                    # day under LOG_DIR (GDPR-08).
                    "--logger-class",
                    "hostledger.core.access_log.RedactingGunicornLogger",
                    "--no-control-socket",
                    "--preload",  # import the application once, before forking the workers
                ],
            ),
            Child("worker", [python, "-m", "hostledger.cli", "worker", "--no-reload"]),
            Child("scheduler", [python, "-m", "hostledger.cli", "scheduler"]),
        ]
        self._signals: list[int] = []
        previous = {
            number: signal.signal(number, self._on_signal)
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            failed = self._supervise(children, bind)
        finally:
            self._stop_all(children)
            for number, handler in previous.items():
                signal.signal(number, handler)
        if failed:
            raise CommandError(f"{failed} stopped unexpectedly; HostLedger was shut down.")
        self.stdout.write("HostLedger stopped.")

    def _on_signal(self, signum, frame) -> None:
        self._signals.append(signum)

    def _start(self, child: Child) -> None:
        environment = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
        child.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            child.command,
            cwd=settings.BASE_DIR,
            env=environment,
            process_group=0,  # Ctrl-C reaches the supervisor only; it stops the children
            preexec_fn=_die_with_parent,  # safe: the supervisor runs no threads
        )

    def _supervise(self, children: list[Child], bind: str) -> str | None:
        """Start the children and wait; return the name of a child that died, else None.

        The web server starts first; the worker and the scheduler start once it answers (or
        after ``BACKGROUND_START_SECONDS``), so the site is up sooner on a small machine.
        """
        web, background = children[0], children[1:]
        self._start(web)
        started = [web]
        background_due = time.monotonic() + BACKGROUND_START_SECONDS
        announced = False
        while not self._signals:
            for child in started:
                if child.process.poll() is not None:
                    self.stderr.write(
                        f"{child.name} exited with code {child.process.returncode}; "
                        "stopping the others."
                    )
                    return child.name
            if not announced and _answers_http(bind):
                self.stdout.write(self.style.SUCCESS(f"HostLedger is serving on {_url(bind)}"))
                self.stdout.flush()
                announced = True
            if len(started) == 1 and (announced or time.monotonic() >= background_due):
                for child in background:
                    self._start(child)
                    started.append(child)
            time.sleep(POLL_SECONDS)
        return None

    def _stop_all(self, children: list[Child]) -> None:
        """SIGTERM every child, then SIGKILL what is left after the timeout or a new signal."""
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        if not running:
            return
        self.stdout.write("Stopping " + ", ".join(child.name for child in running) + " ...")
        self.stdout.flush()
        for child in running:
            _send(child.process, signal.SIGTERM, group=False)
        signals_seen = len(self._signals)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while running:
            running = [child for child in running if child.process.poll() is None]
            if not running:
                break
            if time.monotonic() >= deadline or len(self._signals) > signals_seen:
                for child in running:
                    self.stderr.write(f"{child.name} did not stop; killing it.")
                    _send(child.process, signal.SIGKILL, group=True)
                for child in running:
                    child.process.wait()
                break
            time.sleep(POLL_SECONDS)


def _send(process: subprocess.Popen, signum: int, *, group: bool) -> None:
    """Signal a child, or its whole process group (gunicorn's workers included)."""
    try:
        if group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
    except ProcessLookupError:
        pass


def _url(bind: str) -> str:
    if bind.startswith("unix:"):
        return bind
    host, _, port = bind.rpartition(":")
    if host in {"", "0.0.0.0", "[::]"}:  # noqa: S104 - only shown to the operator
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _host_header(host: str) -> str:
    """A host name the application accepts, so the probe is not logged as a bad request."""
    for allowed in settings.ALLOWED_HOSTS:
        if allowed and allowed != "*" and not allowed.startswith("."):
            return allowed
    return host


def _answers_http(bind: str) -> bool:
    """Whether the web application answers a request on ``bind`` yet (any status will do)."""
    if bind.startswith("unix:"):
        return os.path.exists(bind.removeprefix("unix:"))
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:  # noqa: S104
        host = "127.0.0.1"
    connection = http.client.HTTPConnection(host, int(port), timeout=PROBE_TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/", headers={"Host": _host_header(host)})
        connection.getresponse()
        return True
    except (OSError, ValueError, http.client.HTTPException):
        return False
    finally:
        connection.close()
