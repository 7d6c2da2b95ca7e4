"""Who is calling: a personal API token (``Authorization: Bearer hl_…``) or a browser session.

Tokens are checked with :func:`hostledger.accounts.actions.api_token_authenticate`, which
compares the SHA-256 of the presented secret; the secret itself is never stored. A token's
``read`` scope allows GET; POST, PATCH and DELETE need its ``write`` scope. A browser session
(the client area's sign-in) may do anything its user may, but unsafe methods must carry the
CSRF token, as in the client area.

Staff members act through the API only with two-factor sign-in enabled (ACC-09): a staff
user without it is refused with code ``two_factor_required``, whichever way they call.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hostledger.accounts import actions
from hostledger.accounts.models import ApiToken, User
from hostledger.core.errors import DomainError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_SCOPE = "read"
WRITE_SCOPE = "write"


def _accept(request: HttpRequest, user: User, token: ApiToken | None) -> User:
    """Let ``user`` act in this request, once the staff two-factor rule is met (ACC-09)."""
    if user.is_staff and not is_mfa_enabled(user):
        raise DomainError(
            "two_factor_required",
            gettext("Staff members must turn on two-factor sign-in before they use the API."),
            status=403,
        )
    request.user = user
    request.api_token = token
    return user


class BearerToken(HttpBearer):
    """A personal API token sent as ``Authorization: Bearer hl_…``."""

    openapi_bearerFormat = "hl_<prefix>_<secret>"
    openapi_description = (
        "A personal API token, created in the client area or with POST /tokens and shown "
        "once. Scope `read` allows GET; POST, PATCH and DELETE need scope `write`. Tokens "
        "expire and can be revoked; staff tokens work only while two-factor sign-in is on."
    )

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if not header or scheme.lower() != "bearer":
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = actions.api_token_authenticate(token)
        if api_token is None:
            raise DomainError(
                "invalid_token",
                gettext("The API token is unknown, expired or revoked."),
                status=401,
            )
        needed = READ_SCOPE if request.method in SAFE_METHODS else WRITE_SCOPE
        if needed not in (api_token.scopes or []):
            raise DomainError(
                "insufficient_scope",
                gettext("This API token lacks the '%(needed)s' scope needed for %(method)s.")
                % {"needed": needed, "method": request.method},
                status=403,
            )
        return _accept(request, api_token.user, api_token)


class BrowserSession(APIKeyCookie):
    """The session of a person signed in to the client or staff area."""

    param_name: str = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The session cookie of the client area. POST, PATCH and DELETE must send the "
        "CSRF token in the X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise DomainError(
                "csrf_failed",
                gettext("The CSRF token is missing or wrong; send it in the X-CSRFToken header."),
                status=403,
            )
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _accept(request, request.user, None)


def calling_token(request: HttpRequest) -> ApiToken | None:
    """The API token of this request, or None when the caller uses a browser session."""
    return getattr(request, "api_token", None)
