"""The equipment register: IDs, rack units, equipment moved in and out (SUP-05)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.datacenter.actions import equipment_move, equipment_register, equipment_update
from hostledger.datacenter.models import Equipment, EquipmentMovement, EquipmentStatus
from hostledger.datacenter.selectors import client_equipment, client_equipment_item

pytestmark = pytest.mark.django_db


def _register(staff, service, equipment_id="SRV-0042", **values):
    fields = {"kind": "server", "rack": "A1", "unit_from": 10, "unit_count": 2}
    fields.update(values)
    return equipment_register(actor=staff, service=service, equipment_id=equipment_id, **fields)


def test_equipment_is_registered_under_its_label_for_the_service_and_its_client__SUP_05(
    staff, client_a, make_service
):
    service = make_service(client_a)
    equipment = _register(staff, service, "srv-0042", power_watts=350, serial_number="CZ2104ABC")
    assert equipment.equipment_id == "SRV-0042"
    assert equipment.client_id == client_a.pk
    assert equipment.status == EquipmentStatus.EXPECTED
    assert equipment.units_text == "U10-U11"
    assert list(client_equipment(client_a)) == [equipment]


def test_an_id_in_use_or_rack_units_taken_are_refused_and_nothing_is_written__SUP_05(
    staff, client_a, make_service
):
    service = make_service(client_a)
    _register(staff, service)
    with pytest.raises(DomainError) as taken:
        _register(staff, service, "SRV-0042", unit_from=30)
    assert taken.value.fields == {"equipment_id": "SRV-0042 is already registered."}
    with pytest.raises(DomainError) as overlap:
        _register(staff, service, "SRV-0043", unit_from=11)
    assert "overlaps SRV-0042" in overlap.value.fields["unit_from"]
    with pytest.raises(DomainError) as bad_id:
        _register(staff, service, "srv 42!")
    assert "equipment_id" in bad_id.value.fields
    assert Equipment.objects.count() == 1


def test_only_staff_with_services_manage_keep_the_register__SUP_05(viewer, client_a, make_service):
    with pytest.raises(PermissionDenied):
        _register(viewer, make_service(client_a))
    assert not Equipment.objects.exists()


def test_equipment_moved_in_and_out_is_dated_and_changes_its_state__SUP_05(
    staff, client_a, make_service
):
    equipment = _register(staff, make_service(client_a))
    equipment_move(equipment=equipment, actor=staff, direction="in", moved_on=date(2027, 2, 20))
    equipment.refresh_from_db()
    assert equipment.status == EquipmentStatus.INSTALLED
    with pytest.raises(DomainError):
        equipment_move(equipment=equipment, actor=staff, direction="in", moved_on=date(2027, 2, 21))
    equipment_move(
        equipment=equipment, actor=staff, direction="out", moved_on=date(2027, 3, 1), note="RMA"
    )
    equipment.refresh_from_db()
    assert equipment.status == EquipmentStatus.REMOVED
    assert list(EquipmentMovement.objects.values_list("direction", "moved_on", "note")) == [
        ("in", date(2027, 2, 20), ""),
        ("out", date(2027, 3, 1), "RMA"),
    ]
    with pytest.raises(DomainError) as future:
        equipment_move(equipment=equipment, actor=staff, direction="in", moved_on=date(2027, 3, 9))
    assert future.value.fields == {"moved_on": "The day cannot be in the future."}


def test_a_client_never_finds_another_clients_equipment__SUP_05(
    staff, client_a, client_b, make_service
):
    equipment = _register(staff, make_service(client_a))
    assert not client_equipment(client_b).exists()
    with pytest.raises(DomainError) as missing:
        client_equipment_item(client_b, equipment.public_id)
    assert missing.value.status == 404


def test_staff_correct_the_details_and_the_rack_stays_free_of_overlaps__SUP_05(
    staff, client_a, make_service
):
    service = make_service(client_a)
    first = _register(staff, service)
    second = _register(staff, service, "SRV-0043", unit_from=20)
    updated = equipment_update(
        equipment=second,
        actor=staff,
        kind="storage",
        rack="A1",
        unit_from=30,
        unit_count=4,
        power_watts=800,
        serial_number="NEW-1",
    )
    assert (updated.kind, updated.units_text, updated.power_watts) == ("storage", "U30-U33", 800)
    with pytest.raises(DomainError) as overlap:
        equipment_update(equipment=second, actor=staff, kind="server", rack="A1", unit_from=11)
    assert "overlaps SRV-0042" in overlap.value.fields["unit_from"]
    second.refresh_from_db()
    assert second.unit_from == 30
    assert first.equipment_id == "SRV-0042"
