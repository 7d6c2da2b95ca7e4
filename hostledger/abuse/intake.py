"""Opening abuse cases: from the public form, from mail and by staff (ABU-01).

A case records its category, the reporter (a third party, whose contact details are
encrypted and erasable), the report text and files as evidence, the services it is about —
found by IP address, domain or host name, or account — and the first steps of its timeline.
Every value a reporter sends is checked here (length, type, size) with a DomainError naming
the field; text beyond the length limit is kept up to the limit and the cut is recorded, so a
report is never refused for being long.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.abuse import conf
from hostledger.abuse.files import sniff_media_type
from hostledger.abuse.models import (
    AbuseCase,
    AbuseCaseEvent,
    AbuseCaseService,
    AbuseEvidence,
    AbuseIntakeAttempt,
    AbuseReporter,
    Category,
    Source,
)
from hostledger.abuse.services import services_for_targets
from hostledger.core.audit import record_audit_event
from hostledger.core.crypto import blind_index
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value

NAME_MAX = 200
EMAIL_MAX = 254
FILE_NAME_MAX = 200
FILES_MAX = 10
INTAKE_WINDOW = timedelta(hours=1)
INTAKE_HASH_PURPOSE = "abuse-intake-address"


@dataclass(frozen=True)
class EvidenceFile:
    """A file of evidence as received: its name as given and its bytes."""

    name: str
    content: bytes


def clean_text(value, field: str, *, maximum: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: expected text.") % {"field": field},
            fields={field: "text"},
        )
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: required.") % {"field": field},
            fields={field: "required"},
        )
    if len(value) > maximum:
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: at most %(maximum)s characters.")
            % {"field": field, "maximum": maximum},
            fields={field: f"longer than {maximum} characters"},
        )
    return value


def clean_category(value) -> str:
    if value not in Category.values:
        raise DomainError(
            "invalid_input",
            "category: not one of " + ", ".join(Category.values) + ".",
            fields={"category": "unknown category"},
        )
    return value


def clean_email(value) -> str:
    email = clean_text(value, "reporter_email", maximum=EMAIL_MAX).lower()
    if email and ("@" not in email or " " in email or email.startswith("@")):
        raise DomainError(
            "invalid_input",
            gettext("reporter_email: not an e-mail address."),
            fields={"reporter_email": "not an e-mail address"},
        )
    return email


def long_text(value, field: str) -> tuple[str, bool]:
    """``value`` cut to ``abuse.report_text_max_chars``, and whether it was cut."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: expected text.") % {"field": field},
            fields={field: "text"},
        )
    value = value.replace("\x00", "")
    limit = setting_value(conf.REPORT_TEXT_MAX_CHARS)
    return (value[:limit], True) if len(value) > limit else (value, False)


def checked_files(files) -> list[EvidenceFile]:
    """The files, each within the size limit and of an accepted type read from its bytes."""
    files = list(files or [])
    if len(files) > FILES_MAX:
        raise DomainError(
            "invalid_input",
            gettext("files: at most %(files_max)s files.") % {"files_max": FILES_MAX},
            fields={"files": f"more than {FILES_MAX}"},
        )
    limit = setting_value(conf.EVIDENCE_FILE_MAX_BYTES)
    accepted = {
        item.strip().lower()
        for item in str(setting_value(conf.EVIDENCE_FILE_TYPES)).split(",")
        if item.strip()
    }
    for item in files:
        if len(item.content) > limit:
            raise DomainError(
                "file_too_large",
                gettext("files: %(name)s is larger than %(limit)s bytes.")
                % {"name": f"{item.name[:80]!r}", "limit": limit},
                fields={"files": f"larger than {limit} bytes"},
            )
        if not item.content:
            raise DomainError(
                "invalid_input", gettext("files: a file is empty."), fields={"files": "empty file"}
            )
        media_type = sniff_media_type(item.content)
        if media_type not in accepted:
            raise DomainError(
                "file_type_refused",
                gettext("files: %(name)s is %(media_type)s, which is not accepted.")
                % {"name": f"{item.name[:80]!r}", "media_type": media_type},
                fields={"files": f"type {media_type} not accepted"},
            )
    return files


