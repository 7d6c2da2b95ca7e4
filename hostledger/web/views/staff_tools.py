"""Staff tools on a client's account: viewing the client area as the client sees it
(``clients.view_as``, read-only, audited and shown to the client) and the activity timeline
(``clients.view``; notes and sign-ins for readers of personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import actions
from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client
from hostledger.core.audit import record_personal_data_read
from hostledger.web.decorators import staff_area
from hostledger.web.timeline import client_timeline
from hostledger.web.view_as import view_as_begin, view_as_finish


@require_POST
@staff_area(perms.CLIENTS_VIEW_AS)
def client_view_as_start(request, public_id):
    """Start seeing the client area as this client sees it; audited and shown in the
    client's sign-in history. Every change is refused until the view ends."""
    client = staff_client(public_id)
    actions.client_view_as_start(client=client, staff=request.user)
    view_as_begin(request, client)
    messages.info(
        request, _("You are viewing the account as its client sees it; nothing can be changed.")
    )
    return redirect("web:dashboard")


@require_POST
@staff_area()
def client_view_as_end(request):
    """End the view: the staff member is themselves again, back on the client's staff page."""
    viewing = getattr(request, "viewing_as", None)
    if viewing is None:
        messages.info(request, _("You were not viewing any client's account."))
        return redirect("web:staff_home")
    actions.client_view_as_end(client=viewing.client, staff=request.user)
    view_as_finish(request)
    messages.success(request, _("The view has ended; you act as yourself again."))
    return redirect(reverse("web:staff_client_detail", args=[viewing.client.public_id]))


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() else 1


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def client_timeline_page(request, public_id):
    """The client's orders, invoices, payments, service status changes and tickets, with
    staff notes and sign-ins for readers of personal data, newest first, one page at a time.
    An htmx request gets the list alone (the client page loads the first page this way)."""
    client = staff_client(public_id)
    with_personal_data = perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)
    timeline = client_timeline(
        client, page=_page_number(request), with_personal_data=with_personal_data
    )
    if with_personal_data:
        record_personal_data_read(
            actor=request.user,
            client=client,
            what="client activity timeline: staff notes, sign-ins, ticket subjects",
            request=request,
        )
    context = {"client": client, "timeline": timeline}
    template = "web/staff/tools/_timeline.html" if request.htmx else "web/staff/tools/timeline.html"
    return render(request, template, context)
