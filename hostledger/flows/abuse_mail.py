"""Abuse reports arriving by mail to the provider's abuse address (ABU-01).

:func:`abuse_mail_receive` is the route the mail receiver (``hostledger/flows/mail_in.py``)
calls for a message to the abuse address. It reads the message — an ARF feedback report
(RFC 5965) or a plain complaint — and opens a case with the report, the machine-readable
fields and the original message as evidence, the services found by the reported addresses
and host names, and the reporter's name and address. A malformed ARF report is read as a
plain complaint and the reason recorded on the case, so nothing a reporter sent is lost; a
message whose Message-ID opened a case before returns that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from hostledger.abuse.arf import read_abuse_mail
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import AbuseCase, Source
from hostledger.core.errors import DomainError


@dataclass(frozen=True)
class AbuseMailOutcome:
    """What became of one mail: the case it opened (or had opened), whether it was read as
    ARF, and the problems met reading it."""

    case: AbuseCase
    created: bool
    is_arf: bool
    problems: tuple[str, ...]


def abuse_mail_receive(*, message: EmailMessage) -> AbuseMailOutcome:
    """Open an abuse case from a mail to the abuse address (ABU-01); see the module."""
    report = read_abuse_mail(message)
    message_id = report.message_id
    existing = AbuseCase.objects.filter(message_id=message_id).first() if message_id else None
    if existing is not None:
        return AbuseMailOutcome(existing, False, report.is_arf, tuple(report.problems))
    text = report.text
    if not text.strip() and not report.feedback_fields and not report.original:
        text = "(The message had no readable text.)"
    arguments = {
        "source": Source.MAIL,
        "category": report.category,
        "subject": report.subject,
        "text": text,
        "reporter_name": report.reporter_name,
        "ip_addresses": report.ip_addresses,
        "host_names": report.host_names,
        "message_id": message_id,
        "feedback_report": report.feedback_text(),
        "original_message": report.original,
        "problems": report.problems,
    }
    try:
        case = abuse_case_open(reporter_email=report.reporter_email, **arguments)
    except DomainError as error:
        if "reporter_email" not in error.fields:
            raise
        problems = [*report.problems, "The sender's address was not usable."]
        arguments["problems"] = problems
        case = abuse_case_open(reporter_email="", **arguments)
    return AbuseMailOutcome(case, True, report.is_arf, tuple(report.problems))
