"""The client area's interruptions (SUP-03, BIL-09) and planned maintenance (SUP-04).

A client, or a trusted user whose grant reads services, sees its interruption reports with
how long each counted, the compensation computed for its services month by month, and the
maintenance planned on its services. The owner and trusted users with the services scope
report an interruption (ACC-06). Another client's interruption is a 404 (habit 6).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.core.errors import DomainError
from hostledger.incidents import selectors
from hostledger.incidents.actions import interruption_report
from hostledger.subscriptions.models import ServiceStatus
from hostledger.subscriptions.selectors import client_service, client_services
from hostledger.web.decorators import client_area
from hostledger.web.forms_incidents import InterruptionReportForm

SERVICES = "services"


def _live_services(access):
    """The services a report may name: set up or running (not awaiting payment, not ended)."""
    return [
        service
        for service in client_services(access.client, include_terminated=False)
        if service.status != ServiceStatus.PENDING
    ]


def _list_page(request, access, *, form=None, status=200):
    services = _live_services(access)
    can_report = access.can_write(SERVICES)
    if form is None and can_report:
        form = InterruptionReportForm(
            services=services, initial={"service": request.GET.get("service")}
        )
    interruptions = list(selectors.client_interruptions(access.client))
    context = {
        "access": access,
        "rows": [
            (row, selectors.duration_text(selectors.interruption_seconds(row)))
            for row in interruptions
        ],
        "compensations": list(selectors.client_compensations(access.client)),
        "maintenance": selectors.client_upcoming_maintenance(services),
        "form": form if can_report else None,
    }
    return render(request, "web/client/incidents/interruption_list.html", context, status=status)


@require_GET
@client_area(reads=SERVICES)
def interruption_list(request, access):
    """The client's interruptions and their compensation (SUP-03, BIL-09), the maintenance
    planned on its services (SUP-04) and, for who may, the form to report one."""
    return _list_page(request, access)


@require_POST
@client_area(reads=SERVICES)
def interruption_report_view(request, access):
    """Report an interruption of one of the client's live services (SUP-03)."""
    access.require_write(SERVICES)
    form = InterruptionReportForm(request.POST, services=_live_services(access))
    if form.is_valid():
        try:
            service = client_service(access.client, form.cleaned_data["service"])
            interruption = interruption_report(
                client=access.client,
                service=service,
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Your report is with our support; it counts once they confirm it.")
            )
            return redirect("web:interruption_detail", public_id=interruption.public_id)
    return _list_page(request, access, form=form, status=400)


@require_GET
@client_area(reads=SERVICES)
def interruption_detail(request, access, public_id):
    """One interruption: the report, its confirmation or the reason it was not confirmed,
    its restoration and how long it counted (SUP-03)."""
    interruption = selectors.client_interruption(access.client, public_id)
    context = {
        "access": access,
        "interruption": interruption,
        "duration": selectors.duration_text(selectors.interruption_seconds(interruption)),
        "compensations": list(selectors.service_compensations(interruption.service)),
    }
    return render(request, "web/client/incidents/interruption_detail.html", context)
