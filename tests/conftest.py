"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def no_connection_outlives_the_suite(django_db_setup, django_db_blocker):
    """End every other session on the PostgreSQL test databases before they are dropped.

    A connection opened by a thread a test started (a worker, a served page) can still be
    open when the suite ends; PostgreSQL then refuses to drop the test database, which
    would stay behind on the server."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
