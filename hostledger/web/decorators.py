"""Gates of the client area and the staff area.

Client pages receive the :class:`~hostledger.accounts.selectors.ClientAccess` of the signed-in
user to the account chosen in the session (their own by default, ACC-06) and load every object
through it, so another client's object is a 404 (habit 6). Staff pages need an active staff
user with two-factor sign-in (ACC-09) and the permission code the page names (ACC-11).

Domain errors raised by a view become the matching HTTP answer: NotFound → 404,
PermissionDenied → 403.
"""

from __future__ import annotations

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render

from hostledger.accounts.selectors import client_access, require_staff_permission
from hostledger.core.errors import NotFound, PermissionDenied

SESSION_CLIENT_KEY = "hostledger_client"
"""The session key holding the public id of the account a trusted user chose to act in."""


def _domain_errors_as_http(view, request, *args, **kwargs):
    try:
        return view(request, *args, **kwargs)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise HttpForbidden(error.message) from error


def current_client_access(request):
    """The access of the signed-in user to the account chosen in the session, or None.

    While a staff member views the area as a client, the access is the owner's to that
    client's account. A chosen account the user can no longer reach (the grant was revoked)
    is dropped from the session and the user falls back to their own account, or the first
    one granted to them.
    """
    if getattr(request, "viewing_as", None) is not None:
        # A staff member viewing as the client: request.user is the client's owner (see
        # hostledger.web.view_as), who acts in their own account.
        return client_access(request.user, request.viewing_as.client.public_id)
    chosen = request.session.get(SESSION_CLIENT_KEY)
    if chosen:
        try:
            return client_access(request.user, chosen)
        except NotFound:
            request.session.pop(SESSION_CLIENT_KEY, None)
            messages.warning(request, "You no longer have access to the account you had chosen.")
    try:
        return client_access(request.user, None)
    except NotFound:
        return None


def client_area(view=None, *, reads: str | None = None):
    """Sign-in required; calls ``view(request, access, ...)`` with the user's ClientAccess.

    ``@client_area(reads=AREA)`` also requires that the access covers reading ``AREA``
    (billing, services, messages; ACC-06): a trusted user whose grant does not get a 403.
    Staff members without a client account are sent to the staff area; other users without
    any account they may act in see a page that says so.
    """
    if view is None:
        return lambda actual: client_area(actual, reads=reads)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = current_client_access(request)
        if access is None:
            if request.user.is_staff:
                return redirect("web:staff_home")
            return render(request, "web/client/no_account.html", status=200)
        request.client_access = access
        if reads is not None and not access.can_read(reads):
            raise HttpForbidden("Your access to this account does not cover this part of it.")
        return _domain_errors_as_http(view, request, access, *args, **kwargs)

    return wrapper


def staff_area(permission: str | None = None):
    """Active staff with two-factor sign-in (ACC-09) and, if named, ``permission`` (ACC-11).

    Anonymous visitors are sent to sign in; signed-in users who are not staff get a 403; staff
    without an authenticator app are sent to set one up before any staff page opens.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_staff and user.is_active):
                raise HttpForbidden("The staff area is for the provider's staff.")
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    "Two-factor sign-in is mandatory for staff. Set up an authenticator app "
                    "to open the staff area.",
                )
                return redirect("mfa_activate_totp")
            if permission is not None:
                try:
                    require_staff_permission(user, permission)
                except PermissionDenied as error:
                    raise HttpForbidden(error.message) from error
            return _domain_errors_as_http(view, request, *args, **kwargs)

        wrapper.staff_permission = permission
        return wrapper

    return decorator
