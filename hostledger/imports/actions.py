"""Every write of the imports app: import runs and the map of source keys (each one
transaction, keyword-only)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from hostledger.imports.models import ImportRun, SourceRecord


@transaction.atomic
def import_run_start(*, source: str, source_database: str) -> ImportRun:
    """Record that an import from ``source`` begins."""
    return ImportRun.objects.create(
        source=source, source_database=source_database[:200], started_at=timezone.now()
    )


@transaction.atomic
def import_run_finish(*, run: ImportRun, summary: dict) -> ImportRun:
    """Store the run's summary and the time it ended."""
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), summary=summary)
    run.refresh_from_db()
    return run


@transaction.atomic
def source_record_add(
    *, run: ImportRun, table: str, source_key, target, client=None
) -> SourceRecord:
    """Remember that row ``source_key`` of ``table`` became ``target``.

    Called in the transaction that wrote ``target``, so the object and its source key are
    stored together or not at all. A key recorded before is refused (IntegrityError), which
    rolls back the caller's transaction: two concurrent runs never import one row twice.
    """
    try:
        with transaction.atomic():
            return SourceRecord.objects.create(
                source=run.source,
                table=table,
                source_key=str(source_key),
                target_model=target._meta.label,
                target_id=target.pk,
                client=client,
                run=run,
                imported_at=timezone.now(),
            )
    except IntegrityError as error:
        raise IntegrityError(
            f"{run.source}:{table}:{source_key} was imported meanwhile by another run."
        ) from error


@transaction.atomic
def source_records_add(
    *, run: ImportRun, records: list[tuple[str, str, object]], client=None
) -> int:
    """Remember many rows at once: ``records`` are (table, source key, target) triples, all of
    ``client``'s. Called at the end of the transaction that wrote the targets; a key recorded
    before is refused as in :func:`source_record_add`. Returns how many were stored."""
    now = timezone.now()
    rows = [
        SourceRecord(
            source=run.source,
            table=table,
            source_key=str(key),
            target_model=target._meta.label,
            target_id=target.pk,
            client=client,
            run=run,
            imported_at=now,
        )
        for table, key, target in records
    ]
    try:
        with transaction.atomic():
            SourceRecord.objects.bulk_create(rows)
    except IntegrityError as error:
        raise IntegrityError(
            f"{run.source}: a row of client {client.pk if client else '-'} was imported "
            "meanwhile by another run."
        ) from error
    return len(rows)
