"""Records a client keeps in a hosted zone are served by a real PowerDNS (DOM-04): the zone
is created with the provider's name servers and SOA, every record type answers over UDP as
dnspython asks, changes and deletions follow, and pushes are harmless to repeat (PRV-02)."""

from __future__ import annotations

import pytest

from hostledger.dns import actions
from hostledger.dns.models import PushStatus, Zone, ZonePush
from tests.dns.conftest import NAME_SERVERS, unique_domain


@pytest.fixture
def zone(powerdns, access, hosting_service, run_hooks):
    return run_hooks(
        actions.zone_create,
        service=hosting_service,
        name=unique_domain("served"),
        actor=access.user,
        access=access,
    )


def add(run_hooks, zone, access, **fields):
    return run_hooks(actions.record_create, zone=zone, actor=access.user, access=access, **fields)


def test_a_new_zone_is_served_with_the_providers_name_servers_and_soa__DOM_04(powerdns, zone):
    zone.refresh_from_db()
    assert powerdns.answer(zone.name, "NS") == sorted(NAME_SERVERS)
    (soa,) = powerdns.answer(zone.name, "SOA")
    assert soa.split()[:3] == [NAME_SERVERS[0], "hostmaster.hostledger.test.", str(zone.serial)]
    assert zone.published_serial == zone.serial
    assert powerdns.zone(zone.name)["account"] == zone.service.public_id


def test_every_record_type_is_served_as_entered__DOM_04(powerdns, zone, access, run_hooks):
    add(run_hooks, zone, access, name="@", record_type="A", content="192.0.2.10", ttl=300)
    add(run_hooks, zone, access, name="www", record_type="AAAA", content="2001:db8::10")
    add(run_hooks, zone, access, name="@", record_type="MX", content="mail", priority=10)
    add(run_hooks, zone, access, name="@", record_type="TXT", content="v=spf1 mx -all")
    add(
        run_hooks,
        zone,
        access,
        name="@",
        record_type="CAA",
        content='0 issue "letsencrypt.org"',
    )
    add(
        run_hooks,
        zone,
        access,
        name="_sip._tcp",
        record_type="SRV",
        content="5 5060 sip.example.net.",
        priority=20,
    )
    add(run_hooks, zone, access, name="shop", record_type="CNAME", content="www")
    name = zone.name
    assert powerdns.answer(name, "A") == ["192.0.2.10"]
    assert powerdns.answer(f"www.{name}", "AAAA") == ["2001:db8::10"]
    assert powerdns.answer(name, "MX") == [f"10 mail.{name}."]
    assert powerdns.answer(name, "TXT") == ['"v=spf1 mx -all"']
    assert powerdns.answer(name, "CAA") == ['0 issue "letsencrypt.org"']
    assert powerdns.answer(f"_sip._tcp.{name}", "SRV") == ["20 5 5060 sip.example.net."]
    assert powerdns.answer(f"shop.{name}", "CNAME") == [f"www.{name}."]
    a_rrset = powerdns.query(name, "A").answer[0]
    assert a_rrset.ttl == 300


def test_a_long_txt_record_is_served_split_in_strings_of_255__DOM_04(
    powerdns, zone, access, run_hooks
):
    key = "v=DKIM1; k=rsa; p=" + "A" * 400
    add(run_hooks, zone, access, name="mail._domainkey", record_type="TXT", content=key)
    (answer,) = powerdns.query(f"mail._domainkey.{zone.name}", "TXT").answer
    (txt,) = list(answer)
    assert [len(part) for part in txt.strings] == [255, len(key) - 255]
    assert b"".join(txt.strings).decode() == key


def test_changes_and_deletions_follow_and_the_serial_grows__DOM_04(
    powerdns, zone, access, run_hooks
):
    record = add(run_hooks, zone, access, name="api", record_type="A", content="192.0.2.1")
    assert powerdns.answer(f"api.{zone.name}", "A") == ["192.0.2.1"]
    zone.refresh_from_db()
    first_serial = zone.serial
    run_hooks(
        actions.record_update,
        record=record,
        actor=access.user,
        access=access,
        name="api",
        record_type="A",
        content="192.0.2.2",
        ttl=120,
    )
    assert powerdns.answer(f"api.{zone.name}", "A") == ["192.0.2.2"]
    run_hooks(actions.record_delete, record=record, actor=access.user, access=access)
    assert powerdns.answer(f"api.{zone.name}", "A") == []
    zone.refresh_from_db()
    assert zone.serial == first_serial + 2 == zone.published_serial
    (soa,) = powerdns.answer(zone.name, "SOA")
    assert soa.split()[2] == str(zone.serial)


def test_a_push_delivered_twice_changes_nothing__PRV_02(powerdns, zone, access, run_hooks):
    add(run_hooks, zone, access, name="www", record_type="A", content="192.0.2.7")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    assert push.status == PushStatus.DONE
    before = powerdns.zone(zone.name)["rrsets"]
    assert actions.zone_push_run(push_id=push.pk) is None  # claimed once
    ZonePush.objects.filter(pk=push.pk).update(status=PushStatus.QUEUED)
    assert actions.zone_push_run(push_id=push.pk).status == PushStatus.DONE  # sent again
    assert powerdns.zone(zone.name)["rrsets"] == before


def test_a_removed_zone_is_deleted_from_powerdns__DOM_04(powerdns, zone, access, run_hooks):
    assert f"{zone.name}." in powerdns.zone_names()
    run_hooks(actions.zone_remove, zone=zone, actor=access.user, access=access)
    assert f"{zone.name}." not in powerdns.zone_names()
    assert Zone.objects.get(pk=zone.pk).status == "removed"
