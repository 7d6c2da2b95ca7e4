"""Encryption of personal data at rest and blind indexes for exact look-ups (GDPR-11).

The keys are settings of their own (``FIELD_ENCRYPTION_KEYS``, ``BLIND_INDEX_KEY``), never
derived from ``SECRET_KEY``. The first field key encrypts; every listed key decrypts, which is
what makes rotation possible: prepend a new key, run ``hostledger rotate-keys``, drop the old.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

TOKEN_PREFIX = "enc1:"


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def field_keys() -> MultiFernet:
    """The field keys: the first encrypts, every one decrypts. They also wrap the data keys
    of data subjects (:mod:`hostledger.core.subject_keys`)."""
    return _fernet()


def encrypt_text(plain: str) -> str:
    """Encrypt ``plain`` with the current key; the result is ASCII, safe for a text column."""
    return TOKEN_PREFIX + _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_text(stored: str) -> str:
    """Decrypt a value written by :func:`encrypt_text` with any of the configured keys."""
    if not stored.startswith(TOKEN_PREFIX):
        raise ValueError("The stored value is not an encrypted personal-data token.")
    try:
        return _fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ValueError(
            "No configured field encryption key opens this value; was a key dropped too early?"
        ) from error


def rotate_token(stored: str) -> str:
    """Re-encrypt a stored token under the current (first) key."""
    token = stored[len(TOKEN_PREFIX) :].encode("ascii")
    return TOKEN_PREFIX + _fernet().rotate(token).decode("ascii")


def is_encrypted_under_current_key(stored: str) -> bool:
    current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    try:
        current.decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    except InvalidToken:
        return False
    return True


def normalise_for_index(value: str) -> str:
    """The form two values must share to match: Unicode NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def blind_index(value: str, *, purpose: str) -> str:
    """An HMAC of the normalised value, keyed per purpose, for exact look-ups of encrypted data.

    ``purpose`` separates indexes (an email index never equals a phone index of the same text).
    """
    key = hmac.new(settings.BLIND_INDEX_KEY.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, normalise_for_index(value).encode("utf-8"), hashlib.sha256).hexdigest()


_REINDEXERS: dict[str, Callable[[], int]] = {}


def register_reindexer(name: str, rebuild: Callable[[], int]) -> None:
    """Register a rebuild of keyed hashes kept outside :class:`BlindIndexField` columns (a
    search-token table, say); ``hostledger rotate-keys --reindex`` calls each after
    ``BLIND_INDEX_KEY`` changed. ``rebuild`` returns how many values it wrote."""
    _REINDEXERS[name] = rebuild


def registered_reindexers() -> dict[str, Callable[[], int]]:
    return dict(_REINDEXERS)
