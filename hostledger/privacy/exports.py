"""Exports of a client's personal data (GDPR-02): start, build, download, expire.

:func:`personal_data_export_start` is what the client area, the API and the data-subject
request workflow call to fulfil a request of access or portability. It queues a background
task that builds the ZIP (hostledger/privacy/export.py) into an encrypted file under the var
dir; the client downloads it after re-authenticating, until ``privacy.export_link_days``
after it was built; the daily job deletes expired files.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hostledger.accounts.models import Client, Contact, Payer
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.core.registry import setting_value
from hostledger.notifications.models import ChannelPreference
from hostledger.privacy.conf import EXPORT_LINK_DAYS
from hostledger.privacy.export import write_export
from hostledger.privacy.models import PersonalDataExport
from hostledger.privacy.sealed_files import new_file_key, read_sealed
from hostledger.privacy.tasks import build_personal_data_export

logger = logging.getLogger("hostledger.privacy")

Status = PersonalDataExport.Status
PROGRESS_WRITE_SECONDS = 1.0
ZIP_MEDIA_TYPE = "application/zip"


def exports_dir() -> Path:
    """Where export files are kept: ``<var dir>/exports`` (created, mode 0700)."""
    folder = Path(settings.VAR_DIR) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def export_file_name(export: PersonalDataExport) -> str:
    """The name the download is saved under."""
    day = (export.finished_at or export.requested_at).date().isoformat()
    return f"personal-data-{export.client.public_id}-{day}.zip"


# ----------------------------------------------------------------------------- start


@transaction.atomic
def personal_data_export_start(*, client: Client, requested_by) -> PersonalDataExport:
    """Queue an export of ``client``'s personal data (GDPR-02) and return it, queued.

    The export is built by a background task in the worker, from the personal-data
    declarations alone. One export is built at a time per client: while one is queued or
    building, starting another returns that one. Audited.
    """
    locked = Client.objects.select_for_update().filter(pk=client.pk).first()
    if locked is None:
        raise NotFound("client")
    running = (
        PersonalDataExport.objects.filter(
            client=client, status__in=[Status.QUEUED, Status.BUILDING]
        )
        .order_by("-requested_at")
        .first()
    )
    if running is not None:
        return running
    export = PersonalDataExport.objects.create(
        client=client, requested_by=requested_by, requested_at=timezone.now()
    )
    record_audit_event(
        action="personal_data_export.requested",
        actor=requested_by,
        obj=export,
        subject_client_id=client.pk,
    )
    enqueue_in_transaction(build_personal_data_export, export.pk)
    return export


# ----------------------------------------------------------------------------- build


def portable_part(client: Client) -> dict:
    """The portable part of the document: profile, payers, contacts, preferences, in the
    shape of :class:`hostledger.privacy.portable.Portable`."""
    owner = client.owner
    profile = {
        "kind": client.kind,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "company_name": client.company_name,
        "registry_code": client.registry_code,
        "vat_number": client.vat_number,
        "street": client.street,
        "city": client.city,
        "postal_code": client.postal_code,
        "country": client.country,
        "phone": client.phone,
        "email": owner.email,
        "full_name": owner.full_name,
        "preferred_language": owner.preferred_language or "",
    }
    payers = [
        {
            "kind": payer.kind,
            "name": payer.name,
            "registry_code": payer.registry_code,
            "vat_number": payer.vat_number,
            "street": payer.street,
            "city": payer.city,
            "postal_code": payer.postal_code,
            "country": payer.country,
            "invoice_email": payer.invoice_email,
            "buyer_reference": payer.buyer_reference,
            "is_default": payer.is_default,
        }
        for payer in Payer.objects.filter(client=client, archived_at__isnull=True).order_by("pk")
    ]
    contacts = [
        {"role": contact.role, "name": contact.name, "email": contact.email, "phone": contact.phone}
        for contact in Contact.objects.filter(client=client, archived_at__isnull=True).order_by(
            "pk"
        )
    ]
    preferences = [
        {"channel": channel, "category": category, "enabled": enabled}
        for channel, category, enabled in ChannelPreference.objects.filter(client=client)
        .order_by("pk")
        .values_list("channel", "category", "enabled")
    ]
    return {"profile": profile, "payers": payers, "contacts": contacts, "preferences": preferences}


class _ProgressWriter:
    """Writes an export's progress to its row at most once per second."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        moment = time.monotonic()
        if self.last is not None and moment - self.last < PROGRESS_WRITE_SECONDS and done < total:
            return
        PersonalDataExport.objects.filter(pk=self.export_id).update(
            progress_done=done, progress_total=total
        )
        self.last = moment


