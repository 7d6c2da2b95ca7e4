"""The staff list of domains (DOM-02): every client's domains with where each stands at its
registry, soonest expiry first, filtered by status and zone. Needs ``clients.view``."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from hostledger.accounts import permissions as perms
from hostledger.domains import selectors
from hostledger.domains.models import DomainStatus
from hostledger.web.decorators import staff_area
from hostledger.web.forms_domains import StaffDomainFilterForm


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def domain_list(request):
    """Domains of every client with status, expiry, registrar and client."""
    form = StaffDomainFilterForm(request.GET or None)
    filters = form.filters()
    domains = selectors.domains_for_staff(
        status=filters.get("status", ""), zone=filters.get("zone", "")
    )
    context = {
        "form": form,
        "domains": list(domains[: selectors.STAFF_LIST_LIMIT]),
        "limit": selectors.STAFF_LIST_LIMIT,
        "statuses": DomainStatus,
    }
    return render(request, "web/staff/domains/domain_list.html", context)
