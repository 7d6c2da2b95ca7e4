"""Applications for actions on equipment (SUP-02; seed 003, annex 7 §5.6-5.11).

A client files an application in the panel naming the equipment IDs of its own services; an
ID that is not the client's (missing or another client's: the same answer, naming the ID) or
equipment of a service that is not active (suspended, terminated) refuses the whole
application and nothing is stored. Staff work it as an order and record the outcome; where
the provisioning module of every named service can do the action itself, staff do it at one
click (:func:`application_module_run`).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from hostledger.datacenter.actions._common import (
    audit,
    clean_text,
    invalid,
    require_client_write,
    require_staff,
)
from hostledger.datacenter.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationAction,
    ApplicationItem,
    ApplicationStatus,
    Equipment,
    EquipmentApplication,
    EquipmentStatus,
)
from hostledger.provisioning.equipment_actions import (
    equipment_action_available,
    equipment_action_perform,
)
from hostledger.provisioning.modules.interface import Outcome
from hostledger.subscriptions.models import ServiceStatus

EQUIPMENT_IDS_MAX = 20
RESULT_MAX = 4000
FINAL_STATUSES = (ApplicationStatus.DONE, ApplicationStatus.REFUSED, ApplicationStatus.FAILED)


def parse_equipment_ids(value) -> list[str]:
    """The equipment IDs of an application: a list, or text separated by commas, spaces or
    new lines; upper case, each once, in the order given."""
    if isinstance(value, str):
        parts = re.split(r"[\s,;]+", value)
    elif isinstance(value, list | tuple):
        if not all(isinstance(part, str) for part in value):
            raise invalid("equipment_ids", "Give the equipment IDs as text.")
        parts = list(value)
    else:
        raise invalid("equipment_ids", "Give the equipment IDs as text.")
    found: list[str] = []
    for part in parts:
        text = part.strip().upper()
        if text and text not in found:
            found.append(text)
    if not found:
        raise invalid(
            "equipment_ids",
            "Name the ID of each piece of equipment the application is for (annex 7 §5.8).",
            code="equipment_id_missing",
        )
    if len(found) > EQUIPMENT_IDS_MAX:
        raise invalid("equipment_ids", f"At most {EQUIPMENT_IDS_MAX} equipment IDs at once.")
    return found


def _equipment_of_client(client, equipment_ids: list[str]) -> list[Equipment]:
    found = {
        equipment.equipment_id: equipment
        for equipment in Equipment.objects.select_related("service")
        .filter(client=client, equipment_id__in=equipment_ids)
        .exclude(status=EquipmentStatus.REMOVED)
    }
    unknown = [equipment_id for equipment_id in equipment_ids if equipment_id not in found]
    if unknown:
        listed = ", ".join(unknown)
        raise invalid(
            "equipment_ids",
            f"{listed}: not the ID of equipment of your services. Check the ID on the "
            "equipment page.",
            code="equipment_not_yours",
        )
    for equipment_id in equipment_ids:
        service = found[equipment_id].service
        if service.status != ServiceStatus.ACTIVE:
            raise invalid(
                "equipment_ids",
                f"{equipment_id}: its service {service.public_id} is "
                f"{service.get_status_display().lower()}, so applications for it are refused "
                "(annex 7 §5.11).",
                code="service_not_active",
            )
    return [found[equipment_id] for equipment_id in equipment_ids]


@transaction.atomic
def application_file(
    *, access, actor, action: str, equipment_ids, details: str = ""
) -> EquipmentApplication:
    """File an application for ``action`` on the named equipment of the client (SUP-02,
    annex 7 §5.6.5-5.9). Needs the owner or a trusted user with the services scope
    (ACC-06). Refused, with nothing stored: an unknown action, no equipment ID, an ID that
    is not the client's, or equipment whose service is not active."""
    require_client_write(access)
    if action not in ApplicationAction.values:
        raise invalid("action", f"Choose one of {', '.join(ApplicationAction.values)}.")
    equipment = _equipment_of_client(access.client, parse_equipment_ids(equipment_ids))
    details = clean_text(details, "details", required=False)
    application = EquipmentApplication(
        client=access.client,
        action=action,
        status=ApplicationStatus.SUBMITTED,
        filed_by=actor,
        filed_at=timezone.now(),
    )
    application.details = details
    application.save()
    ApplicationItem.objects.bulk_create(
        ApplicationItem(application=application, equipment=item) for item in equipment
    )
    audit(
        "application_filed",
        actor=actor,
        obj=application,
        client_id=access.client.pk,
        data={"action": action, "equipment": [item.equipment_id for item in equipment]},
    )
    return application


