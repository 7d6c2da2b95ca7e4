"""Searches staff post, kept in their own session under an opaque id (GDPR-08, GDPR-11).

A search for a client takes what staff type (a name, an e-mail address, a phone number). It
is posted, kept in the searcher's session (encrypted with the field keys, see
:mod:`hostledger.accounts.sessions`) under a random id, and its results page is addressed by
that id: the search never appears in a URL, a browser history or an access log, and it goes
with the session when staff sign out or the session expires. A search is kept for
:data:`SEARCH_LIFETIME` and at most :data:`SEARCHES_KEPT` per session.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hostledger.accounts.sessions import STAFF_SEARCHES_SESSION_KEY as SESSION_SEARCHES_KEY
from hostledger.core.ids import new_public_id

SEARCH_LIFETIME = timedelta(hours=1)
SEARCHES_KEPT = 10


def _live_searches(request) -> dict[str, dict]:
    now = timezone.now().timestamp()
    kept = request.session.get(SESSION_SEARCHES_KEY, {})
    live = {key: value for key, value in kept.items() if value.get("until", 0) > now}
    if live != kept:
        if live:
            request.session[SESSION_SEARCHES_KEY] = live
        else:
            request.session.pop(SESSION_SEARCHES_KEY, None)
    return live


def search_remember(request, *, kind: str, query: str) -> str:
    """Keep ``query`` in the session; return the opaque id of its results page."""
    searches = _live_searches(request)
    search_id = new_public_id("srch")
    until = (timezone.now() + SEARCH_LIFETIME).timestamp()
    searches[search_id] = {"kind": kind, "query": query, "until": until}
    newest = sorted(searches.items(), key=lambda item: item[1]["until"])[-SEARCHES_KEPT:]
    request.session[SESSION_SEARCHES_KEY] = dict(newest)
    return search_id


def search_recall(request, *, kind: str, search_id: str) -> str | None:
    """The query of a search kept in this session, None when unknown or expired."""
    found = _live_searches(request).get(search_id)
    if found is None or found.get("kind") != kind:
        return None
    return found["query"]
