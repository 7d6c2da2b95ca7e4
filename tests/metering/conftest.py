"""Fixtures of the metering tests: a frozen clock, module calls run at once, the test catalog
with metered items, and a client whose VPS was ordered and paid on 1 March 2027. Once the
service exists the clock stands at 1 April 2027, when March's usage is billed."""

from __future__ import annotations

import pytest

from tests.metering.factories import APRIL_NOW, add_metered_items, paid_vps
from tests.subscriptions.factories import (
    NOW,
    build_catalog,
    new_client,
    new_payer,
    services_staff,
)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=True)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def items(shop):
    return add_metered_items(shop)


@pytest.fixture
def client_record(db):
    return new_client()


@pytest.fixture
def payer(client_record):
    return new_payer(client_record)


@pytest.fixture
def staff(db):
    return services_staff()


@pytest.fixture
def vps(django_capture_on_commit_callbacks, shop, items, client_record, payer, time_machine):
    """The client's VPS Start, ordered and paid on 1 March; the clock then moves to 1 April."""
    with django_capture_on_commit_callbacks(execute=True):
        service = paid_vps(client_record, payer, shop)
    time_machine.move_to(APRIL_NOW, tick=True)
    return service
