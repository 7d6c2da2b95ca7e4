"""Writes of the privacy app: retention purges of rows and files (GDPR-08), erasure and the
erasure of the development mail files (GDPR-04), restriction of processing (GDPR-05) and
legal holds (GDPR-08)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.erasure import (
    ANONYMISE,
    DELETE,
    erase_rows,
    hold_rows_under_field_keys,
    subject_rows,
)
from hostledger.core.errors import DomainError
from hostledger.core.log_files import line_moment, log_file_day
from hostledger.core.mail_files import mail_file_directories, mail_file_texts
from hostledger.core.personal_data import ErasureStrategy, subject_of
from hostledger.core.registry import setting_value
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.events import PROCESSING_RESTRICTED, PROCESSING_RESTRICTION_LIFTED
from hostledger.privacy.erasure import ErasurePlan
from hostledger.privacy.models import (
    ErasureHold,
    ErasureReport,
    LegalHold,
    ProcessingRestriction,
    RestrictionReason,
)


def _log_lines_kept(path: Path, cutoff: datetime) -> int:
    """Rewrite ``path`` without its lines older than ``cutoff``; return how many were removed.

    A continuation line (a traceback's) goes with the line it continues. The new file
    replaces the old one in one rename.
    """
    kept: list[str] = []
    removed = 0
    keeping = True
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            moment = line_moment(line)
            if moment is not None:
                keeping = moment >= cutoff
            if keeping:
                kept.append(line)
            else:
                removed += 1
    if removed:
        if kept:
            replacement = path.with_name(path.name + ".trimmed")
            replacement.write_text("".join(kept), encoding="utf-8")
            os.replace(replacement, path)
        else:
            path.unlink()
    return removed


def log_files_purge(*, now: datetime) -> dict[str, int]:
    """Remove the lines of the application and access log files older than
    ``privacy.access_log_retention_days`` (GDPR-08).

    The files are written one per UTC day (:mod:`hostledger.core.log_files`) under
    ``settings.LOG_DIR``: the files of days that ended before the cutoff are deleted, and the
    file of the cutoff's own day is rewritten without its older lines. Other files in the
    directory are left alone. Returns the number of files deleted and of lines removed.
    """
    cutoff = now - timedelta(days=setting_value("privacy.access_log_retention_days"))
    directory = Path(settings.LOG_DIR)
    counts = {"files_deleted": 0, "lines_removed": 0}
    if not directory.is_dir():
        return counts
    for path in sorted(directory.iterdir()):
        day = log_file_day(path)
        if day is None or not path.is_file():
            continue
        if day < cutoff.astimezone(UTC).date():
            path.unlink(missing_ok=True)
            counts["files_deleted"] += 1
        elif day == cutoff.astimezone(UTC).date():
            counts["lines_removed"] += _log_lines_kept(path, cutoff)
    return counts


def mail_files_purge(*, now: datetime) -> int:
    """Delete the files of the development mail backend older than
    ``privacy.dev_mail_files_retention_days`` (GDPR-08); returns how many were deleted.

    A file's age is its last modification time: the backend writes it when it sends.
    """
    cutoff = now - timedelta(days=setting_value("privacy.dev_mail_files_retention_days"))
    deleted = 0
    for directory in mail_file_directories():
        for path in directory.iterdir():
            if not path.is_file():
                continue
            written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if written < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


def mail_files_erase_for(*, addresses: list[str]) -> int:
    """Delete every file of the development mail backend that names one of ``addresses``
    (GDPR-04): whole messages in its headers or bodies, quoted-printable and base64 bodies
    decoded, compared without regard to case. Returns how many files were deleted."""
    wanted = [address.strip().casefold() for address in addresses if address and address.strip()]
    if not wanted:
        return 0
    deleted = 0
    for directory in mail_file_directories():
        for path in directory.iterdir():
            if not path.is_file():
                continue
            texts = [text.casefold() for text in mail_file_texts(path.read_bytes())]
            if any(address in text for address in wanted for text in texts):
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


# --------------------------------------------------------------------------- erasure (GDPR-04)


def erasure_execute(*, plan: ErasurePlan, actor=None, now: datetime | None = None) -> ErasureReport:
    """Carry out an erasure plan of one client in the caller's transaction (GDPR-04).

    Rows to delete go, fields to anonymise are blanked, held rows stay with their other
    fields blanked and are recorded as :class:`ErasureHold` until their term ends; the client
    is restricted for as long as anything is held (GDPR-05). Fields left to a named step of
    the erasure flow are not touched here. Stores and returns the report, audited.
    """
    plan.refuse_if_not_allowed()
    now = now or timezone.now()
    client = plan.client
    report = ErasureReport.objects.create(
        client=client,
        executed_at=now,
        executed_by=actor,
        contract_ended_on=plan.contract_ended_on,
        items=[item.as_dict() for item in plan.items],
    )
    for item in plan.items:
        model = apps.get_model(item.model_label)
        subject = subject_of(item.model_label)
        rows = subject_rows(model, subject.client_paths, client.pk)
        if item.action == ErasureStrategy.DELETE:
            erase_rows(rows, DELETE, item.fields)
        elif item.action == ErasureStrategy.ANONYMISE:
            erase_rows(rows, ANONYMISE, item.fields)
        elif item.action == ErasureStrategy.HOLD:
            hold_rows_under_field_keys(rows, item.fields)
            ErasureHold.objects.create(
                report=report,
                client=client,
                model_label=item.model_label,
                fields=list(item.fields),
                then=item.then,
                year=item.year,
                held_until=item.held_until,
            )
    if plan.held:
        processing_restriction_start(
            client=client,
            reason=RestrictionReason.HELD_AFTER_ERASURE,
            note=f"Data held by law after erasure {report.public_id}.",
            actor=actor,
            now=now,
            tell_client=False,
        )
    record_audit_event(
        action="privacy.client_erased",
        actor=actor,
        obj=report,
        subject_client_id=client.pk,
        data={
            "deleted": sum(i.rows for i in plan.items if i.action == ErasureStrategy.DELETE),
            "anonymised": sum(i.rows for i in plan.items if i.action == ErasureStrategy.ANONYMISE),
            "held": sum(i.rows for i in plan.held),
            "steps": plan.steps,
        },
    )
    return report


# ----------------------------------------------------------------------- restriction (GDPR-05)


def _clean_text(value: str, field: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(
            "invalid_input",
            _("%(field)s: a reason is needed.") % {"field": field},
            fields={field: "required"},
        )
    if len(text) > 2000:
        raise DomainError(
            "invalid_input",
            _("%(field)s: at most 2000 characters.") % {"field": field},
            fields={field: "too long"},
        )
    return text


def _tell_client(*, client, event: str, key: str, now: datetime) -> None:
    notification_enqueue(
        key=key, client=client, event=event, on_date=timezone.localdate(now), now=now
    )


@transaction.atomic
def processing_restriction_start(
    *,
    client,
    reason: str,
    note: str = "",
    actor=None,
    now: datetime | None = None,
    tell_client: bool = True,
) -> ProcessingRestriction:
    """Restrict processing of ``client``'s data for ``reason`` (GDPR-05): from now on every
    bulk selection for marketing, announcements other than legal notices, exports to
    processors and statistics leaves the client out. The client is told; audited. A second
    restriction for the same reason while one is open is refused."""
    now = now or timezone.now()
    if reason not in RestrictionReason.values:
        raise DomainError(
            "invalid_input", _("reason: unknown restriction reason."), fields={"reason": "unknown"}
        )
    note = _clean_text(note, "note", required=reason != RestrictionReason.HELD_AFTER_ERASURE)
    if ProcessingRestriction.objects.filter(
        client=client, reason=reason, lifted_at__isnull=True
    ).exists():
        raise DomainError(
            "already_restricted",
            _("reason: processing of %(public_id)s is already restricted for this reason.")
            % {"public_id": client.public_id},
            fields={"reason": "already restricted"},
            status=409,
        )
    restriction = ProcessingRestriction.objects.create(
        client=client, reason=reason, note=note, started_at=now, started_by=actor
    )
    record_audit_event(
        action="privacy.processing_restricted",
        actor=actor,
        obj=restriction,
        subject_client_id=client.pk,
        data={"reason": reason},
    )
    if tell_client:
        _tell_client(
            client=client,
            event=PROCESSING_RESTRICTED,
            key=f"restriction:{restriction.public_id}:started",
            now=now,
        )
    return restriction


@transaction.atomic
def processing_restriction_lift(
    *,
    restriction: ProcessingRestriction,
    note: str,
    actor=None,
    now: datetime | None = None,
    tell_client: bool = True,
) -> ProcessingRestriction:
    """Lift a restriction with a reason (GDPR-05); the client is told; audited. A
    restriction kept because data is held after erasure lifts only when the holds end."""
    now = now or timezone.now()
    restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise DomainError(
            "already_lifted",
            _("The restriction is already lifted."),
            fields={"restriction": "lifted"},
        )
    if (
        restriction.reason == RestrictionReason.HELD_AFTER_ERASURE
        and ErasureHold.objects.filter(client=restriction.client, released_at__isnull=True).exists()
    ):
        raise DomainError(
            "held_data",
            _(
                "restriction: data of this client is held by law after erasure; the "
                "restriction lifts when the last hold ends."
            ),
            fields={"restriction": "held after erasure"},
            status=409,
        )
    restriction.lift_note = _clean_text(note, "note")
    restriction.lifted_at = now
    restriction.lifted_by = actor
    restriction.save(update_fields=["lift_note", "lifted_at", "lifted_by"])
    record_audit_event(
        action="privacy.processing_restriction_lifted",
        actor=actor,
        obj=restriction,
        subject_client_id=restriction.client_id,
        data={"reason": restriction.reason},
    )
    if tell_client:
        _tell_client(
            client=restriction.client,
            event=PROCESSING_RESTRICTION_LIFTED,
            key=f"restriction:{restriction.public_id}:lifted",
            now=now,
        )
    return restriction


# ------------------------------------------------------------------------ legal hold (GDPR-08)


@transaction.atomic
def legal_hold_start(*, client, reason: str, actor=None, now: datetime | None = None) -> LegalHold:
    """Put ``client``'s data under a legal hold: no retention rule erases any of it until
    the hold is lifted (GDPR-08). Audited."""
    hold = LegalHold.objects.create(
        client=client,
        reason=_clean_text(reason, "reason"),
        started_at=now or timezone.now(),
        started_by=actor,
    )
    record_audit_event(
        action="privacy.legal_hold_started", actor=actor, obj=hold, subject_client_id=client.pk
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, actor=None, now: datetime | None = None) -> LegalHold:
    """End a legal hold; the retention schedule applies to the client's data again."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise DomainError(
            "already_lifted", _("The legal hold is already lifted."), fields={"hold": "lifted"}
        )
    hold.lifted_at = now or timezone.now()
    hold.lifted_by = actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    record_audit_event(
        action="privacy.legal_hold_lifted", actor=actor, obj=hold, subject_client_id=hold.client_id
    )
    return hold