def event_record(
    case: AbuseCase,
    *,
    key: str,
    kind: str,
    now: datetime,
    actor=None,
    by_client: bool = False,
    note: str = "",
) -> AbuseCaseEvent | None:
    """Add a step to the case's timeline under ``key``; None when that key was recorded
    before (a deadline acting twice), with nothing written."""
    if AbuseCaseEvent.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return AbuseCaseEvent.objects.create(
                case=case,
                key=key,
                kind=kind,
                occurred_at=now,
                actor=actor,
                by_client=by_client,
                note=note,
            )
    except IntegrityError:
        return None


def evidence_store(
    case: AbuseCase,
    *,
    now: datetime,
    text: str = "",
    kind: str = AbuseEvidence.Kind.TEXT,
    truncated: bool = False,
    files: list[EvidenceFile] = (),
) -> int:
    """Store text and files as the case's evidence; a file already in the case (same
    SHA-256) is not stored twice. Returns how many rows were written."""
    written = 0
    if text:
        AbuseEvidence.objects.create(
            case=case, kind=kind, text=text, truncated=truncated, created_at=now
        )
        written += 1
    for item in files:
        digest = hashlib.sha256(item.content).hexdigest()
        if AbuseEvidence.objects.filter(case=case, sha256=digest).exists():
            continue
        AbuseEvidence.objects.create(
            case=case,
            kind=AbuseEvidence.Kind.FILE,
            file_name=(item.name or "evidence").replace("\x00", "")[:FILE_NAME_MAX],
            media_type=sniff_media_type(item.content),
            size=len(item.content),
            sha256=digest,
            content=base64.b64encode(item.content).decode("ascii"),
            created_at=now,
        )
        written += 1
    return written


def services_link(case: AbuseCase, matches, *, now: datetime) -> int:
    """Link the found services to the case and give it their client; services of another
    client than the case's first are left for staff (one case is about one client)."""
    linked = 0
    for service, matched_by in matches:
        if case.client_id is None:
            case.client_id = service.client_id
            AbuseCase.objects.filter(pk=case.pk).update(client_id=service.client_id)
        if service.client_id != case.client_id:
            continue
        _, created = AbuseCaseService.objects.get_or_create(
            case=case, service=service, defaults={"matched_by": matched_by, "linked_at": now}
        )
        linked += int(created)
    return linked


