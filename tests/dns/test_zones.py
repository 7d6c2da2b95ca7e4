"""Zones and records of a client: who may create and change them, which names are refused,
and one client never reaching another's zone, not even by guessing its ids (DOM-04, ACC-06,
habit 6). The pushes these changes queue are not run here (no PowerDNS needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from hostledger.core import jobs
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.registry import provider_setting_change
from hostledger.dns import actions, selectors
from hostledger.dns.models import PushStatus, Record, Zone, ZoneKind, ZonePush, ZoneStatus
from hostledger.subscriptions.models import Service, ServiceStatus
from tests.dns.conftest import unique_domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(access, hosting_service):
    return actions.zone_create(
        service=hosting_service, name="Bücher-Shop.example", actor=access.user, access=access
    )


def add_a(zone, access, name="www", content="192.0.2.1"):
    return actions.record_create(
        zone=zone, actor=access.user, access=access, name=name, record_type="A", content=content
    )


def test_a_zone_keeps_its_name_in_punycode_and_unicode__DOM_04(zone):
    stored = Zone.objects.get(pk=zone.pk)
    assert stored.name == "xn--bcher-shop-9db.example"
    assert stored.name_unicode == "bücher-shop.example"
    assert stored.kind == ZoneKind.FORWARD
    push = ZonePush.objects.get(zone=zone)
    assert (push.serial, push.status) == (stored.serial, PushStatus.QUEUED)


def test_zone_and_records_are_encrypted_at_rest__DOM_04(zone, access):
    add_a(zone, access)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, name_unicode FROM dns_zone WHERE id = %s", [zone.pk])
        name, unicode_name = cursor.fetchone()
        cursor.execute("SELECT name, content FROM dns_record WHERE zone_id = %s", [zone.pk])
        record_name, content = cursor.fetchone()
    for value in (name, unicode_name, record_name, content):
        assert value.startswith("enc2:"), value
    assert "192.0.2.1" not in content


def test_a_service_without_dns_hosting_cannot_hold_a_zone__DOM_04(
    access, place, client_record, payer
):
    plain = place().services.get()
    with pytest.raises(DomainError) as caught:
        actions.zone_create(service=plain, name=unique_domain(), actor=access.user, access=access)
    assert caught.value.code == "no_dns_hosting" and "service" in caught.value.fields
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "",
        "example",
        "-bad.example",
        "bad_.example",
        "1.2.3.4",
        "2.0.192.in-addr.arpa",
        "a" * 64 + ".ee",
    ],
)
def test_a_name_that_is_not_a_domain_is_refused_on_name__DOM_01(access, hosting_service, name):
    with pytest.raises(DomainError) as caught:
        actions.zone_create(service=hosting_service, name=name, actor=access.user, access=access)
    assert "name" in caught.value.fields


def test_a_hosted_name_and_names_around_another_accounts_zone_are_refused__DOM_04(
    zone, access, other_access, hosting_service_of, other_client
):
    theirs = hosting_service_of(other_client)
    for name in ("bücher-shop.example", "shop.xn--bcher-shop-9db.example"):
        with pytest.raises(DomainError) as caught:
            actions.zone_create(
                service=theirs, name=name, actor=other_access.user, access=other_access
            )
        assert "name" in caught.value.fields
    own_sub = actions.zone_create(
        service=zone.service, name="dev.bücher-shop.example", actor=access.user, access=access
    )
    assert own_sub.client_id == zone.client_id
    with pytest.raises(DomainError) as caught:
        actions.zone_create(
            service=zone.service, name="bücher-shop.example", actor=access.user, access=access
        )
    assert caught.value.code == "zone_taken"


def test_an_account_cannot_wrap_another_accounts_zone__DOM_04(
    access, hosting_service, other_access, hosting_service_of, other_client
):
    theirs = hosting_service_of(other_client)
    actions.zone_create(
        service=theirs, name="deep.shop.example", actor=other_access.user, access=other_access
    )
    with pytest.raises(DomainError) as caught:
        actions.zone_create(
            service=hosting_service, name="shop.example", actor=access.user, access=access
        )
    assert caught.value.fields == {"name": "Another account hosts a zone inside this name."}


def test_a_service_hosts_a_limited_number_of_zones__DOM_04(access, hosting_service):
    provider_setting_change(key="dns.zones_per_service", raw_value=1)
    actions.zone_create(
        service=hosting_service, name=unique_domain(), actor=access.user, access=access
    )
    with pytest.raises(DomainError) as caught:
        actions.zone_create(
            service=hosting_service, name=unique_domain(), actor=access.user, access=access
        )
    assert caught.value.code == "zone_limit"


def test_a_suspended_services_zone_is_served_but_not_changed__DOM_04(zone, access):
    record = add_a(zone, access)
    Service.objects.filter(pk=zone.service_id).update(status=ServiceStatus.SUSPENDED)
    zone.refresh_from_db()
    serial = zone.serial
    with pytest.raises(DomainError) as caught:
        add_a(zone, access, name="api")
    assert (caught.value.code, caught.value.status) == ("service_suspended", 409)
    with pytest.raises(DomainError):
        actions.record_delete(record=record, actor=access.user, access=access)
    assert Zone.objects.get(pk=zone.pk).serial == serial
    assert Record.objects.filter(zone=zone).count() == 1


def test_records_of_one_name_and_type_share_one_ttl__DOM_04(zone, access):
    first = add_a(zone, access)
    actions.record_create(
        zone=zone,
        actor=access.user,
        access=access,
        name="www",
        record_type="A",
        content="192.0.2.2",
        ttl=300,
    )
    first.refresh_from_db()
    assert first.ttl == 300


def test_each_change_raises_the_serial_and_queues_one_push__PRV_02(zone, access):
    zone.refresh_from_db()
    serials = [zone.serial]
    record = add_a(zone, access)
    zone.refresh_from_db()
    serials.append(zone.serial)
    actions.record_update(
        record=record,
        actor=access.user,
        access=access,
        name="www",
        record_type="A",
        content="192.0.2.9",
    )
    zone.refresh_from_db()
    serials.append(zone.serial)
    assert serials == sorted(set(serials))
    assert sorted(ZonePush.objects.filter(zone=zone).values_list("serial", flat=True)) == serials


def test_a_trusted_user_with_the_services_scope_edits_a_read_only_one_does_not__ACC_06(
    zone, services_access, read_only_access
):
    add_a(zone, services_access)
    with pytest.raises(PermissionDenied):
        add_a(zone, read_only_access, name="api")
    assert Record.objects.filter(zone=zone).count() == 1
    assert selectors.client_zone(read_only_access.client, zone.public_id) == zone


def test_another_client_never_reaches_a_zone_or_record_even_by_its_ids__DOM_04(
    zone, access, other_access, hosting_service_of, other_client
):
    record = add_a(zone, access)
    theirs = hosting_service_of(other_client)
    before = (Zone.objects.count(), Record.objects.count(), ZonePush.objects.count())
    assert selectors.client_zones(other_client) == []
    with pytest.raises(NotFound):
        selectors.client_zone(other_client, zone.public_id)
    with pytest.raises(NotFound):
        add_a(zone, other_access, name="evil")
    with pytest.raises(NotFound):
        actions.record_update(
            record=record,
            actor=other_access.user,
            access=other_access,
            name="www",
            record_type="A",
            content="203.0.113.66",
        )
    with pytest.raises(NotFound):
        actions.record_delete(record=record, actor=other_access.user, access=other_access)
    with pytest.raises(NotFound):
        actions.zone_remove(zone=zone, actor=other_access.user, access=other_access)
    with pytest.raises(NotFound):  # A's service named with B's access
        actions.zone_create(
            service=zone.service, name=unique_domain(), actor=other_access.user, access=other_access
        )
    assert theirs.client_id == other_client.pk
    assert (Zone.objects.count(), Record.objects.count(), ZonePush.objects.count()) == before
    record.refresh_from_db()
    assert record.content == "192.0.2.1"


def test_staff_need_services_manage__DOM_04(zone, staff, staff_without_permission):
    with pytest.raises(PermissionDenied):
        actions.record_create(
            zone=zone,
            actor=staff_without_permission,
            name="x",
            record_type="A",
            content="192.0.2.5",
        )
    made = actions.record_create(
        zone=zone, actor=staff, name="x", record_type="A", content="192.0.2.5"
    )
    assert made.client_id == zone.client_id


def test_zones_of_terminated_services_are_closed__DOM_04(zone, access):
    Service.objects.filter(pk=zone.service_id).update(status=ServiceStatus.TERMINATED)
    assert actions.zones_of_ended_services_close() == 1
    assert actions.zones_of_ended_services_close() == 0
    closed = Zone.objects.get(pk=zone.pk)
    assert closed.status == ZoneStatus.REMOVED
    assert ZonePush.objects.filter(zone=zone, serial=closed.serial).exists()
    assert selectors.client_zones(zone.client) == []


def test_the_sweep_and_the_tidy_run_as_periodic_jobs__PRV_02(zone, staff, run_hooks):
    Service.objects.filter(pk=zone.service_id).update(status=ServiceStatus.TERMINATED)
    assert jobs.get_job("dns.sweep").interval() == timedelta(minutes=1)
    run = run_hooks(jobs.run_job_now, name="dns.tidy", actor=staff)
    run.refresh_from_db()
    assert run.counts == {"zones_closed": 1, "ptrs_removed": 0}
    assert Zone.objects.get(pk=zone.pk).status == ZoneStatus.REMOVED
