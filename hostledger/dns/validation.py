"""Checks of a DNS record before it is stored (DOM-04), with dnspython.

:func:`clean_record` checks one record on its own: the name lies inside the zone, the TTL is
within the provider's bounds, only MX and SRV take a priority, and the content parses as the
record type's data (``dns.rdata.from_text(IN, type, content, origin=zone)``), with the rules
a parser does not know: MX, SRV, NS and PTR point at host names, CAA uses a known property
with a well-formed value, TXT text longer than 255 bytes is split into strings of at most 255.
:func:`check_zone_rules` checks the record among the zone's others: a CNAME stands alone at
its name and never at the apex, no record is there twice, MX and SRV do not point at an
alias, and the zone keeps within its number of records. Every refusal names the field at
fault.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import idna
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.dns import conf
from hostledger.dns.models import PRIORITY_TYPES, RecordType

APEX = "@"
CONTENT_MAX_CHARS = 4000
TXT_STRING_MAX_BYTES = 255
PRIORITY_MAX = 65535
RECORD_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
"""A label of a record's name: letters, digits, hyphens and underscores (``_dmarc``,
``_sip._tcp``, ``selector._domainkey``), no hyphen at either end."""
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
CAA_TAGS = frozenset(
    {"issue", "issuewild", "issuemail", "issuevmc", "iodef", "contactemail", "contactphone"}
)
"""The CAA properties of the IANA registry that a CA acts on (RFC 8659 and later)."""
CAA_FLAGS = frozenset({0, 128})
NAME_TARGET_TYPES = (
    RecordType.CNAME,
    RecordType.MX,
    RecordType.SRV,
    RecordType.NS,
    RecordType.PTR,
)
"""The types whose data ends in a name."""


@dataclass(frozen=True)
class CleanRecord:
    """A record as it is stored: ``name`` relative to the zone (``@`` for the apex),
    ``content`` in zone-file form with absolute names, without the priority."""

    name: str
    record_type: str
    content: str
    ttl: int
    priority: int | None

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        return (self.name, self.record_type, self.content, self.priority)


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, problem: str) -> None:
        self.fields.setdefault(field, problem)

    def raise_if_any(self) -> None:
        if self.fields:
            message = "; ".join(f"{field}: {problem}" for field, problem in self.fields.items())
            raise DomainError("invalid_record", message, fields=dict(self.fields))


def zone_origin(zone_name: str) -> dns.name.Name:
    return dns.name.from_text(zone_name.rstrip(".") + ".")


# -- names ------------------------------------------------------------------------------------


def _ascii_label(label: str, *, first: bool) -> str:
    if label == "*" and first:
        return label
    if not label.isascii():
        try:
            return idna.encode(label, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise ValueError(f"'{label}' is not a valid internationalised label") from None
    if not RECORD_LABEL.match(label):
        raise ValueError(
            f"'{label}' is not a valid label: letters, digits, hyphens and underscores, "
            "at most 63, no hyphen at either end"
        )
    return label


def clean_record_name(value, origin: dns.name.Name) -> dns.name.Name:
    """The absolute name a record's name stands for: ``@`` or nothing is the zone itself; a
    name ending in a dot, or in the zone's name, is taken as written; any other is relative
    to the zone. Raises ValueError with the problem in words."""
    text = (value if isinstance(value, str) else "").strip().lower()
    if text in ("", APEX):
        return origin
    zone_text = origin.to_text(omit_final_dot=True)
    absolute = text.endswith(".")
    body = text.rstrip(".")
    if not absolute and (body == zone_text or body.endswith("." + zone_text)):
        absolute = True
    if not body:
        raise ValueError("Enter a name such as www, or @ for the zone itself")
    labels = body.split(".")
    cleaned = [_ascii_label(label, first=index == 0) for index, label in enumerate(labels)]
    try:
        name = dns.name.from_text(
            ".".join(cleaned) + ("." if absolute else ""), origin=None if absolute else origin
        )
    except (dns.exception.DNSException, UnicodeError) as error:
        raise ValueError(f"not a valid name: {error}") from None
    if not name.is_subdomain(origin):
        raise ValueError(f"the name must lie inside the zone {zone_text}")
    return name


def relative_text(name: dns.name.Name, origin: dns.name.Name) -> str:
    """``name`` relative to the zone, ``@`` for the apex."""
    relative = name.relativize(origin)
    return relative.to_text() if relative != dns.name.empty else APEX


def is_host_name(name: dns.name.Name) -> bool:
    """Whether ``name`` is a host name (RFC 952/1123): letters, digits and hyphens only."""
    labels = name.labels[:-1] if name.is_absolute() else name.labels
    try:
        texts = [label.decode("ascii").lower() for label in labels]
    except UnicodeDecodeError:
        return False
    return bool(texts) and all(HOST_LABEL.match(label) for label in texts)


# -- content ----------------------------------------------------------------------------------


def txt_presentation(text: str) -> str:
    """Free text as TXT data: its UTF-8 bytes cut into quoted strings of at most 255 bytes
    (never inside a character), with quotes, backslashes and non-ASCII bytes escaped."""
    data = text.encode("utf-8")
    chunks: list[bytes] = []
    start = 0
    while start < len(data):
        end = min(start + TXT_STRING_MAX_BYTES, len(data))
        while end < len(data) and end > start and (data[end] & 0xC0) == 0x80:
            end -= 1  # do not cut a UTF-8 sequence
        chunks.append(data[start:end])
        start = end
    if not chunks:
        chunks = [b""]
    return " ".join('"' + "".join(_txt_byte(byte) for byte in chunk) + '"' for chunk in chunks)


def _txt_byte(byte: int) -> str:
    if byte in (0x22, 0x5C):
        return "\\" + chr(byte)
    if 0x20 <= byte < 0x7F:
        return chr(byte)
    return f"\\{byte:03d}"


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.rstrip("."))
    except ValueError:
        return False
    return True


def _caa_problem(rdata) -> str:
    tag = rdata.tag.decode("ascii", "replace").lower()
    value = rdata.value.decode("utf-8", "replace")
    if rdata.flags not in CAA_FLAGS:
        return "The flag is 0, or 128 for a critical property."
    if tag not in CAA_TAGS:
        return f"'{tag}' is not a CAA property; use issue, issuewild or iodef."
    if tag in ("issue", "issuewild", "issuemail", "issuevmc"):
        issuer = value.split(";", 1)[0].strip()
        if issuer:
            try:
                if not is_host_name(dns.name.from_text(issuer)):
                    raise ValueError
            except (dns.exception.DNSException, ValueError):
                return f"'{issuer}' is not the domain of a certificate authority."
    if tag == "iodef" and not re.match(r"^(mailto:[^@\s]+@[^@\s]+|https?://\S+)$", value):
        return "iodef takes a mailto: or https:// address."
    return ""


def _parse(record_type: str, text: str, origin: dns.name.Name):
    return dns.rdata.from_text(
        dns.rdataclass.IN,
        dns.rdatatype.from_text(record_type),
        text,
        origin=origin,
        relativize=False,
    )


def _content(record_type: str, content: str, priority, origin: dns.name.Name) -> str:
    """The stored content of a record, or ValueError with the problem in words."""
    if record_type == RecordType.TXT:
        text = content if content.startswith('"') else txt_presentation(content)
        try:
            rdata = _parse(record_type, text, origin)
        except (dns.exception.DNSException, ValueError, UnicodeError) as error:
            if "too long" in str(error):
                raise ValueError(
                    "A quoted string holds at most 255 bytes; write the text without quotes "
                    "to have it split."
                ) from None
            raise ValueError(f"Not valid TXT data: {error}.") from None
        return rdata.to_text()
    if record_type in NAME_TARGET_TYPES and _is_ip_address(content.split()[-1]):
        raise ValueError(
            f"A {record_type} record points at a name, not an IP address; give the address "
            "an A or AAAA record and point at its name."
        )
    text = f"{priority} {content}" if record_type in PRIORITY_TYPES else content
    try:
        rdata = _parse(record_type, text, origin)
    except (dns.exception.DNSException, ValueError, UnicodeError) as error:
        raise ValueError(_parse_problem(record_type, error)) from None
    if record_type == RecordType.MX:
        if rdata.exchange == dns.name.root:
            if priority != 0:
                raise ValueError("A null MX (.) has priority 0 (RFC 7505).")
        elif not is_host_name(rdata.exchange):
            raise ValueError("An MX record points at a host name such as mail.example.com.")
        return rdata.exchange.to_text().lower()
    if record_type == RecordType.SRV:
        if rdata.target != dns.name.root and not is_host_name(rdata.target):
            raise ValueError("An SRV record points at a host name such as sip.example.com.")
        return f"{rdata.weight} {rdata.port} {rdata.target.to_text().lower()}"
    if record_type in (RecordType.NS, RecordType.PTR) and not is_host_name(rdata.target):
        raise ValueError(f"A {record_type} record points at a host name such as ns1.example.net.")
    if record_type in (RecordType.CNAME, RecordType.NS, RecordType.PTR):
        return rdata.target.to_text().lower()
    if record_type == RecordType.CAA:
        problem = _caa_problem(rdata)
        if problem:
            raise ValueError(problem)
    if record_type == RecordType.A:
        ipaddress.IPv4Address(rdata.address)
    return rdata.to_text()


def _parse_problem(record_type: str, error: Exception) -> str:
    hints = {
        RecordType.A: "an IPv4 address such as 192.0.2.10",
        RecordType.AAAA: "an IPv6 address such as 2001:db8::10",
        RecordType.CNAME: "a name such as www.example.com.",
        RecordType.MX: "the host name of a mail server such as mail.example.com.",
        RecordType.SRV: "weight, port and target, such as 5 5060 sip.example.com.",
        RecordType.CAA: 'flag, property and value, such as 0 issue "letsencrypt.org"',
        RecordType.NS: "the host name of a name server such as ns1.example.net.",
        RecordType.PTR: "a host name such as server1.example.com.",
    }
    return f"Not valid {record_type} data ({error}); enter {hints.get(record_type, 'its data')}."


# -- one record -------------------------------------------------------------------------------


def clean_ttl(value, errors: _Errors) -> int:
    minimum, maximum = setting_value(conf.TTL_MINIMUM), setting_value(conf.TTL_MAXIMUM)
    if value in (None, ""):
        return int(setting_value(conf.TTL_DEFAULT))
    if isinstance(value, bool):
        errors.add("ttl", _("Enter a whole number of seconds."))
        return 0
    try:
        ttl = int(str(value).strip())
    except ValueError:
        errors.add("ttl", _("Enter a whole number of seconds."))
        return 0
    if not minimum <= ttl <= maximum:
        errors.add(
            "ttl",
            _("Between %(minimum)s and %(maximum)s seconds.")
            % {"minimum": minimum, "maximum": maximum},
        )
    return ttl


def clean_priority(value, record_type: str, errors: _Errors) -> int | None:
    if record_type not in PRIORITY_TYPES:
        if value not in (None, ""):
            errors.add("priority", _("Only MX and SRV records take a priority."))
        return None
    if value in (None, "") or isinstance(value, bool):
        errors.add(
            "priority",
            _("A %(record_type)s record needs a priority from 0 to 65535.")
            % {"record_type": record_type},
        )
        return None
    try:
        priority = int(str(value).strip())
    except ValueError:
        errors.add("priority", _("Enter a whole number from 0 to 65535."))
        return None
    if not 0 <= priority <= PRIORITY_MAX:
        errors.add("priority", _("Enter a whole number from 0 to 65535."))
        return None
    return priority


def clean_record(
    *, zone_name: str, name, record_type, content, ttl=None, priority=None
) -> CleanRecord:
    """One record checked on its own (see the module's docstring); DomainError
    ``invalid_record`` naming each field at fault."""
    origin = zone_origin(zone_name)
    errors = _Errors()
    kind = str(record_type or "").strip().upper()
    if kind not in RecordType.values:
        errors.add(
            "record_type", _("Choose one of %(values)s.") % {"values": ", ".join(RecordType.values)}
        )
    try:
        absolute = clean_record_name(name, origin)
    except ValueError as error:
        errors.add("name", str(error) + ".")
        absolute = origin
    relative = relative_text(absolute, origin)
    cleaned_ttl = clean_ttl(ttl, errors)
    cleaned_priority = clean_priority(priority, kind, errors)
    text = content.strip() if isinstance(content, str) else ""
    stored = ""
    if not text:
        errors.add("content", _("Enter the record's data."))
    elif len(text) > CONTENT_MAX_CHARS:
        errors.add(
            "content",
            _("At most %(content_max_chars)s characters.")
            % {"content_max_chars": CONTENT_MAX_CHARS},
        )
    elif any(ord(char) < 32 for char in text):
        errors.add("content", _("Control characters are not allowed."))
    elif kind in RecordType.values and "priority" not in errors.fields:
        try:
            stored = _content(kind, text, cleaned_priority, origin)
        except ValueError as error:
            errors.add("content", str(error))
    if kind in RecordType.values and "name" not in errors.fields:
        if "*" in relative.split(".")[1:]:
            errors.add("name", _("A wildcard (*) is only the first label of a name."))
        if kind == RecordType.NS and absolute == origin:
            errors.add(
                "name",
                _(
                    "The zone's own name servers are the provider's; an NS record delegates a"
                    " name below the zone."
                ),
            )
        if kind == RecordType.CNAME and absolute == origin:
            errors.add("name", _("The zone itself cannot be an alias (no CNAME at @)."))
        if kind == RecordType.SRV and not _srv_named(absolute, origin):
            errors.add("name", _("An SRV record is named _service._protocol, e.g. _sip._tcp."))
    errors.raise_if_any()
    return CleanRecord(
        name=relative,
        record_type=kind,
        content=stored,
        ttl=cleaned_ttl,
        priority=cleaned_priority,
    )


def _srv_named(name: dns.name.Name, origin: dns.name.Name) -> bool:
    labels = name.relativize(origin).labels
    return len(labels) >= 2 and all(label.startswith(b"_") for label in labels[:2])


# -- among the zone's records -----------------------------------------------------------------


def check_zone_rules(
    *, zone_name: str, record: CleanRecord, others: Iterable[CleanRecord], records_in_zone: int
) -> None:
    """``record`` among the zone's other records ``others`` (the record itself left out when
    it is being changed); DomainError naming the field at fault. ``records_in_zone`` counts
    the zone's records after the change."""
    origin = zone_origin(zone_name)
    others = list(others)
    errors = _Errors()
    limit = setting_value(conf.RECORDS_PER_ZONE)
    if records_in_zone > limit:
        errors.add("zone", _("A zone holds at most %(limit)s records.") % {"limit": limit})
    same_name = [other for other in others if other.name == record.name]
    if record.record_type == RecordType.CNAME and same_name:
        errors.add(
            "name",
            _("%(name)s already has other records; a CNAME must be the only record at its name.")
            % {"name": record.name},
        )
    elif any(other.record_type == RecordType.CNAME for other in same_name):
        errors.add(
            "name",
            _("%(name)s is an alias (CNAME); it can hold no other record.") % {"name": record.name},
        )
    if any(other.key == record.key for other in others):
        errors.add("content", _("The zone already has this record."))
    if record.record_type in (RecordType.MX, RecordType.SRV):
        target = dns.name.from_text(record.content.split()[-1])
        if target.is_subdomain(origin):
            target_name = relative_text(target, origin)
            if any(
                other.name == target_name and other.record_type == RecordType.CNAME
                for other in others
            ):
                errors.add(
                    "content",
                    _(
                        "%(target_name)s is an alias (CNAME); %(record_type)s records must point "
                        "at a name with its own address (RFC 2181 §10.3)."
                    )
                    % {"target_name": target_name, "record_type": record.record_type},
                )
    errors.raise_if_any()
