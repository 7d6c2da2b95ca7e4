"""The staff area's interruptions, maintenance windows and dedicated-server repairs
(SUP-03, SUP-04, SUP-07, BIL-09).

Every page here needs ``services.manage`` (support and administrators): the interruption
queue shows what clients wrote. Staff confirm a report (the interruption counts from then),
reject it with a reason the client reads, and mark the service restored; the compensation is
computed by the incidents job, never by hand. Maintenance windows are announced to the
clients they affect; repairs longer than the term extend the paid period.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError, NotFound
from hostledger.incidents import selectors
from hostledger.incidents.actions import (
    interruption_confirm,
    interruption_reject,
    interruption_restore,
    maintenance_window_announce,
    repair_record,
)
from hostledger.incidents.models import InterruptionStatus
from hostledger.subscriptions.selectors import staff_service
from hostledger.web.decorators import staff_area
from hostledger.web.forms_incidents import InterruptionRejectForm, MaintenanceWindowForm, RepairForm

MANAGE = perms.SERVICES_MANAGE
LIST_LIMIT = 200


@require_GET
@staff_area(MANAGE)
def interruption_queue(request):
    """Interruptions by status (awaiting confirmation first), each with how long it has
    counted and whether the fix is past its term of working days (SUP-03)."""
    status = request.GET.get("status") or ""
    if status not in InterruptionStatus.values:
        status = ""
    today = timezone.localdate()
    rows = [
        (
            row,
            selectors.duration_text(selectors.interruption_seconds(row)),
            selectors.fix_overdue(row, today),
        )
        for row in selectors.staff_interruptions(status or None)[:LIST_LIMIT]
    ]
    context = {"rows": rows, "status": status, "statuses": InterruptionStatus.choices}
    return render(request, "web/staff/incidents/interruption_queue.html", context)


def _interruption_page(request, interruption, *, reject_form=None, status=200):
    record_personal_data_read(
        actor=request.user,
        client=interruption.client,
        what=f"interruption {interruption.public_id}",
        request=request,
    )
    context = {
        "interruption": interruption,
        "duration": selectors.duration_text(selectors.interruption_seconds(interruption)),
        "overdue": selectors.fix_overdue(interruption),
        "reject_form": reject_form or InterruptionRejectForm(),
        "compensations": list(selectors.service_compensations(interruption.service)),
    }
    return render(request, "web/staff/incidents/interruption_detail.html", context, status=status)


@require_GET
@staff_area(MANAGE)
def interruption_detail(request, public_id):
    """One interruption with the client's report and the staff's forms (SUP-03)."""
    return _interruption_page(request, selectors.staff_interruption(public_id))


def _move(request, public_id, action, done: str):
    interruption = selectors.staff_interruption(public_id)
    try:
        action(interruption=interruption, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _interruption_page(request, interruption, status=400)
    messages.success(request, done)
    return redirect("web:staff_interruption", public_id=public_id)


@require_POST
@staff_area(MANAGE)
def interruption_confirm_view(request, public_id):
    """Confirm a reported interruption: it counts from now (SUP-03)."""
    return _move(request, public_id, interruption_confirm, _("Confirmed; it counts from now."))


@require_POST
@staff_area(MANAGE)
def interruption_restore_view(request, public_id):
    """Mark a confirmed interruption restored: the client is told the service is back."""
    return _move(request, public_id, interruption_restore, _("Restored; it stopped counting."))


@require_POST
@staff_area(MANAGE)
def interruption_reject_view(request, public_id):
    """Do not confirm a report, with a reason the client reads (SUP-03)."""
    interruption = selectors.staff_interruption(public_id)
    form = InterruptionRejectForm(request.POST)
    if form.is_valid():
        try:
            interruption_reject(
                interruption=interruption, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The report is not confirmed; the client reads why."))
            return redirect("web:staff_interruption", public_id=public_id)
    return _interruption_page(request, interruption, reject_form=form, status=400)


def _maintenance_page(request, *, form=None, status=200):
    context = {
        "windows": list(selectors.maintenance_windows()[:LIST_LIMIT]),
        "form": form or MaintenanceWindowForm(),
        "now": timezone.now(),
    }
    return render(request, "web/staff/incidents/maintenance.html", context, status=status)


@require_GET
@staff_area(MANAGE)
def maintenance_list(request):
    """Maintenance windows, upcoming and past, and the form to announce one (SUP-04)."""
    return _maintenance_page(request)


@require_POST
@staff_area(MANAGE)
def maintenance_announce_view(request):
    """Announce a maintenance window to the clients whose services it affects (SUP-04)."""
    form = MaintenanceWindowForm(request.POST)
    if form.is_valid():
        try:
            window = maintenance_window_announce(**form.action_arguments(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                ngettext(
                    "Announced to %(count)s client whose services it affects.",
                    "Announced to %(count)s clients whose services it affects.",
                    window.recipient_count,
                )
                % {"count": window.recipient_count},
            )
            return redirect("web:staff_maintenance")
    return _maintenance_page(request, form=form, status=400)


def _repairs_page(request, *, form=None, status=200):
    context = {
        "repairs": list(selectors.staff_repairs()[:LIST_LIMIT]),
        "form": form or RepairForm(initial={"service": request.GET.get("service", "")}),
    }
    return render(request, "web/staff/incidents/repairs.html", context, status=status)


@require_GET
@staff_area(MANAGE)
def repair_list(request):
    """Part repairs of dedicated servers and the extensions they gave (SUP-07)."""
    return _repairs_page(request)


@require_POST
@staff_area(MANAGE)
def repair_record_view(request):
    """Record a finished part repair; longer than the term, it extends the paid period."""
    form = RepairForm(request.POST)
    if form.is_valid():
        try:
            service = staff_service(form.cleaned_data["service"])
            repair = repair_record(
                service=service,
                part=form.cleaned_data["part"],
                started_at=form.cleaned_data["started_at"],
                ended_at=form.cleaned_data["ended_at"],
                actor=request.user,
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                form.add_error("service", _("No such service."))
            else:
                form.add_domain_error(error)
        else:
            if repair.extension_days:
                text = ngettext(
                    "Recorded; the paid period is extended by %(count)s day.",
                    "Recorded; the paid period is extended by %(count)s days.",
                    repair.extension_days,
                ) % {"count": repair.extension_days}
            else:
                text = _("Recorded; within the term, no extension.")
            messages.success(request, text)
            return redirect("web:staff_repairs")
    return _repairs_page(request, form=form, status=400)
