"""Exports of a client's personal data (GDPR-02): start, download, expire.

:func:`personal_data_export_start` is what the client area, the API and the data-subject
request workflow call to fulfil a request of access or portability. It queues a background
task that builds the ZIP into an encrypted file under the var dir (export_build.py, with the
format in export.py); the client downloads it after re-authenticating, until
``privacy.export_link_days`` after it was built; the daily job deletes expired files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.privacy.export_build import exports_dir
from hostledger.privacy.models import PersonalDataExport
from hostledger.privacy.sealed_files import read_sealed
from hostledger.privacy.tasks import build_personal_data_export

logger = logging.getLogger("hostledger.privacy")

Status = PersonalDataExport.Status
ZIP_MEDIA_TYPE = "application/zip"


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
            _("This export cannot be downloaded: it is not ready or its link has expired."),
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
