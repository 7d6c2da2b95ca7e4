"""Staff pages of DNS hosting (DOM-04, PRV-02): every hosted zone, forward and reverse, with
its records and pushes, and the pushes PowerDNS did not take, which staff send again.

Reading needs ``clients.view`` (ACC-11); sending a push again needs ``services.manage``, which
the action checks again.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.dns import actions, selectors
from hostledger.dns.models import ZoneKind, ZoneStatus
from hostledger.web.decorators import staff_area

VIEW = perms.CLIENTS_VIEW
MANAGE = perms.SERVICES_MANAGE


@require_GET
@staff_area(VIEW)
def zone_list(request):
    """Hosted zones of a kind and status, and the pushes waiting for a retry or for staff."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ZoneKind.values else ""
    status = request.GET.get("status", ZoneStatus.ACTIVE)
    status = status if status in ZoneStatus.values else ZoneStatus.ACTIVE
    return render(
        request,
        "web/staff/dns/zone_list.html",
        {
            "zones": selectors.zones_for_staff(kind=kind, status=status),
            "pushes": list(selectors.pushes_needing_staff()[: selectors.STAFF_LIST_LIMIT]),
            "kind": kind,
            "status": status,
            "kinds": ZoneKind.choices,
            "statuses": ZoneStatus.choices,
            "can_manage": perms.has_permission(request.user, MANAGE),
        },
    )


@require_GET
@staff_area(VIEW)
def zone_detail(request, public_id):
    """One zone with its records and its latest pushes."""
    zone = selectors.staff_zone(public_id)
    return render(
        request,
        "web/staff/dns/zone_detail.html",
        {
            "zone": zone,
            "records": selectors.zone_records(zone),
            "pushes": selectors.zone_pushes(zone),
            "can_manage": perms.has_permission(request.user, MANAGE),
        },
    )


@require_POST
@staff_area(MANAGE)
def push_retry(request, public_id):
    """Send a failed push of a zone to PowerDNS again (PRV-02)."""
    push = selectors.staff_push(public_id)
    try:
        actions.zone_push_retry(push=push, actor=request.user)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The push is sent again."))
    return redirect("web:staff_dns_zone", push.zone.public_id)
