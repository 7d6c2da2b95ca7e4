"""Reverse DNS names a client sets for its addresses are served as PTR records of the
provider's reverse zones by a real PowerDNS (SUP-06, DOM-04): the flow stores the name in the
datacenter app and then the PTR in the DNS app, in one transaction."""

from __future__ import annotations

import ipaddress

import dns.reversename
import pytest

from hostledger.core.errors import DomainError, NotFound
from hostledger.datacenter import actions as datacenter
from hostledger.datacenter.models import ReverseDnsRecord
from hostledger.dns import actions
from hostledger.dns.models import Record, Zone, ZoneKind
from hostledger.flows.reverse_dns import reverse_dns_publish


@pytest.fixture
def allocation(staff, hosting_service):
    pool = datacenter.ip_pool_create(actor=staff, name="Tallinn v4", network="192.0.2.0/24")
    return datacenter.ip_allocate(
        actor=staff, pool=pool, service=hosting_service, network="192.0.2.16/29"
    )


@pytest.fixture
def allocation_v6(staff, hosting_service):
    pool = datacenter.ip_pool_create(actor=staff, name="Tallinn v6", network="2001:db8::/32")
    return datacenter.ip_allocate(
        actor=staff, pool=pool, service=hosting_service, network="2001:db8:5::/48"
    )


def ptr(server, address: str) -> list[str]:
    return server.answer(dns.reversename.from_address(address).to_text(), "PTR")


def test_a_reverse_dns_name_is_served_as_a_ptr_record__DOM_04(
    powerdns, access, allocation, run_hooks
):
    run_hooks(
        reverse_dns_publish,
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.17",
        host_name="mail.example.com",
    )
    assert ptr(powerdns, "192.0.2.17") == ["mail.example.com."]
    zone = Zone.objects.get(kind=ZoneKind.REVERSE)
    assert zone.name == "2.0.192.in-addr.arpa" and zone.client_id is None
    assert powerdns.zone(zone.name)["account"] == "hostledger-reverse"
    (record,) = Record.objects.filter(zone=zone)
    assert (record.name, record.client_id, record.allocation_id) == (
        "17",
        allocation.client_id,
        allocation.pk,
    )

    run_hooks(
        reverse_dns_publish,
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.17",
        host_name="smtp.example.com.",
    )
    assert ptr(powerdns, "192.0.2.17") == ["smtp.example.com."]
    run_hooks(
        reverse_dns_publish,
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.17",
        host_name="",
    )
    assert ptr(powerdns, "192.0.2.17") == []
    assert not Record.objects.filter(zone=zone).exists()
    assert not ReverseDnsRecord.objects.exists()


def test_an_ipv6_address_goes_into_its_ip6_arpa_zone__DOM_04(
    powerdns, access, allocation_v6, run_hooks
):
    address = str(ipaddress.ip_address("2001:db8:5::25"))
    run_hooks(
        reverse_dns_publish,
        access=access,
        actor=access.user,
        allocation=allocation_v6,
        address=address,
        host_name="v6.example.com",
    )
    assert ptr(powerdns, address) == ["v6.example.com."]
    zone = Zone.objects.get(kind=ZoneKind.REVERSE)
    assert zone.name == "5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"


def test_a_refused_name_changes_neither_app__DOM_04(access, allocation, other_access):
    with pytest.raises(DomainError) as caught:
        reverse_dns_publish(
            access=access,
            actor=access.user,
            allocation=allocation,
            address="192.0.2.99",
            host_name="mail.example.com",
        )
    assert "address" in caught.value.fields
    with pytest.raises(DomainError):
        reverse_dns_publish(
            access=other_access,
            actor=other_access.user,
            allocation=allocation,
            address="192.0.2.17",
            host_name="evil.example.com",
        )
    assert not Zone.objects.exists() and not Record.objects.exists()
    assert not ReverseDnsRecord.objects.exists()


def test_a_released_allocation_takes_its_ptr_records_down__DOM_04(
    powerdns, access, allocation, staff, run_hooks
):
    run_hooks(
        reverse_dns_publish,
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.18",
        host_name="gone.example.com",
    )
    assert ptr(powerdns, "192.0.2.18") == ["gone.example.com."]
    datacenter.ip_allocation_release(allocation=allocation, actor=staff, reason="Contract ended.")
    assert run_hooks(actions.ptrs_of_released_allocations_remove) == 1
    assert ptr(powerdns, "192.0.2.18") == []
    assert run_hooks(actions.ptrs_of_released_allocations_remove) == 0


def test_clients_cannot_edit_reverse_zones_directly__DOM_04(access, allocation, staff):
    reverse_dns_publish(
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.19",
        host_name="host.example.com",
    )
    zone = Zone.objects.get(kind=ZoneKind.REVERSE)
    with pytest.raises(NotFound):
        actions.record_create(
            zone=zone,
            actor=access.user,
            access=access,
            name="20",
            record_type="PTR",
            content="x.example.com.",
        )
    with pytest.raises(DomainError) as caught:
        actions.record_create(
            zone=zone, actor=staff, name="20", record_type="PTR", content="x.example.com."
        )
    assert caught.value.code == "reverse_zone"
