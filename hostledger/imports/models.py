"""What was imported from another billing system, so that an import run again imports
nothing twice (AUT-01's habit: every inbound event has a unique key)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportSource(models.TextChoices):
    """The systems HostLedger imports from."""

    WHMCS = "whmcs", _("WHMCS")


class ImportRun(models.Model):
    """One run of an import: when it ran, against which source database, and its summary
    (per source table: imported, skipped as imported before, unmapped with the reasons).

    The summary holds table names, counts, source row ids and reasons only, never the
    source's personal data, so it can be kept and shown to any staff member who runs imports.
    """

    source = models.CharField(max_length=20, choices=ImportSource.choices)
    source_database = models.CharField(
        max_length=200, help_text="host:port/name of the source database, without credentials"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} import {self.started_at:%Y-%m-%d %H:%M}"


class SourceRecord(models.Model):
    """One row of the source system and the HostLedger object it became.

    ``(source, table, source_key)`` is unique: the import looks it up before writing and
    stores it in the same transaction as the object, so a rerun — or a run after a crash —
    finds it and imports nothing twice. ``target`` names the object as ``app_label.Model``
    with its primary key; the owning app is the only writer of that object.
    """

    source = models.CharField(max_length=20, choices=ImportSource.choices)
    table = models.CharField(max_length=64)
    source_key = models.CharField(max_length=64)
    target_model = models.CharField(max_length=64)
    target_id = models.BigIntegerField()
    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The client the row belongs to, when it belongs to one.",
    )
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="records")
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "table", "source_key"], name="imports_source_record_unique"
            )
        ]
        indexes = [
            models.Index(fields=["target_model", "target_id"], name="imports_record_target_idx")
        ]

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.table}:{self.source_key} → {self.target_model}#{self.target_id}"
        )
