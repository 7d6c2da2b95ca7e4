"""Staff pages of orders and services: lists across clients, one order, one service with its
life-cycle forms, and the activation queue (ORD-01, ORD-02, CAT-03, PRV-01).

Reading needs ``clients.view`` like the other client pages of the staff area (ACC-11);
activating, suspending, resuming and terminating a service and the activation queue need
``services.manage``, which the actions check again. Every change asks for a reason and lands
in the service's history with the staff member and the time (ORD-02).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.flows.service_activation import SERVER_FAMILIES, service_activate_with_access
from hostledger.provisioning.access import access_details
from hostledger.provisioning.modules.registry import unavailable_modules
from hostledger.provisioning.selectors import service_operations
from hostledger.subscriptions import selectors
from hostledger.subscriptions.actions import (
    service_host_name_set,
    service_resume,
    service_suspend,
    service_terminate,
)
from hostledger.subscriptions.models import ServiceStatus
from hostledger.subscriptions.web_selectors import (
    STAFF_LIST_LIMIT,
    order_services,
    orders_for_staff,
    services_to_activate,
    staff_order,
)
from hostledger.web.decorators import staff_area
from hostledger.web.forms_bulk import ServiceBulkForm
from hostledger.web.forms_services import (
    OrderFilterForm,
    ServiceActivateForm,
    ServiceFilterForm,
    ServiceHostNameForm,
    ServiceReasonForm,
)

VIEW = perms.CLIENTS_VIEW
MANAGE = perms.SERVICES_MANAGE
REASON_CHANGES = {
    "suspend": (
        service_suspend,
        gettext_lazy("Service %(service)s is suspended."),
        (ServiceStatus.ACTIVE,),
    ),
    "resume": (
        service_resume,
        gettext_lazy("Service %(service)s is resumed."),
        (ServiceStatus.SUSPENDED,),
    ),
    "terminate": (
        service_terminate,
        gettext_lazy("Service %(service)s is terminated."),
        tuple(status for status in ServiceStatus.values if status != ServiceStatus.TERMINATED),
    ),
}
"""The changes that need a reason: the action, the word for the message, the states it
starts from (ORD-02)."""


# ----------------------------------------------------------------------------- orders


@require_GET
@staff_area(VIEW)
def order_list(request):
    """Orders of every client, newest first, by status and client (ORD-01)."""
    form = OrderFilterForm(request.GET or None)
    orders = []
    if not (form.is_bound and not form.is_valid()):
        orders = list(orders_for_staff(**form.filters())[:STAFF_LIST_LIMIT])
    context = {"form": form, "orders": orders, "limit": STAFF_LIST_LIMIT}
    return render(request, "web/staff/services/order_list.html", context)


@require_GET
@staff_area(VIEW)
def order_detail(request, public_id):
    """One order as it was asked, with the fees of that moment and its proforma (ORD-01)."""
    order = staff_order(public_id)
    context = {"order": order, "items": list(order.items.all()), "services": order_services(order)}
    return render(request, "web/staff/services/order_detail.html", context)


# ----------------------------------------------------------------------------- services


@require_GET
@staff_area(VIEW)
def service_list(request):
    """Services of every client, newest first, by status, product family and client."""
    form = ServiceFilterForm(request.GET or None)
    services = []
    if not (form.is_bound and not form.is_valid()):
        services = list(
            selectors.services_for_staff(**form.filters())
            .annotate(paid_until=Max("periods__ends_on"))
            .order_by("-created_at", "-id")[:STAFF_LIST_LIMIT]
        )
    context = {
        "form": form,
        "services": services,
        "limit": STAFF_LIST_LIMIT,
        # Bulk actions (suspend) for staff who may change services.
        "bulk_form": ServiceBulkForm() if perms.has_permission(request.user, MANAGE) else None,
        "page_ids": [service.public_id for service in services],
    }
    return render(request, "web/staff/services/service_list.html", context)


def _service_page(request, service, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    today = timezone.localdate()
    can_manage = perms.has_permission(request.user, MANAGE)
    forms = {
        kind: bound.get(kind) or ServiceReasonForm(prefix=kind)
        for kind, (_action, _done, starts_from) in REASON_CHANGES.items()
        if service.status in starts_from or kind in bound
    }
    can_activate = service.status == ServiceStatus.PROVISIONING or (
        service.status in (ServiceStatus.TRIAL, ServiceStatus.ACTIVE) and not service.activated_at
    )
    context = {
        "service": service,
        "history": selectors.service_history(service),
        "periods": selectors.service_periods(service),
        "add_ons": list(service.add_ons.all()),
        "operations": list(service_operations(service)),
        "access_details": access_details(service),
        "usage": selectors.pool_usage(service) if service.family.code == "cloud" else None,
        "servers": list(selectors.pool_servers(service)) if service.family.code == "cloud" else [],
        "is_overdue": service.commencement_overdue(today),
        "can_manage": can_manage,
        "activate_form": (bound.get("activate") or ServiceActivateForm(prefix="activate"))
        if can_activate
        else None,
        "change_forms": forms,
        "host_name_form": bound.get("host_name")
        or ServiceHostNameForm(prefix="host", initial={"host_name": service.host_name}),
    }
    return render(request, "web/staff/services/service_detail.html", context, status=status)


@require_GET
@staff_area(VIEW)
def service_detail(request, public_id):
    """One service: status and history with reason, actor and time (ORD-02), paid periods,
    module calls (PRV-01), the commencement deadline (CAT-03), and the staff's forms."""
    return _service_page(request, selectors.staff_service(public_id))


