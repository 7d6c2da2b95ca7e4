"""Applications for actions on equipment: filed by the client naming its own equipment IDs,
refused with the reason naming the ID, worked by staff as an order with a result (SUP-02;
seed 003, annex 7 §5.6-5.11)."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.datacenter.actions import application_file, application_work, equipment_register
from hostledger.datacenter.models import ApplicationStatus, EquipmentApplication
from hostledger.datacenter.selectors import client_application, client_applications

pytestmark = pytest.mark.django_db


@pytest.fixture
def equipment_a(staff, client_a, make_service):
    service = make_service(client_a)
    return [
        equipment_register(actor=staff, service=service, equipment_id=name, kind="server")
        for name in ("SRV-A1", "SRV-A2")
    ]


@pytest.fixture
def equipment_b(staff, client_b, make_service):
    return equipment_register(
        actor=staff, service=make_service(client_b), equipment_id="SRV-B1", kind="server"
    )


def test_the_owner_files_an_application_naming_its_equipment_ids__SUP_02(
    access_a, client_a, equipment_a
):
    application = application_file(
        access=access_a,
        actor=client_a.owner,
        action="reboot",
        equipment_ids="srv-a1, SRV-A2 srv-a1",
        details="Hangs after a kernel update.",
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.client_id == client_a.pk
    assert [item.equipment.equipment_id for item in application.items.all()] == [
        "SRV-A1",
        "SRV-A2",
    ]
    stored = EquipmentApplication.objects.get(pk=application.pk)
    assert stored.details == "Hangs after a kernel update."


def test_a_trusted_user_with_the_services_scope_files_and_a_read_only_one_cannot__SUP_02(
    services_access_a, read_only_access_a, equipment_a
):
    application = application_file(
        access=services_access_a,
        actor=services_access_a.user,
        action="power_off",
        equipment_ids=["SRV-A1"],
    )
    assert application.filed_by == services_access_a.user
    with pytest.raises(PermissionDenied):
        application_file(
            access=read_only_access_a,
            actor=read_only_access_a.user,
            action="power_on",
            equipment_ids=["SRV-A1"],
        )
    assert EquipmentApplication.objects.count() == 1


@pytest.mark.parametrize("named", ["SRV-B1", "SRV-NONE"])
def test_a_foreign_or_missing_equipment_id_is_refused_naming_it__SUP_02(
    access_a, client_a, equipment_a, equipment_b, named
):
    """Another client's ID is answered exactly like an ID that does not exist."""
    with pytest.raises(DomainError) as refused:
        application_file(
            access=access_a,
            actor=client_a.owner,
            action="reboot",
            equipment_ids=f"SRV-A1, {named}",
        )
    assert refused.value.code == "equipment_not_yours"
    assert refused.value.fields["equipment_ids"].startswith(f"{named}: not the ID of equipment")
    assert not EquipmentApplication.objects.exists()


def test_an_application_without_an_equipment_id_is_refused__SUP_02(access_a, client_a):
    with pytest.raises(DomainError) as refused:
        application_file(access=access_a, actor=client_a.owner, action="reboot", equipment_ids=" ")
    assert refused.value.code == "equipment_id_missing"
    assert not EquipmentApplication.objects.exists()


def test_equipment_of_a_suspended_service_is_refused_naming_it__SUP_02(
    staff, access_a, client_a, make_service
):
    suspended = make_service(client_a, status="suspended")
    equipment_register(actor=staff, service=suspended, equipment_id="SRV-S1", kind="server")
    with pytest.raises(DomainError) as refused:
        application_file(
            access=access_a, actor=client_a.owner, action="reboot", equipment_ids="SRV-S1"
        )
    assert refused.value.code == "service_not_active"
    assert refused.value.fields["equipment_ids"].startswith("SRV-S1: its service")
    assert not EquipmentApplication.objects.exists()


def test_staff_work_an_application_as_an_order_with_a_result__SUP_02(
    staff, viewer, access_a, client_a, equipment_a
):
    application = application_file(
        access=access_a, actor=client_a.owner, action="part_replacement", equipment_ids="SRV-A1"
    )
    with pytest.raises(PermissionDenied):
        application_work(application=application, actor=viewer, status="done", result="x")
    with pytest.raises(DomainError) as no_result:
        application_work(application=application, actor=staff, status="done", result="")
    assert no_result.value.fields == {"result": "This field is required."}
    taken = application_work(application=application, actor=staff, status="in_progress")
    assert (taken.status, taken.worked_by, taken.finished_at) == ("in_progress", staff, None)
    done = application_work(
        application=application, actor=staff, status="done", result="Disk 2 replaced."
    )
    assert done.status == ApplicationStatus.DONE
    assert done.result == "Disk 2 replaced."
    assert done.worked_by == staff and done.finished_at is not None
    with pytest.raises(DomainError) as closed:
        application_work(application=application, actor=staff, status="refused", result="x")
    assert closed.value.code == "application_closed"
    seen = client_application(client_a, application.public_id)
    assert (seen.status, seen.result) == ("done", "Disk 2 replaced.")


def test_staff_refuse_an_application_saying_why__SUP_02(staff, access_a, client_a, equipment_a):
    application = application_file(
        access=access_a, actor=client_a.owner, action="network_change", equipment_ids="SRV-A2"
    )
    refused = application_work(
        application=application,
        actor=staff,
        status="refused",
        result="A second uplink is not part of the contract (annex 7 §5.11).",
    )
    assert refused.status == ApplicationStatus.REFUSED
    assert list(client_applications(client_a)) == [refused]
