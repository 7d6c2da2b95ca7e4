"""Fixtures of the licence rental tests: those of the provisioning tests (and through them
the orders tests), and a pool of keys to hand out."""

from __future__ import annotations

import itertools

import pytest

from hostledger.accounts import permissions as perms
from hostledger.core.registry import provider_setting_change
from hostledger.licences.actions import keys_upload
from hostledger.subscriptions.actions import order_place
from tests.provisioning.conftest import (  # noqa: F401  (fixtures shared with these tests)
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
from tests.subscriptions.factories import TODAY, fund, new_staff

_serials = itertools.count(1)


def licence_keys(count: int, *, prefix: str = "WSSTD") -> list[str]:
    """``count`` distinct keys in the shape of a Microsoft product key."""
    return [
        f"{prefix[:5]:A<5}-{serial:05d}-K7Q2M-9PX4T-R3VHB"
        for serial in (next(_serials) for _ in range(count))
    ]


@pytest.fixture
def key_manager(db):
    """A member of staff with ``services.manage``, who uploads and retires keys."""
    return new_staff(perms.SERVICES_MANAGE)


@pytest.fixture
def stock(key_manager):
    """Upload ``count`` fresh keys of ``product`` and return them."""

    def _stock(product: str, count: int, *, name: str = "") -> list[str]:
        keys = licence_keys(count)
        keys_upload(
            actor=key_manager, product_code=product, product_name=name, text="\n".join(keys)
        )
        return keys

    return _stock


@pytest.fixture
def licence_order(client_record, payer, shop, django_capture_on_commit_callbacks):  # noqa: F811
    """Place and pay a one-month licence of ``tariff`` (Windows Server Standard unless
    told otherwise) for the client; the licence family runs on the ``licences`` module.
    ``run=False`` leaves the create call queued, not run."""

    def _order(*, tariff=None, run: bool = True, client=None, client_payer=None):
        provider_setting_change(key="provisioning.family_modules", raw_value="licence=licences")
        client = client or client_record
        fund(client, "100.00")
        with django_capture_on_commit_callbacks(execute=run):
            placed = order_place(
                client=client,
                payer=client_payer or payer,
                tariff=tariff or shop.windows_licence,
                period_months=1,
                actor=client.owner,
                today=TODAY,
                start_at_once=True,
            )
        return placed.service

    return _order
