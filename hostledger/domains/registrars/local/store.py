"""Where the local registrar keeps its registry: in memory, or in a JSON file shared by every
process of one installation (the web server, the worker and the scheduler of ``make run``)
and kept across restarts and crashes.

A file store takes an exclusive ``flock`` on a lock file beside the state for each call,
reads the state, lets the call change it, and replaces the file atomically (write a temporary
file, ``fsync``, ``os.replace``): a process killed half-way leaves the previous state whole.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EMPTY_STATE = {"domains": {}, "contacts": {}, "operations": {}, "renewals": [], "messages": []}


def empty_state() -> dict:
    return json.loads(json.dumps({**EMPTY_STATE, "sequence": 0}))


class MemoryStore:
    """The registry in this process's memory: for tests and one-process use."""

    def __init__(self):
        self._state = empty_state()
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[dict]:
        with self._lock:
            working = json.loads(json.dumps(self._state))
            yield working
            self._state = working

    def snapshot(self) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._state))

    def replace(self, state: dict) -> None:
        """Put the registry back to ``state`` (a snapshot)."""
        with self._lock:
            self._state = json.loads(json.dumps(state))


class FileStore:
    """The registry in a JSON file at ``path`` (created on first use)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @contextmanager
    def transaction(self) -> Iterator[dict]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._read()
                yield state
                self._write(state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def snapshot(self) -> dict:
        with self.transaction() as state:
            return json.loads(json.dumps(state))

    def _read(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty_state()
        state = json.loads(text) if text.strip() else empty_state()
        for key, value in empty_state().items():
            state.setdefault(key, value)
        return state

    def _write(self, state: dict) -> None:
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(state, file, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
