"""Where the development mail backend writes whole messages, and the warning when it is used
outside development (GDPR-08, GDPR-11).

Django's file backend writes every message (addresses, names, bodies) to a file under
``var/mail/``. It is for development only: a production installation sends mail by SMTP or a
mail service. The retention job deletes the files after ``privacy.dev_mail_files_retention_days``
and erasure deletes the files that name the person (:mod:`hostledger.privacy.actions`).
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from django.conf import settings

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _uses_file_backend(backend_path: str) -> bool:
    return backend_path == FILE_BACKEND or backend_path.endswith("filebased.EmailBackend")


def mail_file_directories() -> list[Path]:
    """Every directory mail files may be in: those of the file backends configured, and
    ``var/mail`` (files written before the backend was changed stay there)."""
    directories = []
    for mailer in getattr(settings, "MAILERS", {}).values():
        if _uses_file_backend(mailer.get("BACKEND", "")):
            path = mailer.get("OPTIONS", {}).get("file_path")
            if path:
                directories.append(Path(path).resolve())
    default = (Path(settings.VAR_DIR) / "mail").resolve()
    if default not in directories:
        directories.append(default)
    return [directory for directory in directories if directory.is_dir()]


def file_mail_backend_warning() -> str | None:
    """A warning to show when the file backend is configured while DEBUG is off, else None."""
    if settings.DEBUG:
        return None
    for alias, mailer in getattr(settings, "MAILERS", {}).items():
        if _uses_file_backend(mailer.get("BACKEND", "")):
            return (
                f"Mail ({alias}) is written to files (the development file backend): whole "
                "messages with clients' addresses and names are kept on disk and nothing is "
                "sent. Set HOSTLEDGER_EMAIL_BACKEND (SMTP or a mail service) for production."
            )
    return None


def mail_file_texts(content: bytes) -> list[str]:
    """The readable texts of the messages a mail file holds: the raw file, and each message's
    decoded headers and decoded text parts (quoted-printable and base64 bodies included)."""
    texts = [content.decode("utf-8", errors="replace")]
    for raw in content.split(MESSAGE_SEPARATOR):
        if not raw.strip():
            continue
        message = email.message_from_bytes(raw, policy=email.policy.default)
        texts.extend(str(value) for value in message.values())
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            texts.append(payload.decode(charset, errors="replace"))
    return texts
