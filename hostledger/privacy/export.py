"""The export of a client's personal data, built from the declarations alone (GDPR-01, GDPR-02).

Every installed model with a personal field and a declared subject is an *asset*. A client's
rows of an asset are found through the declared subject paths (its client paths, or its user
path leading to the client's owner), so a model, or a field, declared tomorrow is exported
without a change here. The ZIP holds:

* ``<asset>.csv`` per asset: the row's public id (or key), every declared personal field, the
  record's other descriptive fields and the public ids of the records it refers to;
* ``personal-data.json``: per asset, every personal field held, its table and column,
  category, purpose, legal basis, recipients and retention rule, and the values; plus the
  portable part (profile, payers, contacts, preferences) that another HostLedger imports
  (``hostledger privacy import``). Its schema is ``export_schema.json`` in this package.

Rows are read with ``values_list(...).iterator(chunk_size=...)`` and written straight into
the ZIP, so memory stays bounded by one chunk whatever the client holds. Each asset's JSON
part is spooled into a sealed (encrypted) scratch file while its CSV is written, then copied
into the JSON document: nothing is written to disk in clear.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI

from hostledger.core.fields import BlindIndexField
from hostledger.core.personal_data import (
    Personal,
    Retention,
    declaration_of,
    personal_fields,
    subject_of,
)
from hostledger.core.registry import current_values
from hostledger.privacy.sealed_files import SealedWriter, new_file_key, read_sealed

FORMAT_NAME = "hostledger-personal-data"
FORMAT_VERSION = 1
JSON_NAME = "personal-data.json"
SCHEMA_FILE = Path(__file__).with_name("export_schema.json")
SCHEMA_PATH = "/privacy/export-schema.json"
"""Where the schema is served (hostledger/web/urls_client_privacy.py uses this path)."""
CHUNK_ROWS = 10_000
"""Rows fetched per round trip while exporting; bounds the memory of a build."""

# Personal fields whose values are never put in an export, with the reason shown instead:
# secrets that would let whoever holds the file sign in as the client. They are still listed
# in the JSON document (held, where, why), only their values are left out.
WITHHELD = {
    ("accounts.user", "password"): "a password hash is a credential, not information",
    ("accounts.apitoken", "secret_hash"): "a token hash is a credential",
    ("mfa.authenticator", "data"): "second-factor secrets and recovery codes are credentials",
    ("socialaccount.socialtoken", "token"): "an access token is a credential",
    ("socialaccount.socialtoken", "token_secret"): "an access token is a credential",
    ("accounts.clientsearchtoken", "token"): "a keyed hash, meaningless without the key",
    ("privacy.personaldataexport", "file_key"): "the key of an export file is a credential",
    ("support.ticketsearchtoken", "token"): "a keyed hash, meaningless without the key",
    ("support.ticketmessage", "mail_key"): "a keyed hash, meaningless without the key",
    ("support.attachmentcontent", "content_hash"): "a keyed hash, meaningless without the key",
}
KEYED_HASH = "a keyed hash for exact look-ups, meaningless without the key"

# What each retention rule means, in the words of the privacy policy (seed 002); the periods
# themselves are the privacy app's settings.
RETENTION_TEXT = {
    Retention.ACCOUNT_LIFETIME: "As long as the account exists; erased or anonymised on erasure.",
    Retention.BILLING_RECORDS: (
        "Seven years after the end of the financial year in which the contract ended."
    ),
    Retention.TRAFFIC_DATA: "Seven years after the end of the year of use.",
    Retention.ACCESS_LOGS: "60 days.",
    Retention.COMMUNICATIONS: "Two years after the end of the month of the communication.",
    Retention.CONSENT_RECORDS: "As long as the consent or acceptance can be disputed.",
    Retention.AUDIT_TRAIL: "As long as needed for the establishment or defence of claims.",
    Retention.SESSIONS: "Until the session expires or the person signs out.",
}
OTHER_RETENTION = "Two years after it was uploaded, where no other rule applies."


RECIPIENTS_SETTING = "privacy.recipients_"
"""Who receives personal data of a category: the setting ``privacy.recipients_<category>``."""
OTHER_RECIPIENTS = "The provider's staff."


def recipients_by_category() -> dict[str, str]:
    """The ``privacy.recipients_*`` settings in force, by category, read in one query."""
    return {
        key.removeprefix(RECIPIENTS_SETTING): value
        for key, value in current_values().items()
        if key.startswith(RECIPIENTS_SETTING)
    }


@dataclass(frozen=True)
class Column:
    """One column of an asset's CSV: the field, how to read it, and its declaration.

    ``kind`` says how its values are written: "text" as they are, "number" (str in the CSV,
    a number in the JSON), "flag", "moment" (ISO 8601), "structure" (JSON), "other"."""

    name: str
    lookup: str
    db_column: str
    personal: Personal | None
    kind: str = "other"


@dataclass(frozen=True)
class Asset:
    """A model holding personal data of a subject, as the declarations describe it."""

    label: str
    model: type[models.Model]
    key_lookup: str
    columns: tuple[Column, ...]
    withheld: tuple[tuple[str, str], ...]  # (field name, reason)
    client_paths: tuple[str, ...]
    user_path: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def file_name(self) -> str:
        return f"{self.label}.csv"

    def subject_filter(self, *, client_id: int, user_id: int | None) -> Q:
        condition = Q(pk__in=[])
        for path in self.client_paths:
            condition |= Q(**{path: client_id})
        if self.user_path and user_id is not None:
            condition |= Q(**{self.user_path: user_id})
        return condition

    def rows(self, *, client_id: int, user_id: int | None):
        """The subject's rows as tuples: the key, then one value per column.

        The asset's own date and datetime columns are selected as text (:class:`MomentText`),
        which spares the driver parsing every value into a datetime that the export would
        only format back into text."""
        expressions = {}
        for position, column in enumerate([None, *self.columns]):
            lookup = self.key_lookup if column is None else column.lookup
            if column is not None and self.is_own_moment(column):
                field = self.model._meta.get_field(column.name)
                expressions[f"export_column_{position}"] = MomentText(lookup, field=field)
            else:
                expressions[f"export_column_{position}"] = F(lookup)
        manager = self.model._base_manager
        return (
            manager.filter(self.subject_filter(client_id=client_id, user_id=user_id))
            .order_by("pk")
            .annotate(**expressions)
            .values_list(*expressions)
        )

    def is_own_moment(self, column: Column) -> bool:
        """Whether ``column`` is a date or datetime column of the asset's own table."""
        if column.kind != "moment" or column.lookup != column.name:
            return False
        field = self.model._meta.get_field(column.name)
        return isinstance(field, models.DateTimeField | models.DateField)


