"""Reading an incoming support mail (SUP-01): the standard library's ``email`` parser with
``policy.default``, bounded in size, tolerant of broken mail, and the signs of mail that must
never open a ticket or add to one (auto-replies, bulk and list mail, delivery reports).

Nothing here writes; :mod:`hostledger.flows.mail_in` decides where a mail goes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings

from hostledger.support.actions.attachments import AttachmentUpload

NO_SUBJECT = "(no subject)"
NO_TEXT = "(The mail had no text.)"
HEADER_MAX_CHARS = 2000
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


class _TextOfHtml(HTMLParser):
    """The text of an HTML part: tags dropped, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def text_of_html(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


@dataclass
class InboundMail:
    """One received mail as the routing needs it."""

    sender: str
    envelope_sender: str | None
    recipients: list[str]
    subject: str
    body: str
    message_id: str
    mail_key: str
    headers: EmailMessage
    attachments: list[AttachmentUpload] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_delivery_report(self) -> bool:
        """A delivery status or disposition report (RFC 3464, RFC 8098): a bounce or a read
        receipt. A feedback report (ARF, RFC 5965) is a report about abuse, not about
        delivery, and is not one."""
        if self.headers.get_content_type() != "multipart/report":
            return False
        report_type = str(self.headers.get_param("report-type", "") or "").lower()
        return report_type != "feedback-report"


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return " ".join(str(value or "").split())[:HEADER_MAX_CHARS]


def _address(value: str) -> str:
    return parseaddr(value or "")[1].strip().lower()


def mail_key_of(message_id: str, raw: bytes) -> str:
    """A keyed hash of the Message-ID (or of the whole mail when it has none), so the same
    mail delivered twice is recognised without keeping its id in clear."""
    source = message_id.encode("utf-8", "replace") if message_id else raw
    key = hmac.new(settings.BLIND_INDEX_KEY.encode(), b"support-mail", hashlib.sha256).digest()
    return hmac.new(key, source, hashlib.sha256).hexdigest()


def _text_body(message: EmailMessage, problems: list[str]) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        if message.is_multipart():
            return ""
        part = message
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        problems.append("the text's character set could not be read; shown as UTF-8")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = text_of_html(content)
    return content


def _attachments(message: EmailMessage, problems: list[str]) -> list[AttachmentUpload]:
    found = []
    try:
        parts = list(message.iter_attachments()) if message.is_multipart() else []
    except Exception:
        problems.append("the attachments could not be read")
        return []
    for part in parts:
        if part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            problems.append("an attachment could not be decoded")
            continue
        found.append(
            AttachmentUpload(
                file_name=part.get_filename() or "attachment",
                data=data,
                claimed_type=part.get_content_type(),
            )
        )
    return found


def parse_mail(
    raw: bytes, *, recipients: list[str] | None = None, envelope_sender: str | None = None
) -> InboundMail:
    """Read ``raw`` (already checked against the size limit). ``recipients`` are the envelope
    recipients when known (SMTP); piped mail falls back to the headers that name them."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    problems: list[str] = []
    if message.defects:
        problems.append(
            "the mail is malformed: "
            + ", ".join(type(defect).__name__ for defect in message.defects[:5])
        )
    if not recipients:
        named = []
        for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
            named.extend(address for _, address in getaddresses([_header(message, name)]))
        recipients = [address for address in named if "@" in address]
    message_id = _header(message, "Message-ID")
    sender = _address(_header(message, "From"))
    return InboundMail(
        sender=sender,
        envelope_sender=envelope_sender,
        recipients=[address.strip().lower() for address in recipients if address],
        subject=_header(message, "Subject") or NO_SUBJECT,
        body=_text_body(message, problems).strip() or NO_TEXT,
        message_id=message_id,
        # With the sender, so that a guessed Message-ID sent first cannot block a client's mail.
        mail_key=mail_key_of(f"{sender}\n{message_id}" if message_id else "", raw),
        headers=message,
        attachments=_attachments(message, problems),
        problems=problems,
    )


def automatic_reason(
    mail: InboundMail, *, own_addresses: set[str], robots_welcome: bool = False
) -> str:
    """Why ``mail`` must not open a ticket or add to one (RFC 3834 and habits of mail
    servers), or "" when it is a person's mail. With ``robots_welcome`` (an address whose
    reports are sent by programs, such as the abuse desk's feedback loops), mail marked as
    automatic is taken; bounces, delivery reports and our own mail never are."""
    headers = mail.headers
    if not robots_welcome:
        auto_submitted = _header(headers, "Auto-Submitted").lower()
        if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
            return f"Auto-Submitted: {auto_submitted}"
        precedence = _header(headers, "Precedence").lower()
        if precedence in _AUTOMATIC_PRECEDENCE:
            return f"Precedence: {precedence}"
        for name in _AUTO_REPLY_HEADERS:
            if _header(headers, name):
                return f"{name} is set"
    if mail.is_delivery_report:
        return "a delivery status report"
    if mail.envelope_sender is not None and mail.envelope_sender.strip("<> ") == "":
        return "an empty envelope sender (a bounce)"
    if mail.sender in own_addresses or _base(mail.sender) in own_addresses:
        return "mail from one of our own addresses"
    if not mail.sender:
        return "no sender address"
    return ""


def _base(address: str) -> str:
    local, _, domain = (address or "").partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def own_addresses_of(department_addresses: set[str]) -> set[str]:
    """The department addresses and the provider's sending addresses."""
    addresses = {address.lower() for address in department_addresses}
    for value in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL):
        address = _address(value)
        if address:
            addresses.add(address)
    return addresses
