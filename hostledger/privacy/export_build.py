"""Building an export of a client's personal data (GDPR-02): what the background task runs.

Apart from :mod:`hostledger.privacy.exports` (start, download, expiry), which queues the task
that calls :func:`personal_data_export_build` here.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hostledger.accounts.models import Client, Contact, Payer
from hostledger.core.audit import record_audit_event
from hostledger.core.registry import setting_value
from hostledger.notifications.models import ChannelPreference
from hostledger.privacy.conf import EXPORT_LINK_DAYS
from hostledger.privacy.export import write_export
from hostledger.privacy.models import PersonalDataExport
from hostledger.privacy.sealed_files import new_file_key

logger = logging.getLogger("hostledger.privacy")

Status = PersonalDataExport.Status
PROGRESS_WRITE_SECONDS = 1.0


def exports_dir() -> Path:
    """Where export files are kept: ``<var dir>/exports`` (created, mode 0700)."""
    folder = Path(settings.VAR_DIR) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


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
