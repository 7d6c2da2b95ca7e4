"""Per-subject data keys: each client's personal data is encrypted under a key of its own
(GDPR-11), so destroying that key erases the data everywhere at once, old backups included
(GDPR-04).

A value encrypted under a subject key is stored as ``enc2:<key id>:<Fernet token>``; values of
rows that belong to no subject keep the field keys (``enc1:``, :mod:`hostledger.core.crypto`).
The data keys are random Fernet keys, kept wrapped by the field keys in the key store
(:mod:`hostledger.core.keystore`), never in the main database.

Whose key a row uses follows the personal-data declarations (:func:`subject_of`): the row's
client when it has one; otherwise the person it belongs to (staff, trusted users). The key
of the person who owns a client is destroyed with the client's (a person's own rows, such as
sign-in attempts, are under it). A value whose key was destroyed reads as
:data:`ERASED`, an empty string, so pages and lists of the records kept after an erasure
still render.

Unwrapped keys are kept in process (``SUBJECT_KEY_CACHE_SIZE`` keys, each for at most
``SUBJECT_KEY_CACHE_SECONDS``), so a list page or the billing run pays one look-up per client,
not per row. A key destroyed in one process stops opening values in the others when their
cached copy expires; the process that destroys it forgets it at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings

from hostledger.core.crypto import TOKEN_PREFIX, decrypt_text, encrypt_text, field_keys
from hostledger.core.keystore import subject_key_store
from hostledger.core.personal_data import (
    Subject,
    subject_client_id_of,
    subject_of,
    subject_user_id_of,
)

SUBJECT_TOKEN_PREFIX = "enc2:"

AUDIT_SUBJECT = "audit"
"""The key of audit values that belong to nobody known (an anonymous request's address)."""


class ErasedText(str):
    """What a value reads as once its subject's key was destroyed: an empty string that
    knows it was erased (``value.erased``), for pages that want to say so."""

    erased = True


ERASED = ErasedText("")


def client_subject(client_id: int) -> str:
    return f"client:{int(client_id)}"


def user_subject(user_id: int) -> str:
    return f"user:{int(user_id)}"


class _ExpiringCache:
    """A bounded mapping whose entries expire; thread-safe."""

    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            value, expires_at = item
            if expires_at < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = (value, time.monotonic() + settings.SUBJECT_KEY_CACHE_SECONDS)
            self._items.move_to_end(key)
            while len(self._items) > settings.SUBJECT_KEY_CACHE_SIZE:
                self._items.popitem(last=False)

    def forget(self, key) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_KEYS = _ExpiringCache()  # key id -> Fernet, or False when the key is gone
_SUBJECT_KEYS = _ExpiringCache()  # subject -> key id


def forget_cached_keys() -> None:
    """Drop every cached key (tests; after restoring a key store)."""
    _KEYS.clear()
    _SUBJECT_KEYS.clear()


def _unwrap(wrapped: str) -> Fernet:
    try:
        return Fernet(field_keys().decrypt(wrapped.encode("ascii")))
    except InvalidToken as error:
        raise ValueError(
            "No configured field encryption key opens a subject's data key; was a key dropped "
            "before 'hostledger rotate-keys' re-wrapped the data keys?"
        ) from error


def _key(key_id: str) -> Fernet | None:
    cached = _KEYS.get(key_id)
    if cached is not None:
        return cached or None
    wrapped = subject_key_store().get(key_id)
    key = _unwrap(wrapped) if wrapped is not None else None
    _KEYS.put(key_id, key or False)
    return key


def subject_key(subject: str) -> tuple[str, Fernet]:
    """(key id, key) of ``subject``, made on first use."""
    key_id = _SUBJECT_KEYS.get(subject)
    if key_id is not None:
        key = _key(key_id)
        if key is not None:
            return key_id, key
        _SUBJECT_KEYS.forget(subject)
    store = subject_key_store()
    stored = store.current(subject)
    if stored is None:
        new_key = Fernet.generate_key()
        wrapped = field_keys().encrypt(new_key).decode("ascii")
        stored = store.create(subject, "k" + secrets.token_hex(12), wrapped)
    key_id, wrapped = stored
    key = _unwrap(wrapped)
    _KEYS.put(key_id, key)
    _SUBJECT_KEYS.put(subject, key_id)
    return key_id, key


def encrypt_for_subject(plain: str, subject: str | None) -> str:
    """Encrypt ``plain`` under ``subject``'s key; under the field keys when no subject."""
    if not subject:
        return encrypt_text(plain)
    key_id, key = subject_key(subject)
    return f"{SUBJECT_TOKEN_PREFIX}{key_id}:{key.encrypt(plain.encode('utf-8')).decode('ascii')}"


def key_id_of(stored: str) -> str | None:
    """The subject key id a stored token names, or None for a field-key token."""
    if not stored.startswith(SUBJECT_TOKEN_PREFIX):
        return None
    return stored[len(SUBJECT_TOKEN_PREFIX) :].split(":", 1)[0]


def is_erased(stored: str) -> bool:
    """Whether ``stored`` is a subject token whose key no longer exists."""
    key_id = key_id_of(stored)
    return key_id is not None and _key(key_id) is None


def decrypt_stored(stored: str) -> str:
    """Decrypt a token of either kind; :data:`ERASED` when its subject key was destroyed.

    A token that a present key cannot open is damage, not erasure: ValueError."""
    if not stored.startswith(SUBJECT_TOKEN_PREFIX):
        return decrypt_text(stored)
    key_id, _, token = stored[len(SUBJECT_TOKEN_PREFIX) :].partition(":")
    key = _key(key_id)
    if key is None:
        return ERASED
    try:
        return key.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ValueError(f"The value under data key {key_id} cannot be opened.") from error


def is_encrypted_token(stored: str) -> bool:
    return stored.startswith((TOKEN_PREFIX, SUBJECT_TOKEN_PREFIX))


# --------------------------------------------------------------------------- whose key


@cache
def _client_model():
    """The model that is the client itself (declared with ``client="id"``), and the path to
    its owner."""
    for model in apps.get_models():
        declared = subject_of(model._meta.label)
        if (
            declared is not None
            and declared.client_paths == ("id",)
            and declared.user
            and not model._meta.model_name.startswith("historical")
        ):
            return model, declared.user
    return None, ""


def owner_of_client(client_id: int) -> int | None:
    """The id of the user who owns ``client_id``."""
    model, owner_path = _client_model()
    if model is None:
        return None
    return model._base_manager.filter(pk=client_id).values_list(owner_path, flat=True).first()


def _person_first(declared: Subject) -> bool:
    """Whether a model's rows go under the person's key even when the person has a client:
    the row is the person (``user="id"``), or it reaches its client only through the person
    (``client="user__client"``). The key of a client's owner is destroyed with the client's,
    so nothing is lost by it, and no query is made to find the person's client."""
    if not declared.user:
        return False
    if declared.user == "id":
        return True
    paths = declared.client_paths
    return bool(paths) and all(path.startswith(declared.user + "__") for path in paths)


def subject_of_row(instance) -> str | None:
    """Whose key ``instance``'s encrypted values go under, from the declarations; None for
    rows of no subject (they keep the field keys)."""
    declared = subject_of(instance._meta.label)
    if declared is None:
        return None
    if _person_first(declared):
        user_id = subject_user_id_of(instance)
        if user_id is not None:
            return user_subject(user_id)
    client_id = subject_client_id_of(instance)
    if client_id is not None:
        return client_subject(client_id)
    user_id = subject_user_id_of(instance)
    return user_subject(user_id) if user_id is not None else None


def subject_of_ids(declared: Subject, client_id: int | None, user_id: int | None) -> str | None:
    """As :func:`subject_of_row`, from the ids a set-based reader already has."""
    if _person_first(declared) and user_id is not None:
        return user_subject(user_id)
    if client_id is not None:
        return client_subject(client_id)
    return user_subject(user_id) if user_id is not None else None


def is_its_own_subject(instance) -> bool:
    """Whether ``instance`` is the subject itself (a client, a person), so that its key is
    known only once the row has its id."""
    declared = subject_of(instance._meta.label)
    return (
        declared is not None
        and instance._meta.pk.name == "id"
        and ("id" in declared.client_paths or declared.user == "id")
    )


def destroy_subject_keys(subjects: list[str]) -> list[str]:
    """Destroy the keys of ``subjects`` in the store and in this process; the ids destroyed."""
    store = subject_key_store()
    destroyed: list[str] = []
    for subject in subjects:
        for key_id in store.destroy(subject):
            destroyed.append(key_id)
            _KEYS.put(key_id, False)
        _SUBJECT_KEYS.forget(subject)
    return destroyed


def rewrap_subject_keys(*, check_only: bool) -> tuple[int, int, int]:
    """Re-wrap every stored data key under the first field key; (re-wrapped, or stale with
    ``check_only``; already current; wrapped by no configured key). The values encrypted
    under the data keys do not change."""
    current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    store = subject_key_store()
    changed = up_to_date = unreadable = 0
    for key_id, wrapped in store.wrapped_keys():
        try:
            current.decrypt(wrapped.encode("ascii"))
        except InvalidToken:
            try:
                rewrapped = field_keys().rotate(wrapped.encode("ascii")).decode("ascii")
            except InvalidToken:
                unreadable += 1
                continue
            if not check_only:
                store.rewrap(key_id, wrapped, rewrapped)
            changed += 1
            continue
        up_to_date += 1
    return changed, up_to_date, unreadable
