"""Staff viewing the client area as a client sees it, read-only.

A staff member with ``clients.view_as`` starts a view from the staff client page. The staff
session then holds the client's public id (ids only: no name or address goes into a session)
and :class:`ViewAsMiddleware` does the rest, in one place for every page and API call:

* on client-area pages and API calls, ``request.user`` is the client's owner, so every page
  shows exactly what the client sees; the staff area and the sign-in pages keep the staff
  member, whose own session is never replaced;
* every request that could change something (any method but GET, HEAD and OPTIONS) is
  refused with 403 and a message saying why, before any view runs, except ending the view
  and signing out;
* ``request.viewing_as`` names the staff member and the client, for the banner every page
  shows while the view lasts.

The view ends when the staff member ends it or signs out, and also, silently for them but
recorded in the audit trail and the client's sign-in history, when they lose the
permission, two-factor sign-in or their staff status.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.utils import is_mfa_enabled
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hostledger.accounts import actions
from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, User
from hostledger.accounts.selectors import staff_client
from hostledger.core.errors import NotFound

SESSION_VIEW_AS_KEY = "hostledger_view_as"
"""The session key holding the public id of the client a staff member is viewing as."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

REFUSAL = gettext_noop(
    "You are viewing this account as its client sees it, which is read-only: nothing was "
    "changed. End the view to act as yourself."
)


@dataclass(frozen=True)
class ViewingAs:
    """Who is viewing (the staff member signed in) and whose account they see."""

    staff: User
    client: Client


def view_as_begin(request, client: Client) -> None:
    """Keep ``client``'s public id in the staff session: the view starts with the next page."""
    request.session[SESSION_VIEW_AS_KEY] = client.public_id


def view_as_finish(request) -> None:
    """Drop the view from the session: the staff member is themselves on the next page."""
    request.session.pop(SESSION_VIEW_AS_KEY, None)


def _may_view_as(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.is_active
        and perms.has_permission(user, perms.CLIENTS_VIEW_AS)
        and is_mfa_enabled(user)
    )


def _keeps_the_staff_member(path: str) -> bool:
    """The staff area and allauth's pages (sign-in, password, two-factor) are the staff
    member's own; every other page is seen as the client sees it."""
    return path.startswith(reverse("web:staff_home")) or path.startswith(
        reverse("account_login").rsplit("login/", 1)[0]
    )


def _refused(request):
    if request.path_info.startswith(reverse("api:api-root")):
        return JsonResponse(
            {"code": "viewing_as_client", "message": gettext(REFUSAL), "fields": {}}, status=403
        )
    return render(request, "403.html", {"exception": gettext(REFUSAL)}, status=403)


class ViewAsMiddleware:
    """Applies a staff member's view of a client's area to each request (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.session.get(SESSION_VIEW_AS_KEY) if hasattr(request, "session") else None
        if chosen:
            response = self._apply(request, chosen)
            if response is not None:
                return response
        return self.get_response(request)

    def _apply(self, request, chosen: str):
        staff = request.user
        try:
            client = staff_client(chosen)
        except NotFound:
            view_as_finish(request)
            return None
        if not _may_view_as(staff):
            view_as_finish(request)
            if staff.is_authenticated:
                actions.client_view_as_end(client=client, staff=staff)
            return None
        request.viewing_as = ViewingAs(staff=staff, client=client)
        path = request.path_info
        if request.method not in SAFE_METHODS:
            if path == reverse("account_logout"):
                actions.client_view_as_end(client=client, staff=staff)
                view_as_finish(request)
                return None
            if path != reverse("web:staff_view_as_end"):
                return _refused(request)
        if not _keeps_the_staff_member(path):
            request.user = client.owner
        return None
