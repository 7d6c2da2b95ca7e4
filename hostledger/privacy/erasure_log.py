"""The erasure log: which subjects were erased when, kept apart from the database (GDPR-14).

A backup taken before an erasure still holds the erased subject. So that a restore never
brings it back, every erasure appends one line to a file outside the database
(``settings.ERASURE_LOG_PATH``, default ``var/privacy/erasure-log``), and ``hostledger
restore`` replays, through the registered replayers, every erasure recorded at or after the
backup's time.

Each line holds only an opaque subject id (a client's public id such as ``cli_…``) and a time,
never personal data::

    v1<TAB>2026-12-07T03:10:52.123456Z<TAB>cli_8f3k2m<TAB><hmac>

``hmac`` is HMAC-SHA256 under ``settings.ERASURE_LOG_KEY`` over the previous line's hmac and
this line's text, so a changed, removed, inserted or reordered line is detected when the log
is read. Appends take an exclusive lock on the file and are flushed to disk before returning.

The eraser calls :func:`erasure_log_record` inside its erasure's transaction, just before it
commits: a line whose erasure then rolled back only makes a later replay erase again (erasure
is idempotent and the eraser refuses what it must refuse), whereas an erasure committed
without its line could be undone by a restore.

Replayers: the eraser registers a callable with :func:`register_erasure_replayer`; it is
called as ``replayer(subject=..., erased_at=...)`` once per logged erasure after a restore,
against the restored database, and must be idempotent (a subject may already be gone).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError

FORMAT_VERSION = "v1"
# The first line's predecessor in the HMAC chain.
CHAIN_START = "0" * 64
# A subject is an opaque id: letters, digits and _ . : - only, so an e-mail address or a
# name can never be written to the log by mistake.
SUBJECT_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Bytes read from the end of the file to find the last line (lines are < 250 bytes).
_TAIL_BYTES = 4096

ErasureReplayer = Callable[..., None]
_REPLAYERS: list[ErasureReplayer] = []


@dataclass(frozen=True)
class ErasureLogEntry:
    """One logged erasure: the subject's opaque id and when it was erased (UTC)."""

    subject: str
    erased_at: datetime


def erasure_log_path() -> Path:
    return Path(settings.ERASURE_LOG_PATH)


def _line_mac(previous_mac: str, text: str) -> str:
    message = f"{previous_mac}\n{text}".encode()
    return hmac.new(settings.ERASURE_LOG_KEY.encode(), message, hashlib.sha256).hexdigest()


def _tampered(number: int, why: str) -> DomainError:
    return DomainError(
        "erasure_log_tampered",
        _(
            "The erasure log %(erasure_log_path)s fails its check at line %(number)s:"
            " %(why)s. It was changed outside HostLedger or written under another "
            "ERASURE_LOG_KEY; restore it from a safe copy before relying on it."
        )
        % {"erasure_log_path": erasure_log_path(), "number": number, "why": why},
    )


def _last_mac(handle) -> str:
    """The hmac of the file's last line, or CHAIN_START for an empty file."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return CHAIN_START
    handle.seek(max(0, size - _TAIL_BYTES))
    tail = handle.read().decode("ascii", errors="replace")
    last = tail.rstrip("\n").rsplit("\n", 1)[-1]
    return last.rsplit("\t", 1)[-1]


def erasure_log_record(*, subject: str, erased_at: datetime) -> ErasureLogEntry:
    """Append the erasure of ``subject`` at ``erased_at`` to the erasure log (GDPR-04, GDPR-14).

    ``subject`` is the erased subject's opaque id (e.g. a client's public id); anything else
    (an e-mail address, a name) is refused. ``erased_at`` must be an aware datetime.
    """
    subject = str(subject or "").strip()
    if not SUBJECT_PATTERN.match(subject):
        raise DomainError(
            "invalid_subject",
            _(
                "The erasure log holds opaque ids only: letters, digits and _ . : - (at "
                "most 100 characters)."
            ),
            fields={"subject": "must be an opaque id"},
        )
    if not isinstance(erased_at, datetime) or erased_at.tzinfo is None:
        raise DomainError(
            "invalid_erased_at",
            _("The time of an erasure must be an aware date and time."),
            fields={"erased_at": "must be an aware datetime"},
        )
    erased_at = erased_at.astimezone(UTC)
    path = erasure_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            text = f"{FORMAT_VERSION}\t{erased_at.strftime(_TIME_FORMAT)}\t{subject}"
            line = f"{text}\t{_line_mac(_last_mac(handle), text)}\n"
            handle.write(line.encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return ErasureLogEntry(subject=subject, erased_at=erased_at)


def erasure_log_entries() -> list[ErasureLogEntry]:
    """Every logged erasure in the order recorded, after checking the whole HMAC chain.

    A missing file is an empty log. DomainError ``erasure_log_tampered`` names the first line
    that fails the check.
    """
    path = erasure_log_path()
    if not path.exists():
        return []
    entries = []
    previous_mac = CHAIN_START
    with path.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("ascii")
                except UnicodeDecodeError:
                    raise _tampered(number, "it is not plain ASCII") from None
                if not line.endswith("\n"):
                    raise _tampered(number, "the line is incomplete")
                parts = line[:-1].split("\t")
                if len(parts) != 4 or parts[0] != FORMAT_VERSION:
                    raise _tampered(number, "the line is not in the log's format")
                text, mac = "\t".join(parts[:3]), parts[3]
                if not hmac.compare_digest(mac, _line_mac(previous_mac, text)):
                    raise _tampered(number, "its HMAC does not match")
                try:
                    erased_at = datetime.strptime(parts[1], _TIME_FORMAT).replace(tzinfo=UTC)
                except ValueError:
                    raise _tampered(number, "its time cannot be read") from None
                entries.append(ErasureLogEntry(subject=parts[2], erased_at=erased_at))
                previous_mac = mac
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return entries


def erasure_log_entries_since(when: datetime) -> list[ErasureLogEntry]:
    """The logged erasures made at or after ``when``, oldest first (the whole log is checked)."""
    if when.tzinfo is None:
        raise ValueError("erasure_log_entries_since needs an aware datetime.")
    return sorted(
        (entry for entry in erasure_log_entries() if entry.erased_at >= when),
        key=lambda entry: entry.erased_at,
    )


def register_erasure_replayer(replayer: ErasureReplayer) -> ErasureReplayer:
    """Register ``replayer(*, subject, erased_at)`` to be called per erasure after a restore.

    Registering the same callable twice registers it once. Returns it, so it can be used as
    a decorator.
    """
    if replayer not in _REPLAYERS:
        _REPLAYERS.append(replayer)
    return replayer


def unregister_erasure_replayer(replayer: ErasureReplayer) -> None:
    """Remove a registered replayer (nothing happens if it is not registered)."""
    if replayer in _REPLAYERS:
        _REPLAYERS.remove(replayer)


def registered_erasure_replayers() -> list[ErasureReplayer]:
    """The registered replayers, in the order registered."""
    return list(_REPLAYERS)
