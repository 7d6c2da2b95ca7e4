"""Fixtures of the ``proxmox`` module tests: the provisioning fixtures, a simulated
Proxmox VE API on 127.0.0.1 (see :mod:`.simulator`) and the module configured to reach it."""

from __future__ import annotations

import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.proxmox import conf
from hostledger.provisioning.modules.proxmox.client import (
    TOKEN_ID_VARIABLE,
    TOKEN_SECRET_VARIABLE,
)
from tests.provisioning.conftest import (  # noqa: F401  (fixtures shared with these tests)
    _frozen_clock,
    _immediate_tasks,
    client_record,
    payer,
    queued_service,
    run_hooks,
    shop,
)
from tests.provisioning.proxmox.simulator import PveSimulator, make_tls_files

CLIENT_TIMEOUT_SECONDS = 1


@pytest.fixture(scope="session")
def pve_tls(tmp_path_factory):
    """(ca.pem, cert.pem, key.pem) of the simulator's HTTPS."""
    return make_tls_files(tmp_path_factory.mktemp("pve-tls"))


@pytest.fixture
def pve(pve_tls):
    """The simulated Proxmox VE API, stopped after the test."""
    _, cert, key = pve_tls
    simulator = PveSimulator(cert, key, stall_seconds=CLIENT_TIMEOUT_SECONDS + 1.5).start()
    yield simulator
    simulator.stop()


class PveBackend:
    """The contract's view of the simulator: its VMs, its faults, a VM's power."""

    def __init__(self, simulator: PveSimulator):
        self.simulator = simulator

    def resources(self) -> int:
        return len(self.simulator.machines())

    def inject(self, kind: str) -> None:
        self.simulator.inject(kind)

    def power_state(self, request) -> str:
        vm = self.simulator.vm(request.module_service_id)
        assert vm is not None, f"no VM {request.module_service_id} in the simulator"
        return "on" if vm.status == "running" and not vm.paused else "off"


@pytest.fixture
def backend(pve):
    return PveBackend(pve)


@pytest.fixture
def configure_proxmox(db, pve, pve_tls, monkeypatch):
    """Provider settings and token environment that point the module at the simulator."""

    def _configure(**overrides):
        values = {
            conf.API_URL: pve.url,
            conf.NODE: "pve",
            conf.TEMPLATES: "debian-12=9000,ubuntu-24-04=9001",
            conf.CA_BUNDLE: str(pve_tls[0]),
            conf.TIMEOUT_SECONDS: CLIENT_TIMEOUT_SECONDS,
            conf.TASK_POLL_MILLISECONDS: 10,
            conf.SHUTDOWN_SECONDS: 5,
            conf.TRAFFIC_ITEM: "vps-traffic",
            conf.CPU_HOURS_ITEM: "vps-cpu-hours",
        }
        values.update(overrides)
        for key, value in values.items():
            provider_setting_change(key=key, raw_value=value)
        monkeypatch.setenv(TOKEN_ID_VARIABLE, pve.token_id)
        monkeypatch.setenv(TOKEN_SECRET_VARIABLE, pve.secret)

    return _configure


@pytest.fixture
def module(configure_proxmox):
    configure_proxmox()
    return registry.get_module("proxmox")
