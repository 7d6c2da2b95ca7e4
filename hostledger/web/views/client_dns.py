"""The client area's DNS hosting pages (DOM-04): the client's zones, a zone's records, and
the forms that add a zone and add, change or delete a record.

Everything is read through the DNS selectors scoped to the client, so another client's zone
or record is a 404 (habit 6). Reading needs the services area (ACC-06); changes need the owner
or a trusted user with the services scope, which the actions check again. A refusal is shown
on the field it names with status 400 and nothing written; changes reach the name servers
once the push queued with them has run.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.dns import actions, selectors
from hostledger.web.decorators import client_area
from hostledger.web.forms_dns import RecordForm, ZoneForm
from hostledger.web.views.datacenter_common import refusal_on_form, submit_form

AREA = AccessGrant.Scope.SERVICES


def _zones_page(request, access, form=None, status=200):
    can_write = access.can_write(AREA)
    services = selectors.hosting_services(access.client) if can_write else []
    if form is None and services:
        first = services[0]
        form = ZoneForm(
            services=services,
            initial={"service": first.public_id, "name": first.host_name},
        )
    return render(
        request,
        "web/client/dns/zone_list.html",
        {"zones": selectors.client_zones(access.client), "form": form, "can_write": can_write},
        status=status,
    )


@require_GET
@client_area(reads=AREA)
def zone_list(request, access):
    """The client's hosted zones and the form to host another (DOM-04)."""
    return _zones_page(request, access)


@require_POST
@client_area(reads=AREA)
def zone_create(request, access):
    """Host a zone for one of the client's domains under a service with DNS hosting."""
    services = selectors.hosting_services(access.client)
    by_id = {service.public_id: service for service in services}
    form = ZoneForm(request.POST, services=services)
    if form.is_valid():
        try:
            zone = actions.zone_create(
                service=by_id[form.cleaned_data["service"]],
                name=form.cleaned_data["name"],
                actor=request.user,
                access=access,
            )
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request,
                _("The zone is hosted; add its records. Our name servers serve it shortly."),
            )
            return redirect("web:dns_zone", zone.public_id)
    return _zones_page(request, access, form, status=400)


def _zone_page(request, access, zone, form=None, status=200):
    can_write = access.can_write(AREA)
    return render(
        request,
        "web/client/dns/zone_detail.html",
        {
            "zone": zone,
            "records": selectors.zone_records(zone),
            "form": (form or RecordForm()) if can_write else None,
            "can_write": can_write,
        },
        status=status,
    )


@require_GET
@client_area(reads=AREA)
def zone_detail(request, access, public_id):
    """A zone's records and the form to add one (DOM-04)."""
    zone = selectors.client_zone(access.client, public_id)
    return _zone_page(request, access, zone)


@require_POST
@client_area(reads=AREA)
def record_create(request, access, public_id):
    """Add a record to the zone; each refusal is shown on its field."""
    zone = selectors.client_zone(access.client, public_id)
    return submit_form(
        request,
        RecordForm(request.POST),
        act=lambda data: actions.record_create(
            zone=zone, actor=request.user, access=access, **data
        ),
        page=lambda form, status: _zone_page(request, access, zone, form, status),
        done=_("The record is saved; the name servers serve it in a moment."),
        then=reverse("web:dns_zone", args=[zone.public_id]),
    )


@require_http_methods(["GET", "POST"])
@client_area(reads=AREA)
def record_edit(request, access, public_id, record_id):
    """Change a record of the zone."""
    zone = selectors.client_zone(access.client, public_id)
    record = selectors.zone_record(zone, record_id)
    access.require_write(AREA)
    if request.method == "GET":
        form = RecordForm(
            initial={
                "name": record.name,
                "record_type": record.record_type,
                "content": record.content,
                "ttl": record.ttl,
                "priority": record.priority,
            }
        )
        return _record_page(request, zone, record, form)
    return submit_form(
        request,
        RecordForm(request.POST),
        act=lambda data: actions.record_update(
            record=record, actor=request.user, access=access, **data
        ),
        page=lambda form, status: _record_page(request, zone, record, form, status),
        done=_("The record is changed; the name servers serve it in a moment."),
        then=reverse("web:dns_zone", args=[zone.public_id]),
    )


def _record_page(request, zone, record, form, status=200):
    return render(
        request,
        "web/client/dns/record_form.html",
        {"zone": zone, "record": record, "form": form},
        status=status,
    )


@require_POST
@client_area(reads=AREA)
def record_delete(request, access, public_id, record_id):
    """Delete a record of the zone."""
    zone = selectors.client_zone(access.client, public_id)
    record = selectors.zone_record(zone, record_id)
    try:
        actions.record_delete(record=record, actor=request.user, access=access)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return _zone_page(request, access, zone, status=400)
    messages.success(request, _("The record is deleted."))
    return redirect("web:dns_zone", zone.public_id)


@require_POST
@client_area(reads=AREA)
def zone_remove(request, access, public_id):
    """Stop hosting the zone; it leaves the name servers with its records."""
    zone = selectors.client_zone(access.client, public_id)
    try:
        actions.zone_remove(zone=zone, actor=request.user, access=access)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        form = RecordForm()
        refusal_on_form(form, error)
        return _zone_page(request, access, zone, form, status=400)
    messages.success(request, _("The zone is no longer hosted."))
    return redirect("web:dns_zone_list")
