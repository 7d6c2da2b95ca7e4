"""A throwaway WHMCS database in the local MariaDB for the import's tests and benchmark.

``whmcs_database()`` makes ``whmcs_test_<pid>_<n>`` on 127.0.0.1:3306 (user root, no
password; HOSTLEDGER_TEST_MARIADB_URL overrides), loads the WHMCS tables of
``tests/data/whmcs/schema.sql`` and drops the database at the end. Rows are written with
:meth:`SourceDatabase.insert`, naming only the columns that matter: WHMCS runs with strict mode
off, so the others take MySQL's implicit defaults as they do in a real WHMCS database.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pymysql

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "whmcs" / "schema.sql"
DEFAULT_URL = "mysql://root@127.0.0.1:3306"
_NAMES = itertools.count(1)


def server_url() -> str:
    return os.environ.get("HOSTLEDGER_TEST_MARIADB_URL", DEFAULT_URL)


def _connect(database: str | None = None):
    parts = urlsplit(server_url())
    return pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=database,
        charset="utf8mb4",
        autocommit=True,
        connect_timeout=3,
        init_command="SET SESSION sql_mode = ''",
    )


def unreachable_reason() -> str:
    """Why the MariaDB server cannot be used, or "" when it can."""
    try:
        _connect().close()
    except pymysql.MySQLError as error:
        return f"MariaDB at {server_url()} is not reachable ({error.args[-1]})"
    return ""


class SourceDatabase:
    """One WHMCS-shaped database; :attr:`url` is what ``hostledger import whmcs`` takes."""

    def __init__(self, name: str):
        self.name = name
        self.connection = _connect(name)
        parts = urlsplit(server_url())
        self.url = f"{server_url().rstrip('/')}/{name}"
        self.host_port = f"{parts.hostname}:{parts.port or 3306}"

    def insert(self, table: str, **values) -> int:
        columns = ", ".join(f"`{column}`" for column in values)
        marks = ", ".join(["%s"] * len(values))
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO `{table}` ({columns}) VALUES ({marks})", list(values.values())
            )
            return cursor.lastrowid

    def insert_many(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(f"`{column}`" for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO `{table}` ({names}) VALUES ({marks})", rows)

    def execute(self, sql: str, params=()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)


@contextmanager
def whmcs_database(prefix: str = "whmcs_test") -> Iterator[SourceDatabase]:
    """A fresh WHMCS database with the schema loaded, dropped afterwards."""
    name = f"{prefix}_{os.getpid()}_{next(_NAMES)}"
    admin = _connect()
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8 COLLATE utf8_unicode_ci")
    try:
        database = SourceDatabase(name)
        for statement in SCHEMA.read_text().split(";"):
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            if "".join(lines).strip():
                database.execute("\n".join(lines))
        try:
            yield database
        finally:
            database.connection.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
