"""The staff area's support desk (SUP-01): the queue by department with first-response and
resolution timers, the search, a ticket's page with answer, internal note, canned reply,
assignment, priority, status, department, merge and linking mail of an unknown sender to a
client; departments and canned replies (``tickets.manage``).

Every page needs ``tickets.answer`` and two-factor sign-in (ACC-09, ACC-11); showing a
client's ticket is recorded in the audit trail (GDPR-12). Each action answers with a
redirect to the ticket and a message saying what happened or why nothing did.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.registry import setting_value
from hostledger.support import actions, conf
from hostledger.support import selectors as support
from hostledger.web.decorators import staff_area
from hostledger.web.forms_bulk import TicketBulkForm
from hostledger.web.forms_tickets import (
    AssignForm,
    CannedReplyForm,
    DepartmentForm,
    DepartmentMoveForm,
    LinkClientForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    QueueFilterForm,
    StaffReplyForm,
    StatusForm,
    TicketSearchForm,
    uploads_of,
)
from hostledger.web.views.client_tickets import attachment_download
from hostledger.web.views.common import render_form_page

ANSWER = perms.TICKETS_ANSWER
MANAGE = perms.TICKETS_MANAGE


def _back(ticket):
    return redirect("web:staff_ticket", public_id=ticket.public_id)


def _problem(form) -> str:
    return "; ".join(
        f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
        for field, errors in form.errors.items()
    )


def _queue_rows(tickets, now):
    return [(ticket, support.ticket_timers(ticket, now=now)) for ticket in tickets]


@require_GET
@staff_area(ANSWER)
def ticket_queue(request):
    """Tickets not closed, oldest first, with their timers; counts per department."""
    now = timezone.now()
    departments = list(support.active_departments())
    answerers = support.ticket_answerers()
    form = QueueFilterForm(request.GET or None, departments=departments, answerers=answerers)
    filters = support.QueueFilters()
    if form.is_bound and form.is_valid():
        filters = support.QueueFilters(
            department=form.cleaned_data["department"],
            status=form.cleaned_data["status"],
            assignee=form.cleaned_data["assignee"],
            review=form.cleaned_data["review"],
        )
    limit = setting_value(conf.QUEUE_PAGE_SIZE)
    tickets = list(support.staff_tickets(request.user, filters)[:limit])
    context = {
        "form": form,
        "search_form": TicketSearchForm(),
        "rows": _queue_rows(tickets, now),
        "limit": limit,
        "counts": support.department_counts(request.user, now=now),
        "review_count": support.review_queue_count(request.user),
        "can_manage": perms.has_permission(request.user, MANAGE),
        "bulk_form": TicketBulkForm(answerers=answerers),
        "page_ids": [ticket.public_id for ticket in tickets],
    }
    return render(request, "web/staff/tickets/queue.html", context)


@require_POST
@staff_area(ANSWER)
def ticket_search(request):
    """Tickets matching a word, address or number; the query travels in the body only."""
    form = TicketSearchForm(request.POST)
    found = []
    if form.is_valid():
        found = support.ticket_search(request.user, form.cleaned_data["q"])
    context = {
        "search_form": form,
        "rows": _queue_rows(found, timezone.now()),
        "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
    }
    return render_form_page(request, "web/staff/tickets/search.html", context, form=form)


@require_GET
@staff_area(ANSWER)
def ticket_detail(request, public_id):
    """Every message of the ticket (internal notes marked), its timers and the forms."""
    ticket = support.staff_ticket(request.user, public_id)
    if ticket.client is not None:
        record_personal_data_read(
            actor=request.user,
            client=ticket.client,
            what=f"support ticket {ticket.number_display}",
            request=request,
        )
    departments = list(support.active_departments())
    answerers = support.ticket_answerers()
    context = {
        "ticket": ticket,
        "thread": list(support.staff_ticket_messages(ticket)),
        "timers": support.ticket_timers(ticket),
        "reply_form": StaffReplyForm(canned_replies=support.canned_replies()),
        "note_form": NoteForm(),
        "assign_form": AssignForm(
            answerers=answerers,
            initial={"assignee": ticket.assignee.public_id if ticket.assignee else ""},
        ),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "department_form": DepartmentMoveForm(
            departments=departments, initial={"department": ticket.department.slug}
        ),
        "merge_form": MergeForm(),
        "link_form": LinkClientForm(),
        "canned": list(support.canned_replies()),
    }
    return render(request, "web/staff/tickets/detail.html", context)


def _act(request, ticket, form, action, done):
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(ticket)
    try:
        action(form.cleaned_data)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, done)
    return _back(ticket)


@require_POST
@staff_area(ANSWER)
def ticket_reply(request, public_id):
    """Answer the client (mailed to them with a signed reply address)."""
    ticket = support.staff_ticket(request.user, public_id)
    form = StaffReplyForm(
        request.POST, request.FILES or None, canned_replies=support.canned_replies()
    )

    def answer(data):
        body = data["body"] or ""
        if data["canned_reply"]:
            canned = support.canned_reply(data["canned_reply"]).body
            body = f"{body}\n\n{canned}" if body.strip() else canned
        actions.ticket_staff_reply(
            ticket=ticket,
            body=body,
            author=request.user,
            status=data["status"],
            files=uploads_of(
                request.FILES.getlist("attachments"),
                largest=setting_value(conf.ATTACHMENT_MAX_BYTES),
            ),
        )

    return _act(request, ticket, form, answer, _("The answer is sent to the client."))


@require_POST
@staff_area(ANSWER)
def ticket_note(request, public_id):
    """Add an internal note, for staff only."""
    ticket = support.staff_ticket(request.user, public_id)
    return _act(
        request,
        ticket,
        NoteForm(request.POST),
        lambda data: actions.ticket_note_add(ticket=ticket, body=data["note"], author=request.user),
        _("The note is added; the client does not see it."),
    )


@require_POST
@staff_area(ANSWER)
def ticket_assign(request, public_id):
    ticket = support.staff_ticket(request.user, public_id)
    form = AssignForm(request.POST, answerers=support.ticket_answerers())
    return _act(
        request,
        ticket,
        form,
        lambda data: actions.ticket_assign(
            ticket=ticket, assignee=support.staff_member(data["assignee"]), actor=request.user
        ),
        _("The assignment is changed."),
    )


@require_POST
@staff_area(ANSWER)
def ticket_priority(request, public_id):
    ticket = support.staff_ticket(request.user, public_id)
    return _act(
        request,
        ticket,
        PriorityForm(request.POST),
        lambda data: actions.ticket_priority_set(
            ticket=ticket, priority=data["priority"], actor=request.user
        ),
        _("The priority is changed."),
    )


@require_POST
@staff_area(ANSWER)
def ticket_status(request, public_id):
    ticket = support.staff_ticket(request.user, public_id)
    return _act(
        request,
        ticket,
        StatusForm(request.POST),
        lambda data: actions.ticket_status_set(
            ticket=ticket, status=data["status"], actor=request.user
        ),
        _("The status is changed."),
    )


@require_POST
@staff_area(ANSWER)
def ticket_department(request, public_id):
    ticket = support.staff_ticket(request.user, public_id)
    form = DepartmentMoveForm(request.POST, departments=list(support.active_departments()))
    return _act(
        request,
        ticket,
        form,
        lambda data: actions.ticket_department_set(
            ticket=ticket,
            department=support.department_by_slug(data["department"]),
            actor=request.user,
        ),
        _("The ticket is moved."),
    )


@require_POST
@staff_area(ANSWER)
def ticket_merge(request, public_id):
    """Move every message of this ticket into another one and close this one."""
    ticket = support.staff_ticket(request.user, public_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(ticket)
    try:
        target = support.staff_ticket_by_number(request.user, form.cleaned_data["target"])
        actions.ticket_merge(source=ticket, target=target, actor=request.user)
    except NotFound:
        messages.error(request, _("Nothing changed. No ticket has that number."))
        return _back(ticket)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
        return _back(ticket)
    messages.success(request, _("Merged into %(number)s.") % {"number": target.number_display})
    return _back(target)


@require_POST
@staff_area(ANSWER)
def ticket_link_client(request, public_id):
    """Make mail of an unknown sender a ticket of a client."""
    ticket = support.staff_ticket(request.user, public_id)
    form = LinkClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(ticket)
    try:
        client = staff_client(form.cleaned_data["client"])
        actions.ticket_client_link(ticket=ticket, client=client, actor=request.user)
    except NotFound:
        messages.error(request, _("Nothing changed. No client has that id."))
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("The ticket now belongs to the client."))
    return _back(ticket)


@require_GET
@staff_area(ANSWER)
def ticket_attachment(request, public_id):
    attachment = support.staff_attachment(request.user, public_id)
    return attachment_download(attachment, support.attachment_bytes(attachment))


# ---- departments and canned replies (tickets.manage) -----------------------------------------


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def department_list(request):
    """The departments with their addresses and targets; a form to add one."""
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.department_create(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The department is added."))
            return redirect("web:staff_support_departments")
    context = {"departments": list(support.all_departments()), "form": form}
    return render_form_page(request, "web/staff/tickets/departments.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def department_edit(request, slug):
    department = support.department(slug)
    initial = {
        "name": department.name,
        "slug": department.slug,
        "mail_address": department.mail_address,
        "first_response_hours": department.first_response_hours,
        "resolution_hours": department.resolution_hours,
        "is_active": department.is_active,
    }
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.department_update(
                department=department, actor=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The department is changed."))
            return redirect("web:staff_support_departments")
    context = {"department": department, "form": form}
    return render_form_page(request, "web/staff/tickets/department_edit.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def canned_reply_list(request):
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.canned_reply_create(
                actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The canned reply is added."))
            return redirect("web:staff_canned_replies")
    context = {"replies": list(support.canned_replies(include_retired=True)), "form": form}
    return render_form_page(request, "web/staff/tickets/canned_replies.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def canned_reply_edit(request, public_id):
    reply = support.canned_reply(public_id)
    form = CannedReplyForm(
        request.POST or None,
        initial={"title": reply.title, "body": reply.body, "is_active": reply.is_active},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.canned_reply_update(
                reply=reply,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_active=form.cleaned_data["is_active"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The canned reply is changed."))
            return redirect("web:staff_canned_replies")
    context = {"reply": reply, "form": form}
    return render_form_page(request, "web/staff/tickets/canned_reply_edit.html", context, form=form)
