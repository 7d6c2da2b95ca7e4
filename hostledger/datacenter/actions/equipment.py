"""The equipment register and equipment moved in and out (SUP-05, annex 7 §4.1 and §4.3)."""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from hostledger.datacenter.actions._common import audit, clean_text, invalid, require_staff
from hostledger.datacenter.models import (
    Equipment,
    EquipmentKind,
    EquipmentMovement,
    EquipmentStatus,
    MovementDirection,
)
from hostledger.subscriptions.models import Service, ServiceStatus

EQUIPMENT_ID = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
RACK_UNITS_MAX = 60


def clean_equipment_id(value, field: str = "equipment_id") -> str:
    """An equipment ID as on the label: letters, digits, dot, dash and underscore, upper
    case, at most 32 characters."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if not EQUIPMENT_ID.match(text):
        raise invalid(
            field,
            "Use 1 to 32 letters, digits, dots, dashes or underscores, e.g. SRV-0042.",
        )
    return text


def _optional_number(value, field: str, *, minimum: int, maximum: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(field, "Enter a whole number.") from None
    if not minimum <= number <= maximum:
        raise invalid(field, f"Between {minimum} and {maximum}.")
    return number


def _check_rack_free(equipment: Equipment) -> None:
    """Installed or expected equipment never shares a unit of a rack with other equipment."""
    if not equipment.rack or equipment.unit_from is None:
        return
    first = equipment.unit_from
    last = first + equipment.unit_count - 1
    neighbours = (
        Equipment.objects.select_for_update()
        .filter(rack=equipment.rack, unit_from__isnull=False)
        .exclude(status=EquipmentStatus.REMOVED)
        .exclude(pk=equipment.pk)
    )
    for other in neighbours:
        other_last = other.unit_from + other.unit_count - 1
        if other.unit_from <= last and first <= other_last:
            raise invalid(
                "unit_from",
                f"Rack {equipment.rack} {equipment.units_text} overlaps {other.equipment_id} "
                f"({other.units_text}).",
                code="rack_units_taken",
            )


@transaction.atomic
def equipment_register(
    *,
    actor,
    service: Service,
    equipment_id: str,
    kind: str,
    rack: str = "",
    unit_from=None,
    unit_count=1,
    power_watts=None,
    serial_number: str = "",
) -> Equipment:
    """Staff put a piece of equipment in the register under the ID on its label, for the
    service (and so the client) it belongs to (SUP-05, annex 7 §4.1). It starts
    ``expected``; moving it in installs it. Refused: an ID already in use, a terminated
    service, rack units taken by other equipment."""
    require_staff(actor)
    equipment_id = clean_equipment_id(equipment_id)
    if kind not in EquipmentKind.values:
        raise invalid("kind", f"Choose one of {', '.join(EquipmentKind.values)}.")
    if not isinstance(service, Service):
        raise invalid("service", "No such service.")
    if service.status == ServiceStatus.TERMINATED:
        raise invalid("service", "The service is terminated.", code="service_terminated")
    rack = clean_text(rack, "rack", required=False, max_length=32)
    serial_number = clean_text(serial_number, "serial_number", required=False, max_length=64)
    units_from = _optional_number(unit_from, "unit_from", minimum=1, maximum=RACK_UNITS_MAX)
    units = _optional_number(unit_count, "unit_count", minimum=1, maximum=RACK_UNITS_MAX) or 1
    if units_from is not None and not rack:
        raise invalid("rack", "Name the rack the units are in.")
    if units_from is not None and units_from + units - 1 > RACK_UNITS_MAX:
        raise invalid("unit_count", f"The equipment would reach past U{RACK_UNITS_MAX}.")
    equipment = Equipment(
        equipment_id=equipment_id,
        kind=kind,
        client_id=service.client_id,
        service=service,
        rack=rack,
        unit_from=units_from,
        unit_count=units,
        power_watts=_optional_number(power_watts, "power_watts", minimum=1, maximum=100_000),
        serial_number=serial_number,
    )
    if Equipment.objects.filter(equipment_id=equipment_id).exists():
        raise invalid("equipment_id", f"{equipment_id} is already registered.", code="taken")
    _check_rack_free(equipment)
    try:
        with transaction.atomic():
            equipment.save()
    except IntegrityError:
        taken = f"{equipment_id} is already registered."
        raise invalid("equipment_id", taken, code="taken") from None
    audit(
        "equipment_registered",
        actor=actor,
        obj=equipment,
        client_id=service.client_id,
        data={"equipment_id": equipment_id, "service": service.public_id},
    )
    return equipment


@transaction.atomic
def equipment_update(
    *,
    equipment: Equipment,
    actor,
    kind: str,
    rack: str = "",
    unit_from=None,
    unit_count=1,
    power_watts=None,
    serial_number: str = "",
) -> Equipment:
    """Staff correct the type, place, power or serial number of registered equipment
    (SUP-05); its ID and service stay. Rack units taken by other equipment are refused."""
    require_staff(actor)
    if kind not in EquipmentKind.values:
        raise invalid("kind", f"Choose one of {', '.join(EquipmentKind.values)}.")
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    locked.kind = kind
    locked.rack = clean_text(rack, "rack", required=False, max_length=32)
    locked.serial_number = clean_text(serial_number, "serial_number", required=False, max_length=64)
    locked.unit_from = _optional_number(unit_from, "unit_from", minimum=1, maximum=RACK_UNITS_MAX)
    locked.unit_count = (
        _optional_number(unit_count, "unit_count", minimum=1, maximum=RACK_UNITS_MAX) or 1
    )
    locked.power_watts = _optional_number(power_watts, "power_watts", minimum=1, maximum=100_000)
    if locked.unit_from is not None and not locked.rack:
        raise invalid("rack", "Name the rack the units are in.")
    if locked.unit_from is not None and locked.unit_from + locked.unit_count - 1 > RACK_UNITS_MAX:
        raise invalid("unit_count", f"The equipment would reach past U{RACK_UNITS_MAX}.")
    if locked.status != EquipmentStatus.REMOVED:
        _check_rack_free(locked)
    locked.save(
        update_fields=[
            "kind",
            "rack",
            "unit_from",
            "unit_count",
            "power_watts",
            "serial_number",
            "updated_at",
        ]
    )
    audit(
        "equipment_updated",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"rack": locked.rack, "units": locked.units_text},
    )
    return locked


@transaction.atomic
def equipment_move(
    *, equipment: Equipment, actor, direction: str, moved_on: date, note: str = ""
) -> EquipmentMovement:
    """Record equipment brought in (it is installed) or taken out (removed) on a day
    (SUP-05, annex 7 §4.3). Moving in what is installed, or out what is not, is refused."""
    require_staff(actor)
    if direction not in MovementDirection.values:
        raise invalid("direction", "Choose in or out.")
    if not isinstance(moved_on, date):
        raise invalid("moved_on", "Enter a date.")
    if moved_on > timezone.localdate():
        raise invalid("moved_on", "The day cannot be in the future.")
    note = clean_text(note, "note", required=False, max_length=500)
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if direction == MovementDirection.MOVED_IN:
        if locked.status == EquipmentStatus.INSTALLED:
            raise invalid("direction", f"{locked.equipment_id} is already installed.", code="state")
        _check_rack_free(locked)
        new_status = EquipmentStatus.INSTALLED
    else:
        if locked.status != EquipmentStatus.INSTALLED:
            raise invalid("direction", f"{locked.equipment_id} is not installed.", code="state")
        new_status = EquipmentStatus.REMOVED
    Equipment.objects.filter(pk=locked.pk).update(status=new_status, updated_at=timezone.now())
    movement = EquipmentMovement.objects.create(
        equipment=locked,
        direction=direction,
        moved_on=moved_on,
        note=note,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit(
        "equipment_moved",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"direction": direction, "moved_on": moved_on.isoformat()},
    )
    return movement
