"""Staff manage tariffs, add-ons and metered items through audited actions (CAT-02)."""

from __future__ import annotations

import pytest

from hostledger.catalog import actions
from hostledger.catalog.models import AddOn, Tariff
from hostledger.catalog.selectors import (
    add_ons_for_tariff,
    check_add_on_offered,
    metered_items_for_tariff,
    tariff_by_public_id,
    tariffs_for_staff,
)
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from tests.catalog.conftest import catalog_state
from tests.catalog_helpers import create_published_tariff

VPS_M = {"cpu": 2, "ram_gb": 4, "disk_gb": 80}


@pytest.fixture
def vps_m(vps, staff) -> Tariff:
    return create_published_tariff(
        family=vps, code="vps-m", name="VPS M", monthly_fee="9.99", specs=VPS_M, actor=staff
    )


def test_tariff_has_a_fixed_monthly_fee_in_eur__CAT_02(vps_m, staff):
    assert vps_m.monthly_fee == Money(999, "EUR")
    assert vps_m.monthly_fee_minor == 999
    assert vps_m.specs == VPS_M
    assert vps_m.public_id.startswith("trf_")
    event = AuditEvent.objects.get(action="catalog.tariff.created")
    assert event.actor_id == staff.pk
    assert event.object_id == vps_m.public_id
    assert event.data == {"code": "vps-m", "family": "vps", "monthly_fee": "9.99 EUR"}


def test_tariff_input_is_checked_field_by_field_and_nothing_written__CAT_02(vps, vps_m):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.tariff_create(
            family=vps,
            code="vps-m",
            name="",
            monthly_fee="9,99",
            specs={"cpu": 2, "ram_gb": 4},
            sort_order=-1,
        )
    assert set(error.value.fields) == {"code", "name", "monthly_fee", "specs", "sort_order"}
    assert error.value.fields["code"] == "This code is already used."
    assert catalog_state() == before


def test_vps_and_cloud_tariffs_state_their_resources__CAT_02(cloud):
    with pytest.raises(DomainError) as error:
        actions.tariff_create(
            family=cloud, code="pool", name="Pool", monthly_fee="29", specs={"cpu": 4.5}
        )
    assert list(error.value.fields) == ["specs"]
    pool = actions.tariff_create(
        family=cloud,
        code="pool",
        name="Pool",
        monthly_fee="29",
        specs={"cpu": 4, "ram_gb": 8, "disk_gb": 200},
    )
    assert pool.monthly_fee == Money(2900)


def test_tariff_update_changes_details_but_not_the_fee__CAT_02(vps_m, staff):
    tariff = actions.tariff_update(
        tariff=vps_m, data={"name": "VPS Medium", "sort_order": 5}, actor=staff
    )
    assert (tariff.name, tariff.sort_order) == ("VPS Medium", 5)
    assert AuditEvent.objects.get(action="catalog.tariff.updated").data == {
        "fields": ["name", "sort_order"]
    }

    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.tariff_update(tariff=tariff, data={"monthly_fee": "1.00", "name": "Cheap"})
    assert "CAT-06" in error.value.fields["monthly_fee"]
    assert catalog_state() == before


def test_deactivated_tariff_is_hidden_from_clients_and_shown_to_staff__CAT_02(vps_m, staff):
    actions.tariff_deactivate(tariff=vps_m, actor=staff)
    with pytest.raises(NotFound):
        tariff_by_public_id(vps_m.public_id)
    assert tariff_by_public_id(vps_m.public_id, include_inactive=True).is_active is False
    assert [tariff.code for tariff in tariffs_for_staff()] == ["vps-m"]
    assert AuditEvent.objects.filter(action="catalog.tariff.deactivated").count() == 1

    actions.tariff_deactivate(tariff=vps_m, actor=staff)  # no change, no second event
    assert AuditEvent.objects.filter(action="catalog.tariff.deactivated").count() == 1
    actions.tariff_activate(tariff=vps_m, actor=staff)
    assert tariff_by_public_id(vps_m.public_id).code == "vps-m"


def test_add_ons_are_family_wide_or_tied_to_one_tariff__CAT_02(vps, vps_m, staff):
    vps_s = actions.tariff_create(
        family=vps,
        code="vps-s",
        name="VPS S",
        monthly_fee="5.49",
        specs={"cpu": 1, "ram_gb": 2, "disk_gb": 40},
    )
    ipv4 = actions.add_on_create(
        family=vps, code="ipv4", name="Extra IPv4", monthly_fee="2.00", max_quantity=16
    )
    backups = actions.add_on_create(
        family=vps, tariff=vps_m, code="backups-m", name="Backups", monthly_fee="1.50"
    )
    assert ipv4.monthly_fee == Money(200)
    assert {a.code for a in add_ons_for_tariff(vps_m)} == {"ipv4", "backups-m"}
    assert {a.code for a in add_ons_for_tariff(vps_s)} == {"ipv4"}
    check_add_on_offered(tariff=vps_m, add_on=backups)
    with pytest.raises(DomainError) as error:
        check_add_on_offered(tariff=vps_s, add_on=backups)
    assert error.value.fields == {"add_on": "not offered with this tariff"}

    actions.add_on_deactivate(add_on=ipv4, actor=staff)
    assert {a.code for a in add_ons_for_tariff(vps_s)} == set()
    updated = actions.add_on_update(add_on=backups, data={"max_quantity": 2}, actor=staff)
    assert updated.max_quantity == 2


def test_add_on_of_another_familys_tariff_or_bad_fee_is_refused__CAT_02(families, vps_m):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.add_on_create(
            family=families["cloud"],
            tariff=vps_m,
            code="odd",
            name="Odd",
            monthly_fee=-2,
            max_quantity=0,
        )
    assert set(error.value.fields) == {"tariff", "monthly_fee", "max_quantity"}
    with pytest.raises(DomainError) as error:
        actions.add_on_update(
            add_on=actions.add_on_create(
                family=families["vps"], code="dns", name="DNS", monthly_fee="0.90"
            ),
            data={"monthly_fee": "0.10"},
        )
    assert list(error.value.fields) == ["monthly_fee"]
    assert AddOn.objects.get().monthly_fee == Money(90)
    assert len(catalog_state()["catalog.AddOn"]) == len(before["catalog.AddOn"]) + 1


def test_metered_items_are_priced_finer_than_a_cent_and_kept_exact__CAT_02(cloud, staff):
    pool = actions.tariff_create(
        family=cloud,
        code="pool",
        name="Pool",
        monthly_fee="29",
        specs={"cpu": 4, "ram_gb": 8, "disk_gb": 200},
    )
    disk = actions.metered_item_create(
        family=cloud,
        code="disk-gb-hour",
        name="Disk",
        unit="GB-hour",
        unit_price="0.00014",
        actor=staff,
    )
    disk.refresh_from_db()
    assert disk.unit_price_micro == 140
    assert str(disk.unit_price) == "0.000140"
    assert [item.code for item in metered_items_for_tariff(pool)] == ["disk-gb-hour"]
    assert AuditEvent.objects.get(action="catalog.metered_item.created").data["unit_price"] == (
        "0.000140"
    )

    updated = actions.metered_item_update(
        metered_item=disk, data={"included_quantity": "100.5"}, actor=staff
    )
    assert updated.included_quantity_micro == 100_500_000
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.metered_item_update(metered_item=disk, data={"unit_price": "0.0001"})
    assert list(error.value.fields) == ["unit_price"]
    assert catalog_state() == before

    actions.metered_item_deactivate(metered_item=disk, actor=staff)
    assert metered_items_for_tariff(pool) == []
