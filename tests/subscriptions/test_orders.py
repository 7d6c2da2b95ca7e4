"""Placing orders: what is recorded, what is billed, what is refused (ORD-01, CAT-02, CAT-05)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hostledger.catalog.actions import price_change_announce, tariff_deactivate
from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.models import Invoice
from hostledger.subscriptions.actions import AddOnChoice
from hostledger.subscriptions.models import Order, OrderItem, ServiceStatus
from hostledger.subscriptions.selectors import client_order
from tests.subscriptions.factories import TODAY, eur, new_payer, written_rows

pytestmark = pytest.mark.django_db


def _items(order: Order) -> list[tuple]:
    return [
        (item.kind, item.code, item.name, item.monthly_fee_minor, item.quantity, item.months)
        for item in OrderItem.objects.filter(order=order).order_by("position")
    ]


def test_order_records_what_was_asked_and_its_prices_survive_a_price_change__ORD_01(
    place, shop, client_record, payer
):
    order = place(
        period_months=3,
        add_ons=[AddOnChoice(shop.extra_ipv4, 2), shop.backups],
        start_at_once=True,
    )
    placed_items = _items(order)
    assert placed_items == [
        ("tariff", "vps-start", "VPS Start", 990, 1, 3),
        ("add_on", "vps-extra-ipv4", "Extra IPv4 address", 200, 2, 3),
        ("add_on", "vps-backups", "Daily backups", 349, 1, 3),
    ]
    assert (order.client, order.payer, order.tariff, order.os_image) == (
        client_record,
        payer,
        shop.vps_start,
        shop.debian,
    )
    assert order.tariff_specs == {"cpu": 2, "ram_gb": 4, "disk_gb": 80}
    assert (order.period_months, order.period_starts_on, order.period_ends_on) == (
        3,
        TODAY,
        date(2027, 5, 31),
    )
    assert order.start_at_once is True
    assert order.is_trial is False
    assert order.net == eur("52.17")  # (9.90 + 2 x 2.00 + 3.49) x 3
    service = order.service
    assert [(row.add_on.code, row.quantity) for row in service.add_ons.order_by("id")] == [
        ("vps-extra-ipv4", 2),
        ("vps-backups", 1),
    ]

    # The catalog changes afterwards: new fees are announced, the tariff's resources and
    # name change, the tariff is withdrawn.
    effective = timezone.localdate() + timedelta(days=30)
    price_change_announce(tariff=shop.vps_start, new_fee="12.90", effective_from=effective)
    price_change_announce(add_on=shop.backups, new_fee="4.99", effective_from=effective)
    from hostledger.catalog.actions import tariff_update

    tariff_update(
        tariff=shop.vps_start,
        data={"name": "VPS Start 2", "specs": {"cpu": 1, "ram_gb": 2, "disk_gb": 40}},
    )
    tariff_deactivate(tariff=shop.vps_start)

    shown = client_order(client_record, order.public_id)
    assert _items(shown) == placed_items
    assert shown.net == eur("52.17")
    assert shown.tariff_specs == {"cpu": 2, "ram_gb": 4, "disk_gb": 80}

    # A new order for a period starting after the change is priced with the new fees.
    later = place(tariff=shop.vps_large, today=effective, add_ons=[shop.backups])
    assert _items(later)[1][3] == 499


def test_proforma_lines_and_totals_are_exact_for_a_multi_item_three_month_order__ORD_01_BIL_02(
    place, shop
):
    order = place(
        period_months=3,
        add_ons=[AddOnChoice(shop.extra_ipv4, 2), shop.backups],
        os_image=shop.windows,
    )
    proforma = order.proforma
    assert proforma.kind == Invoice.Kind.PROFORMA
    assert proforma.status == Invoice.Status.ISSUED
    lines = [
        (
            line.description,
            line.quantity,
            line.unit_price_minor,
            line.net_minor,
            line.vat_minor,
            line.period_start,
            line.period_end,
        )
        for line in proforma.lines.order_by("position")
    ]
    period = (TODAY, date(2027, 5, 31))
    assert lines == [
        ("VPS Start, 3 months", Decimal("3"), 990, 2970, 713, *period),
        ("2 x Extra IPv4 address, 3 months", Decimal("6"), 200, 1200, 288, *period),
        ("Daily backups, 3 months", Decimal("3"), 349, 1047, 251, *period),
        ("Windows Server 2022 licence, 3 months", Decimal("3"), 1235, 3705, 889, *period),
    ]
    assert (proforma.net_minor, proforma.vat_minor, proforma.gross_minor) == (8922, 2141, 11063)
    assert order.net_minor == 8922
    assert _items(order)[-1] == (
        "os_licence",
        "windows-2022",
        "Windows Server 2022 licence",
        1235,
        1,
        3,
    )


def test_a_free_os_image_adds_no_line__CAT_05(place, shop):
    order = place()
    assert [line.description for line in order.proforma.lines.all()] == ["VPS Start, 1 month"]
    assert order.proforma.gross_minor == 1228  # 9.90 + 24 % VAT (2.376 → 2.38)


def test_the_allowed_periods_are_a_provider_setting__ORD_01(place):
    with pytest.raises(DomainError) as refused:
        place(period_months=2)
    assert refused.value.fields == {"period_months": "Choose a period of 1, 3, 6, 12 months."}

    provider_setting_change(key="subscriptions.allowed_periods", raw_value="1, 2, 24")
    order = place(period_months=24)
    assert (order.period_starts_on, order.period_ends_on) == (TODAY, date(2029, 2, 28))
    with pytest.raises(DomainError):
        place(period_months=12)


def _refusal(place, **overrides):
    before = written_rows()
    with pytest.raises(DomainError) as refused:
        place(**overrides)
    assert written_rows() == before
    return refused.value


def test_bad_input_is_refused_per_field_and_nothing_is_written__ORD_01(
    place, shop, client_record, other_client
):
    archived = new_payer(client_record, name="Old payer", archived_at=timezone.now())
    foreign_payer = new_payer(other_client)
    cases = [
        ({"payer": foreign_payer}, "payer"),
        ({"payer": archived}, "payer"),
        ({"payer": None}, "payer"),
        ({"tariff": "vps-start"}, "tariff"),
        ({"period_months": 0}, "period_months"),
        ({"period_months": "3"}, "period_months"),
        ({"period_months": True}, "period_months"),
        ({"add_ons": [shop.cloud_backups]}, "add_ons"),
        ({"add_ons": [shop.backups, shop.backups]}, "add_ons"),
        ({"add_ons": [AddOnChoice(shop.extra_ipv4, 17)]}, "add_ons"),
        ({"add_ons": [AddOnChoice(shop.extra_ipv4, 0)]}, "add_ons"),
        ({"add_ons": "vps-backups"}, "add_ons"),
        ({"os_image": None}, "os_image"),
        ({"os_image": "debian-12"}, "os_image"),
        ({"start_at_once": "yes"}, "start_at_once"),
        ({"trial": "yes"}, "trial"),
        ({"trial": False, "trial_days": 5}, "trial_days"),
        ({"trial": True, "trial_days": 11}, "trial_days"),
        ({"tariff": shop.hosting_start, "os_image": shop.debian}, "os_image"),
        ({"tariff": shop.cloud_pool, "os_image": shop.debian}, "os_image"),
        ({"tariff": shop.hosting_start, "os_image": None, "trial": True}, "trial"),
    ]
    for overrides, field in cases:
        error = _refusal(place, **overrides)
        assert field in error.fields, (overrides, error.fields)
        assert error.code == "invalid_input"

    inactive = shop.vps_large
    tariff_deactivate(tariff=inactive)
    assert "tariff" in _refusal(place, tariff=inactive).fields
    assert "client" in _refusal(place, client=None).fields
    assert "today" in _refusal(place, today="2027-03-01").fields


def test_several_bad_fields_are_reported_together__ORD_01(place, shop):
    error = _refusal(place, period_months=5, add_ons=[shop.cloud_backups], os_image=None)
    assert set(error.fields) == {"period_months", "add_ons", "os_image"}


def test_a_paid_order_cannot_be_edited_after_placing__ORD_01(place):
    order = place()
    order.period_months = 12
    with pytest.raises(DomainError) as refused:
        order.save()
    assert refused.value.code == "order_placed"
    item = order.items.first()
    with pytest.raises(DomainError):
        item.save()
    assert Order.objects.get(pk=order.pk).period_months == 1


def test_an_unpaid_order_can_be_withdrawn_with_its_proforma__ORD_01(
    place, run_hooks, client_record
):
    from hostledger.subscriptions.actions import order_cancel

    order = place()
    cancelled = run_hooks(order_cancel, order=order, actor=client_record.owner, reason="Mistake")
    assert cancelled.status == Order.Status.CANCELLED
    assert Invoice.objects.get(pk=order.proforma_id).status == Invoice.Status.CANCELLED
    service = order.service
    assert service.status == ServiceStatus.TERMINATED
    assert list(service.status_changes.values_list("from_status", "to_status", "reason")) == [
        ("", "pending", f"Order {order.number} placed."),
        ("pending", "terminated", "Mistake"),
    ]
    with pytest.raises(DomainError) as refused:
        order_cancel(order=order, actor=None)
    assert refused.value.code == "order_not_open"
