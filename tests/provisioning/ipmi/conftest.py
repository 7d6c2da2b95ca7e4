"""Fixtures of the ``ipmi`` module tests: the provisioning fixtures, a dedicated server's BMC
(OpenIPMI's ipmi_sim, see :mod:`.rack`) and the module configured for it."""

from __future__ import annotations

import json

import pytest

from hostledger.catalog import actions as catalog
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.models import ServiceAccess
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.ipmi import conf
from hostledger.subscriptions.actions import order_place
from tests.catalog_helpers import create_published_tariff
from tests.provisioning.conftest import (  # noqa: F401  (fixtures shared with these tests)
    _frozen_clock,
    _immediate_tasks,
    client_record,
    payer,
    run_hooks,
    shop,
)
from tests.provisioning.ipmi.rack import (
    PASSWORD,
    USER,
    SimulatedBmc,
    UdpRelay,
    ipmi_sim_binary,
)
from tests.subscriptions.factories import TODAY, fund

DEDICATED_SPECS = {"cpu": 6, "ram_gb": 32, "disk_gb": 960}


@pytest.fixture
def bmc(tmp_path):
    """A dedicated server's BMC: ipmi_sim on 127.0.0.1, always stopped after the test."""
    binary = ipmi_sim_binary()
    if binary is None:
        pytest.skip("ipmi_sim (Debian package openipmi) is not installed on this machine")
    simulated = SimulatedBmc(tmp_path).start(binary)
    yield simulated
    simulated.stop()


@pytest.fixture
def relay(bmc):
    forwarder = UdpRelay(bmc.port).start()
    yield forwarder
    forwarder.stop()


class BmcBackend:
    """The contract's view of the rack: one server whose BMC the module reaches through the
    relay; faults for the next call; the server's power read from the chassis state file."""

    def __init__(self, bmc: SimulatedBmc, relay: UdpRelay):
        self.bmc = bmc
        self.relay = relay
        self.wrong_password_next = False

    def access(self) -> dict[str, str]:
        """The BMC details staff enter for the server (a wrong password once after a
        refusal was injected)."""
        password = PASSWORD
        if self.wrong_password_next:
            self.wrong_password_next = False
            password = "not-" + PASSWORD
        return {
            "bmc_address": f"127.0.0.1:{self.relay.port}",
            "bmc_username": USER,
            "bmc_password": password,
        }

    def resources(self) -> int:
        """The servers in the rack: one; the module takes them into service and back but
        never adds or removes hardware."""
        return 1 if self.bmc.process is not None and self.bmc.process.poll() is None else 0

    def inject(self, kind: str) -> None:
        if kind == "timeout":
            self.relay.divert_next_call()
        elif kind == "refusal":
            self.wrong_password_next = True
        else:
            raise AssertionError(kind)

    def power_state(self, request) -> str:
        return self.bmc.power()


@pytest.fixture
def backend(bmc, relay):
    return BmcBackend(bmc, relay)


@pytest.fixture
def configure_ipmi(db):
    def _configure(**overrides):
        values = {
            conf.PING_SECONDS: 1,
            conf.TIMEOUT_SECONDS: 15,
            conf.POWER_WAIT_SECONDS: 5,
        }
        values.update(overrides)
        for key, value in values.items():
            provider_setting_change(key=key, raw_value=value)

    return _configure


@pytest.fixture
def module(configure_ipmi):
    configure_ipmi()
    return registry.get_module("ipmi")


@pytest.fixture
def queued_service(client_record, payer, shop, backend, django_capture_on_commit_callbacks):  # noqa: F811
    """Place and pay a one-month dedicated server whose family runs on a given module, with
    the BMC details of the test's server in the service's access details, leaving its create
    call queued (see tests.provisioning.contract).

    The tariff and its OS image are made through the catalog actions. The access details are
    written through the model: staff enter them when they activate a dedicated service, and
    no action stores them for a service still being provisioned yet."""

    def _queued(module):
        dedicated = ProductFamily.objects.get(code=FamilyCode.DEDICATED)
        tariff = create_published_tariff(
            family=dedicated,
            code="dedicated-e-2336",
            name="Dedicated E-2336",
            monthly_fee="89.00",
            specs=DEDICATED_SPECS,
        )
        image = catalog.os_image_create(
            code="debian-12-server", name="Debian 12 (server)", families=[dedicated]
        )
        provider_setting_change(
            key="provisioning.family_modules", raw_value=f"dedicated={module.name}"
        )
        fund(client_record, "500.00")
        with django_capture_on_commit_callbacks(execute=False):
            placed = order_place(
                client=client_record,
                payer=payer,
                tariff=tariff,
                period_months=1,
                os_image=image,
                actor=client_record.owner,
                today=TODAY,
                start_at_once=True,
            )
        ServiceAccess.objects.create(service=placed.service, details=json.dumps(backend.access()))
        return placed.service

    return _queued
