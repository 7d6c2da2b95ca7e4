"""Reading abuse reports that arrive by mail: ARF feedback reports (RFC 5965) and plain
complaints (ABU-01).

:func:`read_abuse_mail` turns a parsed :class:`email.message.EmailMessage` into a
:class:`MailReport`: who sent it, its subject, its human-readable text, the fields of the
machine-readable ``message/feedback-report`` part, the original message, the addresses and
host names it is about, the category it suggests and the problems met on the way. It never
raises on what a sender can put in a message: a report it cannot read as ARF is read as a
plain complaint and the reason is in ``problems``, so nothing a reporter sent is lost.

Pure functions of the message; no database.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr

from hostledger.abuse.models import Category

ARF_REPORT_TYPE = "feedback-report"
ARF_PART_TYPE = "message/feedback-report"
ORIGINAL_PART_TYPES = ("message/rfc822", "text/rfc822-headers")

FEEDBACK_TYPE_CATEGORY = {
    "abuse": Category.SPAM,
    "fraud": Category.PROHIBITED_CONTENT,
    "virus": Category.SECURITY_THREAT,
    "auth-failure": Category.SECURITY_THREAT,
    "other": Category.SPAM,
    "not-spam": Category.SPAM,
}
"""The case category of each ARF Feedback-Type (RFC 5965 §7.3, RFC 6591)."""

KEYWORD_CATEGORIES = (
    (
        re.compile(r"copyright|dmca|infring|trademark|intellectual property", re.I),
        Category.THIRD_PARTY_CLAIM,
    ),
    (
        re.compile(r"court order|police|prosecutor|authority|law enforcement", re.I),
        Category.AUTHORITY_ORDER,
    ),
    (
        re.compile(r"phish|malware|virus|botnet|ddos|brute.?force|scan|attack|exploit", re.I),
        Category.SECURITY_THREAT,
    ),
    (re.compile(r"cpu|load|overuse|bandwidth|resource", re.I), Category.RESOURCE_OVERUSE),
    (re.compile(r"spam|unsolicited|bulk mail", re.I), Category.SPAM),
)
"""Words of a plain complaint that suggest its category, first match wins; spam otherwise."""

MAX_TARGETS = 20
"""At most this many addresses and host names are taken from one report."""

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![0-9a-fA-F:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![0-9a-fA-F:])")
_URL_HOST = re.compile(r"https?://([A-Za-z0-9.-]{1,253})", re.I)


@dataclass
class MailReport:
    """What an abuse mail says, as far as it could be read."""

    reporter_name: str = ""
    reporter_email: str = ""
    subject: str = ""
    message_id: str = ""
    text: str = ""
    is_arf: bool = False
    feedback_fields: list[tuple[str, str]] = field(default_factory=list)
    feedback_type: str = ""
    original: str = ""
    ip_addresses: list[str] = field(default_factory=list)
    host_names: list[str] = field(default_factory=list)
    category: str = Category.SPAM
    problems: list[str] = field(default_factory=list)

    def feedback_text(self) -> str:
        """The machine-readable fields as ``Name: value`` lines, for the case's evidence."""
        return "\n".join(f"{name}: {value}" for name, value in self.feedback_fields)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name, "")
    except Exception:
        return ""
    return " ".join(str(value or "").split())


