"""Servers of a cloud pool are built, resized and removed by the libvirt module (ORD-05,
PRV-01, PRV-02): each change of a pool server queues the module's call in its own
transaction, the call runs once however often it is delivered, and a server that does not
fit in the pool is refused before anything is built."""

from __future__ import annotations

import libvirt
import pytest
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.actions import (
    provisioning_operation_run,
    provisioning_operations_sweep,
)
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import Operation, Outcome, ServiceRequest
from hostledger.provisioning.modules.libvirt import libvirt_module
from hostledger.subscriptions.actions import (
    pool_server_create,
    pool_server_delete,
    pool_server_resize,
    service_activate,
    service_suspend,
    service_terminate,
)
from hostledger.subscriptions.models import PoolServer, ServiceStatus
from tests.provisioning.libvirt_backend import (  # noqa: F401  (fixtures)
    libvirt_backend,
    silent_listener,
)
from tests.subscriptions.factories import TODAY, fund, written_rows

pytestmark = pytest.mark.django_db
Status = ProvisioningOperation.Status
GIB = 1024**3


@pytest.fixture
def pool(libvirt_backend, place, shop, client_record):  # noqa: F811
    """An active cloud pool of 8 vCPU, 16 GB memory and 200 GB disk run by libvirt."""
    provider_setting_change(key="provisioning.family_modules", raw_value="cloud=libvirt")
    fund(client_record, "74.40")
    service = place(tariff=shop.cloud_pool, os_image=None).service
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert service.module_name == "libvirt"
    return service


def domain_name(pool, server) -> str:
    return f"hl-{pool.public_id}-{server.public_id}"


def create_server(run_hooks, pool, shop, name="web-1", cpu=2, ram_gb=4, disk_gb=10):
    return run_hooks(
        pool_server_create,
        service=pool,
        name=name,
        cpu=cpu,
        ram_gb=ram_gb,
        disk_gb=disk_gb,
        os_image=shop.debian,
        actor=pool.client.owner,
    )


def call_of(pool, server, step: str) -> ProvisioningOperation:
    return ProvisioningOperation.objects.get(service=pool, key=f"pool:{server.public_id}:{step}")


def test_a_pool_server_is_built_resized_and_removed_on_the_hypervisor__ORD_05(
    pool,
    shop,
    run_hooks,
    libvirt_backend,  # noqa: F811
):
    pool_id_before = pool.module_service_id
    server = create_server(run_hooks, pool, shop)

    create = call_of(pool, server, "create")
    assert (create.operation, create.status) == (Operation.CREATE, Status.DONE), create.message
    assert create.changes == {
        "pool_server": server.public_id,
        "name": "web-1",
        "specs": {"cpu": 2, "ram_gb": 4, "disk_gb": 10},
        "os_image": "debian-12",
    }
    domain = libvirt_backend.domain(domain_name(pool, server))
    state, memory_kib, _, vcpus, _ = domain.info()
    assert (state, vcpus, memory_kib) == (libvirt.VIR_DOMAIN_RUNNING, 2, 4 * 1024 * 1024)
    volume = f"{domain_name(pool, server)}.qcow2"
    disk = libvirt_backend.connection.storagePoolLookupByName("hostledger")
    assert disk.storageVolLookupByName(volume).info()[1] == 10 * GIB
    pool.refresh_from_db()
    assert pool.module_service_id == pool_id_before  # the pool's own record is untouched

    run_hooks(pool_server_resize, server=server, cpu=4, ram_gb=8, actor=pool.client.owner)

    resize = ProvisioningOperation.objects.get(service=pool, operation=Operation.CHANGE_PLAN)
    assert resize.key.startswith(f"pool:{server.public_id}:resize:")
    assert resize.status == Status.DONE, resize.message
    config = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    assert "<vcpu placement='static'>4</vcpu>" in config
    assert "<memory unit='KiB'>8388608</memory>" in config

    run_hooks(pool_server_delete, server=server, actor=pool.client.owner)

    assert call_of(pool, server, "delete").status == Status.DONE
    assert libvirt_backend.resources() == 0
    assert libvirt_backend.volumes() == []


def test_a_server_that_does_not_fit_is_refused_and_nothing_is_built__ORD_05(
    pool,
    shop,
    run_hooks,
    libvirt_backend,  # noqa: F811
):
    create_server(run_hooks, pool, shop, cpu=6)
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        create_server(run_hooks, pool, shop, name="db-1", cpu=3)

    assert refused.value.fields == {"cpu": "Only 2 vCPU left in the pool."}
    assert written_rows() == before
    assert PoolServer.objects.filter(name="db-1").count() == 0
    assert libvirt_backend.resources() == 1


