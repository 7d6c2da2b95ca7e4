"""Signed tokens of the links that work without signing in: confirming a marketing opt-in
and withdrawing a marketing consent (NTF-01).

Tokens are signed with Django's signing (keyed by ``SECRET_KEY``, a salt per purpose), so
they cannot be forged or altered. An opt-in link expires after a provider setting's number
of days and names the request it confirms, so an old link cannot revive a consent the client
withdrew and asked for again. An unsubscribe link never expires: people click them years
later.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError

OPT_IN_SALT = "hostledger.notifications.opt-in"
UNSUBSCRIBE_SALT = "hostledger.notifications.unsubscribe"


def opt_in_token(*, consent_public_id: str, request_number: int) -> str:
    return signing.dumps({"c": consent_public_id, "n": request_number}, salt=OPT_IN_SALT)


def read_opt_in_token(token: str, *, max_age: timedelta) -> tuple[str, int]:
    """(consent public id, request number) of a valid token; DomainError otherwise."""
    try:
        payload = signing.loads(token, salt=OPT_IN_SALT, max_age=max_age)
        return str(payload["c"]), int(payload["n"])
    except signing.SignatureExpired:
        raise DomainError(
            "link_expired",
            _("This confirmation link has expired. Ask for a new one in the client area."),
            fields={"token": "expired"},
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            "invalid_link", _("This link is not valid."), fields={"token": "invalid"}
        ) from None


def unsubscribe_token(*, client_public_id: str, channel: str) -> str:
    return signing.dumps({"c": client_public_id, "ch": channel}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """(client public id, channel) of a valid token; DomainError otherwise."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return str(payload["c"]), str(payload["ch"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            "invalid_link", _("This link is not valid."), fields={"token": "invalid"}
        ) from None


def absolute_url(view_name: str, *args) -> str:
    """The full address of a page, for links in messages."""
    return settings.SITE_URL + reverse(view_name, args=args)


def opt_in_url(*, consent_public_id: str, request_number: int) -> str:
    token = opt_in_token(consent_public_id=consent_public_id, request_number=request_number)
    return absolute_url("web:notifications_opt_in_confirm", token)


def unsubscribe_url(*, client_public_id: str, channel: str) -> str:
    token = unsubscribe_token(client_public_id=client_public_id, channel=channel)
    return absolute_url("web:notifications_unsubscribe", token)
