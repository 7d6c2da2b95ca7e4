"""Staff pages of the data centre: the equipment register and moves (SUP-05), the queue of
applications for actions on equipment worked as orders, with one click where the service's
provisioning module can do the action (SUP-02), colocation visits and the access log (SUP-05),
and IP pools and allocations (SUP-06).

Reading needs ``clients.view`` (ACC-11); the colocation page shows the representatives'
names and identity documents, so it needs ``clients.view_personal_data`` and each opening is
audited (GDPR-12). Every write needs ``services.manage``, which the actions check again. A
refusal is shown on the field it names with status 400 and nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound
from hostledger.datacenter import actions, selectors
from hostledger.datacenter.models import AllocationStatus, ApplicationStatus, EquipmentStatus
from hostledger.subscriptions.selectors import staff_service
from hostledger.web.decorators import staff_area
from hostledger.web.forms_datacenter import (
    ApplicationWorkForm,
    EquipmentEditForm,
    EquipmentMoveForm,
    EquipmentRegisterForm,
    IpAllocateForm,
    IpPoolForm,
    IpReleaseForm,
    VisitDecisionForm,
)
from hostledger.web.views.datacenter_common import submit_form

VIEW = perms.CLIENTS_VIEW
VIEW_PERSONAL = perms.CLIENTS_VIEW_PERSONAL_DATA
MANAGE = perms.SERVICES_MANAGE
LIMIT = selectors.STAFF_LIST_LIMIT


def _can_manage(request) -> bool:
    return perms.has_permission(request.user, MANAGE)


def _service_named(public_id: str):
    try:
        return staff_service(public_id.strip())
    except NotFound:
        raise DomainError(
            "invalid_input",
            _("service: no such service."),
            fields={"service": _("No such service.")},
        ) from None


# Equipment ------------------------------------------------------------------------------------


def _equipment_page(request, form=None, status=200):
    query = request.GET.get("q", "")[:64]
    chosen = request.GET.get("status", "")
    context = {
        "equipment": list(
            selectors.equipment_for_staff(
                query=query, status=chosen if chosen in EquipmentStatus.values else ""
            )[:LIMIT]
        ),
        "query": query,
        "status": chosen,
        "statuses": EquipmentStatus.choices,
        "form": (form or EquipmentRegisterForm()) if _can_manage(request) else None,
    }
    return render(request, "web/staff/datacenter/equipment_list.html", context, status=status)


@require_GET
@staff_area(VIEW)
def equipment_list(request):
    """The equipment register, by ID, rack or serial number and state (SUP-05)."""
    return _equipment_page(request)


@require_POST
@staff_area(MANAGE)
def equipment_register(request):
    """Put a piece of equipment in the register for a service (SUP-05)."""
    return submit_form(
        request,
        EquipmentRegisterForm(request.POST),
        act=lambda data: actions.equipment_register(
            actor=request.user,
            service=_service_named(data["service"]),
            equipment_id=data["equipment_id"],
            kind=data["kind"],
            rack=data["rack"],
            unit_from=data["unit_from"],
            unit_count=data["unit_count"] or 1,
            power_watts=data["power_watts"],
            serial_number=data["serial_number"],
        ),
        page=lambda form, status: _equipment_page(request, form, status),
        done=_("The equipment is registered."),
        then="web:staff_equipment",
    )


def _equipment_detail_page(request, equipment, form=None, status=200, edit_form=None):
    can_manage = _can_manage(request)
    context = {
        "equipment": equipment,
        "movements": selectors.equipment_movements(equipment),
        "form": (form or EquipmentMoveForm(initial={"moved_on": timezone.localdate()}))
        if can_manage
        else None,
        "edit_form": (
            edit_form
            or EquipmentEditForm(
                prefix="edit",
                initial={name: getattr(equipment, name) for name in EquipmentEditForm.base_fields},
            )
        )
        if can_manage
        else None,
    }
    return render(request, "web/staff/datacenter/equipment_detail.html", context, status=status)


@require_GET
@staff_area(VIEW)
def equipment_detail(request, public_id):
    """One piece of equipment with its moves in and out (SUP-05)."""
    return _equipment_detail_page(request, selectors.staff_equipment_item(public_id))


@require_POST
@staff_area(MANAGE)
def equipment_edit(request, public_id):
    """Correct the type, place, power or serial number of the equipment (SUP-05)."""
    equipment = selectors.staff_equipment_item(public_id)
    return submit_form(
        request,
        EquipmentEditForm(request.POST, prefix="edit"),
        act=lambda data: actions.equipment_update(
            equipment=equipment,
            actor=request.user,
            kind=data["kind"],
            rack=data["rack"],
            unit_from=data["unit_from"],
            unit_count=data["unit_count"] or 1,
            power_watts=data["power_watts"],
            serial_number=data["serial_number"],
        ),
        page=lambda form, status: _equipment_detail_page(
            request, equipment, status=status, edit_form=form
        ),
        done=_("The equipment is updated."),
        then=equipment_url(equipment),
    )


@require_POST
@staff_area(MANAGE)
def equipment_move(request, public_id):
    """Record the equipment moved in or out on a day (SUP-05)."""
    equipment = selectors.staff_equipment_item(public_id)
    return submit_form(
        request,
        EquipmentMoveForm(request.POST),
        act=lambda data: actions.equipment_move(equipment=equipment, actor=request.user, **data),
        page=lambda form, status: _equipment_detail_page(request, equipment, form, status),
        done=_("The move is recorded."),
        then=equipment_url(equipment),
    )


def equipment_url(equipment) -> str:
    return reverse("web:staff_equipment_detail", args=[equipment.public_id])


# Applications ---------------------------------------------------------------------------------


@require_GET
@staff_area(VIEW)
def application_list(request):
    """Applications for actions on equipment, newest first, by status (SUP-02)."""
    chosen = request.GET.get("status", "")
    applications = selectors.applications_for_staff(
        status=chosen if chosen in ApplicationStatus.values else ""
    )
    context = {
        "applications": list(applications[:LIMIT]),
        "status": chosen,
        "statuses": ApplicationStatus.choices,
    }
    return render(request, "web/staff/datacenter/applications.html", context)


def _application_page(request, application, form=None, status=200):
    can_manage = _can_manage(request) and application.is_open
    context = {
        "application": application,
        "services": actions.application_services(application),
        "form": (form or ApplicationWorkForm()) if can_manage else None,
        "one_click": can_manage and actions.application_module_can_run(application),
    }
    return render(request, "web/staff/datacenter/application_detail.html", context, status=status)


@require_GET
@staff_area(VIEW)
def application_detail(request, public_id):
    """One application: the client, the equipment and services named, and the forms to work
    it, with the one-click button where the module can do the action (SUP-02)."""
    return _application_page(request, selectors.staff_application(public_id))


def application_url(application) -> str:
    return reverse("web:staff_equipment_application", args=[application.public_id])


@require_POST
@staff_area(MANAGE)
def application_work(request, public_id):
    """Record where the application stands, with the result (SUP-02)."""
    application = selectors.staff_application(public_id)
    return submit_form(
        request,
        ApplicationWorkForm(request.POST),
        act=lambda data: actions.application_work(
            application=application, actor=request.user, **data
        ),
        page=lambda form, status: _application_page(request, application, form, status),
        done=_("The application is updated."),
        then=application_url(application),
    )


@require_POST
@staff_area(MANAGE)
def application_run(request, public_id):
    """Have the provisioning modules carry out the application at one click (SUP-02)."""
    application = selectors.staff_application(public_id)
    return submit_form(
        request,
        ApplicationWorkForm({"status": ApplicationStatus.IN_PROGRESS}),
        act=lambda data: actions.application_module_run(
            application=application, actor=request.user
        ),
        page=lambda form, status: _application_page(request, application, form, status),
        done=_("The provisioning module was asked to do it; the result is below."),
        then=application_url(application),
    )


# Colocation -----------------------------------------------------------------------------------


def _colocation_page(request, *, bound: tuple | None = None, status=200):
    record_audit_event(
        action="datacenter.representatives_read",
        actor=request.user,
        data={"page": "staff colocation"},
    )
    can_manage = _can_manage(request)
    visits = []
    for visit in selectors.visits_for_staff()[:LIMIT]:
        form = None
        if can_manage and visit.status == "requested":
            form = (
                bound[1]
                if bound and bound[0] == visit.pk
                else VisitDecisionForm(prefix=visit.public_id)
            )
        visits.append((visit, form))
    context = {
        "visits": visits,
        "access_log": list(selectors.access_log_for_staff()[:LIMIT]),
        "can_manage": can_manage,
    }
    return render(request, "web/staff/datacenter/colocation.html", context, status=status)


@require_GET
@staff_area(VIEW_PERSONAL)
def colocation(request):
    """Visit requests to decide, approved visits at the door, and the access log (SUP-05)."""
    return _colocation_page(request)


@require_POST
@staff_area(MANAGE)
def visit_decide(request, public_id):
    """Approve or refuse a visit request (SUP-05)."""
    visit = selectors.staff_visit(public_id)
    return submit_form(
        request,
        VisitDecisionForm(request.POST, prefix=visit.public_id),
        act=lambda data: actions.visit_decide(
            visit=visit,
            actor=request.user,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        page=lambda form, status: _colocation_page(request, bound=(visit.pk, form), status=status),
        done=_("The visit is decided."),
        then="web:staff_colocation",
    )


def _act_and_back(request, act, done: str):
    """A button without input: do it, or show the refusal on the page with 400."""
    try:
        act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
        return _colocation_page(request, status=400)
    messages.success(request, done)
    return redirect("web:staff_colocation")


@require_POST
@staff_area(MANAGE)
def access_entry(request, public_id):
    """Record that the representative of an approved visit entered, escorted (SUP-05)."""
    visit = selectors.staff_visit(public_id)
    return _act_and_back(
        request,
        lambda: actions.access_entry_record(visit=visit, actor=request.user),
        _("The entry is logged."),
    )


@require_POST
@staff_area(MANAGE)
def access_exit(request, public_id):
    """Record the representative's exit (SUP-05)."""
    entry = selectors.staff_access_entry(public_id)
    return _act_and_back(
        request,
        lambda: actions.access_exit_record(entry=entry, actor=request.user),
        _("The exit is logged."),
    )


