"""The client area's support tickets (SUP-01, ACC-06).

The owner and trusted users whose grant covers tickets open, answer, close and rate tickets;
a read-only grant reads them. Every ticket and attachment is loaded through the account's
own selectors (another client's is a 404) and internal notes of staff never reach these
pages. Attachments are served as downloads, never shown inline.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.support import actions, conf
from hostledger.support import selectors as support
from hostledger.support.models import AuthorKind, TicketSource, TicketStatus
from hostledger.web.decorators import client_area
from hostledger.web.forms_tickets import RatingForm, TicketOpenForm, TicketReplyForm, uploads_of
from hostledger.web.views.common import form_data, render_form_page

AREA = support.TICKETS_AREA


def _author_kind(access) -> str:
    return AuthorKind.CLIENT if access.is_owner else AuthorKind.TRUSTED_USER


def _uploads(request):
    return uploads_of(
        request.FILES.getlist("attachments"), largest=setting_value(conf.ATTACHMENT_MAX_BYTES)
    )


@require_GET
@client_area(reads=AREA)
def ticket_list(request, access):
    """The account's tickets, latest activity first."""
    context = {
        "access": access,
        "tickets": list(support.client_tickets(access)[:200]),
        "can_write": access.can_write(AREA),
    }
    return render(request, "web/client/tickets/list.html", context)


@require_http_methods(["GET", "POST"])
@client_area(reads=AREA)
def ticket_create(request, access):
    """Open a ticket with a message and attachments (SUP-01)."""
    access.require_write(AREA)
    departments = list(support.active_departments())
    form = TicketOpenForm(form_data(request), request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = actions.ticket_open(
                client=access.client,
                department=support.department_by_slug(form.cleaned_data["department"]),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                author=request.user,
                author_kind=_author_kind(access),
                source=TicketSource.WEB,
                files=_uploads(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Ticket %(number)s is open.") % {"number": ticket.number_display}
            )
            return redirect("web:ticket_detail", public_id=ticket.public_id)
    context = {"access": access, "form": form}
    return render_form_page(request, "web/client/tickets/new.html", context, form=form)


def _detail_page(request, access, ticket, *, reply_form=None, rating_form=None, status=200):
    context = {
        "access": access,
        "ticket": ticket,
        "thread": list(support.client_ticket_messages(ticket)),
        "can_write": access.can_write(AREA) and ticket.merged_into_id is None,
        "reply_form": reply_form or TicketReplyForm(),
        "rating_form": rating_form
        or RatingForm(
            initial={"rating": ticket.rating, "comment": ticket.rating_comment}
            if ticket.rating
            else None
        ),
        "can_rate": ticket.first_response_at is not None,
        "closed": ticket.status == TicketStatus.CLOSED,
    }
    return render(request, "web/client/tickets/detail.html", context, status=status)


@require_GET
@client_area(reads=AREA)
def ticket_detail(request, access, public_id):
    """A ticket's thread with its attachments, and the forms to answer, close and rate."""
    ticket = support.client_ticket(access, public_id)
    return _detail_page(request, access, ticket)


@require_POST
@client_area(reads=AREA)
def ticket_reply(request, access, public_id):
    """Answer in the thread; the ticket opens again for staff."""
    ticket = support.client_ticket(access, public_id)
    access.require_write(AREA)
    form = TicketReplyForm(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            actions.ticket_client_reply(
                ticket=ticket,
                body=form.cleaned_data["body"],
                author=request.user,
                author_kind=_author_kind(access),
                source=TicketSource.WEB,
                files=_uploads(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your answer is added to the ticket."))
            return redirect("web:ticket_detail", public_id=ticket.public_id)
    return _detail_page(request, access, ticket, reply_form=form, status=400)


@require_POST
@client_area(reads=AREA)
def ticket_close(request, access, public_id):
    """Close the ticket: the question is settled."""
    ticket = support.client_ticket(access, public_id)
    access.require_write(AREA)
    actions.ticket_close(ticket=ticket, actor=request.user)
    messages.success(request, _("Ticket %(number)s is closed.") % {"number": ticket.number_display})
    return redirect("web:ticket_detail", public_id=ticket.public_id)


@require_POST
@client_area(reads=AREA)
def ticket_rate(request, access, public_id):
    """Rate the answers from 1 to 5, with an optional comment."""
    ticket = support.client_ticket(access, public_id)
    access.require_write(AREA)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.ticket_rate(
                ticket=ticket,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("web:ticket_detail", public_id=ticket.public_id)
    return _detail_page(request, access, ticket, rating_form=form, status=400)


def attachment_download(attachment, data: bytes) -> HttpResponse:
    """An attachment as a download: never rendered inline, its type as recognised from the
    content, no sniffing by the browser, not kept in shared caches."""
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.file_name or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@client_area(reads=AREA)
def ticket_attachment(request, access, public_id):
    """An attachment of a message the account may read; another's is a 404."""
    attachment = support.client_attachment(access, public_id)
    return attachment_download(attachment, support.attachment_bytes(attachment))
