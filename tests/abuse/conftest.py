"""Fixtures of the abuse desk's tests: the orders tests' catalog and clients, an active
service under a host name, a member of the abuse team, and the deadline job run as of a
moment with the wall clock moved there (time-machine)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hostledger.abuse.deadlines import abuse_deadlines_run
from hostledger.accounts import permissions as perms
from hostledger.subscriptions.actions import service_host_name_set
from tests.automation.conftest import active_service  # noqa: F401  (fixture)
from tests.subscriptions.conftest import (  # noqa: F401  (fixtures shared with the orders tests)
    _frozen_clock,
    _immediate_tasks,
    client_record,
    other_client,
    payer,
    place,
    run_hooks,
    shop,
    staff,
    staff_without_permission,
)
from tests.subscriptions.factories import new_staff

TALLINN = ZoneInfo("Europe/Tallinn")


def local(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TALLINN)


@pytest.fixture
def abuse_staff(db):
    """A member of the abuse team: ``abuse.manage`` and ``clients.view`` only."""
    return new_staff(perms.ABUSE_MANAGE, perms.CLIENTS_VIEW)


@pytest.fixture
def hosted_service(active_service, staff):  # noqa: F811
    """An active VPS of ``client_record`` running under shop.example.com."""
    service = active_service()
    return service_host_name_set(service=service, host_name="shop.example.com", actor=staff)


@pytest.fixture
def deadlines_at(time_machine, django_capture_on_commit_callbacks):
    """Run the abuse deadline job as of ``moment``, with the clock there too."""

    def _run(moment: datetime):
        time_machine.move_to(moment, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            return abuse_deadlines_run(now=moment)

    return _run