# IP addresses ---------------------------------------------------------------------------------


def _ip_page(request, *, bound: dict | None = None, status=200):
    bound = bound or {}
    pools = list(selectors.ip_pools())
    can_manage = _can_manage(request)
    today = timezone.localdate()
    rule = selectors.usage_rule()
    allocations = [
        (
            allocation,
            selectors.usage_standing(allocation, on_day=today, rule=rule),
            (bound.get(allocation.pk) or IpReleaseForm(prefix=allocation.public_id))
            if can_manage
            else None,
        )
        for allocation in selectors.allocations_for_staff(status=AllocationStatus.ACTIVE)[:LIMIT]
    ]
    context = {
        "pools": pools,
        "allocations": allocations,
        "pool_form": (bound.get("pool") or IpPoolForm(prefix="pool")) if can_manage else None,
        "allocate_form": (bound.get("allocate") or IpAllocateForm(prefix="alloc", pools=pools))
        if can_manage and pools
        else None,
    }
    return render(request, "web/staff/datacenter/ip_addresses.html", context, status=status)


@require_GET
@staff_area(VIEW)
def ip_addresses(request):
    """Pools, live allocations with their usage against the rule, and the forms (SUP-06)."""
    return _ip_page(request)


@require_POST
@staff_area(MANAGE)
def ip_pool_create(request):
    """Add a pool of address space (SUP-06)."""
    return submit_form(
        request,
        IpPoolForm(request.POST, prefix="pool"),
        act=lambda data: actions.ip_pool_create(actor=request.user, **data),
        page=lambda form, status: _ip_page(request, bound={"pool": form}, status=status),
        done=_("The pool is added."),
        then="web:staff_ip_addresses",
    )


