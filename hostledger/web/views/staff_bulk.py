"""Bulk actions of the staff lists (services, proformas, tickets) and the page of one bulk
job with its progress and the result of every row.

Each POST needs the permission of the single action (``services.manage``,
``billing.manage``, ``tickets.answer``), which the job checks again for every row; it queues
one job and sends the staff member to its page. The page is for who started the job and for
staff who see job runs.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.bulk_jobs import (
    bulk_job_for_staff,
    bulk_job_queue,
    bulk_job_resume,
    bulk_job_visible_to,
)
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.models import JobRun
from hostledger.flows.bulk_actions import ASSIGN_TICKETS, REMIND_PROFORMAS, SUSPEND_SERVICES
from hostledger.support.selectors import ticket_answerers
from hostledger.web.decorators import staff_area
from hostledger.web.forms_bulk import (
    InvoiceBulkForm,
    ServiceBulkForm,
    TicketBulkForm,
    selected_ids,
)

RUNNING_STATUSES = (JobRun.Status.QUEUED, JobRun.Status.RUNNING)


def _form_problem(form) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


def _queue(request, *, form, back: str, action: str, parameters) -> object:
    """Queue the bulk job the valid ``form`` asks for, or go back to the list saying why."""
    if not form.is_valid():
        messages.error(request, _form_problem(form))
        return redirect(back)
    try:
        run = bulk_job_queue(
            action=action,
            public_ids=selected_ids(request.POST),
            actor=request.user,
            parameters=parameters(form.cleaned_data),
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("%(count)s rows are queued; a worker will pick them up.") % {"count": run.progress_total},
    )
    return redirect("web:staff_bulk_job", run_id=run.pk)


@require_POST
@staff_area(perms.SERVICES_MANAGE)
def services_bulk(request):
    """Suspend the selected services, with a reason (ORD-02)."""
    return _queue(
        request,
        form=ServiceBulkForm(request.POST),
        back="web:staff_services",
        action=SUSPEND_SERVICES,
        parameters=lambda data: {"reason": data["reason"]},
    )


@require_POST
@staff_area(perms.BILLING_MANAGE)
def invoices_bulk(request):
    """Send a payment reminder for each selected overdue proforma (AUT-04)."""
    return _queue(
        request,
        form=InvoiceBulkForm(request.POST),
        back="web:staff_invoices",
        action=REMIND_PROFORMAS,
        parameters=lambda data: {},
    )


@require_POST
@staff_area(perms.TICKETS_ANSWER)
def tickets_bulk(request):
    """Assign the selected tickets to one staff member, or to nobody (SUP-01)."""
    return _queue(
        request,
        form=TicketBulkForm(request.POST, answerers=ticket_answerers()),
        back="web:staff_tickets",
        action=ASSIGN_TICKETS,
        parameters=lambda data: {"assignee": data["assignee"]},
    )


@require_GET
@staff_area()
def bulk_job_detail(request, run_id):
    """A bulk job's progress and the result of each row; refreshes itself while it runs."""
    run, bulk, items = bulk_job_for_staff(run_id)
    sees_all = perms.has_permission(request.user, perms.JOBS_VIEW)
    if not bulk_job_visible_to(bulk, request.user, sees_all_jobs=sees_all):
        raise NotFound("bulk job")
    context = {
        "run": run,
        "bulk": bulk,
        "items": items,
        "is_running": run.status in RUNNING_STATUSES,
        "can_resume": run.status in (JobRun.Status.FAILED, JobRun.Status.ABANDONED),
        "sees_all_jobs": sees_all,
    }
    template = "web/staff/bulk_job.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, context)


@require_POST
@staff_area()
def bulk_job_resume_view(request, run_id):
    """Queue again a bulk job that failed or whose process stopped: only the rows not done
    yet are done. Needs the permission of the job's action."""
    try:
        run = bulk_job_resume(job_run_id=run_id, actor=request.user)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The job is queued again for the rows not done yet."))
        return redirect("web:staff_bulk_job", run_id=run.pk)
    return redirect("web:staff_bulk_job", run_id=run_id)
