"""The client area's data-centre pages: the client's equipment and its moves (SUP-05),
applications for actions on it (SUP-02), colocation representatives, visits and the access
log (SUP-05), and the IP addresses allocated to its services with their reverse DNS names
and usage (SUP-06).

Everything is read through the datacenter selectors scoped to the client, so another client's
equipment, application or allocation is a 404 (habit 6). Reading needs the services area
(ACC-06); filing, naming representatives and reporting need the owner or a trusted user with
the services scope, which the actions check again. A refusal is shown on the field it names
with status 400 and nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.datacenter import actions, selectors
from hostledger.flows.reverse_dns import reverse_dns_publish
from hostledger.web.decorators import client_area
from hostledger.web.forms_datacenter import (
    ApplicationFileForm,
    RepresentativeForm,
    ReverseDnsForm,
    UsageReportForm,
    VisitRequestForm,
)
from hostledger.web.views.datacenter_common import submit_form

AREA = AccessGrant.Scope.SERVICES
LIST_LIMIT = 200


# Equipment ------------------------------------------------------------------------------------


@require_GET
@client_area(reads=AREA)
def equipment_list(request, access):
    """The client's equipment with its ID, type, place and service (SUP-05)."""
    equipment = list(selectors.client_equipment(access.client)[:LIST_LIMIT])
    return render(
        request,
        "web/client/datacenter/equipment_list.html",
        {"equipment": equipment, "can_apply": access.can_write(AREA)},
    )


@require_GET
@client_area(reads=AREA)
def equipment_detail(request, access, public_id):
    """One piece of the client's equipment with its moves in and out (SUP-05)."""
    equipment = selectors.client_equipment_item(access.client, public_id)
    return render(
        request,
        "web/client/datacenter/equipment_detail.html",
        {"equipment": equipment, "movements": selectors.equipment_movements(equipment)},
    )


# Applications ---------------------------------------------------------------------------------


def _applications_page(request, access, form=None, status=200):
    can_apply = access.can_write(AREA)
    context = {
        "applications": list(selectors.client_applications(access.client)[:LIST_LIMIT]),
        "form": (form or ApplicationFileForm(initial=request.GET or None)) if can_apply else None,
        "equipment": list(selectors.client_equipment(access.client)[:LIST_LIMIT]),
    }
    return render(request, "web/client/datacenter/applications.html", context, status=status)


@require_GET
@client_area(reads=AREA)
def equipment_applications(request, access):
    """The client's applications for actions on equipment and the form to file one
    (SUP-02)."""
    return _applications_page(request, access)


@require_POST
@client_area(reads=AREA)
def equipment_application_file(request, access):
    """File an application naming equipment IDs of the client's services (SUP-02)."""
    return submit_form(
        request,
        ApplicationFileForm(request.POST),
        act=lambda data: actions.application_file(
            access=access,
            actor=request.user,
            action=data["action"],
            equipment_ids=data["equipment_ids"],
            details=data["details"],
        ),
        page=lambda form, status: _applications_page(request, access, form, status),
        done=_("Your application is filed. Staff will work it and answer here."),
        then="web:equipment_applications",
    )


@require_GET
@client_area(reads=AREA)
def equipment_application(request, access, public_id):
    """One application with where it stands and its result (SUP-02)."""
    application = selectors.client_application(access.client, public_id)
    return render(
        request, "web/client/datacenter/application_detail.html", {"application": application}
    )


# Colocation -----------------------------------------------------------------------------------


def _colocation_page(request, access, *, bound: dict | None = None, status=200):
    bound = bound or {}
    representatives = list(selectors.client_representatives(access.client))
    can_write = access.can_write(AREA)
    context = {
        "representatives": representatives,
        "visits": list(selectors.client_visits(access.client)[:LIST_LIMIT]),
        "access_log": list(selectors.client_access_log(access.client)[:LIST_LIMIT]),
        "can_write": can_write,
        "representative_form": bound.get("representative") or RepresentativeForm(prefix="rep")
        if can_write
        else None,
        "visit_form": bound.get("visit")
        or VisitRequestForm(prefix="visit", representatives=representatives)
        if can_write and representatives
        else None,
    }
    return render(request, "web/client/datacenter/colocation.html", context, status=status)


@require_GET
@client_area(reads=AREA)
def colocation(request, access):
    """Representatives with physical access, visit requests and the access log (SUP-05)."""
    return _colocation_page(request, access)


