"""The file format and naming of HostLedger's encrypted backups (GDPR-14).

Version 1: a header ``HLBACKUP`` | version (1 byte) | key id (8 bytes) | salt (16 bytes) |
length (2 bytes) and JSON of the backup's time and database; then chunks of at most 1 MiB of
plain text, each ``length (4 bytes, top bit = last chunk) | AES-256-GCM ciphertext``. The file
key is HKDF-SHA256 of the backup key with the salt; each chunk's nonce is its number and the
last-chunk flag (the STREAM construction), and the header is the associated data of every
chunk, so a changed, reordered, removed or truncated chunk or a changed header fails to
decrypt. Memory stays bounded by the chunk size whatever the size of the database.

The key id (8 bytes of an HMAC of the key) tells "encrypted under another key" apart from "the
file was changed". Backups are named ``hostledger-<UTC time>-<database>.hlbackup``, with the
manifest ``….manifest.json`` beside them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from hostledger.core.errors import DomainError

FORMAT_VERSION = 1
MAGIC = b"HLBACKUP"
CHUNK_SIZE = 1024 * 1024
LAST_CHUNK_FLAG = 0x8000_0000
SUFFIX = ".hlbackup"
MANIFEST_SUFFIX = ".manifest.json"
NAME_PATTERN = re.compile(r"^hostledger-(\d{8}T\d{6}Z)-(sqlite|postgresql)\.hlbackup$")
NAME_TIME = "%Y%m%dT%H%M%SZ"
_HEADER_FIXED = struct.Struct(">8sB8s16sH")


def _refused(code: str, message: str) -> DomainError:
    return DomainError(code, message)


# --- names ---------------------------------------------------------------------------------


def backup_dir() -> Path:
    """The folder backups are written to (``HOSTLEDGER_BACKUP_DIR``)."""
    return Path(settings.BACKUP_DIR)


def manifest_path_for(path: Path) -> Path:
    """The manifest beside the backup at ``path``."""
    return path.with_name(path.name.removesuffix(SUFFIX) + MANIFEST_SUFFIX)


def iso_time(moment: datetime) -> str:
    """``moment`` in UTC, ISO 8601."""
    return moment.astimezone(UTC).isoformat()


# --- keys ----------------------------------------------------------------------------------


def _key_bytes(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        raise _refused(
            "backup_key_invalid",
            "BACKUP_KEY must be 32 random bytes in URL-safe base64 "
            "(make one with 'hostledger backup new-key').",
        )
    return key


def _key_id(key: bytes) -> bytes:
    return hmac.new(key, b"hostledger backup key id", hashlib.sha256).digest()[:8]


def backup_keys() -> dict[bytes, bytes]:
    """The configured backup keys by key id; the first one encrypts."""
    keys = [_key_bytes(text) for text in settings.BACKUP_KEYS]
    if not keys:
        raise _refused("backup_key_missing", "No BACKUP_KEY is configured.")
    return {_key_id(key): key for key in keys}


def _file_cipher(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"hostledger backup v1"
    ).derive(key)
    return AESGCM(derived)


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


# --- the encrypted stream -------------------------------------------------------------------


class EncryptingWriter:
    """Encrypts what is written to it into ``handle`` in chunks, hashing the plain text."""

    def __init__(self, handle, *, created_at: datetime, database: str):
        key_id, key = next(iter(backup_keys().items()))
        salt = os.urandom(16)
        meta = json.dumps(
            {"created_at": iso_time(created_at), "database": database}, sort_keys=True
        ).encode()
        self.header = _HEADER_FIXED.pack(MAGIC, FORMAT_VERSION, key_id, salt, len(meta)) + meta
        self._cipher = _file_cipher(key, salt)
        self._handle = handle
        self._buffer = bytearray()
        self._number = 0
        self.size = 0
        self.digest = hashlib.sha256()
        handle.write(self.header)

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.digest.update(data)
        self._buffer += data
        # A chunk is written only when more follows, so the last one can be flagged.
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._number, last), plain, self.header)
        self._handle.write(struct.pack(">I", len(sealed) | (LAST_CHUNK_FLAG if last else 0)))
        self._handle.write(sealed)
        self._number += 1


def _read_exactly(handle, count: int) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise _refused("backup_damaged", "The backup is truncated or damaged.")
    return data


def read_header(handle) -> tuple[dict, bytes, AESGCM]:
    """Read and check a backup's header: (metadata, header bytes, the file's cipher)."""
    fixed = handle.read(_HEADER_FIXED.size)
    if len(fixed) != _HEADER_FIXED.size or not fixed.startswith(MAGIC):
        raise _refused("backup_not_a_backup", "This file is not a HostLedger backup.")
    _magic, version, key_id, salt, meta_length = _HEADER_FIXED.unpack(fixed)
    if version != FORMAT_VERSION:
        raise _refused(
            "backup_format_unknown", f"The backup's format version {version} is not known."
        )
    meta_bytes = _read_exactly(handle, meta_length)
    key = backup_keys().get(key_id)
    if key is None:
        raise _refused(
            "backup_wrong_key",
            "The backup was encrypted under a key that is not among the configured BACKUP_KEY "
            "values; it cannot be opened with them.",
        )
    try:
        meta = json.loads(meta_bytes)
        meta["created_at"] = datetime.fromisoformat(meta["created_at"])
    except (ValueError, KeyError, TypeError):
        raise _refused("backup_damaged", "The backup's header is damaged.") from None
    return meta, fixed + meta_bytes, _file_cipher(key, salt)


def decrypted_chunks(handle, header: bytes, cipher: AESGCM) -> Iterator[bytes]:
    """The plain chunks of a backup after its header, each authenticated before it is given.

    Raises DomainError ``backup_tampered`` when a chunk fails its check, the last chunk is
    missing or data follows it.
    """
    number = 0
    while True:
        prefix = handle.read(4)
        if len(prefix) != 4:
            raise _refused("backup_tampered", "The backup is truncated: its last part is missing.")
        (length,) = struct.unpack(">I", prefix)
        last = bool(length & LAST_CHUNK_FLAG)
        sealed = handle.read(length & ~LAST_CHUNK_FLAG)
        try:
            plain = cipher.decrypt(_nonce(number, last), sealed, header)
        except InvalidTag:
            raise _refused(
                "backup_tampered",
                f"Part {number + 1} of the backup fails its authentication: the file was "
                "changed or damaged.",
            ) from None
        yield plain
        number += 1
        if last:
            if handle.read(1):
                raise _refused("backup_tampered", "Data follows the backup's last part.")
            return
