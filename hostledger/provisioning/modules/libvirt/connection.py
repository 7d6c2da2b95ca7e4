"""Connections to libvirt, with a bounded wait, and libvirt's errors in the module's terms.

``libvirt.open`` has no timeout of its own: a host that accepts the TCP connection but never
answers would hold the caller forever. :func:`open_connection` therefore opens in a helper
thread and gives up after ``libvirt.connect_timeout_seconds`` (the helper ends when the
socket does). Once open, a remote connection sends keepalive messages through libvirt's
event loop, which runs in one daemon thread per process, so a hypervisor that stops
answering in the middle of a call makes that call fail instead of hang.

A connection is reused for the following calls (:class:`ConnectionCache`): opening one costs
a round trip and an authentication, and libvirt connections are safe to share between
threads. The test driver relies on it too: a ``test:///path/to/node.xml`` connection holds
its own in-memory hypervisor, which a new connection to the same file would start afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

import libvirt

from hostledger.provisioning.modules.interface import ModuleError

RETRY_CAN_HELP_CODES = frozenset(
    {
        libvirt.VIR_ERR_SYSTEM_ERROR,  # the socket: refused, reset, unreachable
        libvirt.VIR_ERR_RPC,
        libvirt.VIR_ERR_NO_CONNECT,
        libvirt.VIR_ERR_INVALID_CONN,  # a connection closed under the call (keepalive)
        libvirt.VIR_ERR_OPERATION_TIMEOUT,
        libvirt.VIR_ERR_AGENT_UNRESPONSIVE,
        libvirt.VIR_ERR_AUTH_UNAVAILABLE,
        libvirt.VIR_ERR_RESOURCE_BUSY,
    }
)
"""libvirt error codes of a hypervisor that could not be reached or was busy: the same call
may succeed later. Any other error (an unknown domain, a definition libvirt refuses, an
inactive storage pool, no space left) needs a person, so it is not retried."""

_event_loop_lock = threading.Lock()
_event_loop_started = False


def _ignore_libvirt_error(context, error) -> None:
    """libvirt prints every error to stderr by default; the module reports them itself."""


def start_event_loop() -> None:
    """Register libvirt's default event loop and run it in a daemon thread, once per
    process; remote connections need it for their keepalive messages."""
    global _event_loop_started
    with _event_loop_lock:
        if _event_loop_started:
            return
        libvirt.registerErrorHandler(_ignore_libvirt_error, None)
        libvirt.virEventRegisterDefaultImpl()
        thread = threading.Thread(target=_run_event_loop, name="libvirt-event-loop", daemon=True)
        thread.start()
        _event_loop_started = True


def _run_event_loop() -> None:
    while True:
        libvirt.virEventRunDefaultImpl()


def is_remote(uri: str) -> bool:
    """Whether ``uri`` goes over the network (a transport such as ``+ssh`` or a host name)."""
    parts = urlsplit(uri)
    return "+" in parts.scheme or bool(parts.hostname)


def error_message(error: libvirt.libvirtError) -> str:
    return error.get_error_message() or str(error)


def module_error(error: libvirt.libvirtError, doing: str) -> ModuleError:
    """``error`` as a :class:`ModuleError` that carries libvirt's own words."""
    code = error.get_error_code()
    return ModuleError(
        f"libvirt could not {doing}: {error_message(error)}",
        retry_can_help=code in RETRY_CAN_HELP_CODES,
        code=f"libvirt_error_{code}",
    )


@contextmanager
def libvirt_errors(doing: str) -> Iterator[None]:
    """Turn a libvirt error raised inside the block into a :class:`ModuleError` saying what
    was being done."""
    try:
        yield
    except libvirt.libvirtError as error:
        raise module_error(error, doing) from error


def open_connection(
    uri: str, *, timeout: float, keepalive_interval: int = 5, keepalive_count: int = 3
) -> libvirt.virConnect:
    """Open ``uri``, waiting at most ``timeout`` seconds; a ModuleError that a retry can cure
    when the hypervisor cannot be reached or does not answer in time."""
    start_event_loop()
    outcome: dict = {}
    given_up = threading.Event()
    lock = threading.Lock()

    def attempt() -> None:
        try:
            connection = libvirt.open(uri)
        except libvirt.libvirtError as error:
            outcome["error"] = error
            return
        with lock:
            if given_up.is_set():  # the caller stopped waiting: nobody will use it
                _close_quietly(connection)
            else:
                outcome["connection"] = connection

    opener = threading.Thread(target=attempt, name="libvirt-open", daemon=True)
    opener.start()
    opener.join(timeout)
    with lock:
        if not outcome:
            given_up.set()
    if given_up.is_set():
        raise ModuleError(
            f"libvirt at {uri} did not answer within {timeout:g} s.",
            retry_can_help=True,
            code="libvirt_timeout",
        )
    if "error" in outcome:
        raise module_error(outcome["error"], f"connect to {uri}")
    connection = outcome["connection"]
    if is_remote(uri):
        with libvirt_errors(f"set up keepalive with {uri}"):
            connection.setKeepAlive(keepalive_interval, keepalive_count)
    return connection


class ConnectionCache:
    """One open connection per URI, reused by every call of the module in this process and
    opened again when it has died."""

    def __init__(self, opener=open_connection):
        self._opener = opener
        self._connections: dict[str, libvirt.virConnect] = {}
        self._lock = threading.Lock()

    def connection(
        self, uri: str, *, timeout: float, keepalive_interval: int = 5, keepalive_count: int = 3
    ) -> libvirt.virConnect:
        with self._lock:
            cached = self._connections.get(uri)
        if cached is not None:
            try:
                if cached.isAlive():
                    return cached
            except libvirt.libvirtError:
                pass
            self.close(uri)
        opened = self._opener(
            uri,
            timeout=timeout,
            keepalive_interval=keepalive_interval,
            keepalive_count=keepalive_count,
        )
        with self._lock:
            existing = self._connections.setdefault(uri, opened)
        if existing is not opened:  # another thread opened one meanwhile: keep that one
            _close_quietly(opened)
        return existing

    def close(self, uri: str) -> None:
        """Close the connection to ``uri`` if one is open (a test driver's state goes too)."""
        with self._lock:
            connection = self._connections.pop(uri, None)
        if connection is not None:
            _close_quietly(connection)


def _close_quietly(connection: libvirt.virConnect) -> None:
    with suppress(libvirt.libvirtError):
        connection.close()
