"""Mail as a client's program or a robot writes it, for the mail-in tests."""

from __future__ import annotations

from email.message import EmailMessage

from hostledger.support.models import Ticket
from hostledger.support.reply_addresses import reply_address


def mail(
    *,
    sender: str = "Anna Tamm <anna@example.com>",
    to: str = "support@localhost",
    subject: str = "Help",
    body: str = "My server is down.",
    message_id: str = "<m1@example.com>",
    headers: dict | None = None,
    files: list[tuple[str, bytes, str]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data, media_type in files:
        main, _, sub = media_type.partition("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message.as_bytes()


def reply_to(ticket: Ticket) -> str:
    return reply_address(department_address=ticket.department.mail_address, ticket_key=ticket.pk)
