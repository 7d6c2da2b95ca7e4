"""A dedicated server's part repair longer than 24 hours extends its paid period by the
repair time, in its history and on its next renewal invoice (SUP-07, annex 6 §2.5)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.automation.models import ServiceRenewal
from hostledger.catalog.actions import os_image_create
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.incidents.actions import repair_record
from hostledger.incidents.models import DedicatedRepair
from hostledger.invoicing.models import InvoiceLine
from hostledger.subscriptions.actions import service_activate
from hostledger.subscriptions.models import Service, ServiceStatusChange
from tests.catalog_helpers import create_published_tariff
from tests.incidents.conftest import at
from tests.subscriptions.factories import TODAY, fund


@pytest.fixture
def dedicated_server(place, client_record, staff, run_hooks):
    """A paid month of Dedicated E3 (59.00 + 24 % VAT = 73.16) from 1 March, active."""
    metal = ProductFamily.objects.get(code=FamilyCode.DEDICATED)
    debian = os_image_create(code="debian-12-metal", name="Debian 12", families=[metal])
    tariff = create_published_tariff(
        family=metal, code="dedi-e3", name="Dedicated E3", monthly_fee="59.00"
    )
    fund(client_record, "73.16")
    place(tariff=tariff, os_image=debian)
    service = Service.objects.get(client=client_record)
    run_hooks(service_activate, service=service, actor=staff, today=TODAY)
    service.refresh_from_db()
    assert service.paid_through == date(2027, 3, 31)
    return service


def test_a_36_hour_repair_extends_the_paid_period_by_two_days_SUP_07(
    dedicated_server, staff, clock, run_as_of
):
    """Failed 10 March 08:00, repaired 11 March 20:00 (36 hours): paid through 2 April
    instead of 31 March, recorded in the service history, and the renewal billed from 3 April
    tells it in a line at no charge."""
    clock(at(date(2027, 3, 12), 9))
    repair = repair_record(
        service=dedicated_server,
        part="RAID controller",
        started_at=at(date(2027, 3, 10), 8),
        ended_at=at(date(2027, 3, 11), 20),
        actor=staff,
    )
    assert (repair.outcome, repair.extension_days) == ("extended", 2)
    dedicated_server.refresh_from_db()
    assert dedicated_server.paid_through == date(2027, 4, 2)
    assert dedicated_server.invoiced_through == date(2027, 4, 2)
    history = ServiceStatusChange.objects.filter(service=dedicated_server).last()
    assert history.reason == (
        "Paid period extended by 2 days: repair of RAID controller took 36.0 hours (SUP-07)."
    )
    assert history.actor == staff

    run_as_of(date(2027, 3, 24))  # ten days ahead of 3 April
    renewal = ServiceRenewal.objects.get(service=dedicated_server)
    assert (renewal.starts_on, renewal.ends_on) == (date(2027, 4, 3), date(2027, 5, 2))
    lines = list(InvoiceLine.objects.filter(invoice=renewal.invoice).order_by("position"))
    assert [(line.net_minor, line.vat_minor) for line in lines] == [(5900, 1416), (0, 0)]
    assert lines[1].description == (
        "Paid period extended by 2 days for the repair of RAID controller "
        "(2027-03-10 08:00 to 2027-03-11 20:00); paid through 2027-04-02"
    )
    assert DedicatedRepair.objects.get().noted_invoice_id == renewal.invoice_id

    run_as_of(date(2027, 4, 25))  # the next renewal carries no note
    later = ServiceRenewal.objects.filter(service=dedicated_server).order_by("starts_on").last()
    assert later.starts_on == date(2027, 5, 3)
    assert InvoiceLine.objects.filter(invoice=later.invoice).count() == 1


def test_a_repair_of_exactly_24_hours_extends_nothing_SUP_07(dedicated_server, staff, clock):
    clock(at(date(2027, 3, 12), 9))
    repair = repair_record(
        service=dedicated_server,
        part="Disk 2",
        started_at=at(date(2027, 3, 10), 8),
        ended_at=at(date(2027, 3, 11), 8),
        actor=staff,
    )
    assert (repair.outcome, repair.extension_days) == ("within_term", 0)
    dedicated_server.refresh_from_db()
    assert dedicated_server.paid_through == date(2027, 3, 31)


def test_a_25_hour_repair_rounds_up_to_two_days_SUP_07(dedicated_server, staff, clock):
    clock(at(date(2027, 3, 12), 9))
    repair = repair_record(
        service=dedicated_server,
        part="Power supply",
        started_at=at(date(2027, 3, 10), 8),
        ended_at=at(date(2027, 3, 11), 9),
        actor=staff,
    )
    assert repair.extension_days == 2
    assert repair.paid_through_after == date(2027, 4, 2)


def test_an_extension_while_a_renewal_awaits_payment_is_added_after_it_SUP_07(
    dedicated_server, client_record, staff, clock, run_as_of
):
    """The April renewal (1-30 April) was invoiced on 22 March; a 30-hour repair then adds
    two days: the service is not suspended on 1-2 April while the renewal is unpaid, it is
    paid through 30 April once paid, and the next renewal starts 3 May."""
    run_as_of(date(2027, 3, 22))
    clock(at(date(2027, 3, 26), 12))
    repair_record(
        service=dedicated_server,
        part="Memory module",
        started_at=at(date(2027, 3, 24), 6),
        ended_at=at(date(2027, 3, 25), 12),
        actor=staff,
    )
    dedicated_server.refresh_from_db()
    assert (dedicated_server.paid_through, dedicated_server.invoiced_through) == (
        date(2027, 4, 2),
        date(2027, 5, 2),
    )
    run_as_of(date(2027, 4, 2))
    dedicated_server.refresh_from_db()
    assert dedicated_server.status == "active"
    fund(client_record, "73.16", on=date(2027, 4, 2))
    run_as_of(date(2027, 4, 3))
    dedicated_server.refresh_from_db()
    assert dedicated_server.paid_through == date(2027, 4, 30)
    run_as_of(date(2027, 4, 25))
    starts = sorted(
        ServiceRenewal.objects.filter(service=dedicated_server).values_list("starts_on", flat=True)
    )
    assert starts == [date(2027, 4, 1), date(2027, 5, 3)]


def test_repairs_are_refused_for_other_products_bad_times_and_without_permission_SUP_07(
    place, client_record, dedicated_server, staff, staff_without_permission, clock
):
    fund(client_record, "12.28")
    vps = place().services.get()
    clock(at(date(2027, 3, 12), 9))
    cases = [
        (dict(service=vps), "service"),
        (dict(ended_at=at(date(2027, 3, 9), 8)), "ended_at"),
        (dict(ended_at=at(date(2027, 3, 13), 8)), "ended_at"),
        (dict(part=""), "part"),
    ]
    for overrides, field in cases:
        arguments = dict(
            service=dedicated_server,
            part="Disk",
            started_at=at(date(2027, 3, 10), 8),
            ended_at=at(date(2027, 3, 12), 8),
            actor=staff,
        )
        arguments.update(overrides)
        with pytest.raises(DomainError) as refused:
            repair_record(**arguments)
        assert field in refused.value.fields
    with pytest.raises(PermissionDenied):
        repair_record(
            service=dedicated_server,
            part="Disk",
            started_at=at(date(2027, 3, 10), 8),
            ended_at=at(date(2027, 3, 12), 8),
            actor=staff_without_permission,
        )
    assert DedicatedRepair.objects.count() == 0
    dedicated_server.refresh_from_db()
    assert dedicated_server.paid_through == date(2027, 3, 31)
