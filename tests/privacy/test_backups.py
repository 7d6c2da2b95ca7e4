"""Encrypted backups, their retention, verify and restore, and the erasure replay (GDPR-14)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from config import settings as configured_settings
from hostledger.accounts.models import Client, User
from hostledger.core import jobs
from hostledger.core.errors import DomainError
from hostledger.core.keyfiles import new_backup_key
from hostledger.core.models import AuditEvent, JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.privacy.backup_format import decrypted_chunks, read_header
from hostledger.privacy.backup_retention import backups_in, backups_prune
from hostledger.privacy.backups import (
    Database,
    backup_create,
    backup_restore,
    backup_verify,
    database_table_count,
)
from hostledger.privacy.erasure_log import (
    erasure_log_entries_since,
    erasure_log_record,
    register_erasure_replayer,
    registered_erasure_replayers,
    unregister_erasure_replayer,
)
from tests.queued_tasks import run_queued_tasks

REPOSITORY = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get(
    "HOSTLEDGER_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path):
    """Backups, their key and the erasure log in this test's own folder."""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEYS = [new_backup_key()]
    settings.ERASURE_LOG_PATH = tmp_path / "privacy" / "erasure-log"
    settings.ERASURE_LOG_KEY = "erasure-log-key-of-the-tests"
    return settings


@pytest.fixture
def no_replayers():
    """The replay registry emptied for the test and put back afterwards.

    The restore command registers the erasure flow when it is imported: it is imported before
    the registry is saved, so that a first import inside the emptied window is not lost."""
    load_command_class("hostledger.privacy", "restore")
    saved = registered_erasure_replayers()
    for replayer in saved:
        unregister_erasure_replayer(replayer)
    yield
    for replayer in registered_erasure_replayers():
        unregister_erasure_replayer(replayer)
    for replayer in saved:
        register_erasure_replayer(replayer)


def new_client(number: int) -> Client:
    owner = User.objects.create_user(f"backup{number}@example.com", None)
    return Client.objects.create(
        owner=owner, kind="natural", first_name="Mari", last_name=f"Tamm {number}", country="EE"
    )


def only_backup(settings) -> Path:
    [(_moment, path)] = backups_in(Path(settings.BACKUP_DIR))
    return path


