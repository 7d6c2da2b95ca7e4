"""The media type of an attachment, recognised from its first bytes (SUP-01).

The name and the type a sender claims are never trusted: a file is stored and served with
the type its content shows, and refused when that type is not allowed. Text is recognised
only when it decodes as UTF-8 without control characters, and text that looks like HTML,
SVG or XML is told apart so that it can be refused (a browser would run its scripts).
"""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"PK\x05\x06", 0, "application/zip"),
    (b"\x1f\x8b", 0, "application/gzip"),
    (b"MZ", 0, "application/x-msdownload"),
    (b"\x7fELF", 0, "application/x-executable"),
)

_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml")
_ALLOWED_CONTROL = frozenset(b"\t\n\r\x0c")


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(ord(char) < 32 and ord(char) not in _ALLOWED_CONTROL for char in text)


def sniffed_type(data: bytes) -> str:
    """The media type the content of ``data`` shows."""
    head = data[:4096]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, offset, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if _looks_like_text(head):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith(_MARKUP_STARTS) or b"<script" in head.lower():
            return "text/html"
        return "text/plain"
    return OCTET_STREAM
