"""Search everything HostLedger stores for a data subject's identifying strings (GDPR-04,
GDPR-11): every text and binary column of every table, files under the var dir and captured
logs, in the encodings an outside scan tries.

A value is searched as stored, and again after each decoding that could hide a string:
base64 (at every alignment, standard and URL-safe), zlib/gzip (Django's signed session data,
compressed containers), ZIP archives, and HostLedger's own encryption where the configured keys
still open it. A string is looked for plain, case-folded, URL-encoded, JSON-escaped,
quoted-printable and base64-encoded at every alignment.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import quopri
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

from django.apps import apps
from django.db import connection

from hostledger.core.subject_keys import decrypt_stored, is_encrypted_token

BASE64_RUN = re.compile(rb"[A-Za-z0-9+/=_-]{16,}")
MAX_DEPTH = 3


@dataclass(frozen=True)
class Finding:
    where: str  # "table.column #pk", a file path, or "log"
    needle: str
    form: str  # which encoding matched

    def __str__(self) -> str:
        return f"{self.where}: {self.needle!r} ({self.form})"


def needle_forms(needle: str) -> dict[str, bytes]:
    """The byte patterns that betray ``needle``: one per encoding."""
    forms: dict[str, bytes] = {}
    raw = needle.encode("utf-8")
    forms["plain"] = raw
    forms["casefold"] = needle.casefold().encode("utf-8")
    forms["url"] = quote(needle, safe="").encode("ascii")
    forms["url_plus"] = quote_plus(needle).encode("ascii")
    forms["json"] = json.dumps(needle)[1:-1].encode("ascii")
    forms["quoted_printable"] = quopri.encodestring(raw).rstrip(b"=\n")
    for offset in range(3):
        # The needle placed at each alignment of a base64 stream: keep only the characters
        # that depend on the needle alone.
        encoded = base64.b64encode(b"\0" * offset + raw)
        start = (offset * 4 + 2) // 3 + (1 if offset else 0)
        end = len(encoded) - 4
        if end - start >= 6:
            forms[f"base64@{offset}"] = encoded[start:end]
            forms[f"base64url@{offset}"] = base64.urlsafe_b64encode(b"\0" * offset + raw)[start:end]
    return {name: pattern for name, pattern in forms.items() if pattern}


def _decodings(value: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """``value`` and what it decodes to, recursively (bounded)."""
    yield "", value
    if depth >= MAX_DEPTH:
        return
    text = value.decode("utf-8", "ignore")
    if is_encrypted_token(text):
        try:  # under the field keys or a subject key still in the key store
            opened = decrypt_stored(text).encode("utf-8")
        except ValueError:
            opened = b""
        if opened:
            for how, decoded in _decodings(opened, depth + 1):
                yield "decrypted" + (f"+{how}" if how else ""), decoded
    for decompress in (zlib.decompress, lambda data: zlib.decompress(data, 47)):
        try:
            opened = decompress(value)
        except zlib.error:
            continue
        for how, decoded in _decodings(opened, depth + 1):
            yield "zlib" + (f"+{how}" if how else ""), decoded
        break
    if value[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                for name in archive.namelist():
                    for how, decoded in _decodings(archive.read(name), depth + 1):
                        yield f"zip:{name}" + (f"+{how}" if how else ""), decoded
        except (zipfile.BadZipFile, RuntimeError, OSError):
            pass
    for run in BASE64_RUN.findall(value):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                opened = decode(run + b"=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            for how, decoded in _decodings(opened, depth + 1):
                yield "base64" + (f"+{how}" if how else ""), decoded


def search_bytes(where: str, value: bytes, needles: Iterable[str]) -> list[Finding]:
    forms = {needle: needle_forms(needle) for needle in needles}
    found = []
    for how, decoded in _decodings(value):
        lowered = decoded.lower()
        for needle, patterns in forms.items():
            for form, pattern in patterns.items():
                haystack = lowered if form == "casefold" else decoded
                if pattern in haystack:
                    found.append(Finding(where, needle, f"{how}:{form}" if how else form))
                    break
    return found


def _as_bytes(value) -> bytes | None:
    if value is None or isinstance(value, bool | int | float):
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def search_database(needles: Iterable[str], *, skip: Iterable[str] = ()) -> list[Finding]:
    """Every column of every row of every table (``skip`` names ``table.column`` pairs kept in
    clear by decision, such as the login e-mail), searched with plain SQL."""
    needles = list(needles)
    skipped = set(skip)
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if f"{table}.{column}" in skipped:
                        continue
                    data = _as_bytes(value)
                    if data:
                        found.extend(search_bytes(f"{table}.{column}", data, needles))
    return found


def search_files(root: Path, needles: Iterable[str]) -> list[Finding]:
    """Every file under ``root``."""
    needles = list(needles)
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            found.extend(search_bytes(str(path), path.read_bytes(), needles))
    return found


def model_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
