"""Provisioning starts only when the period is paid (ORD-03), and applying payments is
idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import proforma_cancel
from hostledger.invoicing.models import Invoice
from hostledger.ledger.selectors import balance_of
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import proforma_pay_from_balance
from hostledger.subscriptions.models import Order, ServicePeriod, ServiceStatus
from tests.subscriptions.factories import TODAY, eur, fund, written_rows

pytestmark = pytest.mark.django_db


def test_an_order_covered_by_the_balance_is_paid_and_provisioning_starts_at_once__ORD_03(
    place, client_record
):
    fund(client_record, "20.00")

    order = place()

    assert order.status == Order.Status.PAID
    proforma = Invoice.objects.get(pk=order.proforma_id)
    assert (proforma.kind, proforma.status, proforma.finalised_on) == ("final", "paid", TODAY)
    assert balance_of(client_record) == eur("7.72")  # 20.00 - 12.28
    service = order.service
    assert service.status == ServiceStatus.PROVISIONING
    assert service.commencement_deadline == date(2027, 3, 2)  # 1 working day after Monday
    period = ServicePeriod.objects.get(service=service)
    assert (period.starts_on, period.ends_on, period.invoice_id, period.amount_minor) == (
        TODAY,
        date(2027, 3, 31),
        proforma.pk,
        990,
    )
    create = ProvisioningOperation.objects.get(service=service)
    assert (create.operation, create.module_name, create.status, create.attempts) == (
        "create",
        "manual",
        "waiting",
        1,
    )
    assert list(service.status_changes.values_list("from_status", "to_status", "actor")) == [
        ("", "pending", client_record.owner.pk),
        ("pending", "provisioning", None),
    ]


def test_without_balance_the_service_waits_until_a_payment_is_applied__ORD_03(
    place, apply_payments, client_record, time_machine
):
    fund(client_record, "12.27")  # one cent short
    order = place()

    assert order.status == Order.Status.PLACED
    service = order.service
    assert service.status == ServiceStatus.PENDING
    assert service.commencement_deadline is None
    assert not ServicePeriod.objects.exists()
    assert not ProvisioningOperation.objects.exists()
    assert apply_payments(client_record) == []
    assert order.service.status == ServiceStatus.PENDING

    time_machine.move_to(datetime(2027, 3, 5, 8, 0, tzinfo=UTC))
    fund(client_record, "0.01", on=date(2027, 3, 5))
    started = apply_payments(client_record, today=date(2027, 3, 5))  # a Friday

    assert [item.pk for item in started] == [service.pk]
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROVISIONING
    assert service.commencement_deadline == date(2027, 3, 8)  # next working day: Monday
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert balance_of(client_record) == eur("0.00")
    assert ServicePeriod.objects.get(service=service).starts_on == TODAY  # as billed


def test_applying_payments_twice_does_nothing_more__ORD_03(place, apply_payments, client_record):
    order = place()
    fund(client_record, "30.00")
    assert len(apply_payments(client_record)) == 1
    after_first = written_rows()

    assert apply_payments(client_record) == []
    assert apply_payments(client_record, today=date(2027, 3, 2)) == []

    assert written_rows() == after_first
    assert order.service.status == ServiceStatus.PROVISIONING
    assert ServicePeriod.objects.count() == 1
    assert ProvisioningOperation.objects.count() == 1


def test_proformas_are_paid_oldest_first_and_each_starts_its_own_service__ORD_03(
    place, apply_payments, client_record, shop
):
    first = place()  # 12.28
    second = place(tariff=shop.vps_large)  # 24.00 + 5.76 = 29.76
    fund(client_record, "20.00")
    assert [service.pk for service in apply_payments(client_record)] == [first.service.pk]
    assert second.service.status == ServiceStatus.PENDING

    fund(client_record, "25.00")
    assert [service.pk for service in apply_payments(client_record)] == [second.service.pk]
    assert balance_of(client_record) == eur("2.96")


def test_an_order_whose_proforma_was_cancelled_is_cancelled_with_its_service__ORD_03(
    place, apply_payments, client_record
):
    order = place()
    proforma_cancel(proforma=order.proforma, reason="client asked")
    fund(client_record, "50.00")

    assert apply_payments(client_record) == []

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    service = order.service
    assert service.status == ServiceStatus.TERMINATED
    assert service.status_changes.last().reason == "The order's proforma was cancelled."
    assert balance_of(client_record) == eur("50.00")
    assert not ProvisioningOperation.objects.exists()


def test_applying_payments_is_scoped_to_the_client__ORD_03(
    place, apply_payments, client_record, other_client
):
    order = place()
    fund(other_client, "50.00")
    assert apply_payments(other_client) == []
    assert order.service.status == ServiceStatus.PENDING
    assert balance_of(other_client) == eur("50.00")


def test_a_proforma_paid_out_of_turn_starts_its_service_at_once__ORD_03(
    place, run_hooks, client_record
):
    """The client pays the newer of two open orders from the balance: that order is paid and
    its service starts, while the older one keeps waiting for money (ORD-03, BIL-01)."""
    older = place()
    newer = place(period_months=1)
    fund(client_record, "12.28")

    paid = run_hooks(
        proforma_pay_from_balance,
        proforma=Invoice.objects.get(pk=newer.proforma_id),
        actor=client_record.owner,
        today=TODAY,
    )

    assert (paid.kind, paid.status) == ("final", "paid")
    newer.refresh_from_db()
    older.refresh_from_db()
    assert newer.status == Order.Status.PAID
    assert newer.service.status == ServiceStatus.PROVISIONING
    assert older.status == Order.Status.PLACED
    assert older.service.status == ServiceStatus.PENDING
    assert balance_of(client_record) == eur("0.00")


def test_a_proforma_the_balance_does_not_cover_changes_nothing__ORD_03(place, client_record):
    order = place()
    fund(client_record, "12.27")
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        proforma_pay_from_balance(
            proforma=Invoice.objects.get(pk=order.proforma_id),
            actor=client_record.owner,
            today=TODAY,
        )

    assert refused.value.code == "insufficient_balance"
    assert written_rows() == before
