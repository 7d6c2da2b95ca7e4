"""Fixtures of the billing-run tests: the orders tests' catalog, clients and helpers, and a
run made as of a given day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hostledger.automation.run import billing_run
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


def moment(day: date, hour: int = 6) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TALLINN)


@pytest.fixture
def run_as_of(django_capture_on_commit_callbacks, time_machine):
    """Run the billing run as of 06:00 on ``day`` with the wall clock moved there too."""

    def _run(day: date, **kwargs):
        time_machine.move_to(moment(day), tick=True)
        with django_capture_on_commit_callbacks(execute=True):
            return billing_run(as_of=moment(day), **kwargs)

    return _run


@pytest.fixture
def active_service(place, client_record, staff, run_hooks):  # noqa: F811
    """Place a paid one-month VPS Start (9.90 + VAT) from a funded balance and have staff
    activate it; returns a function so a test can choose the funding."""
    from hostledger.subscriptions.actions import service_activate
    from hostledger.subscriptions.models import Service
    from tests.subscriptions.factories import TODAY, fund

    def _make(balance: str = "12.28", **order):
        fund(client_record, balance)
        place(**order)
        service = Service.objects.get(client=client_record)
        run_hooks(service_activate, service=service, actor=staff, today=TODAY)
        service.refresh_from_db()
        return service

    return _make
