"""The DNS hosting API (DOM-04, PRV-02): a client hosts a zone, lists, adds, changes and
deletes its records with dnspython's refusals named by field; another client gets 404 for the
zone and its records even with their ids; a read-only trusted user reads and changes nothing;
staff list failed pushes and send them again. Pushes queued here are not run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.catalog import actions as catalog
from hostledger.dns.models import PushStatus, Record, Zone, ZonePush
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Service, ServiceStatus
from tests.api.conftest import api_by_token, error_of, make_client_user, make_staff_user
from tests.subscriptions.factories import build_catalog, fund, new_payer

pytestmark = pytest.mark.django_db


def hosting_service(client, shop, add_on) -> Service:
    fund(client, "20.00", on=timezone.localdate())
    payer = client.payers.filter(is_default=True).first() or new_payer(client)
    service = order_place(
        client=client,
        payer=payer,
        tariff=shop.vps_start,
        period_months=1,
        os_image=shop.debian,
        add_ons=[add_on],
        actor=client.owner,
        start_at_once=True,
    ).services.get()
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.ACTIVE)
    return service


@pytest.fixture
def world(policies):
    shop = build_catalog()
    add_on = catalog.add_on_create(
        family=shop.vps, code="vps-dns-hosting", name="DNS hosting", monthly_fee="0.90"
    )
    owner = make_client_user("anna@example.com")
    other = make_client_user("bert@example.com")
    return {
        "owner": owner,
        "other": other,
        "service": hosting_service(owner.client, shop, add_on),
        "other_service": hosting_service(other.client, shop, add_on),
        "plain": order_place(
            client=owner.client,
            payer=owner.client.payers.first() or new_payer(owner.client),
            tariff=shop.vps_start,
            period_months=1,
            os_image=shop.debian,
            actor=owner,
        ).services.get(),
    }


@pytest.fixture
def zone(world):
    api = api_by_token(world["owner"])
    answer = api.call(
        "POST", "/dns/zones", {"service": world["service"].public_id, "name": "Bücher.example"}
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_client_hosts_a_zone_and_keeps_its_records__DOM_04(world, zone):
    api = api_by_token(world["owner"])
    assert zone["name"] == "xn--bcher-kva.example"
    assert zone["name_unicode"] == "bücher.example"
    assert zone["service"] == world["service"].public_id and zone["published"] is False
    assert [item["id"] for item in api.call("GET", "/dns/zones").json()["items"]] == [zone["id"]]

    records = f"/dns/zones/{zone['id']}/records"
    mx = api.call("POST", records, {"type": "MX", "content": "mail", "priority": 10})
    assert mx.status_code == 201, mx.content
    assert mx.json() | {"id": ""} == {
        "id": "",
        "name": "@",
        "type": "MX",
        "content": "mail.xn--bcher-kva.example.",
        "ttl": 3600,
        "priority": 10,
    }
    txt = api.call(
        "POST", records, {"type": "TXT", "name": "_dmarc", "content": "v=DMARC1; p=none"}
    )
    assert txt.json()["content"] == '"v=DMARC1; p=none"'

    changed = api.call("PATCH", f"{records}/{mx.json()['id']}", {"priority": 20, "ttl": 600})
    assert changed.status_code == 200
    assert (changed.json()["priority"], changed.json()["ttl"]) == (20, 600)
    assert changed.json()["content"] == "mail.xn--bcher-kva.example."

    listed = api.call("GET", records).json()
    assert [(item["name"], item["type"]) for item in listed["items"]] == [
        ("@", "MX"),
        ("_dmarc", "TXT"),
    ]
    gone = api.call("DELETE", f"{records}/{txt.json()['id']}")
    assert gone.status_code == 200 and gone.json()["name"] == "_dmarc"
    assert api.call("GET", records).json()["count"] == 1
    read = api.call("GET", f"/dns/zones/{zone['id']}").json()
    assert read["serial"] > zone["serial"]


def test_refusals_name_the_field__DOM_04(world, zone):
    api = api_by_token(world["owner"])
    records = f"/dns/zones/{zone['id']}/records"
    answer = api.call("POST", records, {"type": "A", "name": "www", "content": "192.0.2", "ttl": 1})
    assert answer.status_code == 400
    assert set(error_of(answer)["fields"]) == {"content", "ttl"}
    api.call("POST", records, {"type": "A", "name": "www", "content": "192.0.2.1"})
    answer = api.call("POST", records, {"type": "CNAME", "name": "www", "content": "x.example."})
    assert error_of(answer)["fields"].keys() == {"name"}
    answer = api.call("POST", records, {"type": "CAA", "content": '0 policy "x"'})
    assert error_of(answer)["fields"].keys() == {"content"}
    answer = api.call("POST", records, {"type": "SPF", "content": "v=spf1"})
    assert answer.status_code == 400 and "type" in error_of(answer)["fields"]
    answer = api.call(
        "POST", "/dns/zones", {"service": world["plain"].public_id, "name": "plain.example"}
    )
    assert error_of(answer)["code"] == "no_dns_hosting"
    assert Record.objects.count() == 1


def test_another_client_gets_404_even_with_the_ids__DOM_04(world, zone):
    owner = api_by_token(world["owner"])
    record = owner.call(
        "POST", f"/dns/zones/{zone['id']}/records", {"type": "A", "content": "192.0.2.1"}
    ).json()
    intruder = api_by_token(world["other"])
    before = (Zone.objects.count(), Record.objects.count(), ZonePush.objects.count())
    base = f"/dns/zones/{zone['id']}"
    for method, path, body in (
        ("GET", base, None),
        ("GET", f"{base}/records", None),
        ("POST", f"{base}/records", {"type": "A", "name": "evil", "content": "203.0.113.1"}),
        ("PATCH", f"{base}/records/{record['id']}", {"content": "203.0.113.1"}),
        ("DELETE", f"{base}/records/{record['id']}", None),
        ("DELETE", base, None),
    ):
        answer = intruder.call(method, path, body)
        assert answer.status_code == 404, (method, path)
    answer = intruder.call(
        "POST", "/dns/zones", {"service": world["service"].public_id, "name": "x.example"}
    )
    assert error_of(answer)["fields"] == {"service": "No such service."}
    # B's own zone, and A's record addressed through it
    theirs = intruder.call(
        "POST", "/dns/zones", {"service": world["other_service"].public_id, "name": "b.example"}
    ).json()
    answer = intruder.call("PATCH", f"/dns/zones/{theirs['id']}/records/{record['id']}", {})
    assert answer.status_code == 404
    assert [item["id"] for item in intruder.call("GET", "/dns/zones").json()["items"]] == [
        theirs["id"]
    ]
    assert (Zone.objects.count(), Record.objects.count()) == (before[0] + 1, before[1])
    assert Record.objects.get().content == "192.0.2.1"


def test_a_read_only_trusted_user_reads_and_changes_nothing__ACC_06(world, zone):
    reader = make_client_user("rita@example.com")
    accounts.access_grant_create(
        client=world["owner"].client,
        actor=world["owner"],
        grantee_email=reader.email,
        scopes=["read_only"],
    )
    api = api_by_token(reader)
    acting = f"?client={world['owner'].client.public_id}"
    assert api.call("GET", f"/dns/zones{acting}").json()["count"] == 1
    answer = api.call(
        "POST", f"/dns/zones/{zone['id']}/records{acting}", {"type": "A", "content": "192.0.2.1"}
    )
    assert answer.status_code == 403
    assert not Record.objects.exists()


def test_staff_list_failed_pushes_and_send_them_again__PRV_02(world, zone):
    ZonePush.objects.update(status=PushStatus.FAILED, message="PowerDNS refused")
    push = ZonePush.objects.get()
    support = api_by_token(make_staff_user("support"))
    listed = support.call("GET", "/staff/dns/pushes").json()
    assert [(item["id"], item["message"]) for item in listed["items"]] == [
        (push.public_id, "PowerDNS refused")
    ]
    answer = support.call("POST", f"/staff/dns/pushes/{push.public_id}/retry")
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    again = support.call("POST", f"/staff/dns/pushes/{push.public_id}/retry")
    assert error_of(again)["code"] == "push_not_failed"
    billing = api_by_token(make_staff_user("billing"))
    assert billing.call("POST", f"/staff/dns/pushes/{push.public_id}/retry").status_code == 403
