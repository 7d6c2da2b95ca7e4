"""Keyed hashes that let staff find a ticket by a word of its subject or messages, or by the
sender's address, while those stay encrypted (SUP-01, GDPR-11).

The same scheme as the staff client search (docs/decisions/0017): every prefix of three to
24 letters of every word (and each accented word also without its accents) is hashed with
the blind-index key under a purpose of its own, ``ticket-search``, and stored in
:class:`~hostledger.support.models.TicketSearchToken`. A search hashes each typed word whole
and asks for the tickets having every token. A ticket number ("T-000123" or "123") is
looked up by key instead.

This module computes hashes only; the rows are written by
:mod:`hostledger.support.actions.search`.
"""

from __future__ import annotations

import re

from hostledger.accounts.search import LONGEST_PREFIX, SHORTEST_PREFIX, words_of
from hostledger.core.crypto import blind_index, normalise_for_index

SEARCH_PURPOSE = "ticket-search"

_WORD = re.compile(r"\w+", re.UNICODE)
_TICKET_NUMBER = re.compile(r"^\s*[tT]?-?0*(\d{1,12})\s*$")


def _token(kind: str, text: str) -> str:
    return blind_index(f"{kind}:{text}", purpose=SEARCH_PURPOSE)


def _prefixes(word: str) -> list[str]:
    if len(word) < SHORTEST_PREFIX:
        return [word]
    return [word[:size] for size in range(SHORTEST_PREFIX, min(len(word), LONGEST_PREFIX) + 1)]


def text_tokens(*texts: str) -> set[str]:
    """Every search token of the given texts (a subject, message bodies)."""
    tokens: set[str] = set()
    for text in texts:
        for word in set(words_of(text)):
            tokens.update(_token("word", prefix) for prefix in _prefixes(word))
    return tokens


def address_token(address: str) -> str:
    return _token("address", normalise_for_index(address or ""))


def ticket_number_of(query: str) -> int | None:
    """The key of the ticket a query names by number ("T-000123", "t123", "123"), else None."""
    found = _TICKET_NUMBER.match(query or "")
    return int(found.group(1)) if found else None


def query_tokens(query: str) -> list[str]:
    """The tokens a ticket must have all of to match ``query``: the sender's address, or one
    per word (cut to the longest indexed prefix)."""
    query = (query or "").strip()
    if "@" in query and " " not in query:
        return [address_token(query)]
    words = _WORD.findall(normalise_for_index(query))
    return [_token("word", word[:LONGEST_PREFIX]) for word in words]