@require_POST
@staff_area(MANAGE)
def service_activate_view(request, public_id):
    """Activate a service built by hand (manual module); the commencement deadline and whether
    it was met go into its history (ORD-02, CAT-03, PRV-01)."""
    service = selectors.staff_service(public_id)
    form = ServiceActivateForm(request.POST, prefix="activate")
    if form.is_valid():
        try:
            service_activate_with_access(
                service=service,
                actor=request.user,
                note=form.cleaned_data["reason"],
                access=form.access_details(),
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(
                request, _("Service %(service)s is active.") % {"service": service.public_id}
            )
            if request.POST.get("from") == "queue":
                return redirect("web:staff_activation_queue")
            return redirect("web:staff_service", public_id=service.public_id)
    return _service_page(request, service, bound={"activate": form}, status=400)


@require_POST
@staff_area(MANAGE)
def service_host_name_view(request, public_id):
    """Set or clear the domain or server name of a service (issue 11 §8)."""
    service = selectors.staff_service(public_id)
    form = ServiceHostNameForm(request.POST, prefix="host")
    if form.is_valid():
        try:
            service_host_name_set(
                service=service, host_name=form.cleaned_data["host_name"], actor=request.user
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The host name is saved."))
            return redirect("web:staff_service", public_id=service.public_id)
    return _service_page(request, service, bound={"host_name": form}, status=400)


def _show_error(form, error: DomainError) -> None:
    """The error next to its field when it names one of the form, else above the form."""
    if set(error.fields) & set(form.fields):
        form.add_domain_error(error)
    else:
        form.add_error(None, error.message)


def _reason_change(request, public_id, kind: str):
    service = selectors.staff_service(public_id)
    action, done, _statuses = REASON_CHANGES[kind]
    form = ServiceReasonForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            action(service=service, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, done % {"service": service.public_id})
            return redirect("web:staff_service", public_id=service.public_id)
    return _service_page(request, service, bound={kind: form}, status=400)


@require_POST
@staff_area(MANAGE)
def service_suspend_view(request, public_id):
    """Suspend an active service, with a reason (ORD-02)."""
    return _reason_change(request, public_id, "suspend")


@require_POST
@staff_area(MANAGE)
def service_resume_view(request, public_id):
    """Resume a suspended service, with a reason (ORD-02)."""
    return _reason_change(request, public_id, "resume")


@require_POST
@staff_area(MANAGE)
def service_terminate_view(request, public_id):
    """Terminate a service for good, with a reason (ORD-02)."""
    return _reason_change(request, public_id, "terminate")


@require_GET
@staff_area(MANAGE)
def activation_queue(request):
    """Paid and trial services waiting to be set up, overdue first, then by commencement
    deadline (CAT-03), each with the activation form of the manual module (PRV-01)."""
    rows = services_to_activate(today=timezone.localdate())
    context = {
        "rows": rows,
        "overdue": sum(1 for row in rows if row.is_overdue),
        "activate_form": ServiceActivateForm(prefix="activate"),
        "unavailable_modules": unavailable_modules(),
        "server_families": SERVER_FAMILIES,
    }
    return render(request, "web/staff/services/activation_queue.html", context)
