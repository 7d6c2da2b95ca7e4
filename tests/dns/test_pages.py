"""The client area's DNS pages and the staff's (DOM-04, ACC-06, habit 6): a client lists its
zones, hosts one, adds, changes and deletes records with each refusal shown on its field;
another client gets 404 for every page of the zone, even with its ids; a read-only trusted
user reads and is refused every change; staff see every zone and send failed pushes again.
The pushes these pages queue are not run here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.dns import actions
from hostledger.dns.models import PushStatus, Record, Zone, ZonePush
from tests.web.conftest import login, make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(access, hosting_service):
    return actions.zone_create(
        service=hosting_service, name="bücher.example", actor=access.user, access=access
    )


@pytest.fixture
def record(zone, access):
    return actions.record_create(
        zone=zone,
        actor=access.user,
        access=access,
        name="www",
        record_type="A",
        content="192.0.2.1",
    )


@pytest.fixture
def owner(client, client_record):
    return login(client, client_record.owner)


def test_the_owner_lists_zones_and_hosts_one__DOM_04(owner, zone, hosting_service):
    page = owner.get(reverse("web:dns_zone_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "bücher.example" in html and "xn--bcher-kva.example" in html
    answer = owner.post(
        reverse("web:dns_zone_create"),
        {"service": hosting_service.public_id, "name": "shop.example"},
    )
    created = Zone.objects.exclude(pk=zone.pk).get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("web:dns_zone", args=[created.public_id])


def test_a_refused_zone_name_is_shown_on_its_field__DOM_01(owner, hosting_service):
    answer = owner.post(
        reverse("web:dns_zone_create"), {"service": hosting_service.public_id, "name": "-x-.ee"}
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["name"]
    assert not Zone.objects.exists()


def test_records_are_added_changed_and_deleted_through_the_pages__DOM_04(owner, zone):
    url = reverse("web:dns_record_create", args=[zone.public_id])
    answer = owner.post(
        url, {"name": "@", "record_type": "MX", "content": "mail", "priority": "10", "ttl": ""}
    )
    assert answer.status_code == 302
    record = Record.objects.get(zone=zone)
    assert (record.content, record.priority, record.ttl) == (
        "mail.xn--bcher-kva.example.",
        10,
        3600,
    )
    page = owner.get(reverse("web:dns_zone", args=[zone.public_id]))
    assert "mail.xn--bcher-kva.example." in page.content.decode()

    edit = reverse("web:dns_record_edit", args=[zone.public_id, record.public_id])
    assert owner.get(edit).status_code == 200
    answer = owner.post(
        edit, {"name": "@", "record_type": "MX", "content": "mx2", "priority": "20", "ttl": "600"}
    )
    assert answer.status_code == 302
    record.refresh_from_db()
    assert (record.content, record.priority, record.ttl) == ("mx2.xn--bcher-kva.example.", 20, 600)

    delete = reverse("web:dns_record_delete", args=[zone.public_id, record.public_id])
    assert owner.post(delete).status_code == 302
    assert not Record.objects.filter(zone=zone).exists()


def test_each_refusal_is_shown_on_its_field_and_nothing_is_written__DOM_04(owner, zone, record):
    zone.refresh_from_db()
    serial = zone.serial
    url = reverse("web:dns_record_create", args=[zone.public_id])
    answer = owner.post(url, {"name": "mail", "record_type": "MX", "content": "mx", "ttl": "5"})
    assert answer.status_code == 400
    assert set(answer.context["form"].errors) == {"priority", "ttl"}
    answer = owner.post(
        url, {"name": "www", "record_type": "CNAME", "content": "other.example.net."}
    )
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert set(errors) == {"name"} and "CNAME" in errors["name"][0]
    answer = owner.post(url, {"name": "x", "record_type": "A", "content": "300.1.1.1"})
    assert answer.status_code == 400 and "content" in answer.context["form"].errors
    assert Record.objects.filter(zone=zone).count() == 1
    assert Zone.objects.get(pk=zone.pk).serial == serial


def test_another_client_gets_404_for_every_page_of_the_zone__DOM_04(
    client, other_client, zone, record, hosting_service_of
):
    hosting_service_of(other_client)
    login(client, other_client.owner)
    writes_before = (Record.objects.count(), ZonePush.objects.count())
    for url in (
        reverse("web:dns_zone", args=[zone.public_id]),
        reverse("web:dns_record_edit", args=[zone.public_id, record.public_id]),
    ):
        assert client.get(url).status_code == 404
    for url, data in (
        (
            reverse("web:dns_record_create", args=[zone.public_id]),
            {"name": "x", "record_type": "A", "content": "192.0.2.9"},
        ),
        (
            reverse("web:dns_record_edit", args=[zone.public_id, record.public_id]),
            {"name": "www", "record_type": "A", "content": "203.0.113.1"},
        ),
        (reverse("web:dns_record_delete", args=[zone.public_id, record.public_id]), {}),
        (reverse("web:dns_zone_remove", args=[zone.public_id]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    answer = client.post(
        reverse("web:dns_zone_create"), {"service": zone.service.public_id, "name": "x.example"}
    )
    assert answer.status_code == 400 and "service" in answer.context["form"].errors
    assert "bücher.example" not in client.get(reverse("web:dns_zone_list")).content.decode()
    assert (Record.objects.count(), ZonePush.objects.count()) == writes_before
    record.refresh_from_db()
    assert record.content == "192.0.2.1"


def test_a_read_only_trusted_user_reads_and_changes_nothing__ACC_06(
    client, read_only_access, zone, record
):
    login(client, read_only_access.user, client_public_id=read_only_access.client.public_id)
    page = client.get(reverse("web:dns_zone", args=[zone.public_id]))
    assert page.status_code == 200 and page.context["form"] is None
    answer = client.post(
        reverse("web:dns_record_create", args=[zone.public_id]),
        {"name": "x", "record_type": "A", "content": "192.0.2.9"},
    )
    assert answer.status_code == 403
    assert (
        client.get(
            reverse("web:dns_record_edit", args=[zone.public_id, record.public_id])
        ).status_code
        == 403
    )
    assert Record.objects.filter(zone=zone).count() == 1


def test_staff_see_every_zone_and_send_a_failed_push_again__PRV_02(client, zone, record):
    ZonePush.objects.filter(zone=zone).update(status=PushStatus.FAILED, message="PowerDNS said no")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    support = login(client, make_staff_user("support"))
    page = support.get(reverse("web:staff_dns_zones"))
    assert page.status_code == 200
    assert "PowerDNS said no" in page.content.decode()
    detail = support.get(reverse("web:staff_dns_zone", args=[zone.public_id]))
    assert detail.status_code == 200 and "192.0.2.1" in detail.content.decode()
    answer = support.post(reverse("web:staff_dns_push_retry", args=[push.public_id]))
    assert answer.status_code == 302
    push.refresh_from_db()
    assert push.status == PushStatus.QUEUED


def test_staff_without_services_manage_cannot_send_a_push_again__PRV_02(client, zone):
    ZonePush.objects.filter(zone=zone).update(status=PushStatus.FAILED)
    push = ZonePush.objects.get(zone=zone)
    billing = login(client, make_staff_user("billing"))
    assert billing.get(reverse("web:staff_dns_zones")).status_code == 200
    assert (
        billing.post(reverse("web:staff_dns_push_retry", args=[push.public_id])).status_code == 403
    )
    push.refresh_from_db()
    assert push.status == PushStatus.FAILED