class MomentText(Func):
    """A date or datetime column as text in the export's form, made by the database.

    PostgreSQL writes it as ``datetime.isoformat()`` of the UTC value would ("2027-03-01",
    "2027-03-01T10:00:00+00:00", with ".ffffff" only when there are microseconds), so the
    value needs no work in Python; SQLite gives its stored text, which
    :func:`_sqlite_moment` and :func:`_sqlite_date` put in the same form."""

    output_field = models.TextField()

    def __init__(self, expression, *, field):
        super().__init__(expression)
        self.is_datetime = isinstance(field, models.DateTimeField)

    def as_sql(self, compiler, connection, **extra_context):
        return Cast(self.source_expressions[0], models.TextField()).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.is_datetime:
            return f"to_char({column}, 'YYYY-MM-DD')", params
        utc = f"({column} AT TIME ZONE 'UTC')"
        sql = (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            f"mod(date_part('microseconds', {utc})::bigint, 1000000) = 0 THEN '' "
            f"ELSE to_char({utc}, '.US') END || '+00:00'"
        )
        return sql, [*params, *params, *params]


def _kind_of(field) -> str:
    if isinstance(field, models.BooleanField):
        return "flag"
    if isinstance(field, models.IntegerField | models.FloatField | models.AutoField):
        return "number"
    if isinstance(field, models.DateTimeField | models.DateField | models.TimeField):
        return "moment"
    if isinstance(field, models.JSONField):
        return "structure"
    if isinstance(field, models.CharField | models.TextField | models.EmailField):
        return "text"
    return "other"


def _tracked_label(model) -> str:
    """The label whose WITHHELD entries apply: a history table follows its tracked model."""
    tracked = getattr(model, "instance_type", None)
    return (tracked or model)._meta.label_lower


def _target_public_id(field) -> str | None:
    target = field.related_model
    names = {item.name for item in target._meta.concrete_fields}
    return f"{field.name}__public_id" if "public_id" in names else None


