"""A test world built once per test module instead of once per test.

The authorization matrices run hundreds of cases against the same objects. Their world is
built inside a transaction that stays open for the whole module and is rolled back at its
end; each case runs in a savepoint of that transaction (the per-test transaction of
pytest-django), so whatever one case writes is undone before the next starts from the same
world. Use it from a module-scoped fixture::

    @pytest.fixture(scope="module")
    def built_world(django_db_setup, django_db_blocker):
        with kept_for_the_module(django_db_blocker):
            yield build_world()


    @pytest.fixture
    def world(built_world, db):
        return built_world

Tests must treat the world's model instances as read-only handles (ids, public ids): the
rows behind them change inside a case and come back when its savepoint is rolled back, the
Python objects do not. Tests that need ``transactional_db`` cannot share a module with such
a world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def kept_for_the_module(django_db_blocker) -> Iterator[None]:
    """Open database access and a transaction that is rolled back when the block ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
