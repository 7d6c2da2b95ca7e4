"""Announcements reach exactly the affected clients, once each: policy changes (NTF-03),
planned maintenance (SUP-04) and marketing to those who opted in (NTF-01)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from hostledger.core.errors import DomainError
from hostledger.notifications.actions import (
    announcement_create,
    announcement_publish,
)
from hostledger.notifications.models import Announcement, Delivery, Notification
from hostledger.privacy.actions_consents import marketing_consent_request
from tests.notifications.conftest import NOW, make_client, run_outbox


def _recipients(announcement) -> list[int]:
    return sorted(
        Notification.objects.filter(announcement=announcement).values_list("client_id", flat=True)
    )


@pytest.mark.django_db
def test_policy_change_reaches_every_client_with_a_live_service_once__NTF_03(make_service):
    two_services, suspended, trial = make_client(language="et"), make_client(), make_client()
    make_service(two_services)
    make_service(two_services)
    make_service(suspended, status="suspended")
    make_service(trial, status="trial")
    only_terminated, only_pending = make_client(), make_client()
    make_client()  # a client without services
    make_service(only_terminated, status="terminated")
    make_service(only_pending, status="pending")

    announcement = announcement_create(
        kind="policy_change",
        subject="New terms of service",
        body="We change section 7 of the terms.",
        translations={"et": {"subject": "Uued kasutustingimused", "body": "Muudame punkti 7."}},
        audience="all",
        effective_on=date(2027, 4, 1),
        now=NOW,
    )
    first = announcement_publish(announcement=announcement, now=NOW)
    again = announcement_publish(announcement=announcement, now=NOW)

    assert (first, again) == (3, 0)
    assert _recipients(announcement) == sorted([two_services.pk, suspended.pk, trial.pk])
    announcement.refresh_from_db()
    assert announcement.recipient_count == 3 and announcement.published_at == NOW
    row = Notification.objects.get(client=two_services)
    assert (row.event, row.category, row.on_date) == (
        "policy_changed",
        "announcements",
        date(2027, 4, 1),
    )

    run_outbox()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["New terms of service", "New terms of service", "Uued kasutustingimused"]
    estonian = next(m for m in mail.outbox if m.to == [two_services.owner.email])
    assert (
        "Muudame punkti 7." in estonian.body and "Muudatus jõustub 1. aprill 2027." in estonian.body
    )
    assert Delivery.objects.count() == 3


@pytest.mark.django_db
def test_maintenance_reaches_only_clients_of_the_affected_tariff__SUP_04(shop, make_service):
    vps_large, vps_start, hosting = make_client(), make_client(), make_client()
    make_service(vps_large, tariff=shop.vps_large)
    make_service(vps_start, tariff=shop.vps_start)
    make_service(hosting, tariff=shop.hosting_start)

    by_tariff = announcement_create(
        kind="maintenance",
        subject="Storage upgrade",
        body="The storage of large servers is upgraded.",
        audience="tariffs",
        tariff_ids=[shop.vps_large.public_id],
        starts_at=datetime(2027, 3, 20, 0, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 20, 2, 0, tzinfo=UTC),
        now=NOW,
    )
    by_family = announcement_create(
        kind="maintenance",
        subject="Network work",
        body="Routers are replaced.",
        audience="families",
        family_codes=["vps"],
        now=NOW,
    )

    assert announcement_publish(announcement=by_tariff, now=NOW) == 1
    assert announcement_publish(announcement=by_family, now=NOW) == 2
    assert _recipients(by_tariff) == [vps_large.pk]
    assert _recipients(by_family) == sorted([vps_large.pk, vps_start.pk])
    run_outbox()
    maintenance = next(
        m for m in mail.outbox if m.subject == "Planned maintenance: Storage upgrade"
    )
    assert (
        "Maintenance window: March 20, 2027, 2 a.m. \N{EN DASH} March 20, 2027, 4 a.m.\n"
        in maintenance.body
    )


@pytest.mark.django_db
def test_marketing_announcement_reaches_only_clients_who_opted_in__NTF_01(make_service):
    opted_in, not_asked = make_client(), make_client()
    for client in (opted_in, not_asked):
        make_service(client)
    marketing_consent_request(client=opted_in, channel="sms", source="client_area")
    announcement = announcement_create(
        kind="marketing", subject="Spring offer", body="Half price.", audience="all", now=NOW
    )
    assert announcement_publish(announcement=announcement, now=NOW) == 1
    assert _recipients(announcement) == [opted_in.pk]


@pytest.mark.django_db
def test_an_announcement_for_unknown_services_is_refused__SUP_04():
    with pytest.raises(DomainError) as refused:
        announcement_create(
            kind="maintenance",
            subject="Work",
            body="Text.",
            audience="services",
            service_ids=["svc_nosuchservice0"],
        )
    assert set(refused.value.fields) == {"service_ids"}
    assert not Announcement.objects.exists()