def test_a_pool_server_call_delivered_again_builds_once__ORD_05_PRV_02(
    pool,
    shop,
    run_hooks,
    libvirt_backend,  # noqa: F811
):
    libvirt_backend.inject("timeout")
    server = create_server(run_hooks, pool, shop)
    create = call_of(pool, server, "create")
    assert create.status == Status.RETRYING and create.retry_can_help
    assert libvirt_backend.resources() == 0

    ProvisioningOperation.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now())
    assert run_hooks(provisioning_operations_sweep) == 1
    create.refresh_from_db()
    assert create.status == Status.DONE, create.message
    # A worker that died after the module built the server delivers the call again.
    ProvisioningOperation.objects.filter(pk=create.pk).update(status=Status.QUEUED)
    assert provisioning_operation_run(operation_id=create.pk).status == Status.DONE
    assert [d.name() for d in libvirt_backend.domains()] == [domain_name(pool, server)]


def test_a_server_deleted_while_its_create_waits_for_a_retry_is_never_built__ORD_05(
    pool,
    shop,
    run_hooks,
    libvirt_backend,  # noqa: F811
):
    libvirt_backend.inject("timeout")
    server = create_server(run_hooks, pool, shop)
    assert call_of(pool, server, "create").status == Status.RETRYING

    run_hooks(pool_server_delete, server=server, actor=pool.client.owner)

    assert call_of(pool, server, "create").status == Status.CANCELLED
    assert call_of(pool, server, "delete").status == Status.DONE
    ProvisioningOperation.objects.update(next_attempt_at=timezone.now())
    assert run_hooks(provisioning_operations_sweep) == 0
    assert libvirt_backend.resources() == 0


def test_suspending_and_terminating_the_pool_acts_on_all_its_servers__ORD_05(
    pool,
    shop,
    run_hooks,
    staff,
    libvirt_backend,  # noqa: F811
):
    servers = [create_server(run_hooks, pool, shop, name=f"web-{n}") for n in (1, 2)]
    other = libvirt_module.create(
        ServiceRequest(
            operation=Operation.CREATE,
            operation_key="pop_other",
            service_id="svc_other",
            client_id="cli_other",
            family="vps",
            tariff="vps-start",
            specs={"cpu": 1, "ram_gb": 1, "disk_gb": 10},
            os_image="debian-12",
        )
    )
    assert other.outcome == Outcome.DONE

    run_hooks(service_suspend, service=pool, actor=staff, reason="Unpaid.", notify=False)
    states = {d.name(): d.state()[0] for d in libvirt_backend.domains()}
    assert states == {
        domain_name(pool, servers[0]): libvirt.VIR_DOMAIN_PAUSED,
        domain_name(pool, servers[1]): libvirt.VIR_DOMAIN_PAUSED,
        "hl-svc_other": libvirt.VIR_DOMAIN_RUNNING,
    }

    run_hooks(service_terminate, service=pool, actor=staff, reason="Contract ended.")
    assert [d.name() for d in libvirt_backend.domains()] == ["hl-svc_other"]
    assert libvirt_backend.volumes() == ["hl-svc_other.qcow2"]


def test_pool_usage_sums_nothing_twice_and_names_each_server__BIL_08(
    pool,
    shop,
    run_hooks,
    libvirt_backend,  # noqa: F811
):
    servers = [create_server(run_hooks, pool, shop, name=f"web-{n}") for n in (1, 2)]
    request = ServiceRequest(
        operation=Operation.CREATE,
        operation_key="pop_usage",
        service_id=pool.public_id,
        client_id=pool.client.public_id,
        family="cloud",
        tariff="cloud-pool",
    )
    now = timezone.now()
    readings = libvirt_module.usage(request, since=now, until=now)
    uuids = {libvirt_backend.domain(domain_name(pool, s)).UUIDString() for s in servers}
    assert {reading.key.split(":")[0] for reading in readings} == uuids
    assert len({reading.key for reading in readings}) == len(readings) == 6


def test_a_pool_staff_build_by_hand_queues_no_module_call__ORD_05(
    place, shop, client_record, staff, run_hooks
):
    fund(client_record, "74.40")
    manual_pool = place(tariff=shop.cloud_pool, os_image=None).service
    service_activate(service=manual_pool, actor=staff, today=TODAY)
    calls = ProvisioningOperation.objects.count()
    create_server(run_hooks, manual_pool, shop)
    assert ProvisioningOperation.objects.count() == calls
