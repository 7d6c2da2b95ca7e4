"""Fixtures of the data-centre tests: the orders tests' catalog and clients, services in a
chosen state, staff, and the client's own access (ACC-06)."""

from __future__ import annotations

import pytest

from hostledger.accounts.actions import access_grant_create
from hostledger.accounts.selectors import client_access
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Service
from tests.subscriptions.factories import (
    NOW,
    TODAY,
    build_catalog,
    new_client,
    new_payer,
    new_staff,
    services_staff,
)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=True)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def make_service(shop):
    """A service of ``client`` (a VPS Start placed through the real order action) put in
    ``status`` (active by default)."""

    def _make(client, *, status: str = "active") -> Service:
        payer = client.payers.filter(is_default=True).first() or new_payer(client)
        order = order_place(
            client=client,
            payer=payer,
            tariff=shop.vps_start,
            period_months=1,
            os_image=shop.debian,
            start_at_once=True,
            actor=client.owner,
            today=TODAY,
        )
        service = order.services.get()
        Service.objects.filter(pk=service.pk).update(status=status)
        service.refresh_from_db()
        return service

    return _make


@pytest.fixture
def client_a(db):
    return new_client()


@pytest.fixture
def client_b(db):
    return new_client()


@pytest.fixture
def access_a(client_a):
    return client_access(client_a.owner, None)


@pytest.fixture
def access_b(client_b):
    return client_access(client_b.owner, None)


@pytest.fixture
def read_only_access_a(client_a):
    """A trusted user of A whose grant reads the account and writes nothing (ACC-06)."""
    reader = new_client().owner
    access_grant_create(
        client=client_a, actor=client_a.owner, grantee_email=reader.email, scopes=["read_only"]
    )
    return client_access(reader, client_a.public_id)


@pytest.fixture
def services_access_a(client_a):
    """A trusted user of A with the services scope (ACC-06)."""
    technician = new_client().owner
    access_grant_create(
        client=client_a, actor=client_a.owner, grantee_email=technician.email, scopes=["services"]
    )
    return client_access(technician, client_a.public_id)


@pytest.fixture
def staff(db):
    """A member of staff with ``services.manage``."""
    return services_staff()


@pytest.fixture
def viewer(db):
    """A member of staff who may only look."""
    return new_staff("clients.view")
