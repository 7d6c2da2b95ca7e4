"""Fixtures of the interruption, maintenance and repair tests: the orders tests' frozen
clock, catalog, clients and staff, a paid and active VPS, and a moment in Tallinn time."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.automation.conftest import active_service, run_as_of  # noqa: F401
from tests.subscriptions.conftest import (  # noqa: F401  (fixtures shared with the orders tests)
    _frozen_clock,
    _immediate_tasks,
    apply_payments,
    client_record,
    other_client,
    payer,
    place,
    run_hooks,
    shop,
    staff,
    staff_without_permission,
)

TALLINN = ZoneInfo("Europe/Tallinn")


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` in Tallinn, the provider's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=TALLINN)


@pytest.fixture
def clock(time_machine):
    """Move the wall clock to a moment and hold it there, so counted times are exact."""

    def _move(moment: datetime):
        time_machine.move_to(moment, tick=False)
        return moment

    return _move
