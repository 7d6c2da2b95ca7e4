"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
import re

import pytest
import responses
from django.conf import settings

from hostledger.core.catalogues import compile_catalogues


@pytest.fixture(scope="session", autouse=True)
def no_demo_world():
    """``hostledger demo`` makes the demo catalog and users only; the demo world, which takes
    a while, is made by the tests of tests/flows/test_demo_world.py alone."""
    settings.DEMO_WORLD_CLIENTS_PER_KIND = 0


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


@pytest.fixture(scope="session", autouse=True)
def translation_catalogues_compiled():
    """Pages in Estonian and Russian read the compiled catalogues: ``make test`` compiles them
    before the suite, a run of pytest alone here (only catalogues newer than their .mo)."""
    compile_catalogues()


def pytest_collection_modifyitems(config, items):
    """The test files marked ``long_running(seconds)`` go first, the longest first, in the
    order the rest were collected after them. ``make test`` hands whole files to the parallel
    workers in this order (``--dist loadfile --no-loadscope-reorder``), so the long files start
    at once and the short ones fill in behind them, instead of a long file starting last and
    keeping one worker busy after the other has finished."""

    def expected_seconds(item) -> float:
        marker = item.get_closest_marker("long_running")
        return float(marker.args[0]) if marker else 0.0

    items.sort(key=lambda item: -expected_seconds(item))


VIES_ENDPOINT = re.compile(r"^https://ec\.europa\.eu/taxation_customs/vies/rest-api/")


def _vies_registered_answer(request):
    """VIES's answer for a number it knows: valid, with a consultation number."""
    body = json.loads(request.body or b"{}")
    answer = {
        "countryCode": body.get("countryCode", ""),
        "vatNumber": body.get("vatNumber", ""),
        "requestDate": "2025-01-01T00:00:00.000Z",
        "valid": True,
        "requestIdentifier": "WAPITEST0000001",
    }
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


@pytest.fixture(autouse=True)
def vies_answers_offline():
    """The suite runs offline and VIES look-ups are on by default (BIL-05): the European
    Commission's VIES address answers here, mocked at the HTTP layer, that every number it
    is asked about is registered. A test about VIES's refusals or outages registers its own
    answers with ``responses.activate`` (the inner mock takes precedence); every other
    address passes through untouched."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(re.compile(r"^(?!https://ec\.europa\.eu/taxation_customs/vies/)"))
        mock.add_callback(responses.POST, VIES_ENDPOINT, callback=_vies_registered_answer)
        yield mock


@pytest.fixture(scope="module", autouse=True)
def subject_key_store_of_this_module(tmp_path_factory):
    """Each test module keeps its subject keys in a store of its own. The store lives outside
    the database, so it keeps what a test's rolled-back transaction undoes: client and user
    ids repeat between parallel processes and between modules (a flushed or rolled-back
    database gives them out again), and a key destroyed by one module's erasure must not be
    the key of another module's client of the same id."""
    from django.conf import settings

    from hostledger.core.subject_keys import forget_cached_keys

    previous = settings.SUBJECT_KEY_STORE_PATH
    settings.SUBJECT_KEY_STORE_PATH = str(tmp_path_factory.mktemp("keys") / "subject_keys.db")
    forget_cached_keys()
    yield
    settings.SUBJECT_KEY_STORE_PATH = previous
    forget_cached_keys()


@pytest.fixture
def own_subject_key_store(settings, tmp_path):
    """A key store for this test alone: for tests that change the field keys, which wrap
    every stored data key, or that count the keys stored."""
    from hostledger.core.subject_keys import forget_cached_keys

    settings.SUBJECT_KEY_STORE_PATH = str(tmp_path / "subject_keys.db")
    forget_cached_keys()
    yield settings.SUBJECT_KEY_STORE_PATH
    forget_cached_keys()