@transaction.atomic
def abuse_case_open(
    *,
    source: str,
    category: str,
    text: str,
    subject: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    ip_addresses: list[str] = (),
    host_names: list[str] = (),
    accounts: list[str] = (),
    message_id: str = "",
    feedback_report: str = "",
    original_message: str = "",
    files: list[EvidenceFile] = (),
    problems: list[str] = (),
    client=None,
    actor=None,
    now: datetime | None = None,
) -> AbuseCase:
    """Open an abuse case (ABU-01) with its evidence, the services it is about (by IP
    address, host name or account id) and its timeline; a mailed report whose Message-ID was
    seen before returns the case it opened, with nothing written. The termination deadline
    (003 §7.5) counts from now, the moment the violation was reported."""
    now = now or timezone.now()
    category = clean_category(category)
    if source not in Source.values:
        raise DomainError(
            "invalid_input", gettext("source: unknown."), fields={"source": "unknown"}
        )
    subject = clean_text(subject, "subject", maximum=500)
    text, text_cut = long_text(text, "text")
    if not text.strip() and not files and not feedback_report:
        raise DomainError(
            "invalid_input", gettext("text: describe the abuse."), fields={"text": "required"}
        )
    reporter_name = clean_text(reporter_name, "reporter_name", maximum=NAME_MAX)
    reporter_email = clean_email(reporter_email)
    files = checked_files(files)
    message_id = (message_id or "")[:250]
    if message_id:
        existing = AbuseCase.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing
    reporter = None
    if reporter_name or reporter_email:
        reporter = AbuseReporter.objects.create(
            name=reporter_name, email=reporter_email, created_at=now
        )
    ip_list = [str(item)[:45] for item in ip_addresses if item]
    host_list = [str(item)[:253] for item in host_names if item]
    case = AbuseCase.objects.create(
        category=category,
        source=source,
        reporter=reporter,
        subject=subject,
        reported_ip=ip_list[0] if ip_list else "",
        reported_domain=host_list[0] if host_list else "",
        message_id=message_id,
        client=client,
        opened_at=now,
        terminate_due_at=now + timedelta(days=setting_value(conf.TERMINATION_AFTER_DAYS)),
    )
    event_record(
        case,
        key=f"{case.public_id}:received",
        kind=AbuseCaseEvent.Kind.RECEIVED,
        now=now,
        actor=actor,
        note="; ".join(problems)[:2000],
    )
    evidence_store(case, now=now, text=text, truncated=text_cut, files=files)
    if feedback_report:
        evidence_store(
            case,
            now=now,
            text=long_text(feedback_report, "feedback_report")[0],
            kind=AbuseEvidence.Kind.FEEDBACK_REPORT,
        )
    if original_message:
        original, cut = long_text(original_message, "original_message")
        evidence_store(case, now=now, text=original, truncated=cut)
    matches = services_for_targets(
        ip_addresses=ip_list, host_names=host_list, accounts=list(accounts)
    )
    if services_link(case, matches, now=now):
        event_record(
            case,
            key=f"{case.public_id}:client_found",
            kind=AbuseCaseEvent.Kind.CLIENT_FOUND,
            now=now,
        )
    record_audit_event(
        action="abuse.case_opened",
        actor=actor,
        obj=case,
        subject_client_id=case.client_id,
        data={"category": category, "source": source},
    )
    return case


def _address_hash(address: str) -> str:
    return blind_index(address or "unknown", purpose=INTAKE_HASH_PURPOSE)


@transaction.atomic
def abuse_report_submit(
    *,
    address: str | None,
    category: str,
    text: str,
    reporter_name: str = "",
    reporter_email: str = "",
    reported_ip: str = "",
    reported_domain: str = "",
    files: list[EvidenceFile] = (),
    now: datetime | None = None,
) -> AbuseCase:
    """A report sent anonymously through the public form (ABU-01). At most
    ``abuse.intake_reports_per_hour`` per network address, which is kept only as a keyed
    hash; beyond it the report is refused (429) and nothing is written."""
    now = now or timezone.now()
    address_hash = _address_hash(address or "")
    recent = AbuseIntakeAttempt.objects.filter(
        address_hash=address_hash, attempted_at__gt=now - INTAKE_WINDOW
    ).count()
    if recent >= setting_value(conf.INTAKE_PER_HOUR):
        raise DomainError(
            "throttled",
            gettext("Too many reports from your network address; please try again in an hour."),
            status=429,
        )
    reported_ip = clean_text(reported_ip, "reported_ip", maximum=45)
    reported_domain = clean_text(reported_domain, "reported_domain", maximum=253)
    ip_list = host_list = []
    if reported_ip:
        ip_list = [clean_ip(reported_ip)]
    if reported_domain:
        host_list = [reported_domain.lower().rstrip(".")]
    case = abuse_case_open(
        source=Source.FORM,
        category=category,
        text=text,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        ip_addresses=ip_list,
        host_names=host_list,
        files=files,
        now=now,
    )
    AbuseIntakeAttempt.objects.create(address_hash=address_hash, attempted_at=now)
    return case


def clean_ip(value: str) -> str:
    """``value`` as an IP address in its canonical form, or DomainError naming the field."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise DomainError(
            "invalid_input",
            gettext("reported_ip: not an IP address."),
            fields={"reported_ip": "not an IPv4 or IPv6 address"},
        ) from None