@require_POST
@client_area(reads=AREA)
def representative_add(request, access):
    """Name a representative entitled to direct access to the equipment (SUP-05)."""
    return submit_form(
        request,
        RepresentativeForm(request.POST, prefix="rep"),
        act=lambda data: actions.representative_add(access=access, actor=request.user, **data),
        page=lambda form, status: _colocation_page(
            request, access, bound={"representative": form}, status=status
        ),
        done=_("The representative is on your list."),
        then="web:colocation",
    )


@require_POST
@client_area(reads=AREA)
def representative_remove(request, access, public_id):
    """Take a representative off the list (annex 7 §4.6)."""
    representative = selectors.client_representative(access.client, public_id)
    try:
        actions.representative_remove(
            access=access, actor=request.user, representative=representative
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return _colocation_page(request, access, status=400)
    messages.success(request, _("The representative is off your list."))
    return redirect("web:colocation")


@require_POST
@client_area(reads=AREA)
def visit_request(request, access):
    """Ask for a representative to visit the equipment (SUP-05); staff approve it."""
    representatives = list(selectors.client_representatives(access.client))
    form = VisitRequestForm(request.POST, prefix="visit", representatives=representatives)
    by_id = {representative.public_id: representative for representative in representatives}
    return submit_form(
        request,
        form,
        act=lambda data: actions.visit_request_file(
            access=access,
            actor=request.user,
            representative=by_id[data["representative"]],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            purpose=data["purpose"],
        ),
        page=lambda bound, status: _colocation_page(
            request, access, bound={"visit": bound}, status=status
        ),
        done=_("Your visit request is sent; staff will approve it."),
        then="web:colocation",
    )


# IP addresses ---------------------------------------------------------------------------------


def _ip_page(request, access, *, bound: tuple | None = None, status=200):
    allocations = list(selectors.client_allocations(access.client))
    today = timezone.localdate()
    rule = selectors.usage_rule()
    can_write = access.can_write(AREA)
    rows = []
    for allocation in allocations:
        forms_of = {
            "usage": UsageReportForm(prefix=f"usage-{allocation.public_id}"),
            "rdns": ReverseDnsForm(prefix=f"rdns-{allocation.public_id}"),
        }
        if bound and bound[0] == allocation.pk:
            forms_of[bound[1]] = bound[2]
        rows.append(
            {
                "allocation": allocation,
                "standing": selectors.usage_standing(allocation, on_day=today, rule=rule),
                "forms": forms_of if can_write else None,
            }
        )
    return render(
        request,
        "web/client/datacenter/ip_addresses.html",
        {"rows": rows, "can_write": can_write},
        status=status,
    )


@require_GET
@client_area(reads=AREA)
def ip_address_list(request, access):
    """The IP addresses allocated to the client's services, how many are in use against
    the rule of the terms, and their reverse DNS names (SUP-06)."""
    return _ip_page(request, access)


@require_POST
@client_area(reads=AREA)
def ip_usage_report(request, access, public_id):
    """Report how many addresses of an allocation are in use (SUP-06)."""
    allocation = selectors.client_allocation(access.client, public_id)
    return submit_form(
        request,
        UsageReportForm(request.POST, prefix=f"usage-{allocation.public_id}"),
        act=lambda data: actions.ip_usage_report(
            access=access,
            actor=request.user,
            allocation=allocation,
            addresses_in_use=data["addresses_in_use"],
        ),
        page=lambda form, status: _ip_page(
            request, access, bound=(allocation.pk, "usage", form), status=status
        ),
        done=_("Thank you: the usage is recorded."),
        then="web:ip_address_list",
    )


@require_POST
@client_area(reads=AREA)
def reverse_dns_set(request, access, public_id):
    """Set or remove the reverse DNS name of an address (SUP-06)."""
    allocation = selectors.client_allocation(access.client, public_id)
    return submit_form(
        request,
        ReverseDnsForm(request.POST, prefix=f"rdns-{allocation.public_id}"),
        act=lambda data: reverse_dns_publish(
            access=access,
            actor=request.user,
            allocation=allocation,
            address=data["address"],
            host_name=data["host_name"],
        ),
        page=lambda form, status: _ip_page(
            request, access, bound=(allocation.pk, "rdns", form), status=status
        ),
        done=_("The reverse DNS name is saved."),
        then="web:ip_address_list",
    )
