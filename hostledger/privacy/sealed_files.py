"""Files encrypted at rest as they are written, read back decrypted as a stream (GDPR-02).

A sealed file is encrypted with a random 256-bit key of its own, in chunks of AES-256-GCM so
that neither writing nor reading ever holds more than one chunk in memory:

    header:  b"HLSF1" + 7 random bytes (the nonce prefix)
    chunk:   4-byte big-endian length of the ciphertext, then the ciphertext with its tag

Chunk ``n`` is sealed with the nonce ``prefix + n`` (5 bytes, big-endian) and the associated
data ``header + n + last`` (``last`` is 1 on the final chunk, else 0), so chunks cannot be
reordered, swapped between files or cut off at the end without the reader noticing.

The key is kept by the caller, encrypted with the field keys (``EncryptedTextField``), so
rotating the field keys re-wraps it, and clearing it makes the file unreadable.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HLSF1"
NONCE_PREFIX_BYTES = 7
CHUNK_BYTES = 1024 * 1024
"""Plain bytes per sealed chunk: the most a writer or reader holds at a time."""


class SealedFileError(ValueError):
    """The file is not a sealed file, was changed, cut off, or the key does not open it."""


def new_file_key() -> str:
    """A random key for one sealed file, as URL-safe base64 text."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _aead(key: str) -> AESGCM:
    return AESGCM(base64.urlsafe_b64decode(key.encode("ascii")))


def _associated(header: bytes, number: int, last: bool) -> bytes:
    return header + number.to_bytes(5, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A write-only binary stream that encrypts into ``path`` (created with mode 0600).

    ``tell()`` counts the plain bytes written, so :class:`zipfile.ZipFile` can write straight
    into it as into an unseekable stream. Close it to seal the last chunk; a writer left
    unclosed leaves a file the reader refuses (cut off).
    """

    def __init__(self, path: Path, key: str, *, chunk_bytes: int = CHUNK_BYTES):
        self._aead = _aead(key)
        self._chunk_bytes = chunk_bytes
        self._buffer = bytearray()
        self._number = 0
        self._plain_size = 0
        self._closed = False
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._header = MAGIC + secrets.token_bytes(NONCE_PREFIX_BYTES)
        self._file.write(self._header)

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._plain_size

    def write(self, data) -> int:
        if self._closed:
            raise ValueError("write to a closed sealed file")
        size = len(data)
        self._buffer += data
        self._plain_size += size
        while len(self._buffer) > self._chunk_bytes:
            chunk = bytes(self._buffer[: self._chunk_bytes])
            del self._buffer[: self._chunk_bytes]
            self._seal(chunk, last=False)
        return size

    def flush(self) -> None:
        pass

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = self._header[len(MAGIC) :] + self._number.to_bytes(5, "big")
        sealed = self._aead.encrypt(nonce, chunk, _associated(self._header, self._number, last))
        self._file.write(len(sealed).to_bytes(4, "big"))
        self._file.write(sealed)
        self._number += 1

    @property
    def plain_size(self) -> int:
        return self._plain_size

    def close(self) -> None:
        if self._closed:
            return
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._file.close()
        self._closed = True

    def abandon(self) -> None:
        """Close without sealing the last chunk (the file is then unreadable)."""
        if not self._closed:
            self._file.close()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if kind is None:
            self.close()
        else:
            self.abandon()
        return False


def read_sealed(path: Path, key: str) -> Iterator[bytes]:
    """The plain content of the sealed file at ``path``, chunk by chunk; raises
    :class:`SealedFileError` on a wrong key, a changed or a cut-off file."""
    aead = _aead(key)
    with open(path, "rb") as file:
        header = file.read(len(MAGIC) + NONCE_PREFIX_BYTES)
        if len(header) != len(MAGIC) + NONCE_PREFIX_BYTES or not header.startswith(MAGIC):
            raise SealedFileError("not a sealed file")
        number = 0
        pending = _next_sealed(file)
        if pending is None:
            raise SealedFileError("the sealed file is cut off")
        while pending is not None:
            following = _next_sealed(file)
            last = following is None
            nonce = header[len(MAGIC) :] + number.to_bytes(5, "big")
            try:
                yield aead.decrypt(nonce, pending, _associated(header, number, last))
            except InvalidTag as error:
                raise SealedFileError(
                    "the sealed file was changed or cut off, or the key does not open it"
                ) from error
            pending = following
            number += 1


def _next_sealed(file) -> bytes | None:
    length = file.read(4)
    if not length:
        return None
    if len(length) != 4:
        raise SealedFileError("the sealed file is cut off")
    size = int.from_bytes(length, "big")
    sealed = file.read(size)
    if len(sealed) != size:
        raise SealedFileError("the sealed file is cut off")
    return sealed
