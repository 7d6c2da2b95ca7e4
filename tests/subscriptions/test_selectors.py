"""Ownership-checked reads of orders and services (habit 6) and the staff lists (ORD-01,
ORD-02)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostledger.core.errors import NotFound
from hostledger.subscriptions.actions import service_activate, service_terminate
from hostledger.subscriptions.selectors import (
    client_order,
    client_orders,
    client_service,
    client_services,
    service_history,
    service_periods,
    services_for_staff,
    staff_service,
)
from tests.subscriptions.factories import TODAY, fund, new_payer

pytestmark = pytest.mark.django_db


def test_another_clients_order_and_service_are_not_found__ORD_01(
    place, client_record, other_client
):
    order = place()
    assert client_order(client_record, order.public_id) == order
    assert client_service(client_record, order.service.public_id) == order.service
    with pytest.raises(NotFound):
        client_order(other_client, order.public_id)
    with pytest.raises(NotFound):
        client_service(other_client, order.service.public_id)
    with pytest.raises(NotFound):
        client_order(client_record, "ord_doesnotexist0000")
    assert list(client_orders(other_client)) == []
    assert list(client_services(other_client)) == []


def test_client_lists_are_newest_first_and_can_hide_terminated_services__ORD_02(
    place, client_record, staff
):
    first = place()
    second = place()
    service_terminate(service=first.service, actor=staff, reason="Duplicate")
    assert [order.pk for order in client_orders(client_record)] == [second.pk, first.pk]
    assert [s.pk for s in client_services(client_record)] == [
        second.service.pk,
        first.service.pk,
    ]
    assert [s.pk for s in client_services(client_record, include_terminated=False)] == [
        second.service.pk
    ]


def test_staff_filter_services_by_status_family_and_client__ORD_02(
    place, shop, client_record, other_client, staff
):
    fund(client_record, "100.00")
    vps = place().service
    pool = place(tariff=shop.cloud_pool, os_image=None).service
    foreign = place(client=other_client, payer=new_payer(other_client)).service
    service_activate(service=vps, actor=staff, today=TODAY)

    assert {s.pk for s in services_for_staff()} == {vps.pk, pool.pk, foreign.pk}
    assert [s.pk for s in services_for_staff(status="active")] == [vps.pk]
    assert [s.pk for s in services_for_staff(status="provisioning")] == [pool.pk]
    assert [s.pk for s in services_for_staff(family="cloud")] == [pool.pk]
    assert {s.pk for s in services_for_staff(family=shop.vps)} == {vps.pk, foreign.pk}
    assert [s.pk for s in services_for_staff(client=other_client)] == [foreign.pk]
    assert staff_service(pool.public_id) == pool
    with pytest.raises(NotFound):
        staff_service("svc_missing")


def test_history_and_periods_read_in_a_fixed_number_of_queries__ORD_02(place, client_record, staff):
    fund(client_record, "12.28")
    service = place().service
    service_activate(service=service, actor=staff, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        history = service_history(service)
        periods = service_periods(service)
        listed = list(client_services(client_record))
        _ = [
            (s.tariff.name, s.family.code, [a.add_on.code for a in s.add_ons.all()]) for s in listed
        ]
    assert [change.to_status for change in history] == ["pending", "provisioning", "active"]
    assert [change.actor for change in history][-1] == staff
    assert len(periods) == 1
    assert len(queries) == 4
