# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""The few SQL fragments the billing run writes differently on SQLite and PostgreSQL.

Everything else in the run's statements is standard SQL both databases accept:
``INSERT … SELECT``, ``UPDATE … FROM``, window functions and ``ON CONFLICT``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection

from hostledger.notifications.bulk import random_public_id_sql

__all__ = [
    "days_between",
    "execute",
    "executemany",
    "json_parameter",
    "next_day",
    "padded_number",
    "random_public_id_sql",
    "table",
    "temp_table",
]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def table(model) -> str:
    return model._meta.db_table


def days_between(later: str, earlier: str) -> str:
    """Whole days from ``earlier`` to ``later``, two SQL date expressions."""
    if is_postgres():
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def next_day(day: str) -> str:
    """The day after the SQL date expression ``day``."""
    if is_postgres():
        return f"(CAST({day} AS date) + 1)"
    return f"date({day}, '+1 day')"


def padded_number(number: str, digits: int) -> str:
    """``number`` as text left-padded with zeros to ``digits`` (never cut), as
    :meth:`InvoiceSeries.format_number` prints it."""
    digits = int(digits)
    if is_postgres():
        text = f"CAST({number} AS text)"
        return f"lpad({text}, GREATEST({digits}, length({text})), '0')"
    return f"printf('%0{digits}d', {number})"


def json_parameter() -> str:
    return "CAST(%s AS jsonb)" if is_postgres() else "%s"


def json_value(value) -> str:
    return json.dumps(value, sort_keys=True)


def temp_table(name: str, columns: str) -> None:
    """A scratch table for the current transaction, empty."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DROP")
            cursor.execute(f"TRUNCATE {name}")
        else:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
            cursor.execute(f"DELETE FROM {name}")


def execute(statement: str, params: Sequence = ()) -> int:
    """Run one statement; return the number of rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return max(cursor.rowcount, 0)


def executemany(statement: str, rows: Iterable[Sequence]) -> None:
    rows = list(rows)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)


def load(name: str, rows: Sequence[Sequence]) -> None:
    """Fill the scratch table ``name`` with ``rows``: COPY on PostgreSQL, one
    ``executemany`` on SQLite; then let the planner know its size."""
    if not rows:
        return
    if is_postgres():
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)
    analyze(name)


def analyze(name: str) -> None:
    """Give PostgreSQL's planner the size of a scratch table just filled (it keeps no
    statistics of temporary tables by itself, and guesses badly for joins)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {name}")


def fetchall(statement: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return cursor.fetchall()


def fetchone(statement: str, params: Sequence = ()):
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return cursor.fetchone()


def timestamp(moment):
    """``moment`` (an aware datetime) as the database adapter stores a DateTimeField."""
    from django.db.models import DateTimeField

    return DateTimeField().get_db_prep_value(moment, connection)


def day(value):
    """A date as the database stores a DateField: the date itself for PostgreSQL, ISO text
    for SQLite (what Django's adapter writes)."""
    return value if is_postgres() else value.isoformat()


def date_literal(value) -> str:
    """A Python date as an SQL literal (dates are written by the run, never by input)."""
    from datetime import date, datetime

    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError("date_literal() takes a date.")
    return f"DATE '{value.isoformat()}'" if is_postgres() else f"'{value.isoformat()}'"


def json_object(*pairs: str) -> str:
    """An SQL JSON object from alternating key literals and value expressions."""
    inner = ", ".join(pairs)
    if is_postgres():
        return f"CAST(json_build_object({inner}) AS jsonb)"
    return f"json_object({inner})"
