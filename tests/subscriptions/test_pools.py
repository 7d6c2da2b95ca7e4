"""Servers inside a cloud data-center pool never exceed the pool (ORD-05)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from hostledger.core.errors import DomainError
from hostledger.subscriptions.actions import (
    pool_server_create,
    pool_server_delete,
    pool_server_resize,
    service_activate,
    service_terminate,
)
from hostledger.subscriptions.models import PoolServer
from hostledger.subscriptions.selectors import client_pool_server, pool_servers, pool_usage
from tests.subscriptions.factories import (
    TODAY,
    build_catalog,
    fund,
    new_client,
    new_payer,
    services_staff,
    written_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(place, shop, client_record, staff):
    """An active cloud pool of 8 vCPU, 16 GB memory and 200 GB disk."""
    fund(client_record, "74.40")
    service = place(tariff=shop.cloud_pool, os_image=None).service
    service_activate(service=service, actor=staff, today=TODAY)
    service.refresh_from_db()
    return service


def _create(pool, shop, name, cpu=1, ram_gb=1, disk_gb=10, **extra):
    return pool_server_create(
        service=pool,
        name=name,
        cpu=cpu,
        ram_gb=ram_gb,
        disk_gb=disk_gb,
        os_image=extra.pop("os_image", shop.debian),
        actor=extra.pop("actor", pool.client.owner),
    )


def test_servers_fill_the_pool_and_no_further__ORD_05(pool, shop):
    assert pool_usage(pool).capacity == {"cpu": 8, "ram_gb": 16, "disk_gb": 200}
    _create(pool, shop, "web-1", cpu=4, ram_gb=8, disk_gb=100)
    _create(pool, shop, "db-1", cpu=4, ram_gb=8, disk_gb=100)
    usage = pool_usage(pool)
    assert usage.used == {"cpu": 8, "ram_gb": 16, "disk_gb": 200}
    assert usage.free == {"cpu": 0, "ram_gb": 0, "disk_gb": 0}
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        _create(pool, shop, "extra", cpu=1, ram_gb=1, disk_gb=1)

    assert refused.value.code == "pool_exceeded"
    assert refused.value.fields == {
        "cpu": "Only 0 vCPU left in the pool.",
        "ram_gb": "Only 0 GB of memory left in the pool.",
        "disk_gb": "Only 0 GB of disk left in the pool.",
    }
    assert written_rows() == before


def test_each_resource_is_checked_on_its_own__ORD_05(pool, shop):
    _create(pool, shop, "web-1", cpu=6, ram_gb=4, disk_gb=50)
    with pytest.raises(DomainError) as refused:
        _create(pool, shop, "web-2", cpu=3, ram_gb=4, disk_gb=50)
    assert refused.value.fields == {"cpu": "Only 2 vCPU left in the pool."}
    assert [server.name for server in pool_servers(pool)] == ["web-1"]


def test_resizing_and_deleting_keep_within_the_pool__ORD_05(pool, shop):
    web = _create(pool, shop, "web-1", cpu=4, ram_gb=8, disk_gb=100)
    db = _create(pool, shop, "db-1", cpu=2, ram_gb=4, disk_gb=50)

    resized = pool_server_resize(server=web, cpu=6, actor=None)
    assert (resized.cpu, resized.ram_gb, resized.disk_gb) == (6, 8, 100)
    with pytest.raises(DomainError) as refused:
        pool_server_resize(server=web, cpu=7, disk_gb=151, actor=None)
    assert refused.value.fields == {
        "cpu": "Only 6 vCPU left in the pool.",
        "disk_gb": "Only 150 GB of disk left in the pool.",
    }
    assert PoolServer.objects.get(pk=web.pk).cpu == 6

    pool_server_delete(server=db, actor=None)
    assert pool_usage(pool).used == {"cpu": 6, "ram_gb": 8, "disk_gb": 100}
    assert pool_server_resize(server=web, cpu=8, ram_gb=16, disk_gb=200, actor=None).cpu == 8
    with pytest.raises(DomainError) as gone:
        pool_server_resize(server=db, cpu=1, actor=None)
    assert gone.value.status == 404


def test_a_deleted_servers_name_may_be_used_again_but_not_a_live_one__ORD_05(pool, shop):
    first = _create(pool, shop, "web-1")
    with pytest.raises(DomainError) as refused:
        _create(pool, shop, "WEB-1")
    assert refused.value.fields == {"name": "A server of this pool already has this name."}
    pool_server_delete(server=first, actor=None)
    assert _create(pool, shop, "web-1").name == "web-1"


def test_bad_server_input_is_refused_per_field__ORD_05(pool, shop):
    before = written_rows()
    cases = [
        ({"name": ""}, "name"),
        ({"name": "-web"}, "name"),
        ({"name": "web_1"}, "name"),
        ({"name": "a" * 64}, "name"),
        ({"cpu": 0}, "cpu"),
        ({"ram_gb": -1}, "ram_gb"),
        ({"disk_gb": "10"}, "disk_gb"),
        ({"cpu": True}, "cpu"),
        ({"os_image": None}, "os_image"),
        ({"os_image": shop.windows}, "os_image"),
    ]
    for overrides, field in cases:
        values = {"name": "web-1", "cpu": 1, "ram_gb": 1, "disk_gb": 1, "os_image": shop.debian}
        values.update(overrides)
        with pytest.raises(DomainError) as refused:
            _create(pool, shop, **values)
        assert field in refused.value.fields, overrides
    assert written_rows() == before


def test_only_an_active_cloud_pool_holds_servers__ORD_05(place, shop, client_record, pool, staff):
    fund(client_record, "12.28")
    vps = place().service
    with pytest.raises(DomainError) as refused:
        _create(vps, shop, "web-1")
    assert refused.value.code == "not_a_pool"

    _create(pool, shop, "web-1")
    service_terminate(service=pool, actor=staff, reason="Contract ended")
    assert list(pool_servers(pool)) == []
    with pytest.raises(DomainError) as refused:
        _create(pool, shop, "web-2")
    assert refused.value.code == "pool_not_active"


def test_a_server_of_another_clients_pool_is_not_found__ORD_05(pool, shop, other_client):
    server = _create(pool, shop, "web-1")
    assert client_pool_server(pool.client, server.public_id) == server
    with pytest.raises(DomainError) as refused:
        client_pool_server(other_client, server.public_id)
    assert refused.value.status == 404


THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_threads_creating_servers_at_once_never_exceed_the_pool__ORD_05(
    django_capture_on_commit_callbacks,
):
    """8 threads each create 3 servers of 1 vCPU / 2 GB / 30 GB in a pool of 8 / 16 / 200
    at the same moment: exactly 6 fit (disk is the limit), the rest are refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")
    from hostledger.catalog.reference import ensure_product_families
    from hostledger.invoicing.reference import ensure_vat_rates_and_series
    from hostledger.subscriptions.actions import client_payments_apply, order_place

    ensure_product_families()  # a transactional test starts from emptied tables
    ensure_vat_rates_and_series()
    staff = services_staff()
    shop = build_catalog()
    client = new_client()
    payer = new_payer(client)
    fund(client, "74.40")
    order = order_place(
        client=client,
        payer=payer,
        tariff=shop.cloud_pool,
        period_months=1,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        actor=None,
        today=TODAY,
    )
    client_payments_apply(client=client, today=TODAY)
    pool = order.service
    service_activate(service=pool, actor=staff, today=TODAY)
    start = threading.Barrier(THREADS)

    def worker(number: int) -> tuple[int, int]:
        created = refused = 0
        try:
            start.wait(timeout=30)
            for attempt in range(3):
                try:
                    pool_server_create(
                        service=pool,
                        name=f"t{number}-{attempt}",
                        cpu=1,
                        ram_gb=2,
                        disk_gb=30,
                        os_image=shop.debian,
                        actor=None,
                    )
                    created += 1
                except DomainError as error:
                    assert error.code == "pool_exceeded"
                    refused += 1
        finally:
            connections.close_all()
        return created, refused

    with ThreadPoolExecutor(max_workers=THREADS) as executor:
        results = list(executor.map(worker, range(THREADS)))

    assert sum(created for created, _ in results) == 6
    assert sum(refused for _, refused in results) == THREADS * 3 - 6
    assert pool_usage(pool).used == {"cpu": 6, "ram_gb": 12, "disk_gb": 180}
    assert PoolServer.objects.filter(service=pool, deleted_at__isnull=True).count() == 6
