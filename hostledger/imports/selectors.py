"""Reads of the imports app: what was imported before."""

from __future__ import annotations

from hostledger.imports.models import SourceRecord


def imported_keys(*, source: str, table: str) -> dict[str, int]:
    """The source keys of ``table`` imported before, with the primary key each became."""
    return dict(
        SourceRecord.objects.filter(source=source, table=table).values_list(
            "source_key", "target_id"
        )
    )


def imported_object(model, pk: int):
    """The object an earlier run made, or None when it is gone."""
    return model._default_manager.filter(pk=pk).first()