def personal_data_export_build(*, export_id: int) -> PersonalDataExport | None:
    """Build a queued export (the background task calls this). Claims it with a conditional
    UPDATE, so a task delivered twice builds once; a failure marks it failed with the error
    and leaves no file behind. Returns the export, or None when there was nothing to do."""
    now = timezone.now()
    claimed = PersonalDataExport.objects.filter(pk=export_id, status=Status.QUEUED).update(
        status=Status.BUILDING, started_at=now
    )
    if not claimed:
        return None
    export = PersonalDataExport.objects.select_related("client__owner").get(pk=export_id)
    folder = exports_dir()
    target = folder / f"{export.public_id}.zip.sealed"
    key = new_file_key()
    try:
        result = write_export(
            client=export.client,
            target=target,
            file_key=key,
            exported_at=now,
            portable=portable_part(export.client),
            scratch_dir=folder,
            on_progress=_ProgressWriter(export.pk),
        )
    except Exception as error:
        target.unlink(missing_ok=True)
        logger.exception("Export %s failed.", export.public_id)
        PersonalDataExport.objects.filter(pk=export.pk).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        export.refresh_from_db()
        return export
    finished = timezone.now()
    with transaction.atomic():
        export.status = Status.READY
        export.finished_at = finished
        export.expires_at = finished + timedelta(days=setting_value(EXPORT_LINK_DAYS))
        export.file_path = target.name
        export.file_size = result.plain_size
        export.file_key = key
        export.row_counts = result.row_counts
        export.progress_done = export.progress_total = sum(result.row_counts.values())
        export.save()
        record_audit_event(
            action="personal_data_export.built",
            obj=export,
            subject_client_id=export.client_id,
            data={"rows": export.progress_done, "bytes": export.file_size},
        )
    return export


# ----------------------------------------------------------------------------- download


def personal_data_export_open(
    *, export: PersonalDataExport, actor, ip_address: str | None = None
) -> Iterator[bytes]:
    """The decrypted ZIP of a ready export, as a stream of chunks, for its subject only
    (the client's owner). Refused when the export is not ready or its link expired. Every
    download is audited (GDPR-12)."""
    if actor is None or export.client.owner_id != actor.pk:
        raise NotFound("export")
    if export.status != Status.READY or export.expires_at <= timezone.now():
        raise DomainError(
            "export_not_ready",
            "This export cannot be downloaded: it is not ready or its link has expired.",
            status=409,
        )
    path = exports_dir() / export.file_path
    with transaction.atomic():
        PersonalDataExport.objects.filter(pk=export.pk).update(downloads=export.downloads + 1)
        record_audit_event(
            action="personal_data_export.downloaded",
            actor=actor,
            obj=export,
            subject_client_id=export.client_id,
            ip_address=ip_address,
        )
    return read_sealed(path, export.file_key)


# ----------------------------------------------------------------------------- expiry


def personal_data_exports_expire(*, now=None) -> int:
    """Delete the files of exports whose link expired, clear their keys and mark them
    expired; return how many. Run daily (GDPR-02)."""
    now = now or timezone.now()
    expired = 0
    due = PersonalDataExport.objects.filter(status=Status.READY, expires_at__lte=now)
    for export in due.only("pk", "public_id", "client_id", "file_path").iterator():
        with transaction.atomic():
            moved = PersonalDataExport.objects.filter(pk=export.pk, status=Status.READY).update(
                status=Status.EXPIRED, file_key="", file_path=""
            )
            if not moved:
                continue
            record_audit_event(
                action="personal_data_export.expired",
                obj=export,
                subject_client_id=export.client_id,
            )
        if export.file_path:
            (exports_dir() / export.file_path).unlink(missing_ok=True)
        expired += 1
    return expired


# ----------------------------------------------------------------------------- reads


def client_exports(client: Client):
    """The client's exports, newest first."""
    return PersonalDataExport.objects.filter(client=client).order_by("-requested_at", "-id")


def client_export(client: Client, public_id: str) -> PersonalDataExport:
    """One export of ``client``; NotFound for another client's (habit 6)."""
    export = (
        PersonalDataExport.objects.select_related("client")
        .filter(client=client, public_id=public_id)
        .first()
    )
    if export is None:
        raise NotFound("export")
    return export
