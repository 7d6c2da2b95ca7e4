"""IP address pools and subnets (IPv4 and IPv6), allocations to services without overlaps,
reverse DNS names and usage reported by the client or a probe (SUP-06)."""

from __future__ import annotations

import pytest

from hostledger.accounts.selectors import client_access
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.datacenter.actions import (
    ip_allocate,
    ip_allocation_release,
    ip_pool_create,
    ip_usage_probe_record,
    ip_usage_report,
    reverse_dns_set,
)
from hostledger.datacenter.models import (
    IpAllocation,
    IpPool,
    IpUsageReport,
    ReverseDnsRecord,
    UsageSource,
)
from hostledger.datacenter.selectors import client_allocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(staff):
    return ip_pool_create(actor=staff, name="Tallinn v4", network="192.0.2.0/24")


@pytest.fixture
def allocation(staff, pool, client_a, make_service):
    return ip_allocate(
        actor=staff, pool=pool, service=make_service(client_a), network="192.0.2.16/29"
    )


def test_pools_of_both_versions_are_parsed_and_never_overlap__SUP_06(staff, pool):
    six = ip_pool_create(actor=staff, name="Tallinn v6", network="2001:db8::/48")
    assert (pool.version, six.version) == (4, 6)
    for network, problem in (
        ("192.0.2.128/25", "overlaps the pool Tallinn v4"),
        ("2001:db8:0:1::/64", "overlaps the pool Tallinn v6"),
        ("192.0.2.1/24", "Not a network"),
        ("300.1.1.0/24", "Not a network"),
    ):
        with pytest.raises(DomainError) as refused:
            ip_pool_create(actor=staff, name="x", network=network)
        assert problem in refused.value.fields["network"]
    assert IpPool.objects.count() == 2


def test_an_allocation_lies_inside_its_pool_and_overlaps_no_other__SUP_06(
    staff, pool, allocation, client_b, make_service
):
    service_b = make_service(client_b)
    for network, code in (
        ("192.0.2.20/30", "network_overlaps"),
        ("198.51.100.0/29", "network_outside_pool"),
        ("2001:db8::/64", "network_outside_pool"),
    ):
        with pytest.raises(DomainError) as refused:
            ip_allocate(actor=staff, pool=pool, service=service_b, network=network)
        assert refused.value.code == code
    single = ip_allocate(actor=staff, pool=pool, service=service_b, network="192.0.2.200")
    assert (single.network, single.size) == ("192.0.2.200/32", 1)
    assert allocation.size == 8
    assert IpAllocation.objects.count() == 2


def test_released_addresses_may_be_allocated_again__SUP_06(
    staff, pool, allocation, client_b, make_service
):
    reverse_dns_set(
        access=_owner_access(allocation),
        actor=allocation.client.owner,
        allocation=allocation,
        address="192.0.2.17",
        host_name="mail.example.com",
    )
    ip_allocation_release(allocation=allocation, actor=staff, reason="Client's application")
    assert not ReverseDnsRecord.objects.exists()
    again = ip_allocate(
        actor=staff, pool=pool, service=make_service(client_b), network="192.0.2.16/29"
    )
    assert again.client_id == client_b.pk


def _owner_access(allocation):
    return client_access(allocation.client.owner, None)


def test_reverse_dns_names_are_valid_host_names_of_the_clients_own_addresses__SUP_06(
    access_a, access_b, client_a, allocation
):
    record = reverse_dns_set(
        access=access_a,
        actor=client_a.owner,
        allocation=allocation,
        address="192.0.2.18",
        host_name="Server1.Example.COM.",
    )
    assert record.host_name == "server1.example.com"
    idn = reverse_dns_set(
        access=access_a,
        actor=client_a.owner,
        allocation=allocation,
        address="192.0.2.19",
        host_name="pood.müük.ee",
    )
    assert idn.host_name == "pood.xn--mk-xkaa.ee"
    for address, host_name, field in (
        ("192.0.2.18", "-bad-.example.com", "host_name"),
        ("192.0.2.18", "localhost", "host_name"),
        ("192.0.2.18", "a" * 64 + ".example.com", "host_name"),
        ("192.0.2.18", "<script>.example.com", "host_name"),
        ("192.0.2.99", "ok.example.com", "address"),
        ("not-an-ip", "ok.example.com", "address"),
    ):
        with pytest.raises(DomainError) as refused:
            reverse_dns_set(
                access=access_a,
                actor=client_a.owner,
                allocation=allocation,
                address=address,
                host_name=host_name,
            )
        assert field in refused.value.fields
    with pytest.raises(DomainError):
        reverse_dns_set(
            access=access_b,
            actor=access_b.user,
            allocation=allocation,
            address="192.0.2.18",
            host_name="evil.example.com",
        )
    assert ReverseDnsRecord.objects.get(address="192.0.2.18").host_name == "server1.example.com"
    reverse_dns_set(
        access=access_a,
        actor=client_a.owner,
        allocation=allocation,
        address="192.0.2.18",
        host_name="",
    )
    assert list(ReverseDnsRecord.objects.values_list("address", flat=True)) == ["192.0.2.19"]


def test_the_client_reports_usage_within_the_allocation_size__SUP_06(
    access_a, client_a, allocation, read_only_access_a
):
    reported = ip_usage_report(
        access=access_a, actor=client_a.owner, allocation=allocation, addresses_in_use=3
    )
    assert (reported.addresses_in_use, reported.usage_source) == (3, UsageSource.CLIENT)
    with pytest.raises(DomainError) as too_many:
        ip_usage_report(
            access=access_a, actor=client_a.owner, allocation=allocation, addresses_in_use=9
        )
    assert too_many.value.fields == {
        "addresses_in_use": "Between 0 and 8, the addresses allocated."
    }
    with pytest.raises(PermissionDenied):
        ip_usage_report(
            access=read_only_access_a,
            actor=read_only_access_a.user,
            allocation=allocation,
            addresses_in_use=8,
        )
    assert client_allocation(client_a, allocation.public_id).addresses_in_use == 3
    assert IpUsageReport.objects.count() == 1


def test_a_probe_reports_the_addresses_it_saw_and_outsiders_are_refused__SUP_06(allocation):
    measured = ip_usage_probe_record(
        allocation=allocation, addresses_seen=["192.0.2.17", "192.0.2.18", "192.0.2.17"]
    )
    assert (measured.addresses_in_use, measured.usage_source) == (2, UsageSource.PROBE)
    with pytest.raises(DomainError) as outside:
        ip_usage_probe_record(allocation=allocation, addresses_seen=["192.0.2.17", "10.0.0.1"])
    assert outside.value.fields == {"addresses_seen": "10.0.0.1 is not in 192.0.2.16/29."}
    allocation.refresh_from_db()
    assert allocation.addresses_in_use == 2
