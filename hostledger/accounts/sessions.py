"""The session engine (``SESSION_ENGINE``): sessions in the database, encrypted (GDPR-11).

Django's database sessions are signed and compressed, not encrypted: whoever reads the table
reads what the session holds, and allauth keeps e-mail addresses there (the methods a person
signed in with, the address being verified, a pending sign-in or social sign-up). This store
keeps every session in :class:`~hostledger.accounts.models.SignInSession`, whose data column is
encrypted with the field keys, and notes whose session it is, so that
:func:`~hostledger.accounts.actions.sessions.sessions_end_for_user` finds a person's sessions
without decoding any.

A session that no configured key opens any more (its key was dropped after a rotation) is
treated as no session: the person signs in again.
"""

from __future__ import annotations

import logging

from allauth.account.utils import url_str_to_user_pk
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

logger = logging.getLogger(__name__)

# Where allauth and Django keep the id of the person a session belongs to.
_SIGNED_IN_USER_KEY = "_auth_user_id"
_PENDING_SIGN_IN_KEY = "account_login"


STAFF_SEARCHES_SESSION_KEY = "hostledger_staff_searches"
"""Where a staff session keeps the client searches posted by staff (hostledger.web.searches)."""


def session_user_id(data: dict) -> int | None:
    """The id of the person signed in with, or signing in with, a session's ``data``."""
    signed_in = data.get(_SIGNED_IN_USER_KEY)
    if signed_in is not None and str(signed_in).isdigit():
        return int(signed_in)
    pending = data.get(_PENDING_SIGN_IN_KEY)
    # allauth writes the pending sign-in's user id in base 36 (its user_pk_to_url_str).
    pending_pk = pending.get("user_pk") if isinstance(pending, dict) else None
    if isinstance(pending_pk, str) and pending_pk.isalnum():
        return url_str_to_user_pk(pending_pk)
    return None


class SessionStore(DatabaseSessionStore):
    """Database sessions, encrypted, with the id of the person they belong to."""

    @classmethod
    def get_model_class(cls):
        # A cycle: the model names this store as its own.
        from hostledger.accounts.models import SignInSession

        return SignInSession

    def _get_session_from_db(self):
        try:
            return super()._get_session_from_db()
        except ValueError:
            logger.warning("A session no configured field key opens was ignored.")
            self._session_key = None
            return None

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = session_user_id(data)
        return instance
