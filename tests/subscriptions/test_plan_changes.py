"""Upgrades and downgrades take effect when changed and are prorated to the day (ORD-04);
an upgrade applies only once paid (ORD-03)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hostledger.catalog.models import Tariff
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.invoicing.models import CreditNote, Invoice
from hostledger.ledger.selectors import balance_of
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import (
    AddOnChoice,
    service_plan_change,
    service_plan_change_withdraw,
    service_provisioned,
    service_suspend,
    service_terminate,
)
from hostledger.subscriptions.models import ServiceAddOn, ServiceChange, ServiceCredit
from hostledger.subscriptions.selectors import service_changes, service_pending_change
from tests.subscriptions.factories import balance_entries, eur, fund, written_rows

pytestmark = pytest.mark.django_db

MARCH_10 = date(2027, 3, 10)  # 22 of March's 31 days are left, the 10th included


def _change(run_hooks, service, **kwargs):
    kwargs.setdefault("actor", service.client.owner)
    kwargs.setdefault("today", MARCH_10)
    return run_hooks(service_plan_change, service=service, **kwargs)


def test_upgrade_is_billed_for_the_rest_of_the_period_and_paid_from_the_balance__ORD_04(
    place, run_hooks, client_record, shop
):
    fund(client_record, "30.00")
    service = place().service  # VPS Start 9.90 for 1-31 March, 12.28 with 24 % VAT

    change = _change(run_hooks, service, tariff=shop.vps_large)

    # (24.00 - 9.90) * 22 / 31 = 10.00645 -> 10.01 net; VAT 24 % 2.40; 12.41 gross
    assert (change.direction, change.state, change.amount_minor) == ("upgrade", "applied", 1001)
    assert change.lines == [
        {
            "period": service.periods.get().pk,
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-31",
            "first": "2027-03-10",
            "days": 22,
            "period_days": 31,
            "period_delta_minor": 1410,
            "amount_minor": 1001,
        }
    ]
    invoice = change.invoice
    assert (invoice.kind, invoice.status, invoice.finalised_on) == ("final", "paid", MARCH_10)
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (1001, 240, 1241)
    line = invoice.lines.get()
    assert (line.period_start, line.period_end, line.unit_price_minor) == (
        MARCH_10,
        date(2027, 3, 31),
        1001,
    )
    assert "22 of 31 days" in line.description
    service.refresh_from_db()
    assert service.tariff == shop.vps_large
    assert service.specs == {"cpu": 8, "ram_gb": 16, "disk_gb": 320}
    assert balance_of(client_record) == eur("5.31")  # 30.00 - 12.28 - 12.41
    assert balance_entries(client_record) == [
        ("payment", 3000),
        ("charge", -1228),
        ("charge", -1241),
    ]
    assert service.history.order_by("-history_id").first().tariff_id == shop.vps_large.pk
    assert ProvisioningOperation.objects.filter(
        service=service, operation="change_plan", key=f"change_plan:{change.public_id}"
    ).exists()
    assert AuditEvent.objects.filter(
        action="subscriptions.service_plan_changed", object_id=service.public_id
    ).exists()
    assert [item.pk for item in service_changes(service)] == [change.pk]


def test_upgrade_waits_unpaid_and_applies_when_a_payment_arrives__ORD_04_ORD_03(
    place, run_hooks, apply_payments, client_record, shop, time_machine
):
    fund(client_record, "12.28")
    service = place().service

    change = _change(run_hooks, service, tariff=shop.vps_large)

    assert (change.state, change.invoice.kind, change.invoice.status) == (
        "pending",
        "proforma",
        "issued",
    )
    service.refresh_from_db()
    assert service.tariff == shop.vps_start  # not before it is paid
    assert service_pending_change(service) == change
    assert balance_of(client_record) == eur("0.00")

    time_machine.move_to(datetime(2027, 3, 10, 8, 0, tzinfo=UTC))
    fund(client_record, "12.41", on=MARCH_10)
    apply_payments(client_record, today=MARCH_10)

    change.refresh_from_db()
    service.refresh_from_db()
    assert change.state == ServiceChange.State.APPLIED and change.applied_at is not None
    assert service.tariff == shop.vps_large
    assert Invoice.objects.get(pk=change.invoice_id).status == Invoice.Status.PAID
    assert balance_of(client_record) == eur("0.00")
    assert balance_entries(client_record) == [
        ("payment", 1228),
        ("charge", -1228),
        ("payment", 1241),
        ("charge", -1241),
    ]
    apply_payments(client_record, today=MARCH_10)  # nothing more
    assert balance_entries(client_record)[-1] == ("charge", -1241)


def test_a_pending_upgrade_can_be_withdrawn_and_its_proforma_is_cancelled__ORD_04(
    place, run_hooks, client_record, shop
):
    fund(client_record, "12.28")
    service = place().service
    change = _change(run_hooks, service, tariff=shop.vps_large)

    withdrawn = service_plan_change_withdraw(change=change, actor=client_record.owner)

    assert withdrawn.state == ServiceChange.State.CANCELLED
    assert Invoice.objects.get(pk=change.invoice_id).status == Invoice.Status.CANCELLED
    service.refresh_from_db()
    assert service.tariff == shop.vps_start
    with pytest.raises(DomainError) as refused:
        service_plan_change_withdraw(change=change, actor=client_record.owner)
    assert refused.value.fields == {"change": "state is cancelled"}


def test_downgrade_credits_the_difference_back_to_the_balance__ORD_04(
    place, run_hooks, client_record, shop
):
    fund(client_record, "40.00")
    service = place(tariff=shop.vps_large, add_ons=[AddOnChoice(shop.extra_ipv4, 2)]).service
    # 24.00 + 2 x 2.00 = 28.00 net, 34.72 gross
    assert balance_of(client_record) == eur("5.28")
    period_invoice = service.periods.get().invoice

    change = _change(
        run_hooks, service, tariff=shop.vps_start, add_ons=[AddOnChoice(shop.extra_ipv4, 1)]
    )

    # (11.90 - 28.00) * 22 / 31 = -11.4258 -> -11.43 net; VAT 24 % 2.74; 14.17 back
    assert (change.direction, change.state, change.amount_minor) == ("downgrade", "applied", -1143)
    assert change.invoice is None
    note = CreditNote.objects.get()
    assert note.invoice_id == period_invoice.pk
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-1143, -274, -1417)
    credit_line = note.lines.get()
    assert (credit_line.period_start, credit_line.period_end) == (MARCH_10, date(2027, 3, 31))
    credit = ServiceCredit.objects.get()
    assert (credit.change_id, credit.credit_note_id, credit.invoice_id, credit.net_minor) == (
        change.pk,
        note.pk,
        period_invoice.pk,
        1143,
    )
    service.refresh_from_db()
    assert service.tariff == shop.vps_start
    assert list(ServiceAddOn.objects.filter(service=service).values_list("add_on", "quantity")) == [
        (shop.extra_ipv4.pk, 1)
    ]
    assert change.from_add_ons == [
        {
            "add_on": shop.extra_ipv4.pk,
            "code": "vps-extra-ipv4",
            "name": "Extra IPv4 address",
            "quantity": 2,
        }
    ]
    assert balance_of(client_record) == eur("19.45")  # 5.28 + 14.17
    assert balance_entries(client_record) == [
        ("payment", 4000),
        ("charge", -3472),
        ("credit_note", 1417),
    ]


def test_an_add_on_quantity_change_alone_is_prorated__ORD_04(place, run_hooks, client_record, shop):
    fund(client_record, "20.00")
    service = place().service

    change = _change(run_hooks, service, add_ons=[AddOnChoice(shop.extra_ipv4, 3)])

    # 3 x 2.00 * 22 / 31 = 4.2580 -> 4.26 net, 1.02 VAT, 5.28 gross
    assert (change.direction, change.amount_minor, change.invoice.gross_minor) == (
        "upgrade",
        426,
        528,
    )
    assert change.from_tariff == change.to_tariff == shop.vps_start
    assert balance_of(client_record) == eur("2.44")  # 20.00 - 12.28 - 5.28


def _refused(service, **kwargs) -> DomainError:
    before = written_rows()
    with pytest.raises(DomainError) as refused:
        service_plan_change(service=service, actor=service.client.owner, today=MARCH_10, **kwargs)
    assert written_rows() == before
    return refused.value


def test_a_tariff_of_another_family_or_an_inactive_one_is_refused__ORD_04(
    place, client_record, shop
):
    fund(client_record, "20.00")
    service = place().service

    assert _refused(service, tariff=shop.cloud_pool).fields == {
        "tariff": "Cloud Pool is a tariff of another product."
    }
    Tariff.objects.filter(pk=shop.vps_large.pk).update(is_active=False)
    assert _refused(service, tariff=shop.vps_large).fields == {
        "tariff": "VPS Large is not offered."
    }
    assert _refused(service, tariff=shop.vps_start).fields == {"tariff": "nothing changes"}
    assert "add_ons" in _refused(service, add_ons=[AddOnChoice(shop.cloud_backups, 1)]).fields


def test_suspended_terminated_and_pending_changes_are_refused__ORD_04(
    place, run_hooks, client_record, shop, staff
):
    fund(client_record, "12.28")
    service = place().service
    pending = _change(run_hooks, service, add_ons=[AddOnChoice(shop.backups, 1)])
    assert pending.state == "pending"
    assert _refused(service, tariff=shop.vps_large).fields == {
        "service": "Another change of this service awaits payment."
    }
    service_plan_change_withdraw(change=pending, actor=client_record.owner)

    service_provisioned(service=service)
    service_suspend(service=service, actor=staff, reason="Abuse report")
    assert _refused(service, tariff=shop.vps_large).fields == {
        "service": "The service is suspended; its plan cannot be changed."
    }
    run_hooks(service_terminate, service=service, actor=staff, reason="Closed")
    assert _refused(service, tariff=shop.vps_large).fields == {
        "service": "The service is terminated; its plan cannot be changed."
    }


def test_terminating_a_service_cancels_its_unpaid_upgrade__ORD_04(
    place, run_hooks, client_record, shop, staff
):
    fund(client_record, "12.28")
    service = place().service
    change = _change(run_hooks, service, tariff=shop.vps_large)

    run_hooks(service_terminate, service=service, actor=staff, reason="Closed")

    change.refresh_from_db()
    assert change.state == ServiceChange.State.CANCELLED
    assert Invoice.objects.get(pk=change.invoice_id).status == Invoice.Status.CANCELLED
    assert balance_of(client_record) == eur("0.00")
