"""Signed reply addresses of support mail (SUP-01).

Each staff answer is mailed with a Reply-To such as ``support+T123.k3x9m2q8w1z4@example.com``:
the department's own address with the ticket's number and an HMAC of it, under
``settings.SUPPORT_REPLY_KEY`` (a key of its own, never ``SECRET_KEY``). Mail to that address
lands in the ticket's thread only when the signature is right; a guessed or altered number
is refused. The threading headers (Message-ID, In-Reply-To, References) are made here too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SIGNATURE_CHARS = 16
_TAG = re.compile(r"^T(\d{1,12})\.([a-z2-7]{" + str(SIGNATURE_CHARS) + r"})$", re.IGNORECASE)


def _signature(ticket_key: int) -> str:
    digest = hmac.new(
        settings.SUPPORT_REPLY_KEY.encode(), f"ticket-reply:{ticket_key}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_CHARS]


def reply_address(*, department_address: str, ticket_key: int) -> str:
    """The signed address a client's mail answer to ticket ``ticket_key`` goes to."""
    local, _, domain = department_address.partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+T{ticket_key}.{_signature(ticket_key)}@{domain}"


@dataclass(frozen=True)
class ReplyTag:
    """What the ``+…`` part of an address says: the ticket key, and whether it is signed
    correctly."""

    ticket_key: int
    signed: bool


def reply_tag_of(address: str) -> ReplyTag | None:
    """The reply tag of ``address``, or None when it carries none (``support@…``)."""
    local = (address or "").partition("@")[0]
    if "+" not in local:
        return None
    tag = local.split("+", 1)[1]
    found = _TAG.match(tag)
    if not found:
        # Something after "+" that is not a ticket tag: treated as an unsigned tag.
        return ReplyTag(ticket_key=0, signed=False)
    key = int(found.group(1))
    return ReplyTag(
        ticket_key=key, signed=hmac.compare_digest(found.group(2).lower(), _signature(key))
    )


def base_address(address: str) -> str:
    """``address`` without its ``+tag``: ``support+T1.x@example.com`` → ``support@example.com``."""
    local, _, domain = (address or "").partition("@")
    return f"{local.split('+', 1)[0]}@{domain}".lower()


def mail_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def thread_message_id(ticket_public_id: str) -> str:
    """The Message-ID every mail of a ticket refers to as the start of its thread."""
    return f"<{ticket_public_id}@{mail_host()}>"


def message_message_id(message_public_id: str) -> str:
    """The Message-ID of the mail of one staff answer."""
    return f"<{message_public_id}@{mail_host()}>"


_OUR_MESSAGE_ID = re.compile(r"<((?:tkt|tms)_[0-9a-z]{16})@([^<>\s]+)>")


def referenced_public_ids(*header_values: str) -> list[str]:
    """The public ids of tickets (``tkt_…``) and staff answers (``tms_…``) that the given
    ``In-Reply-To`` and ``References`` values name in Message-IDs of this installation,
    in the order they stand."""
    found = []
    for value in header_values:
        for public_id, host in _OUR_MESSAGE_ID.findall(value or ""):
            if host.lower() == mail_host().lower() and public_id not in found:
                found.append(public_id)
    return found