def asset_of(model) -> Asset | None:
    """The asset a model is, or None when it holds no personal data of a findable subject."""
    label = model._meta.label_lower
    declared = declaration_of(label)
    personal = personal_fields(label)
    subject = subject_of(label)
    if not personal or subject is None or not (subject.client_paths or subject.user):
        return None
    names = {field.name for field in model._meta.concrete_fields}
    key_lookup = "public_id" if "public_id" in names else "pk"
    tracked = _tracked_label(model)
    columns: list[Column] = []
    withheld: list[tuple[str, str]] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == "public_id":
            continue
        item = declared.get(field.name)
        is_personal = isinstance(item, Personal)
        reason = WITHHELD.get((tracked, field.name)) or (
            KEYED_HASH if isinstance(field, BlindIndexField) else None
        )
        if is_personal and reason:
            withheld.append((field.name, reason))
            continue
        if reason:  # a secret declared not personal: never exported either
            continue
        if field.is_relation:
            lookup = _target_public_id(field)
            if lookup is None:
                if not is_personal:
                    continue
                lookup = field.attname
            if field.related_model is apps.get_model("accounts", "Client") and not is_personal:
                continue  # the subject itself
            target = field.target_field if lookup == field.attname else None
            columns.append(
                Column(
                    field.name,
                    lookup,
                    field.column,
                    item if is_personal else None,
                    _kind_of(target) if target is not None else "text",
                )
            )
            continue
        columns.append(
            Column(
                field.name, field.name, field.column, item if is_personal else None, _kind_of(field)
            )
        )
    return Asset(
        label=label,
        model=model,
        key_lookup=key_lookup,
        columns=tuple(columns),
        withheld=tuple(withheld),
        client_paths=subject.client_paths,
        user_path=subject.user,
    )


def export_assets() -> list[Asset]:
    """Every asset of every installed model, by label."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        asset = asset_of(model)
        if asset is not None:
            found.append(asset)
    return sorted(found, key=lambda asset: asset.label)


# ----------------------------------------------------------------------------- values


def csv_text(value) -> str:
    """A value as CSV text: ISO dates, JSON for structures, base64 for bytes."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _json_default(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _flag(value):
    return value if value is None else bool(value)


def _moment(value):
    return value if value is None else value.isoformat()


def _sqlite_moment(value):
    """A SQLite datetime column as the driver gives it (naive, in UTC) in the ISO form that
    Django's converter and ``isoformat()`` would give, without making it aware first."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    return value.isoformat() + "+00:00"


def _sqlite_date(value):
    """A SQLite date column as stored ("YYYY-MM-DD", the ISO form), or a date."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _through(found, connection, then):
    converters, expression = found

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return then(value)

    return convert


def _plain(value):
    """A value Django converted that is neither text, number, flag nor moment: the JSON
    value (structures stay structures; decimals and the rest become text)."""
    if value is None or isinstance(value, dict | list | int | float | str):
        return value
    return csv_text(value)


def row_conversions(asset: Asset, compiler) -> list[tuple[int, Callable]]:
    """(position, function) for every selected column whose raw database value is not yet
    the value to write. Text and numbers are written as the driver gives them, and so are
    the asset's own moments on PostgreSQL (:class:`MomentText`); on SQLite, moments and
    flags are made from the driver's value directly; encrypted text, JSON, decimals and the
    moments of related rows go through Django's converters, as ``values_list`` would."""
    expressions = [item[0] for item in compiler.select]
    django_converters = compiler.get_converters(expressions)
    sqlite = compiler.connection.vendor == "sqlite"
    columns = [None, *asset.columns]
    conversions: list[tuple[int, Callable]] = []
    for position, column in enumerate(columns):
        kind = "text" if column is None else column.kind
        found = django_converters.get(position)
        if column is not None and asset.is_own_moment(column):
            if sqlite:
                field = asset.model._meta.get_field(column.name)
                is_datetime = isinstance(field, models.DateTimeField)
                conversions.append((position, _sqlite_moment if is_datetime else _sqlite_date))
        elif sqlite and kind == "flag":
            conversions.append((position, _flag))
        elif found is not None:
            then = {"moment": _moment, "flag": _flag}.get(kind, _plain)
            conversions.append((position, _through(found, compiler.connection, then)))
        elif kind == "moment":
            conversions.append((position, _moment))
        elif kind not in ("text", "number", "flag"):
            conversions.append((position, _plain))
    return conversions


def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)
    return value


def field_description(asset: Asset, recipients: dict[str, str]) -> list[dict]:
    """The JSON description of every personal field of ``asset`` (GDPR-02, seed 002)."""
    described = []
    withheld = dict(asset.withheld)
    declared = personal_fields(asset.label)
    for field in asset.model._meta.concrete_fields:
        item = declared.get(field.name)
        if item is None:
            continue
        described.append(
            {
                "field": field.name,
                "stored_in": {"table": asset.table, "column": field.column},
                "category": item.category,
                "purpose": item.purpose,
                "legal_basis": item.legal_basis,
                "recipients": recipients.get(item.category, OTHER_RECIPIENTS),
                "retention": {
                    "rule": item.retention,
                    "description": RETENTION_TEXT.get(item.retention, OTHER_RETENTION),
                },
                "encrypted_at_rest": item.encrypted,
                "value_withheld": withheld.get(field.name),
            }
        )
    return described


# ----------------------------------------------------------------------------- the build


