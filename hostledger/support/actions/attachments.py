"""Checking and storing the files attached to ticket messages (SUP-01).

A file is refused, with the limit named, when it is empty, larger than
``support.attachment_max_bytes``, one too many (``support.attachments_per_message``) or of a
type outside ``support.attachment_types`` as recognised from its content
(:mod:`hostledger.support.sniffing`). Bytes are kept once per client and content, encrypted
under the client's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.support import conf
from hostledger.support.models import Attachment, AttachmentContent, TicketMessage
from hostledger.support.sniffing import sniffed_type

FILE_NAME_MAX_CHARS = 200


@dataclass(frozen=True)
class AttachmentUpload:
    """A file as received: its name and claimed type as the sender gave them, and its bytes.
    The claimed type is kept out of every decision."""

    file_name: str
    data: bytes
    claimed_type: str = ""


@dataclass(frozen=True)
class CheckedAttachment:
    file_name: str
    data: bytes
    content_type: str


def allowed_types() -> set[str]:
    raw = str(setting_value(conf.ATTACHMENT_TYPES) or "")
    return {item.strip().lower() for item in raw.split(",") if item.strip()}


def safe_file_name(name: str) -> str:
    """The file name without any folder, control characters or quotes, at most 200
    characters; "attachment" when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char)[0] != "C" and char not in "\"'<>"
    ).strip(" .")
    return name[:FILE_NAME_MAX_CHARS] or "attachment"


def attachments_check(uploads, *, field: str = "attachments") -> list[CheckedAttachment]:
    """The uploads checked against the limits; DomainError naming ``field`` and the file at
    the first refusal (nothing is stored then)."""
    uploads = list(uploads or ())
    most = setting_value(conf.ATTACHMENTS_PER_MESSAGE)
    if len(uploads) > most:
        raise DomainError(
            "too_many_attachments",
            _("A message can carry at most %(most)s attachments.") % {"most": most},
            fields={field: f"at most {most} files"},
        )
    largest = setting_value(conf.ATTACHMENT_MAX_BYTES)
    allowed = allowed_types()
    checked = []
    for upload in uploads:
        name = safe_file_name(upload.file_name)
        data = bytes(upload.data or b"")
        if not data:
            raise DomainError(
                "empty_attachment",
                _("The file %(name)s is empty.") % {"name": name},
                fields={field: f"{name}: empty file"},
            )
        if len(data) > largest:
            raise DomainError(
                "attachment_too_large",
                _("The file %(name)s is larger than %(largest)s bytes.")
                % {"name": name, "largest": f"{largest:,}"},
                fields={field: f"{name}: larger than {largest:,} bytes"},
            )
        content_type = sniffed_type(data)
        if content_type not in allowed:
            raise DomainError(
                "attachment_type_not_allowed",
                _(
                    "The content of %(name)s is %(content_type)s, which cannot be attached "
                    "(allowed: %(allowed)s)."
                )
                % {
                    "name": name,
                    "content_type": content_type,
                    "allowed": ", ".join(sorted(allowed)),
                },
                fields={field: f"{name}: content is {content_type}, not allowed"},
            )
        checked.append(CheckedAttachment(file_name=name, data=data, content_type=content_type))
    return checked


def content_hash_of(data: bytes) -> str:
    """A keyed SHA-256 of the bytes: equal files of one client are stored once, and the column
    cannot confirm a guessed file without the key."""
    key = hmac.new(settings.BLIND_INDEX_KEY.encode(), b"support-attachment", hashlib.sha256)
    return hmac.new(key.digest(), data, hashlib.sha256).hexdigest()


def attachment_content_store(*, client, data: bytes, now: datetime) -> AttachmentContent:
    """The stored content of ``data`` for ``client``, made when it is new."""
    content_hash = content_hash_of(data)
    existing = AttachmentContent.objects.filter(client=client, content_hash=content_hash).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return AttachmentContent.objects.create(
                client=client,
                content_hash=content_hash,
                size=len(data),
                data=base64.b64encode(data).decode("ascii"),
                created_at=now,
            )
    except IntegrityError:
        return AttachmentContent.objects.get(client=client, content_hash=content_hash)


def attachments_store(
    *, message: TicketMessage, files: list[CheckedAttachment], now: datetime
) -> list[Attachment]:
    """Attach checked files to ``message`` (in the caller's transaction)."""
    client = message.ticket.client
    stored = []
    for item in files:
        content = attachment_content_store(client=client, data=item.data, now=now)
        stored.append(
            Attachment.objects.create(
                message=message,
                content=content,
                file_name=item.file_name,
                content_type=item.content_type,
                size=len(item.data),
                created_at=now,
            )
        )
    return stored
