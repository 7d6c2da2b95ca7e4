"""A real PowerDNS Authoritative server for the tests, and a proxy in front of its API that
can hold a connection without ever answering.

:class:`PdnsServer` runs Debian's ``/usr/sbin/pdns_server`` (packages pdns-server and
pdns-backend-sqlite3) on 127.0.0.1 with a gsqlite3 database of its own in a temporary
directory: the schema Debian ships, a pdns.conf with the HTTP API on a free port, DNS on
another free port, no daemon, no guardian. It waits until the API answers and is always
stopped by the fixture that started it. :class:`ApiProxy` forwards TCP connections to the
API; with ``hold_next()`` the next connection is accepted and never answered, which is how a
timeout of the API is made without changing any setting.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import requests

PDNS_SERVER = "/usr/sbin/pdns_server"
SCHEMA = Path("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql")
API_KEY = "test-api-key-for-this-run"
START_SECONDS = 20
CALL_SECONDS = 5


def pdns_missing_reason() -> str:
    """Why a real PowerDNS cannot run here, or an empty string."""
    if not shutil.which(PDNS_SERVER):
        return f"{PDNS_SERVER} is not installed (Debian: apt-get install pdns-server)"
    if not SCHEMA.exists():
        return f"{SCHEMA} is missing (Debian: apt-get install pdns-backend-sqlite3)"
    return ""


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port


class PdnsServer:
    """One pdns_server process with its own database, configuration and ports."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.api_port = free_port()
        self.dns_port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = directory / "pdns.log"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> PdnsServer:
        database = self.directory / "pdns.sqlite3"
        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.executescript(SCHEMA.read_text())
        (self.directory / "pdns.conf").write_text(
            "\n".join(
                [
                    "launch=gsqlite3",
                    f"gsqlite3-database={database}",
                    "api=yes",
                    f"api-key={API_KEY}",
                    "webserver=yes",
                    "webserver-address=127.0.0.1",
                    f"webserver-port={self.api_port}",
                    "webserver-allow-from=127.0.0.1",
                    "local-address=127.0.0.1",
                    f"local-port={self.dns_port}",
                    f"socket-dir={self.directory}",
                    "guardian=no",
                    "daemon=no",
                    "disable-syslog=yes",
                    "security-poll-suffix=",
                    "cache-ttl=0",
                    "negquery-cache-ttl=0",
                    "query-cache-ttl=0",
                    "distributor-threads=1",
                    "receiver-threads=1",
                    "loglevel=4",
                    "",
                ]
            )
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [PDNS_SERVER, f"--config-dir={self.directory}"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pdns_server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if self.api("GET", "").status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"pdns_server did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    # -- reading the server itself, not through HostLedger ----------------------------------

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(
            method,
            f"{self.api_url}/api/v1/servers/localhost{path}",
            headers={"X-API-Key": API_KEY},
            timeout=CALL_SECONDS,
            **kwargs,
        )

    def zone_names(self) -> list[str]:
        answer = self.api("GET", "/zones")
        answer.raise_for_status()
        return sorted(item["name"] for item in answer.json())

    def zone(self, name: str) -> dict | None:
        answer = self.api("GET", f"/zones/{name.rstrip('.')}.")
        return answer.json() if answer.status_code == 200 else None

    def query(self, name: str, rdtype: str) -> dns.message.Message:
        """Ask the server over UDP, as a resolver would."""
        question = dns.message.make_query(name, dns.rdatatype.from_text(rdtype))
        return dns.query.udp(question, "127.0.0.1", port=self.dns_port, timeout=CALL_SECONDS)

    def answer(self, name: str, rdtype: str) -> list[str]:
        """The data of the answer to (name, type), sorted; empty when there is none."""
        message = self.query(name, rdtype)
        return sorted(
            item.to_text()
            for rrset in message.answer
            for item in rrset
            if rrset.rdtype == dns.rdatatype.from_text(rdtype)
        )


class ApiProxy:
    """Forwards connections on a port of its own to the PowerDNS API; ``hold_next()`` makes
    the next connection hang: accepted, read, never answered."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self._hold = threading.Event()
        self._stopping = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.held = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hold_next(self) -> None:
        self._hold.set()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                incoming, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._keep(incoming)
            if self._hold.is_set():
                self._hold.clear()
                self.held += 1
                threading.Thread(target=self._swallow, args=(incoming,), daemon=True).start()
                continue
            try:
                outgoing = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                incoming.close()
                continue
            self._keep(outgoing)
            for source, sink in ((incoming, outgoing), (outgoing, incoming)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _swallow(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass
        with contextlib.suppress(OSError):
            sock.close()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self.listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
        self._thread.join(timeout=5)
