# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Set-based enqueueing of notifications: one SQL statement for any number of messages.

The billing run tells 100,000s of clients about renewals, reminders and suspensions in a
few statements, in its own transaction (habit 3)::

    notifications_enqueue_select(
        event="payment_reminder",
        select_sql="SELECT 'payment_reminder:' || i.public_id, i.client_id, NULL, i.id, "
        "i.gross_minor, i.due_on FROM invoicing_invoice i WHERE …",
        params=[…],
        now=now,
    )

Keys already stored are skipped (``ON CONFLICT (key) DO NOTHING``), so a re-run adds
nothing. ``select_sql`` is SQL written by the calling code, never built from input; values
go in ``params``. The statement is the same on SQLite and PostgreSQL except for how the
random public ids are made and how the derived table's columns are named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.notifications.events import event_definition
from hostledger.notifications.models import Notification

NOTIFICATION_PREFIX = "ntf_"
DELIVERY_PREFIX = "dlv_"


def random_public_id_sql(prefix: str, vendor: str | None = None) -> str:
    """An SQL expression giving ``prefix`` + 16 random hexadecimal digits (64 bits), evaluated
    once per row: the same shape as :func:`hostledger.core.ids.new_public_id` (16 characters
    of its alphabet), so the API's id checks accept both."""
    vendor = vendor or connection.vendor
    if vendor == "postgresql":
        return f"'{prefix}' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)"
    if vendor == "sqlite":
        return f"'{prefix}' || lower(hex(randomblob(8)))"
    raise NotImplementedError(f"Random public ids are not written for {vendor}.")


def notifications_enqueue_select(
    *,
    event: str,
    select_sql: str,
    params: Sequence,
    now: datetime,
    context: dict | None = None,
    announcement_id: int | None = None,
) -> int:
    """Insert one notification of ``event`` per row of ``select_sql``; return how many were
    new (NTF-01, NTF-02).

    ``select_sql`` yields exactly the columns key, client_id, service_id, invoice_id,
    amount_minor, on_date, in that order; ``params`` fills its placeholders (``%s``). Rows
    whose key is already stored are left alone. ``context`` is stored on every new row.
    Runs in the caller's transaction; the outbox job picks the rows up once it commits.
    """
    definition = event_definition(event)
    if not select_sql or not select_sql.strip():
        raise DomainError(
            "invalid_select", _("A SELECT statement is needed."), fields={"select_sql": "required"}
        )
    table = Notification._meta.db_table
    json_parameter = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    statement = (
        f"INSERT INTO {table} (key, public_id, client_id, service_id, invoice_id, "
        "amount_minor, on_date, event, category, context, created_at, announcement_id) "
        f"SELECT {_source_columns()}, %s, %s, "
        f"{json_parameter}, %s, CAST(%s AS bigint) "
        f"FROM ({select_sql}) AS source_rows (key, client_id, service_id, invoice_id, "
        "amount_minor, on_date) "
        "WHERE true ON CONFLICT (key) DO NOTHING"
    )
    if connection.vendor == "sqlite":
        # SQLite takes no column list on a derived table: name the columns by position.
        statement = statement.replace(
            f"FROM ({select_sql}) AS source_rows (key, client_id, service_id, invoice_id, "
            "amount_minor, on_date) ",
            "FROM (SELECT column1 AS key, column2 AS client_id, column3 AS service_id, "
            "column4 AS invoice_id, column5 AS amount_minor, column6 AS on_date FROM "
            f"(VALUES (NULL, NULL, NULL, NULL, NULL, NULL)) WHERE 0 UNION ALL {select_sql}) "
            "AS source_rows ",
        )
    created_at = _timestamp_parameter(now)
    all_params = [
        definition.code,
        definition.category,
        json.dumps(context or {}),
        created_at,
        announcement_id,
        *params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, all_params)
        return max(cursor.rowcount, 0)


SOURCE_COLUMNS = (
    ("key", "varchar(200)"),
    ("public_id", None),
    ("client_id", "bigint"),
    ("service_id", "bigint"),
    ("invoice_id", "bigint"),
    ("amount_minor", "bigint"),
    ("on_date", "date"),
)


def _source_columns() -> str:
    """The selected columns, cast to the table's types on PostgreSQL (a bare NULL or a
    parameter in the caller's SELECT has no type there). SQLite converts by itself, and its
    CAST to date would turn a date into a number."""
    parts = []
    for name, sql_type in SOURCE_COLUMNS:
        if name == "public_id":
            parts.append(random_public_id_sql(NOTIFICATION_PREFIX))
        elif sql_type and connection.vendor == "postgresql":
            parts.append(f"CAST(source_rows.{name} AS {sql_type})")
        else:
            parts.append(f"source_rows.{name}")
    return ", ".join(parts)


def _timestamp_parameter(now: datetime):
    """``now`` as the database adapter stores a DateTimeField."""
    field = Notification._meta.get_field("created_at")
    return field.get_db_prep_value(now, connection)