def _decoded_text(part: Message) -> str:
    """The text of a leaf part, decoded by its charset (replacement characters for bytes
    that are not in it)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _part_as_text(part: Message) -> str:
    """A message/* part as text: its inner message's headers and body as sent."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner:
        try:
            return inner[0].as_string()
        except Exception:
            return str(inner[0])
    if isinstance(inner, Message):
        return inner.as_string()
    return _decoded_text(part)


def _feedback_fields(part: Message) -> list[tuple[str, str]]:
    """The ``Name: value`` fields of a message/feedback-report part, in order."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        items = inner[0].items()
    else:
        items = HeaderParser().parsestr(_decoded_text(part)).items()
    return [(str(name).strip(), " ".join(str(value).split())) for name, value in items]


def _first_text_body(message: Message) -> str:
    """The first text/plain part outside the attached original, else the first text/html
    (kept as text: it is shown escaped)."""
    plain = html = None
    for part in message.walk():
        if part.get_content_type() in ORIGINAL_PART_TYPES or part.is_multipart():
            continue
        if part.get_content_maintype() == "message":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain" and plain is None:
            plain = _decoded_text(part)
        elif content_type == "text/html" and html is None:
            html = _decoded_text(part)
    return plain if plain is not None else (html or "")


def _clean_ip(candidate: str) -> str:
    try:
        address = ipaddress.ip_address(candidate.strip().strip("[]"))
    except ValueError:
        return ""
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return ""
    return str(address)


def _clean_host(candidate: str) -> str:
    host = candidate.strip().strip(".<>[]()").lower()
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if "." not in host or len(host) > 253 or _clean_ip(host):
        return ""
    if not re.fullmatch(r"[a-z0-9.-]+", host) or ".." in host:
        return ""
    return host


def _add(targets: list[str], value: str) -> None:
    if value and value not in targets and len(targets) < MAX_TARGETS:
        targets.append(value)


def _targets_from_text(report: MailReport, text: str) -> None:
    for match in _IPV4.findall(text):
        _add(report.ip_addresses, _clean_ip(match))
    for match in _IPV6.findall(text):
        if match.count(":") >= 2:
            _add(report.ip_addresses, _clean_ip(match))
    for match in _URL_HOST.findall(text):
        _add(report.host_names, _clean_host(match))


def _category_of_text(text: str) -> str:
    for pattern, category in KEYWORD_CATEGORIES:
        if pattern.search(text):
            return category
    return Category.SPAM


def _read_arf(message: Message, report: MailReport) -> bool:
    """Fill ``report`` from an ARF report; False (with the reason in ``problems``) when the
    message is not a well-formed one."""
    parts = message.get_payload()
    if not isinstance(parts, list):
        report.problems.append("The report is not multipart although it says it is.")
        return False
    feedback_parts = [part for part in parts if part.get_content_type() == ARF_PART_TYPE]
    if not feedback_parts:
        report.problems.append(
            "The ARF report has no message/feedback-report part (RFC 5965 §2 b)."
        )
        return False
    fields = _feedback_fields(feedback_parts[0])
    names = {name.lower() for name, _ in fields}
    missing = [
        name for name in ("Feedback-Type", "User-Agent", "Version") if name.lower() not in names
    ]
    report.feedback_fields = fields
    if missing:
        report.problems.append(
            "The feedback report lacks the required field(s) "
            + ", ".join(missing)
            + " (RFC 5965 §3.1)."
        )
        return False
    values = {}
    for name, value in fields:
        values.setdefault(name.lower(), []).append(value)
    report.feedback_type = values["feedback-type"][0].strip().lower()
    if report.feedback_type not in FEEDBACK_TYPE_CATEGORY:
        report.problems.append(f"Unknown Feedback-Type '{report.feedback_type[:40]}'.")
    report.category = FEEDBACK_TYPE_CATEGORY.get(report.feedback_type, Category.SPAM)
    for value in values.get("source-ip", []):
        # "192.0.2.1" or "192.0.2.1 (host.example)": the address is the first word.
        _add(report.ip_addresses, _clean_ip((value.split() or [""])[0]))
    for value in values.get("reported-domain", []):
        _add(report.host_names, _clean_host(value))
    for value in values.get("reported-uri", []):
        for host in _URL_HOST.findall(value):
            _add(report.host_names, _clean_host(host))
    first_text = next((part for part in parts if part.get_content_type() == "text/plain"), None)
    report.text = _decoded_text(first_text) if first_text is not None else ""
    original = next(
        (part for part in parts if part.get_content_type() in ORIGINAL_PART_TYPES), None
    )
    if original is None:
        report.problems.append("The ARF report carries no copy of the original message.")
    else:
        report.original = _part_as_text(original)
        try:
            inner = original.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
        except Exception:
            inner_message = None
        if inner_message is not None:
            for _, address in getaddresses([_header(inner_message, "From")]):
                if "@" in address:
                    _add(report.host_names, _clean_host(address))
        _targets_from_text(report, report.original)
    report.is_arf = True
    return True


def read_abuse_mail(message: EmailMessage | Message) -> MailReport:
    """Read an abuse mail: as an ARF report when it says it is one (``multipart/report;
    report-type=feedback-report``), else — or when that fails — as a plain complaint."""
    report = MailReport()
    name, address = parseaddr(_header(message, "From"))
    report.reporter_name = name.strip()[:200]
    report.reporter_email = address.strip().lower()[:254] if "@" in address else ""
    report.subject = _header(message, "Subject")[:500]
    report.message_id = _header(message, "Message-ID")[:250]
    declared_arf = (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == ARF_REPORT_TYPE
    )
    if declared_arf and _read_arf(message, report):
        if not report.text:
            report.text = _first_text_body(message)
        return report
    if declared_arf:
        report.problems.insert(0, "Read as a plain complaint: the ARF report is malformed.")
    report.text = _first_text_body(message)
    if not report.text and not message.is_multipart():
        report.text = _decoded_text(message)
    _targets_from_text(report, report.subject + "\n" + report.text)
    report.category = _category_of_text(report.subject + "\n" + report.text)
    if not report.text.strip():
        report.problems.append("The message has no readable text.")
    return report
