"""Template context shared by every page of the client and staff areas.

Values that cost a query are lazy, so a page pays only for what its template shows.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from hostledger.accounts.permissions import permissions_of
from hostledger.accounts.selectors import accessible_clients, client_access
from hostledger.core.errors import NotFound
from hostledger.privacy.cookies import (
    ANALYTICS,
    CONSENT_COOKIE_NAME,
    MARKETING,
    choice_from_cookie,
)


def _peek_client_access(request):
    """The access the client pages would use, without changing the session."""
    access = getattr(request, "client_access", None)
    if access is not None:
        return access
    from hostledger.web.decorators import SESSION_CLIENT_KEY

    for chosen in (request.session.get(SESSION_CLIENT_KEY), None):
        try:
            return client_access(request.user, chosen)
        except NotFound:
            continue
    return None


def navigation(request):
    context = {"site_name": settings.MFA_TOTP_ISSUER}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    if request.path.startswith(reverse("web:staff_home")):
        area = "staff"
    elif user.is_staff and _peek_client_access(request) is None:
        area = "staff"  # staff without a client account, on the shared sign-in pages
    else:
        area = "client"
    context.update(
        nav_area=area,
        nav_access=SimpleLazyObject(lambda: _peek_client_access(request)),
        switchable_accounts=SimpleLazyObject(lambda: accessible_clients(user)),
        staff_permissions=SimpleLazyObject(lambda: permissions_of(user)),
    )
    return context


def cookie_consent(request):
    """The visitor's cookie choice, read from the consent cookie alone (no query): whether
    the banner is shown and whether optional scripts may be included (GDPR-13). The staff
    area shows no banner; the choice a signed-in person stored is put back into the cookie
    when they sign in."""
    choice = choice_from_cookie(request.COOKIES.get(CONSENT_COOKIE_NAME))
    current = choice is not None and choice.is_current
    in_staff_area = request.path.startswith(reverse("web:staff_home"))
    return {
        "cookie_choice": choice if current else None,
        "cookie_banner": not current and not in_staff_area,
        "analytics_allowed": bool(current and choice.allows(ANALYTICS)),
        "marketing_allowed": bool(current and choice.allows(MARKETING)),
    }
