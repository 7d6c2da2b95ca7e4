"""Zone names and records are the client's personal data (GDPR-01, GDPR-04; decision 0032):
erasing a client deletes its zones with their records and pushes, and its PTR records in the
provider's reverse zones, which stay."""

from __future__ import annotations

import pytest

from hostledger.core.personal_data import personal_fields, subject_of
from hostledger.datacenter import actions as datacenter
from hostledger.dns import actions
from hostledger.dns.models import Record, Zone, ZoneKind, ZonePush
from hostledger.flows.privacy_erasure import client_erase
from hostledger.flows.reverse_dns import reverse_dns_publish
from hostledger.subscriptions.models import Service, ServiceStatus

pytestmark = pytest.mark.django_db


def test_names_and_records_are_declared_personal_and_encrypted__GDPR_01():
    assert {name for name, item in personal_fields("dns.Zone").items() if item.encrypted} == {
        "name",
        "name_unicode",
    }
    assert {name for name, item in personal_fields("dns.Record").items() if item.encrypted} == {
        "name",
        "content",
    }
    assert subject_of("dns.Record").client == "client"
    assert subject_of("dns.ZonePush").client == "zone__client"


def test_erasure_deletes_the_clients_zones_and_ptr_records__GDPR_04(
    access, hosting_service, staff, client_record
):
    zone = actions.zone_create(
        service=hosting_service, name="gone.example", actor=access.user, access=access
    )
    actions.record_create(
        zone=zone,
        actor=access.user,
        access=access,
        name="www",
        record_type="TXT",
        content="contact: mari@example.com",
    )
    actions.zone_create(
        service=hosting_service, name="also-gone.example", actor=access.user, access=access
    )
    pool = datacenter.ip_pool_create(actor=staff, name="v4", network="192.0.2.0/24")
    allocation = datacenter.ip_allocate(
        actor=staff, pool=pool, service=hosting_service, network="192.0.2.16/29"
    )
    reverse_dns_publish(
        access=access,
        actor=access.user,
        allocation=allocation,
        address="192.0.2.17",
        host_name="mari.example.com",
    )
    datacenter.ip_allocation_release(allocation=allocation, actor=staff, reason="Ended.")
    Service.objects.filter(client=client_record).update(status=ServiceStatus.TERMINATED)
    client_erase(client=client_record, actor=staff)
    assert not Zone.objects.filter(client=client_record).exists()
    assert not Record.objects.filter(client=client_record).exists()
    assert not ZonePush.objects.filter(zone__client=client_record).exists()
    assert Zone.objects.filter(kind=ZoneKind.REVERSE).count() == 1