ProgressCallback = Callable[[int, int], None]


@dataclass
class ExportResult:
    row_counts: dict[str, int]
    plain_size: int


def export_schema_url() -> str:
    """The public address of the JSON Schema of the document (its ``$id``). A constant
    path, not ``reverse()``: a worker building an export need not load the URL patterns."""
    return settings.SITE_URL + SCHEMA_PATH


def write_export(
    *,
    client,
    target: Path,
    file_key: str,
    exported_at: datetime,
    portable: dict,
    scratch_dir: Path,
    on_progress: ProgressCallback | None = None,
    assets: list[Asset] | None = None,
) -> ExportResult:
    """Write the export of ``client`` into the sealed file ``target`` (encrypted with
    ``file_key``); return the rows per asset and the ZIP's size."""
    assets = export_assets() if assets is None else assets
    user_id = client.owner_id
    totals = {
        asset.label: asset.model._base_manager.filter(
            asset.subject_filter(client_id=client.pk, user_id=user_id)
        ).count()
        for asset in assets
    }
    total = sum(totals.values())
    recipients = recipients_by_category()
    done = 0
    counts: dict[str, int] = {}
    scratch_key = new_file_key()
    scratch_path = scratch_dir / f"{target.name}.json-part"
    with SealedWriter(target, file_key) as sealed:
        with zipfile.ZipFile(sealed, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            try:
                with SealedWriter(scratch_path, scratch_key) as spool:
                    first = True
                    for asset in assets:
                        if on_progress is not None:
                            on_progress(done, total)
                        count = 0
                        for count in _write_asset(
                            zf, spool, asset, client, user_id, first, recipients
                        ):
                            if on_progress is not None:
                                on_progress(done + count, total)
                        first = False
                        counts[asset.label] = count
                        done += count
                _write_document(
                    zf,
                    read_sealed(scratch_path, scratch_key),
                    client=client,
                    exported_at=exported_at,
                    portable=portable,
                    counts=counts,
                )
            finally:
                scratch_path.unlink(missing_ok=True)
        size = sealed.plain_size
    if on_progress is not None:
        on_progress(total, total)
    return ExportResult(row_counts=counts, plain_size=size)


def _write_asset(
    zf, spool, asset: Asset, client, user_id, first: bool, recipients: dict[str, str]
) -> Iterator[int]:
    """Write the asset's CSV into the ZIP and its JSON part into ``spool``, a block of rows
    at a time; yields the rows written so far after each block."""
    names = ["id", *(column.name for column in asset.columns)]
    head = {
        "asset": asset.label,
        "name": str(asset.model._meta.verbose_name),
        "table": asset.table,
        "csv_file": asset.file_name,
        "found_through": {"client": list(asset.client_paths), "user": asset.user_path or None},
        "personal_fields": field_description(asset, recipients),
        "columns": names,
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    spool.write((b"" if first else b",\n") + opening.encode("utf-8"))
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    with zf.open(asset.file_name, "w") as entry:
        text = io.TextIOWrapper(entry, encoding="utf-8", newline="", write_through=False)
        writer = csv.writer(text)
        writer.writerow(names)
        queryset = asset.rows(client_id=client.pk, user_id=user_id)
        compiler = queryset.query.get_compiler(using=queryset.db)
        blocks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_ROWS)
        conversions = row_conversions(asset, compiler)
        width = len(names)
        # Flags and structures are written differently in the CSV than in the JSON.
        csv_positions = [
            p
            for p, c in enumerate([None, *asset.columns])
            if c and c.kind in ("flag", "structure", "other")
        ]
        for block in blocks:
            rows = [list(row[:width]) for row in block]
            for row in rows:
                for position, convert in conversions:
                    row[position] = convert(row[position])
            if csv_positions:
                cells = [list(row) for row in rows]
                for row in cells:
                    for position in csv_positions:
                        row[position] = _csv_cell(row[position])
                writer.writerows(cells)
            else:
                writer.writerows(rows)
            records = encode(rows)[1:-1]
            if records:
                spool.write(((",\n" if count else "\n") + records).encode())
            count += len(rows)
            yield count
        text.flush()
        text.detach()
    spool.write(f'], "row_count": {count}}}'.encode())
    yield count


def _write_document(zf, asset_parts, *, client, exported_at, portable, counts) -> None:
    head = {
        "$schema": export_schema_url(),
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(),
        "subject": {"client": client.public_id, "user": client.owner.public_id},
        "row_counts": counts,
        "portable": portable,
    }
    with zf.open(JSON_NAME, "w") as entry:
        entry.write(
            (json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "assets": [').encode()
        )
        for part in asset_parts:
            entry.write(part)
        entry.write(b"]\n}\n")
