"""Helpers of the export tests: build an export the way the worker does, and open it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from hostledger.privacy.export_build import exports_dir
from hostledger.privacy.exports import (
    personal_data_export_open,
    personal_data_export_start,
)
from hostledger.privacy.models import PersonalDataExport
from tests.queued_tasks import run_queued_tasks

BUILD_TASK = "hostledger.privacy.tasks.build_personal_data_export"


def built_export(client, user) -> PersonalDataExport:
    """Start an export of ``client`` as ``user`` and run the queued build task."""
    export = personal_data_export_start(client=client, requested_by=user)
    assert run_queued_tasks(BUILD_TASK) == 1
    export.refresh_from_db()
    return export


def export_zip(export: PersonalDataExport) -> zipfile.ZipFile:
    """The decrypted ZIP of a ready export, opened by its subject."""
    content = b"".join(personal_data_export_open(export=export, actor=export.client.owner))
    return zipfile.ZipFile(io.BytesIO(content))


def export_document(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("personal-data.json"))


def sealed_bytes(export: PersonalDataExport) -> bytes:
    return (exports_dir() / export.file_path).read_bytes()


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def asset_of(document: dict, label: str) -> dict:
    """One asset of the JSON document."""
    return next(item for item in document["assets"] if item["asset"] == label)


def records_of(asset: dict) -> list[dict]:
    """An asset's records as dicts keyed by its column names."""
    return [dict(zip(asset["columns"], record, strict=True)) for record in asset["records"]]
