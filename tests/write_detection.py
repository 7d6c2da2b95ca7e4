"""Which statements that change data a block of code ran and kept.

A refused request must leave the database as it was. Reading every table before and after
the request proves that, but costs two full reads of the database for every refused case
of an authorization matrix. ``recorded_writes`` proves it from the other side: it sees every
statement the code runs on the default connection (``connection.execute_wrapper``), keeps
the ones that change data (INSERT, UPDATE, DELETE and the like), drops those undone by a
rolled-back savepoint, and reports what is left. It runs no query of its own.

It is stricter than comparing rows in one way: a statement that changes data is reported
even when it happens to leave every row as it was. It sees only the default connection of
this thread, which is where a request of the Django test client runs.

Two updates are bookkeeping every authenticated call may do, not the call's own action, and
are not reported: a user's ``last_login`` and an API token's ``last_used_at``, each when it
is the only column the statement sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

from hostledger.accounts.models import ApiToken, User

WRITE_KEYWORDS = frozenset(
    {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "UPSERT", "TRUNCATE", "COPY"}
    | {"CREATE", "DROP", "ALTER"}
)
SAVEPOINT = re.compile(r'^SAVEPOINT\s+"?(?P<name>\w+)"?\s*;?$', re.IGNORECASE)
RELEASE = re.compile(r'^RELEASE\s+(?:SAVEPOINT\s+)?"?(?P<name>\w+)"?\s*;?$', re.IGNORECASE)
ROLLBACK_TO = re.compile(
    r'^ROLLBACK\s+TO\s+(?:SAVEPOINT\s+)?"?(?P<name>\w+)"?\s*;?$', re.IGNORECASE
)
LEADING_COMMENTS = re.compile(r"^\s*(?:(?:--[^\n]*\n)|(?:/\*.*?\*/)|\s)*", re.DOTALL)
DATA_CHANGE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _bookkeeping(table: str, column: str) -> re.Pattern:
    """``UPDATE "table" SET "column" = %s WHERE ...``: that one column and nothing else."""
    return re.compile(
        rf'^UPDATE\s+"{table}"\s+SET\s+"{column}"\s*=\s*(%s|\?)\s+WHERE\s', re.IGNORECASE
    )


BOOKKEEPING = (
    _bookkeeping(User._meta.db_table, "last_login"),
    _bookkeeping(ApiToken._meta.db_table, "last_used_at"),
)
"""Noted on every authenticated call, not by the call's own action."""


def changes_data(sql: str) -> bool:
    statement = LEADING_COMMENTS.sub("", sql)
    keyword = statement.split(None, 1)[0].upper() if statement.strip() else ""
    if keyword == "WITH":
        return bool(DATA_CHANGE_IN_CTE.search(statement))
    return keyword in WRITE_KEYWORDS


@dataclass
class Writes:
    """The statements that changed data and were not undone, in the order they ran."""

    kept: list[str] = field(default_factory=list)
    # One list of writes per open savepoint; the first holds those made outside any.
    _levels: list[tuple[str | None, list[str]]] = field(
        default_factory=lambda: [(None, [])], repr=False
    )

    def note(self, sql: str) -> None:
        statement = LEADING_COMMENTS.sub("", str(sql)).strip()
        if match := SAVEPOINT.match(statement):
            self._levels.append((match["name"], []))
        elif match := RELEASE.match(statement):
            self._release(match["name"])
        elif match := ROLLBACK_TO.match(statement):
            self._roll_back_to(match["name"])
        elif changes_data(statement) and not any(p.match(statement) for p in BOOKKEEPING):
            self._levels[-1][1].append(statement)

    def _position(self, name: str) -> int | None:
        for index in range(len(self._levels) - 1, 0, -1):
            if self._levels[index][0] == name:
                return index
        return None

    def _release(self, name: str) -> None:
        index = self._position(name)
        if index is None:
            return  # a savepoint opened before recording began: its writes are all kept
        merged = [write for _, writes in self._levels[index:] for write in writes]
        del self._levels[index:]
        self._levels[-1][1].extend(merged)

    def _roll_back_to(self, name: str) -> None:
        index = self._position(name)
        if index is None:
            # A savepoint opened before recording began: everything recorded is undone.
            self._levels = [(None, [])]
            return
        del self._levels[index + 1 :]
        self._levels[index] = (name, [])

    def close(self) -> None:
        self.kept = [write for _, writes in self._levels for write in writes]


@contextmanager
def recorded_writes() -> Iterator[Writes]:
    """Record the data-changing statements the block runs on the default connection.

    ``writes.kept`` is filled when the block ends: the statements not undone by a rolled
    back savepoint, bookkeeping updates left out."""
    writes = Writes()

    def record(execute, sql, params, many, context):
        writes.note(sql)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(record):
            yield writes
    finally:
        writes.close()
