"""The libvirt module (PRV-01, PRV-02, BIL-08) against libvirt's built-in test driver, one
in-memory hypervisor per test (see tests.provisioning.libvirt_backend), and against
``qemu:///system`` only where this host runs a libvirt daemon with KVM/QEMU."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import uuid
from dataclasses import replace
from datetime import UTC, timedelta
from decimal import Decimal

import libvirt
import pytest
from django.utils import timezone

from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import (
    Capability,
    ModuleError,
    Operation,
    Outcome,
    PowerState,
)
from hostledger.provisioning.modules.libvirt import conf, libvirt_module
from hostledger.provisioning.modules.libvirt.connection import (
    ConnectionCache,
    module_error,
    open_connection,
)
from hostledger.provisioning.modules.libvirt.hypervisor import read_record
from hostledger.subscriptions.actions import order_place
from tests.provisioning.contract import ModuleContract, run_call
from tests.provisioning.libvirt_backend import (  # noqa: F401  (fixtures)
    libvirt_backend,
    silent_listener,
)
from tests.subscriptions.factories import TODAY, fund

CONSOLE_KEY = base64.urlsafe_b64encode(b"k" * 32).rstrip(b"=").decode()


class TestLibvirtVirtualServerContract(ModuleContract):
    """A VPS is one domain with its own disk (PRV-01)."""

    family = "vps"
    specs = {"cpu": 2, "ram_gb": 4, "disk_gb": 20}
    refusal_words = ("storage pool", "not active")

    @pytest.fixture
    def backend(self, libvirt_backend):  # noqa: F811
        return libvirt_backend

    @pytest.fixture
    def module(self, backend):
        return registry.get_module("libvirt")


class TestLibvirtCloudPoolContract(ModuleContract):
    """A cloud pool builds no domain of its own: its servers are built one by one as the
    client makes them (ORD-05, see test_pools_libvirt)."""

    family = "cloud"
    tariff = "cloud-pool"
    specs = {"cpu": 8, "ram_gb": 16, "disk_gb": 200}
    refusal_words = ("storage pool", "not active")
    resources_per_create = 0

    @pytest.fixture
    def backend(self, libvirt_backend):  # noqa: F811
        return libvirt_backend

    @pytest.fixture
    def module(self, backend):
        return registry.get_module("libvirt")

    @pytest.fixture
    def queued_service(self, client_record, payer, shop, django_capture_on_commit_callbacks):
        """A paid cloud pool (ordered without an OS image) whose create call is queued."""

        def _queued(module):
            provider_setting_change(
                key="provisioning.family_modules", raw_value=f"cloud={module.name}"
            )
            fund(client_record, "500.00")
            with django_capture_on_commit_callbacks(execute=False):
                placed = order_place(
                    client=client_record,
                    payer=payer,
                    tariff=shop.cloud_pool,
                    period_months=1,
                    os_image=None,
                    actor=client_record.owner,
                    today=TODAY,
                    start_at_once=True,
                )
            return placed.service

        return _queued


# -- the module on its own ---------------------------------------------------------------------

contract = TestLibvirtVirtualServerContract()


def made(**overrides):
    request = contract.created(libvirt_module)
    return replace(request, **overrides) if overrides else request


def name_of(request) -> str:
    return f"hl-{request.service_id}"


def test_the_domain_has_the_ordered_vcpus_memory_and_disk__PRV_01(libvirt_backend):  # noqa: F811
    create = contract.request(Operation.CREATE, service_id="svc_shape")
    result = run_call(libvirt_module, create)

    assert result.outcome == Outcome.DONE, result.message
    domain = libvirt_backend.domain("hl-svc_shape")
    state, max_memory_kib, _, vcpus, _ = domain.info()
    assert (state, vcpus, max_memory_kib) == (libvirt.VIR_DOMAIN_RUNNING, 2, 4 * 1024 * 1024)
    assert result.module_service_id == domain.UUIDString()
    pool = libvirt_backend.connection.storagePoolLookupByName("hostledger")
    assert pool.storageVolLookupByName("hl-svc_shape.qcow2").info()[1] == 20 * 1024**3
    assert libvirt_backend.volumes() == ["hl-svc_shape.qcow2"]
    record = read_record(domain)
    assert (record.service_id, record.image) == ("svc_shape", "debian-12")
    assert result.access["address"].startswith("192.168.122.")
    assert result.access["username"] == "root"
    password = result.access["password"]
    assert len(password) >= 24
    shown = f"{result.message} {result.module_data} {domain.XMLDesc(0)}"
    assert password not in shown


def test_a_create_delivered_again_returns_no_new_password__PRV_01(libvirt_backend):  # noqa: F811
    create = contract.request(Operation.CREATE, service_id="svc_again")
    first, again = run_call(libvirt_module, create), run_call(libvirt_module, create)
    assert first.access["password"]
    assert "password" not in again.access
    assert libvirt_backend.resources() == 1


def test_suspend_pauses_the_domain_and_resume_runs_it__PRV_01(libvirt_backend):  # noqa: F811
    request = made()
    domain = libvirt_backend.domain(name_of(request))

    assert run_call(libvirt_module, contract.next_call(request, Operation.SUSPEND)).outcome == (
        Outcome.DONE
    )
    assert domain.state()[0] == libvirt.VIR_DOMAIN_PAUSED
    assert run_call(libvirt_module, contract.next_call(request, Operation.RESUME)).outcome == (
        Outcome.DONE
    )
    assert domain.state()[0] == libvirt.VIR_DOMAIN_RUNNING


def test_a_plan_change_changes_the_definition__PRV_01(libvirt_backend):  # noqa: F811
    request = made()
    name = name_of(request)
    change = contract.next_call(
        request, Operation.CHANGE_PLAN, specs={"cpu": 4, "ram_gb": 8, "disk_gb": 20}
    )

    result = run_call(libvirt_module, change)

    assert result.outcome == Outcome.DONE, result.message
    assert "from the next start: 4 vCPUs, 8 GB of memory" in result.message
    domain = libvirt_backend.domain(name)
    config = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    assert "<vcpu placement='static'>4</vcpu>" in config
    assert "<memory unit='KiB'>8388608</memory>" in config
    assert domain.info()[3] == 2  # the running guest keeps its vCPUs until it starts again
    for operation in (Operation.POWER_OFF, Operation.POWER_ON):
        assert run_call(libvirt_module, contract.next_call(request, operation)).outcome == (
            Outcome.DONE
        )
    assert domain.info()[1:4] == [8 * 1024 * 1024, 8 * 1024 * 1024, 4]

    smaller = contract.next_call(
        request, Operation.CHANGE_PLAN, specs={"cpu": 1, "ram_gb": 2, "disk_gb": 20}
    )
    assert run_call(libvirt_module, smaller).outcome == Outcome.DONE
    assert domain.info()[2:4] == [2 * 1024 * 1024, 1]  # at once, within the running maximum
    config = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    assert "<vcpu placement='static'>1</vcpu>" in config
    assert "<memory unit='KiB'>2097152</memory>" in config


def test_a_disk_the_driver_cannot_grow_waits_for_staff__PRV_02(libvirt_backend):  # noqa: F811
    request = made()
    change = contract.next_call(
        request, Operation.CHANGE_PLAN, specs={"cpu": 2, "ram_gb": 4, "disk_gb": 40}
    )
    result = run_call(libvirt_module, change)
    assert result.outcome == Outcome.WAITING
    assert "grow the disk to 40 GB by hand" in result.message
    assert "not supported" in result.message  # libvirt's own words


def test_terminate_removes_the_domain_and_its_disk__PRV_01(libvirt_backend):  # noqa: F811
    request = made()
    other = made()
    result = run_call(libvirt_module, contract.next_call(request, Operation.TERMINATE))
    assert result.outcome == Outcome.DONE
    assert [domain.name() for domain in libvirt_backend.domains()] == [name_of(other)]
    assert libvirt_backend.volumes() == [f"{name_of(other)}.qcow2"]


def test_calls_on_a_domain_that_is_gone_say_so__PRV_02(libvirt_backend):  # noqa: F811
    request = contract.request(Operation.SUSPEND, service_id="svc_never")
    result = run_call(libvirt_module, request)
    assert result.outcome == Outcome.FAILED
    assert result.retry_can_help is False
    assert "no domain hl-svc_never" in result.message
    terminate = replace(request, operation=Operation.TERMINATE)
    assert run_call(libvirt_module, terminate).outcome == Outcome.DONE
    assert libvirt_module.power_state(request) == PowerState.UNKNOWN


def test_a_reinstall_replaces_the_disk_once_per_call__PRV_01(libvirt_backend):  # noqa: F811
    request = made()
    domain = libvirt_backend.domain(name_of(request))
    reinstall = contract.next_call(request, Operation.REINSTALL, os_image="ubuntu-24-04")

    first = run_call(libvirt_module, reinstall)
    domain.suspend()  # a change the second delivery must not undo by reinstalling again
    again = run_call(libvirt_module, reinstall)

    assert first.outcome == again.outcome == Outcome.DONE
    assert first.access["password"] and not again.access
    record = read_record(domain)
    assert (record.image, record.reinstall_key) == ("ubuntu-24-04", reinstall.operation_key)
    assert domain.state()[0] == libvirt.VIR_DOMAIN_PAUSED
    pool = libvirt_backend.connection.storagePoolLookupByName("hostledger")
    assert pool.storageVolLookupByName(f"{name_of(request)}.qcow2").info()[1] == 20 * 1024**3

    unknown = contract.next_call(request, Operation.REINSTALL, os_image="plan9")
    refused = run_call(libvirt_module, unknown)
    assert refused.outcome == Outcome.FAILED and refused.retry_can_help is False
    assert "no volume plan9.qcow2" in refused.message


def test_the_console_link_names_the_vnc_display_in_a_signed_token__PRV_01(
    libvirt_backend,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setenv(conf.CONSOLE_KEY_ENVIRONMENT, CONSOLE_KEY)
    request = made()
    with pytest.raises(ModuleError) as no_display:  # the test driver assigns no VNC port
        libvirt_module.console(request)
    assert "no VNC display" in no_display.value.message

    # Give the domain the port QEMU would have given it, as the hypervisor would report it.
    domain = libvirt_backend.domain(name_of(request))
    domain.destroy()
    definition = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE).replace(
        "port='-1' autoport='yes'", "port='5907' autoport='no'"
    )
    libvirt_backend.connection.defineXML(definition).create()

    link = libvirt_module.console(request)

    assert link.url.startswith("/console/vnc.html?autoconnect=1&path=console/websockify%3Ftoken%3D")
    token = link.url.rsplit("%3D", 1)[1]
    signing_input, signature = token.rsplit(".", 1)
    expected = hmac.new(b"k" * 32, signing_input.encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(signing_input.split(".")[1] + "=="))
    assert (claims["host"], claims["port"]) == ("127.0.0.1", 5907)
    assert claims["exp"] == int(link.expires_at.timestamp())
    assert link.expires_at - timezone.now() <= timedelta(minutes=5)

    monkeypatch.delenv(conf.CONSOLE_KEY_ENVIRONMENT)
    with pytest.raises(ModuleError) as unconfigured:
        libvirt_module.console(request)
    assert conf.CONSOLE_KEY_ENVIRONMENT in unconfigured.value.message


def test_usage_reports_hours_running_with_stable_keys__BIL_08(
    libvirt_backend,  # noqa: F811
    time_machine,
):
    started = timezone.now().replace(microsecond=0)
    time_machine.move_to(started, tick=False)
    request = made()
    time_machine.move_to(started + timedelta(minutes=30), tick=False)
    run_call(libvirt_module, contract.next_call(request, Operation.POWER_OFF))
    time_machine.move_to(started + timedelta(hours=2), tick=False)

    window = {"since": started, "until": started + timedelta(hours=1)}
    readings = libvirt_module.usage(request, **window)
    again = libvirt_module.usage(request, **window)

    assert {r.item_code: r.quantity for r in readings} == {
        "cloud-vcpu-hour": "1.000000",  # 2 vCPUs for half an hour
        "cloud-ram-gb-hour": "2.000000",  # 4 GB for half an hour
        "cloud-disk-gb-hour": "20.000000",  # 20 GB for the whole hour
    }
    assert [r.key for r in readings] == [r.key for r in again]
    assert len({r.key for r in readings}) == 3
    since, until = started.astimezone(UTC), (started + timedelta(hours=1)).astimezone(UTC)
    interval = f"{since:%Y%m%dT%H%M%SZ}-{until:%Y%m%dT%H%M%SZ}"
    assert readings[0].key == f"{request.module_service_id}:cloud-vcpu-hour:{interval}"
    later = libvirt_module.usage(
        request, since=started + timedelta(hours=1), until=started + timedelta(hours=2)
    )
    assert {r.key for r in later}.isdisjoint({r.key for r in readings})
    assert {r.item_code: Decimal(r.quantity) for r in later}["cloud-vcpu-hour"] == 0


def test_capabilities_of_a_server_and_of_a_pool__PRV_01(libvirt_backend):  # noqa: F811
    server = contract.request(Operation.CREATE, service_id="svc_caps")
    pool = replace(server, family="cloud")
    assert libvirt_module.capabilities(server) == {
        Capability.POWER,
        Capability.REINSTALL,
        Capability.CONSOLE,
        Capability.USAGE,
    }
    assert libvirt_module.capabilities(pool) == {Capability.USAGE}


def test_libvirt_errors_say_whether_a_retry_can_help__PRV_02(libvirt_backend, silent_listener):  # noqa: F811
    with pytest.raises(ModuleError) as refused_port:
        closed = socket_port_closed()
        open_connection(f"qemu+tcp://127.0.0.1:{closed}/system", timeout=2)
    assert refused_port.value.retry_can_help is True
    assert "Connection refused" in refused_port.value.message

    with pytest.raises(ModuleError) as silent:
        open_connection(f"qemu+tcp://127.0.0.1:{silent_listener.port}/system", timeout=0.5)
    assert silent.value.retry_can_help is True
    assert "did not answer within 0.5 s" in silent.value.message

    try:
        libvirt_backend.connection.defineXML("<domain type='test'><name>broken")
    except libvirt.libvirtError as error:
        invalid = module_error(error, "define the domain")
    assert invalid.retry_can_help is False
    assert "define the domain" in invalid.message and "broken" in invalid.message

    provider_setting_change(key=conf.STORAGE_POOL, raw_value="no-such-pool")
    result = run_call(libvirt_module, contract.request(Operation.CREATE, service_id="svc_sp"))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert "no-such-pool" in result.message
    assert libvirt_backend.resources() == 0


def socket_port_closed() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- a real hypervisor, where this host has one -------------------------------------------------


def _system_hypervisor():
    try:
        connection = open_connection("qemu:///system", timeout=5)
    except ModuleError as error:
        return None, error.message
    try:
        connection.storagePoolLookupByName("default")
        connection.networkLookupByName("default")
    except libvirt.libvirtError as error:
        connection.close()
        return None, f"qemu:///system has no 'default' storage pool or network: {error}"
    return connection, ""


@pytest.fixture
def system_hypervisor(db, monkeypatch):
    connection, reason = _system_hypervisor()
    if connection is None:
        pytest.skip(f"no libvirt daemon with QEMU on this host: {reason}")
    connection.close()
    for key, value in (
        (conf.URI, "qemu:///system"),
        (conf.STORAGE_POOL, "default"),
        (conf.NETWORK, "default"),
    ):
        provider_setting_change(key=key, raw_value=value)
    cache = ConnectionCache()
    monkeypatch.setattr(libvirt_module, "connections", cache)
    yield libvirt_module.connect()
    cache.close("qemu:///system")


def test_a_server_is_built_and_removed_on_qemu_system__PRV_01(system_hypervisor):
    service_id = f"svc_test{uuid.uuid4().hex[:8]}"
    create = contract.request(
        Operation.CREATE,
        service_id=service_id,
        specs={"cpu": 1, "ram_gb": 1, "disk_gb": 1},
        os_image="",
    )
    try:
        result = run_call(libvirt_module, create)
        assert result.outcome == Outcome.DONE, result.message
        domain = system_hypervisor.lookupByName(f"hl-{service_id}")
        assert domain.info()[3] == 1
    finally:
        terminate = replace(create, operation=Operation.TERMINATE, operation_key="pop_end")
        assert run_call(libvirt_module, terminate).outcome == Outcome.DONE
    assert f"hl-{service_id}" not in [d.name() for d in system_hypervisor.listAllDomains(0)]