@transaction.atomic
def application_file_for_service(
    *, access, actor, action: str, service, details: str = ""
) -> EquipmentApplication:
    """File an application for ``action`` on one service from its page, when its module
    cannot do the action itself (SUP-02). It names the service's registered equipment, or,
    for a virtual service without labelled equipment, the service itself. Refused like
    :func:`application_file`: not the client's service, or a service that is not active."""
    require_client_write(access)
    if action not in ApplicationAction.values:
        raise invalid("action", f"Choose one of {', '.join(ApplicationAction.values)}.")
    if getattr(service, "client_id", None) != access.client.pk:
        raise invalid("service", "No such service.", code="not_found")
    if service.status != ServiceStatus.ACTIVE:
        raise invalid(
            "service",
            f"{service.public_id} is {service.get_status_display().lower()}, so applications "
            "for it are refused (annex 7 §5.11).",
            code="service_not_active",
        )
    equipment = list(
        Equipment.objects.filter(service=service, client=access.client).exclude(
            status=EquipmentStatus.REMOVED
        )
    )
    application = EquipmentApplication(
        client=access.client,
        service=service,
        action=action,
        status=ApplicationStatus.SUBMITTED,
        filed_by=actor,
        filed_at=timezone.now(),
    )
    application.details = clean_text(details, "details", required=False)
    application.save()
    ApplicationItem.objects.bulk_create(
        ApplicationItem(application=application, equipment=item) for item in equipment
    )
    audit(
        "application_filed",
        actor=actor,
        obj=application,
        client_id=access.client.pk,
        data={
            "action": action,
            "service": service.public_id,
            "equipment": [item.equipment_id for item in equipment],
        },
    )
    return application


def _locked_open(application: EquipmentApplication) -> EquipmentApplication:
    if not isinstance(application, EquipmentApplication):
        raise invalid("application", "No such application.")
    locked = EquipmentApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in OPEN_APPLICATION_STATUSES:
        raise invalid(
            "application",
            f"The application is {locked.get_status_display().lower()}.",
            code="application_closed",
        )
    return locked


@transaction.atomic
def application_work(
    *, application: EquipmentApplication, actor, status: str, result: str = ""
) -> EquipmentApplication:
    """Staff record where an application stands: in progress, or finished as done, refused
    (annex 7 §5.11: missing identification, not in the contract, a suspension) or failed,
    with the result in words, who and when (SUP-02). A finished application is not changed
    again."""
    require_staff(actor)
    if status not in ApplicationStatus.values or status == ApplicationStatus.SUBMITTED:
        raise invalid("status", "Choose in progress, done, refused or failed.")
    result = clean_text(result, "result", required=status in FINAL_STATUSES, max_length=RESULT_MAX)
    locked = _locked_open(application)
    now = timezone.now()
    EquipmentApplication.objects.filter(pk=locked.pk).update(
        status=status,
        result=result or locked.result,
        worked_by=actor,
        worked_at=now,
        finished_at=now if status in FINAL_STATUSES else None,
    )
    audit(
        "application_worked",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"status": status},
    )
    return EquipmentApplication.objects.get(pk=locked.pk)


def application_services(application: EquipmentApplication) -> list:
    """The services of the equipment an application names, each once, in order."""
    services: dict[int, object] = {}
    if application.service_id is not None:
        services[application.service_id] = application.service
    for item in application.items.select_related(
        "equipment__service__client", "equipment__service__family"
    ):
        services.setdefault(item.equipment.service_id, item.equipment.service)
    return list(services.values())


def application_module_can_run(application: EquipmentApplication) -> bool:
    """Whether the provisioning module of every service the application names can carry out
    its action itself (SUP-02), so staff can do it at one click."""
    services = application_services(application)
    return bool(services) and all(
        equipment_action_available(service=service, action=application.action)
        for service in services
    )


def application_module_run(*, application: EquipmentApplication, actor) -> EquipmentApplication:
    """Staff have the provisioning modules carry out an open application at one click
    (SUP-02). The application is claimed (in progress) in one transaction, the modules are
    called outside any transaction, and the outcome is recorded in another: done when every
    module did it, failed when one failed for good, in progress when one waits for a person
    or may succeed on a retry. Refused when a module of a named service cannot do it."""
    require_staff(actor)
    with transaction.atomic():
        locked = _locked_open(application)
        if not application_module_can_run(locked):
            raise invalid(
                "application",
                "The provisioning module of a named service cannot do this; work it by hand.",
                code="module_cannot",
            )
        EquipmentApplication.objects.filter(pk=locked.pk).update(
            status=ApplicationStatus.IN_PROGRESS, worked_by=actor, worked_at=timezone.now()
        )
    outcomes = []
    for service in application_services(locked):
        equipment_ids = [
            item.equipment.equipment_id
            for item in locked.items.select_related("equipment")
            if item.equipment.service_id == service.pk
        ]
        outcomes.append(
            (
                service,
                equipment_action_perform(
                    service=service,
                    action=locked.action,
                    operation_key=f"{locked.public_id}:{service.public_id}",
                    equipment_ids=equipment_ids,
                    details=locked.details,
                ),
            )
        )
    if all(result.outcome == Outcome.DONE for _, result in outcomes):
        status = ApplicationStatus.DONE
    elif any(
        result.outcome == Outcome.FAILED and not result.retry_can_help for _, result in outcomes
    ):
        status = ApplicationStatus.FAILED
    else:
        status = ApplicationStatus.IN_PROGRESS
    lines = [
        f"{service.public_id}: {result.outcome}"
        + (f" — {result.message}" if result.message else "")
        for service, result in outcomes
    ]
    with transaction.atomic():
        now = timezone.now()
        EquipmentApplication.objects.filter(pk=locked.pk).update(
            status=status,
            result=("Provisioning module:\n" + "\n".join(lines))[:RESULT_MAX],
            worked_by=actor,
            worked_at=now,
            finished_at=now if status in FINAL_STATUSES else None,
            done_by_module=",".join(sorted({service.module_name for service, _ in outcomes}))[:40],
        )
        audit(
            "application_run_by_module",
            actor=actor,
            obj=locked,
            client_id=locked.client_id,
            data={"status": status},
        )
    return EquipmentApplication.objects.get(pk=locked.pk)
