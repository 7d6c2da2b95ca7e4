"""Where the data keys of data subjects are kept: apart from the main database (GDPR-11,
GDPR-04).

Each client, and each person who signs in without a client of their own (staff, trusted
users), has a data key of their own; their personal fields are encrypted under it (see
:mod:`hostledger.core.subject_keys`). Erasure destroys the key. For that to reach old copies
of the main database too (backups, a copied file), the keys are not stored in it: a backup
taken before an erasure holds the subject's values encrypted under a key that no longer
exists anywhere.

A :class:`KeyStore` keeps *wrapped* keys only: each data key is encrypted with the field keys
(``FIELD_ENCRYPTION_KEYS``), so the store alone opens nothing, and ``hostledger rotate-keys``
re-wraps the keys (a few hundred bytes each) instead of re-encrypting every value.

:class:`SqliteKeyStore` is the store for one machine: a small SQLite file of its own
(``SUBJECT_KEY_STORE_PATH``, under the var dir by default), written with SQLite's
``secure_delete`` so a destroyed key is overwritten in the file. Several machines share one
store by pointing ``SUBJECT_KEY_STORE`` at another implementation of the protocol (a KMS or
HashiCorp Vault's KV engine behind the same five methods); see
``docs/decisions/0018-per-subject-data-keys.md``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class KeyStore(Protocol):
    """Wrapped data keys by key id, one current key per subject (``"client:12"``)."""

    def get(self, key_id: str) -> str | None:
        """The wrapped key stored under ``key_id``; None when it was destroyed or never was."""

    def current(self, subject: str) -> tuple[str, str] | None:
        """(key id, wrapped key) of ``subject``'s key, or None when it has none."""

    def create(self, subject: str, key_id: str, wrapped: str) -> tuple[str, str]:
        """Store ``wrapped`` as ``subject``'s key unless it has one already; return the key
        that is in force (the other writer's, when two processes raced)."""

    def destroy(self, subject: str) -> list[str]:
        """Remove ``subject``'s key for good; return the ids of the keys destroyed."""

    def wrapped_keys(self) -> Iterator[tuple[str, str]]:
        """Every (key id, wrapped key) stored, for re-wrapping after a field key rotation."""

    def rewrap(self, key_id: str, old: str, new: str) -> bool:
        """Replace the wrapped form of ``key_id`` when it is still ``old``."""


class SqliteKeyStore:
    """A :class:`KeyStore` in a SQLite file apart from the main database (one machine).

    The file is created with mode 0600. Deletions overwrite the freed pages
    (``PRAGMA secure_delete``) and the rollback journal is truncated after each write, so a
    destroyed key leaves no copy in the file. One connection per thread and process.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        # A connection is never shared with a forked child (web workers fork after start-up).
        if connection is not None and getattr(self._local, "process_id", None) == os.getpid():
            return connection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(descriptor)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute("PRAGMA journal_mode = TRUNCATE")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS subject_key ("
            " key_id TEXT PRIMARY KEY,"
            " subject TEXT NOT NULL UNIQUE,"
            " wrapped TEXT NOT NULL,"
            " created_at TEXT NOT NULL)"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS destroyed_key ("
            " key_id TEXT PRIMARY KEY,"
            " subject TEXT NOT NULL,"
            " destroyed_at TEXT NOT NULL)"
        )
        self._local.connection = connection
        self._local.process_id = os.getpid()
        return connection

    def get(self, key_id: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT wrapped FROM subject_key WHERE key_id = ?", (key_id,))
            .fetchone()
        )
        return row[0] if row else None

    def current(self, subject: str) -> tuple[str, str] | None:
        row = (
            self._connection()
            .execute("SELECT key_id, wrapped FROM subject_key WHERE subject = ?", (subject,))
            .fetchone()
        )
        return (row[0], row[1]) if row else None

    def create(self, subject: str, key_id: str, wrapped: str) -> tuple[str, str]:
        connection = self._connection()
        connection.execute(
            "INSERT INTO subject_key (key_id, subject, wrapped, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (subject) DO NOTHING",
            (key_id, subject, wrapped, _now()),
        )
        stored = self.current(subject)
        if stored is None:  # destroyed by another process between the two statements
            raise RuntimeError(f"The data key of {subject} was destroyed while it was made.")
        return stored

    def destroy(self, subject: str) -> list[str]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            key_ids = [
                row[0]
                for row in connection.execute(
                    "SELECT key_id FROM subject_key WHERE subject = ?", (subject,)
                )
            ]
            connection.executemany(
                "INSERT OR IGNORE INTO destroyed_key (key_id, subject, destroyed_at)"
                " VALUES (?, ?, ?)",
                [(key_id, subject, _now()) for key_id in key_ids],
            )
            connection.execute("DELETE FROM subject_key WHERE subject = ?", (subject,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return key_ids

    def wrapped_keys(self) -> Iterator[tuple[str, str]]:
        rows = self._connection().execute("SELECT key_id, wrapped FROM subject_key ORDER BY key_id")
        yield from ((row[0], row[1]) for row in rows.fetchall())

    def rewrap(self, key_id: str, old: str, new: str) -> bool:
        cursor = self._connection().execute(
            "UPDATE subject_key SET wrapped = ? WHERE key_id = ? AND wrapped = ?",
            (new, key_id, old),
        )
        return cursor.rowcount == 1


def _now() -> str:
    return datetime.now(UTC).isoformat()


@cache
def _store_for(class_path: str, path: str) -> KeyStore:
    return import_string(class_path)(path)


def subject_key_store() -> KeyStore:
    """The configured store (``SUBJECT_KEY_STORE``, ``SUBJECT_KEY_STORE_PATH``)."""
    return _store_for(settings.SUBJECT_KEY_STORE, str(settings.SUBJECT_KEY_STORE_PATH))