@require_POST
@staff_area(MANAGE)
def ip_allocate(request):
    """Allocate a subnet or address of a pool to a service (SUP-06)."""
    pools = list(selectors.ip_pools())
    by_id = {pool.public_id: pool for pool in pools}
    return submit_form(
        request,
        IpAllocateForm(request.POST, prefix="alloc", pools=pools),
        act=lambda data: actions.ip_allocate(
            actor=request.user,
            pool=by_id[data["pool"]],
            service=_service_named(data["service"]),
            network=data["network"],
        ),
        page=lambda form, status: _ip_page(request, bound={"allocate": form}, status=status),
        done=_("The addresses are allocated."),
        then="web:staff_ip_addresses",
    )


@require_POST
@staff_area(MANAGE)
def ip_release(request, public_id):
    """Return an allocation's addresses to the pool, saying why (SUP-06)."""
    allocation = selectors.staff_allocation(public_id)
    return submit_form(
        request,
        IpReleaseForm(request.POST, prefix=allocation.public_id),
        act=lambda data: actions.ip_allocation_release(
            allocation=allocation, actor=request.user, reason=data["reason"]
        ),
        page=lambda form, status: _ip_page(request, bound={allocation.pk: form}, status=status),
        done=_("The addresses are released."),
        then="web:staff_ip_addresses",
    )
