"""Keyed hashes that let staff find a client by name, company, e-mail or phone while those
stay encrypted (GDPR-11, issue 11 §8).

A client's names and company are split into words; every prefix of three letters or more of
each word (up to :data:`LONGEST_PREFIX` letters), the whole of a shorter word, the owner's
e-mail address and the phone number are hashed with the blind-index key
(:func:`hostledger.core.crypto.blind_index`, purpose :data:`SEARCH_PURPOSE`) and stored in
:class:`~hostledger.accounts.models.ClientSearchToken`. A search hashes what staff typed the
same way, so the database never holds the words in clear, and a word is found by one index
look-up. Accented letters are indexed both as written and without their accents, so "Juri"
finds "Jüri".

This module computes hashes only; the rows are written by
:mod:`hostledger.accounts.actions.search`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from hostledger.core.crypto import blind_index, normalise_for_index

SEARCH_PURPOSE = "client-search"
SHORTEST_PREFIX = 3
"""Prefixes shorter than this are not indexed: they would match too many clients."""
LONGEST_PREFIX = 24
"""Longer words are indexed up to this many letters, and a longer search word is cut to it."""

_WORD = re.compile(r"\w+", re.UNICODE)
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]+")


@dataclass(frozen=True)
class SearchableText:
    """The plain values of one client that its search tokens are made from."""

    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""


def _token(kind: str, text: str) -> str:
    return blind_index(f"{kind}:{text}", purpose=SEARCH_PURPOSE)


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words_of(text: str) -> list[str]:
    """The words of ``text`` as they are indexed: normalised, case-folded, each also without
    its accents when it has any."""
    words = []
    for word in _WORD.findall(normalise_for_index(text or "")):
        words.append(word)
        plain = _without_accents(word)
        if plain != word:
            words.append(plain)
    return words


def _word_prefixes(word: str) -> list[str]:
    if len(word) < SHORTEST_PREFIX:
        return [word]
    return [word[:size] for size in range(SHORTEST_PREFIX, min(len(word), LONGEST_PREFIX) + 1)]


def as_phone_number(text: str) -> str:
    """The E.164 form of a phone number as phones are stored ("+3725551234"), or "" when
    ``text`` is not a possible phone number."""
    text = (text or "").strip()
    if not text or not any(char.isdigit() for char in text):
        return ""
    try:
        number = phonenumbers.parse(text if text.startswith("+") else "+" + text, None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone_number(query: str) -> bool:
    """Digits with at most "+", spaces, dashes and brackets, seven digits or more."""
    return bool(_PHONE_LIKE.fullmatch(query)) and sum(c.isdigit() for c in query) >= 7


def client_tokens(values: SearchableText) -> set[str]:
    """Every search token of one client."""
    tokens = set()
    for text in (values.first_name, values.last_name, values.company_name):
        for word in words_of(text):
            tokens.update(_token("word", prefix) for prefix in _word_prefixes(word))
    email = normalise_for_index(values.email or "")
    if email:
        tokens.add(_token("email", email))
    phone = as_phone_number(values.phone)
    if phone:
        tokens.add(_token("phone", phone))
    return tokens


def query_tokens(query: str) -> list[str]:
    """The tokens a client must have all of to match ``query``: the e-mail address, the phone
    number, or one per word (each word's own form, cut to :data:`LONGEST_PREFIX`). A word
    shorter than three letters matches only a whole word that short."""
    query = (query or "").strip()
    if "@" in query:
        return [_token("email", normalise_for_index(query))]
    if looks_like_phone_number(query):
        phone = as_phone_number(query)
        return [_token("phone", phone)] if phone else []
    words = _WORD.findall(normalise_for_index(query))
    return [_token("word", word[:LONGEST_PREFIX]) for word in words]