def decrypt(path: Path) -> bytes:
    with path.open("rb") as handle:
        _meta, header, cipher = read_header(handle)
        return b"".join(decrypted_chunks(handle, header, cipher))


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_verify_restore_round_trip__GDPR_14(settings, no_replayers):
    """A backup of the configured database (SQLite or PostgreSQL, as the suite runs) is
    encrypted, verifies, and a restore brings the database back to the backup's state."""
    kept = new_client(1)

    output = StringIO()
    call_command("backup", stdout=output)
    path = only_backup(settings)
    assert f"Backup written: {path}" in output.getvalue()
    manifest = json.loads(
        path.with_name(path.name.replace(".hlbackup", ".manifest.json")).read_text()
    )
    plain = decrypt(path)
    encrypted = path.read_bytes()

    assert manifest["format_version"] == 1
    assert manifest["database"] == connection.vendor
    assert manifest["size"] == len(plain)
    assert manifest["sha256"] == hashlib.sha256(plain).hexdigest()
    assert manifest["encrypted_size"] == len(encrypted)
    taken = datetime.fromisoformat(manifest["created_at"])
    assert path.name == f"hostledger-{taken:%Y%m%dT%H%M%S}Z-{connection.vendor}.hlbackup"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    magic = b"SQLite format 3" if connection.vendor == "sqlite" else b"PGDMP"
    assert plain.startswith(magic)
    assert magic not in encrypted and b"accounts_client" not in encrypted
    assert AuditEvent.objects.filter(action="privacy.backup_created").count() == 1

    verified = backup_verify(path)
    assert (verified.size, verified.sha256) == (manifest["size"], manifest["sha256"])

    added_after = new_client(2)
    with pytest.raises(CommandError, match=r"holds \d+ tables"):
        call_command("restore", str(path), "--no-replay")
    assert Client.objects.filter(pk=added_after.pk).exists()  # refused: nothing changed

    call_command(
        "restore",
        str(path),
        "--force",
        "--no-replay",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert list(Client.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Client.objects.get(pk=kept.pk).last_name == "Tamm 1"
    assert AuditEvent.objects.filter(action="privacy.backup_restored").count() == 1


@pytest.mark.django_db(transaction=True)
def test_restore_into_a_fresh_sqlite_database_from_the_command_line__GDPR_14(settings, tmp_path):
    """``hostledger restore FILE`` in a fresh installation: a new SQLite file gets the data."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite restore from the command line")
    client = new_client(1)
    path = backup_create().path
    fresh = tmp_path / "fresh.sqlite3"
    environment = {
        **os.environ,
        "HOSTLEDGER_DATABASE_URL": f"sqlite:///{fresh}",
        "HOSTLEDGER_VAR_DIR": str(tmp_path / "var"),
        "HOSTLEDGER_BACKUP_KEY": settings.BACKUP_KEYS[0],
        "HOSTLEDGER_ERASURE_LOG": str(settings.ERASURE_LOG_PATH),
        "HOSTLEDGER_ERASURE_LOG_KEY": settings.ERASURE_LOG_KEY,
    }
    command = [sys.executable, "-m", "hostledger.cli", "restore", str(path)]

    # The command registers the erasure flow as its replayer (nothing to replay here).
    restored = subprocess.run(
        command, env=environment, capture_output=True, text=True, cwd=REPOSITORY
    )
    assert restored.returncode == 0, restored.stderr
    assert "Erasures replayed: 0 logged since the backup, 1 replayer(s)" in restored.stdout
    database = sqlite3.connect(fresh)
    try:
        rows = database.execute("SELECT id, public_id FROM accounts_client").fetchall()
    finally:
        database.close()
    assert rows == [(client.pk, client.public_id)]


@pytest.fixture
def postgres_databases():
    """Throwaway PostgreSQL databases named hl_backups_*, dropped afterwards; skips the test
    when no PostgreSQL server answers."""
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    made: list[str] = []
    base = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)

    def make() -> Database:
        name = f"hl_backups_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return Database(
            kind="postgresql",
            alias=name,
            settings={
                "NAME": name,
                "HOST": base.get("host", ""),
                "PORT": base.get("port", ""),
                "USER": base.get("user", ""),
                "PASSWORD": base.get("password", ""),
            },
        )

    yield make
    for name in made:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def pg_rows(database: Database) -> list[tuple]:
    with psycopg.connect(POSTGRES_URL, dbname=database.settings["NAME"]) as handle:
        return handle.execute("SELECT id, note FROM ledger_sample ORDER BY id").fetchall()


@pytest.mark.postgres
def test_postgresql_backup_verify_restore_into_a_fresh_database__GDPR_14(postgres_databases):
    source = postgres_databases()
    with psycopg.connect(POSTGRES_URL, dbname=source.settings["NAME"], autocommit=True) as handle:
        handle.execute("CREATE TABLE ledger_sample (id bigint PRIMARY KEY, note text NOT NULL)")
        handle.execute(
            "INSERT INTO ledger_sample SELECT n, 'row ' || n FROM generate_series(1, 3000) n"
        )

    backup = backup_create(database=source)
    assert backup.database == "postgresql"
    assert decrypt(backup.path).startswith(b"PGDMP")
    assert backup_verify(backup.path).sha256 == backup.sha256

    fresh = postgres_databases()
    assert database_table_count(fresh) == 0
    backup_restore(backup.path, database=fresh)
    assert pg_rows(fresh) == [(n, f"row {n}") for n in range(1, 3001)]

    with psycopg.connect(POSTGRES_URL, dbname=source.settings["NAME"], autocommit=True) as handle:
        handle.execute("DELETE FROM ledger_sample WHERE id > 10")
    with pytest.raises(DomainError) as refused:
        backup_restore(backup.path, database=source)
    assert refused.value.code == "restore_target_not_empty"
    assert len(pg_rows(source)) == 10

    backup_restore(backup.path, database=source, force=True)
    assert len(pg_rows(source)) == 3000

    flip_byte(backup.path, backup.path.stat().st_size // 2)
    untouched = postgres_databases()
    with pytest.raises(DomainError) as tampered:
        backup_restore(backup.path, database=untouched)
    assert tampered.value.code == "backup_tampered"
    assert database_table_count(untouched) == 0


# --- tampering and keys -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused__GDPR_14(settings, no_replayers):
    client = new_client(1)
    path = backup_create().path
    original = path.read_bytes()
    client_after = new_client(2)

    flip_byte(path, len(original) // 2)
    with pytest.raises(DomainError) as changed:
        backup_verify(path)
    assert changed.value.code == "backup_tampered"
    with pytest.raises(CommandError, match="fails its authentication"):
        call_command("backup", "verify", str(path))
    with pytest.raises(CommandError, match="fails its authentication"):
        call_command("restore", str(path), "--force", "--no-replay")
    assert set(Client.objects.values_list("pk", flat=True)) == {client.pk, client_after.pk}

    path.write_bytes(original[:-100])
    with pytest.raises(DomainError) as truncated:
        backup_verify(path)
    assert truncated.value.code == "backup_tampered"

    path.write_bytes(original[:-4])
    with pytest.raises(DomainError):
        backup_verify(path)

    path.write_bytes(original + b"extra")
    with pytest.raises(DomainError) as appended:
        backup_verify(path)
    assert appended.value.code == "backup_tampered"

    path.write_bytes(original)
    flip_byte(path, 30)  # inside the header (the salt): every part fails
    with pytest.raises(DomainError) as header:
        backup_verify(path)
    assert header.value.code == "backup_tampered"

    path.write_bytes(original)
    manifest_path = path.with_name(path.name.replace(".hlbackup", ".manifest.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(DomainError) as mismatch:
        backup_verify(path)
    assert mismatch.value.code == "backup_hash_mismatch"


@pytest.mark.django_db(transaction=True)
def test_a_backup_under_another_key_is_refused_and_old_keys_still_open__GDPR_14(settings):
    new_client(1)
    old_key = settings.BACKUP_KEYS[0]
    path = backup_create().path

    settings.BACKUP_KEYS = [new_backup_key()]
    with pytest.raises(DomainError) as refused:
        backup_verify(path)
    assert refused.value.code == "backup_wrong_key"
    with pytest.raises(CommandError, match="not among the configured BACKUP_KEY"):
        call_command("backup", "verify", str(path))

    settings.BACKUP_KEYS = [new_backup_key(), old_key]  # rotated: the old key still decrypts
    assert backup_verify(path).path == path

    settings.BACKUP_KEYS = ["not a key"]
    with pytest.raises(DomainError) as invalid:
        backup_verify(path)
    assert invalid.value.code == "backup_key_invalid"


def test_settings_keep_the_backup_key_apart_from_other_keys__GDPR_14():
    """The configured backup key (not the tests' own) is a key of its own, usable as one."""
    backup_keys = configured_settings.BACKUP_KEYS
    assert backup_keys and configured_settings.SECRET_KEY not in backup_keys
    assert not set(configured_settings.FIELD_ENCRYPTION_KEYS) & set(backup_keys)
    assert configured_settings.BLIND_INDEX_KEY not in backup_keys
    assert configured_settings.ERASURE_LOG_KEY not in backup_keys
    assert all(len(base64.urlsafe_b64decode(key)) == 32 for key in backup_keys)


# --- retention --------------------------------------------------------------------------------


def place_backups(directory: Path, moments: list[datetime]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for moment in moments:
        stem = f"hostledger-{moment:%Y%m%dT%H%M%S}Z-sqlite"
        (directory / f"{stem}.hlbackup").write_bytes(b"x")
        (directory / f"{stem}.manifest.json").write_text("{}")


def names(moments: list[datetime]) -> set[str]:
    return {f"hostledger-{moment:%Y%m%dT%H%M%S}Z-sqlite.hlbackup" for moment in moments}


@pytest.mark.django_db
def test_retention_keeps_daily_and_monthly_backups_and_deletes_the_rest__GDPR_14(settings):
    """Defaults: daily backups 30 days, the first backup of each month 12 months."""
    directory = Path(settings.BACKUP_DIR)
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    twice_a_month = [
        datetime(year, month, day, 2, 0, tzinfo=UTC)
        for year, month in [(2025, m) for m in (10, 11, 12)] + [(2026, m) for m in range(1, 11)]
        for day in (1, 15)
    ]
    daily = [datetime(2026, 11, 1, 2, 0, tzinfo=UTC) + timedelta(days=n) for n in range(37)]
    place_backups(directory, twice_a_month + daily)
    (directory / "notes.txt").write_text("not a backup")

    deleted = backups_prune(now=now)

    kept_daily = [moment for moment in daily if moment >= datetime(2026, 11, 7, 3, tzinfo=UTC)]
    assert len(kept_daily) == 30
    kept_monthly = [datetime(2026, month, 1, 2, 0, tzinfo=UTC) for month in range(1, 12)]
    expected = names(kept_daily) | names(kept_monthly)
    remaining = {path.name for path in directory.iterdir() if path.suffix == ".hlbackup"}
    assert remaining == expected
    assert len(deleted) == len(twice_a_month) + len(daily) - len(expected) == 22
    manifests = {path.name for path in directory.iterdir() if path.name.endswith(".json")}
    assert manifests == {name.replace(".hlbackup", ".manifest.json") for name in expected}
    assert (directory / "notes.txt").exists()


@pytest.mark.django_db
def test_retention_follows_the_provider_settings_and_keeps_the_newest__GDPR_14(settings):
    directory = Path(settings.BACKUP_DIR)
    provider_setting_change(key="privacy.backup_daily_retention_days", raw_value=2)
    provider_setting_change(key="privacy.backup_monthly_retention_months", raw_value=0)
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    moments = [datetime(2026, 12, day, 2, 0, tzinfo=UTC) for day in range(1, 8)]
    place_backups(directory, moments)

    backups_prune(now=now)

    assert {path.name for path in directory.glob("*.hlbackup")} == names(moments[-2:])

    only_old = [datetime(2025, 1, 1, 2, 0, tzinfo=UTC)]
    for path in directory.iterdir():
        path.unlink()
    place_backups(directory, only_old)
    assert backups_prune(now=now) == []  # the newest backup is never deleted
    assert {path.name for path in directory.glob("*.hlbackup")} == names(only_old)


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_backs_up_and_prunes_and_records_its_counts__GDPR_14(settings):
    job = jobs.get_job("privacy.backup_database")
    assert job.interval() == timedelta(days=1)
    assert job.offset == timedelta(hours=2)
    new_client(1)
    expired = datetime(2020, 1, 1, 2, 0, tzinfo=UTC)
    place_backups(Path(settings.BACKUP_DIR), [expired])

    queued = jobs.run_job_now("privacy.backup_database")
    run_queued_tasks()

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.SUCCEEDED
    path = only_backup(settings)
    assert run.counts == {
        "backups_written": 1,
        "backup_bytes": backup_verify(path).size,
        "backups_pruned": 1,
    }
    assert f"Deleted {next(iter(names([expired])))}" in run.log


# --- the erasure log and its replay -----------------------------------------------------------


def test_erasure_log_holds_ids_only_and_detects_tampering__GDPR_14(settings):
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    erasure_log_record(subject="cli_first", erased_at=first)
    erasure_log_record(subject="cli_second", erased_at=first + timedelta(days=2))
    erasure_log_record(subject="cli_third", erased_at=first + timedelta(days=4))

    since = erasure_log_entries_since(first + timedelta(days=1))
    assert [(entry.subject, entry.erased_at) for entry in since] == [
        ("cli_second", first + timedelta(days=2)),
        ("cli_third", first + timedelta(days=4)),
    ]
    for refused_subject in ("mari.tamm@example.com", "Mari Tamm", "", "cli\tx"):
        with pytest.raises(DomainError) as refused:
            erasure_log_record(subject=refused_subject, erased_at=first)
        assert refused.value.fields == {"subject": "must be an opaque id"}
    with pytest.raises(DomainError):
        erasure_log_record(subject="cli_naive", erased_at=datetime(2026, 12, 1, 10, 0))

    path = Path(settings.ERASURE_LOG_PATH)
    lines = path.read_text().splitlines(keepends=True)
    assert len(lines) == 3
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    path.write_text(lines[0] + lines[1].replace("cli_second", "cli_secoND") + lines[2])
    with pytest.raises(DomainError, match="line 2"):
        erasure_log_entries_since(first)

    path.write_text(lines[0] + lines[2])  # a line removed
    with pytest.raises(DomainError, match="line 2") as removed:
        erasure_log_entries_since(first)
    assert removed.value.code == "erasure_log_tampered"

    settings.ERASURE_LOG_KEY = "another key"
    path.write_text("".join(lines))
    with pytest.raises(DomainError, match="line 1"):
        erasure_log_entries_since(first)


@pytest.mark.django_db(transaction=True)
def test_restore_replays_later_erasures_so_no_erased_subject_comes_back__GDPR_14(
    settings, no_replayers
):
    kept = new_client(1)
    erased = new_client(2)
    erased_early = new_client(3)
    backup = backup_create()
    # Erased after the backup was taken: the row is deleted and the erasure logged.
    erased_id, erased_public_id = erased.pk, erased.public_id
    Client.objects.filter(pk=erased_id).delete()
    erasure_log_record(subject=erased_public_id, erased_at=timezone.now())
    # Logged two hours before the backup: outside the replay margin, not replayed.
    erasure_log_record(
        subject=erased_early.public_id, erased_at=backup.created_at - timedelta(hours=2)
    )

    calls: list[str] = []

    def delete_client_row(*, subject: str, erased_at: datetime) -> None:
        calls.append(subject)
        Client.objects.filter(public_id=subject).delete()

    register_erasure_replayer(delete_client_row)
    output = StringIO()
    call_command("restore", str(backup.path), "--force", stdout=output)
    assert "Erasures replayed: 1 logged since the backup, 1 replayer(s), 1 call(s)" in (
        output.getvalue()
    )

    assert calls == [erased_public_id]
    assert set(Client.objects.values_list("pk", flat=True)) == {kept.pk, erased_early.pk}
    assert not Client.objects.filter(public_id=erased_public_id).exists()
    restored_event = AuditEvent.objects.get(action="privacy.backup_restored")
    assert restored_event.data == {
        "file": backup.path.name,
        "erasures_logged": 1,
        "replay_calls": 1,
        "replay_failures": 0,
        "replayed": True,
    }


@pytest.mark.django_db(transaction=True)
def test_restore_without_a_replayer_is_refused_and_a_failing_replayer_fails_it__GDPR_14(
    no_replayers,
):
    new_client(1)
    backup = backup_create()
    added_after = new_client(2)
    erasure_log_record(subject="cli_gone", erased_at=timezone.now())

    with pytest.raises(CommandError, match="NO ERASURE REPLAYER IS REGISTERED") as refused:
        call_command("restore", str(backup.path), "--force")
    assert refused.value.returncode == 1
    assert "1 logged since it" in str(refused.value)
    assert Client.objects.filter(pk=added_after.pk).exists()  # nothing was restored

    def broken(*, subject: str, erased_at: datetime) -> None:
        raise RuntimeError("the eraser is down")

    register_erasure_replayer(broken)
    output = StringIO()
    with pytest.raises(CommandError, match="1 erasure replay"):
        call_command("restore", str(backup.path), "--force", stdout=output, stderr=output)
    assert not Client.objects.filter(pk=added_after.pk).exists()  # restored, replay failed
