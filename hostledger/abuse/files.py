"""The media type of an evidence file, read from its bytes, never from its name or the type
its sender declared (ABU-01): a file that says it is a picture but is a program is refused."""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
)
_MAIL_HEADERS = (
    b"received:",
    b"from:",
    b"return-path:",
    b"delivered-to:",
    b"message-id:",
    b"date:",
    b"subject:",
    b"to:",
    b"mime-version:",
    b"dkim-signature:",
)


def sniff_media_type(content: bytes) -> str:
    """The media type the bytes are: a known signature, a mail message (RFC 5322 header
    lines first), plain UTF-8 text, or ``application/octet-stream``."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    head = content[:4096]
    if b"\x00" in head:
        return OCTET_STREAM
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return OCTET_STREAM
    first_line = text.lstrip()[:200].split("\n", 1)[0].lower().encode()
    if first_line.startswith(_MAIL_HEADERS):
        return "message/rfc822"
    return "text/plain"
