"""Planned maintenance is announced in advance, once, to exactly the clients whose live
services it affects, restricted clients included, in each client's language; clients see it
on their service page until it is over (SUP-04, §2.2.12)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.registry import provider_setting_change
from hostledger.incidents.actions import maintenance_window_announce
from hostledger.incidents.models import MaintenanceWindow
from hostledger.incidents.selectors import service_upcoming_maintenance
from hostledger.notifications.actions import announcement_publish
from hostledger.notifications.models import Announcement, Notification
from hostledger.notifications.rendering import render_notification
from hostledger.privacy.actions import processing_restriction_start
from hostledger.privacy.models import RestrictionReason
from hostledger.subscriptions.actions import order_place
from tests.incidents.conftest import at
from tests.subscriptions.factories import TODAY, fund, new_client, new_payer


def _service(client, tariff, shop, **extra):
    fund(client, "100.00")
    return order_place(
        client=client,
        payer=new_payer(client),
        tariff=tariff,
        period_months=1,
        os_image=extra.pop("os_image", shop.debian),
        actor=client.owner,
        today=TODAY,
        start_at_once=True,
        **extra,
    ).services.get()


@pytest.fixture
def clients(shop):
    """Anna has two VPSs, Bert a VPS and restricted processing, Carl only a cloud pool."""
    anna, bert, carl = new_client(), new_client(), new_client()
    anna_vps = _service(anna, shop.vps_start, shop)
    anna_other = order_place(
        client=anna,
        payer=anna.payers.get(),
        tariff=shop.vps_large,
        period_months=1,
        os_image=shop.debian,
        actor=anna.owner,
        today=TODAY,
        start_at_once=True,
    ).services.get()
    bert_vps = _service(bert, shop.vps_start, shop)
    processing_restriction_start(
        client=bert,
        reason=RestrictionReason.REQUESTED,
        note="Asked by the client.",
        tell_client=False,
    )
    carl_pool = _service(carl, shop.cloud_pool, shop, os_image=None)
    return {
        "anna": anna,
        "bert": bert,
        "carl": carl,
        "anna_vps": anna_vps,
        "anna_other": anna_other,
        "bert_vps": bert_vps,
        "carl_pool": carl_pool,
    }


def _announce(staff, **overrides):
    arguments = {
        "title": "Core switch replacement",
        "description": "Network interruptions of up to 10 minutes.",
        "starts_at": at(date(2027, 3, 4), 2),
        "ends_at": at(date(2027, 3, 4), 4),
        "scope": "families",
        "family_codes": ["vps"],
        "translations": {"et": {"subject": "Kommutaatori vahetus", "body": "Katkestused."}},
        "actor": staff,
    }
    arguments.update(overrides)
    return maintenance_window_announce(**arguments)


def _told(window) -> list[int]:
    return sorted(
        Notification.objects.filter(announcement=window.announcement).values_list(
            "client_id", flat=True
        )
    )


def test_vps_maintenance_reaches_each_vps_client_once_restricted_too_SUP_04(clients, staff):
    window = _announce(staff)
    assert window.recipient_count == 2
    assert _told(window) == sorted([clients["anna"].pk, clients["bert"].pk])
    assert Notification.objects.filter(event="maintenance_planned").count() == 2
    # Publishing the announcement again from the announcements page tells nobody twice.
    assert announcement_publish(announcement=window.announcement, actor=staff) == 0
    assert Notification.objects.filter(event="maintenance_planned").count() == 2


def test_the_message_is_in_the_clients_language_with_the_window_SUP_04(clients, staff):
    window = _announce(staff)
    message = Notification.objects.get(announcement=window.announcement, client=clients["anna"])
    english = render_notification(message, language="en")
    assert english.subject == "Planned maintenance: Core switch replacement"
    assert "Network interruptions of up to 10 minutes." in english.body
    estonian = render_notification(message, language="et")
    assert "Kommutaatori vahetus" in estonian.subject


def test_by_tariff_and_by_service_list_SUP_04(clients, shop, staff):
    by_tariff = _announce(staff, scope="tariffs", tariff_ids=[shop.vps_large.public_id])
    assert _told(by_tariff) == [clients["anna"].pk]
    by_service = _announce(staff, scope="services", service_ids=[clients["carl_pool"].public_id])
    assert _told(by_service) == [clients["carl"].pk]


def test_unknown_services_are_refused_naming_them_SUP_04(clients, staff):
    with pytest.raises(DomainError) as refused:
        _announce(staff, scope="services", service_ids=["svc_aaaaaaaaaaaaaaaa"])
    assert "service_ids" in refused.value.fields
    assert MaintenanceWindow.objects.count() == 0
    assert Announcement.objects.count() == 0


def test_windows_must_be_in_the_future_with_the_notice_of_the_setting_SUP_04(clients, staff, clock):
    """Now is 1 March 10:00 Tallinn; the default notice is 24 hours, so 2 March 09:00 is too
    soon and 2 March 10:05 is enough; with the notice at 72 hours, 4 March 02:00 is too soon."""
    refusals = [
        {"starts_at": at(date(2027, 2, 28), 2), "ends_at": at(date(2027, 2, 28), 4)},
        {"starts_at": at(date(2027, 3, 2), 9), "ends_at": at(date(2027, 3, 2), 11)},
        {"starts_at": at(date(2027, 3, 4), 4), "ends_at": at(date(2027, 3, 4), 4)},
    ]
    for window in refusals:
        with pytest.raises(DomainError) as refused:
            _announce(staff, **window)
        assert set(refused.value.fields) <= {"starts_at", "ends_at"}
    assert MaintenanceWindow.objects.count() == 0
    assert Notification.objects.filter(event="maintenance_planned").count() == 0
    _announce(staff, starts_at=at(date(2027, 3, 2), 10, 5), ends_at=at(date(2027, 3, 2), 11))
    provider_setting_change(key="incidents.maintenance_notice_hours", raw_value="72")
    with pytest.raises(DomainError) as refused:
        _announce(staff)
    assert refused.value.fields == {"starts_at": "less than 72 hours ahead"}


def test_clients_see_the_window_on_the_service_until_it_is_over_SUP_04(clients, staff, clock):
    window = _announce(staff)
    assert service_upcoming_maintenance(clients["anna_vps"]) == [window]
    assert service_upcoming_maintenance(clients["carl_pool"]) == []
    clock(at(date(2027, 3, 4), 3))
    assert service_upcoming_maintenance(clients["anna_vps"]) == [window]
    clock(at(date(2027, 3, 4), 4) + timedelta(seconds=1))
    assert service_upcoming_maintenance(clients["anna_vps"]) == []


def test_only_staff_with_services_manage_announce_SUP_04(clients, staff_without_permission):
    with pytest.raises(PermissionDenied):
        _announce(staff_without_permission)
    assert Announcement.objects.count() == 0
