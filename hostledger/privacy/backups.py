"""Encrypted backups of the database and their restore (GDPR-14).

``backup_create`` takes a consistent copy (SQLite's online backup API; ``pg_dump
--format=custom`` on PostgreSQL), encrypts it as it is read (format in
:mod:`hostledger.privacy.backup_format`), and writes it to ``settings.BACKUP_DIR`` with a
manifest (time, database, size and SHA-256 of the plain copy, format version). ``backup_run``
(the daily job and ``hostledger backup``) then prunes by the retention policy
(:mod:`hostledger.privacy.backup_retention`). ``backup_verify`` decrypts a backup, checks its
hash and checks the copy itself (``PRAGMA integrity_check``; ``pg_restore --list``).
``backup_restore`` puts a backup into the configured database, refusing one that holds tables
unless forced, and ``erasures_replay`` then re-applies every erasure logged since the backup
(see :mod:`hostledger.privacy.erasure_log`).

The plain SQLite copy passes through a temporary file (mode 0600) in the backup folder,
removed at once, because the backup API writes to a database file; a PostgreSQL dump is piped
and never written in clear.
"""

from __future__ import annotations

import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.privacy.backup_format import (
    CHUNK_SIZE,
    FORMAT_VERSION,
    NAME_TIME,
    SUFFIX,
    EncryptingWriter,
    backup_dir,
    decrypted_chunks,
    iso_time,
    manifest_path_for,
    read_header,
)
from hostledger.privacy.backup_retention import backups_prune
from hostledger.privacy.erasure_log import erasure_log_entries_since, registered_erasure_replayers

# Erasures logged up to this long before a backup's time are replayed too: the time is taken
# just before the copy starts, and an erasure stamped a moment earlier may commit after that.
# Replaying an erasure twice is harmless; missing one is not.
REPLAY_MARGIN = timedelta(hours=1)
POSTGRES_TIMEOUT_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class Database:
    """The database a backup is taken from or restored into: Django's alias and its settings."""

    kind: str  # "sqlite" or "postgresql"
    alias: str = "default"
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BackupFile:
    """A written or read backup: where, when, of what, and the plain copy's size and hash."""

    path: Path
    created_at: datetime
    database: str
    size: int
    sha256: str

    @property
    def manifest_path(self) -> Path:
        return manifest_path_for(self.path)


@dataclass(frozen=True)
class ReplayReport:
    """What the replay after a restore did: erasures found, calls made, calls that failed."""

    entries: int
    replayers: int
    calls: int
    failures: list[tuple[str, str]]


def _refused(code: str, message: str) -> DomainError:
    return DomainError(code, message)


# --- databases and tools --------------------------------------------------------------------


def configured_database(using: str = "default") -> Database:
    """The database Django is configured with under ``using``."""
    connection = connections[using]
    kind = connection.vendor
    if kind not in {"sqlite", "postgresql"}:
        raise _refused("backup_database_unsupported", f"Backups of {kind} are not supported.")
    return Database(kind=kind, alias=using, settings=dict(connection.settings_dict))


def postgres_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: the setting, else PATH, else the newest
    /usr/lib/postgresql/*/bin."""
    configured = getattr(settings, name.upper().replace("-", "_"), "")
    if configured:
        return configured
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(re.sub(r"\D", "", path.split("/")[4]) or 0),
    )
    if candidates:
        return candidates[-1]
    raise _refused(
        "backup_tool_missing",
        f"{name} was not found; install the PostgreSQL client or set HOSTLEDGER_{name.upper()}.",
    )


def _postgres_environment(database: Database) -> dict[str, str]:
    config = database.settings
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if config.get(key):
            environment[variable] = str(config[key])
    if config.get("PASSWORD"):
        environment["PGPASSWORD"] = str(config["PASSWORD"])
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return environment


def _tool_failed(name: str, returncode: int, errors) -> DomainError:
    errors.seek(0)
    text = errors.read().decode(errors="replace").strip()[-2000:]
    return _refused("backup_tool_failed", f"{name} failed (exit status {returncode}): {text}")


@contextmanager
def _private_temporary_file(directory: Path, suffix: str) -> Iterator[Path]:
    """A temporary file of mode 0600 in ``directory``, removed on leaving."""
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=".hostledger-", suffix=suffix, dir=directory)
    os.close(descriptor)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _sqlite_raw_connection(database: Database) -> sqlite3.Connection:
    connection = connections[database.alias]
    connection.ensure_connection()
    return connection.connection


# --- backup ---------------------------------------------------------------------------------


def backup_create(*, database: Database | None = None, directory: Path | None = None) -> BackupFile:
    """Take an encrypted, consistent copy of the database into the backup folder (GDPR-14).

    The backup's time is taken just before the copy starts. Returns the written backup; its
    manifest is written beside it. Nothing is left behind if the copy fails.
    """
    database = database or configured_database()
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().astimezone(UTC).replace(microsecond=0)
    path = directory / f"hostledger-{created_at.strftime(NAME_TIME)}-{database.kind}{SUFFIX}"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _refused(
            "backup_exists", f"A backup named {path.name} exists already; try again in a second."
        ) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            writer = EncryptingWriter(handle, created_at=created_at, database=database.kind)
            if database.kind == "sqlite":
                _copy_sqlite(database, directory, writer)
            else:
                _copy_postgres(database, writer)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        result = BackupFile(
            path=path,
            created_at=created_at,
            database=database.kind,
            size=writer.size,
            sha256=writer.digest.hexdigest(),
        )
        _write_manifest(result)
    except BaseException:
        path.unlink(missing_ok=True)
        manifest_path_for(path).unlink(missing_ok=True)
        raise
    return result


def _copy_sqlite(database: Database, directory: Path, writer: EncryptingWriter) -> None:
    with _private_temporary_file(directory, ".sqlite3") as plain_path:
        target = sqlite3.connect(plain_path)
        try:
            _sqlite_raw_connection(database).backup(target)
        finally:
            target.close()
        with plain_path.open("rb") as plain:
            while chunk := plain.read(CHUNK_SIZE):
                writer.write(chunk)


def _copy_postgres(database: Database, writer: EncryptingWriter) -> None:
    command = [postgres_tool("pg_dump"), "--format=custom", "--dbname", database.settings["NAME"]]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command, stdout=subprocess.PIPE, stderr=errors, env=_postgres_environment(database)
        )
        try:
            while chunk := process.stdout.read(CHUNK_SIZE):
                writer.write(chunk)
        finally:
            process.stdout.close()
            returncode = process.wait(timeout=POSTGRES_TIMEOUT_SECONDS)
        if returncode != 0:
            raise _tool_failed("pg_dump", returncode, errors)


def _write_manifest(backup: BackupFile) -> None:
    manifest = {
        "format_version": FORMAT_VERSION,
        "file": backup.path.name,
        "created_at": iso_time(backup.created_at),
        "database": backup.database,
        "size": backup.size,
        "sha256": backup.sha256,
        "encrypted_size": backup.path.stat().st_size,
    }
    path = backup.manifest_path
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")


def read_manifest(path: Path) -> dict:
    """The manifest of the backup at ``path``; DomainError if it is missing or unreadable."""
    manifest_path = manifest_path_for(path)
    try:
        manifest = json.loads(manifest_path.read_text())
        manifest["created_at"] = datetime.fromisoformat(manifest["created_at"])
    except FileNotFoundError:
        raise _refused(
            "backup_manifest_missing", f"The backup's manifest {manifest_path.name} is missing."
        ) from None
    except (ValueError, KeyError, TypeError):
        raise _refused(
            "backup_manifest_damaged", f"The manifest {manifest_path.name} cannot be read."
        ) from None
    return manifest


# --- verify ---------------------------------------------------------------------------------


def _open_backup(path: Path):
    if not path.is_file():
        raise _refused("backup_not_found", f"No backup file {path}.")
    return path.open("rb")


def _check_against_manifest(path: Path, meta: dict, size: int, digest: str) -> BackupFile:
    manifest = read_manifest(path)
    if (
        manifest.get("format_version") != FORMAT_VERSION
        or manifest["created_at"] != meta["created_at"]
        or manifest.get("database") != meta["database"]
    ):
        raise _refused(
            "backup_manifest_mismatch", "The manifest does not describe this backup file."
        )
    if manifest.get("size") != size or not hmac.compare_digest(
        str(manifest.get("sha256", "")), digest
    ):
        raise _refused(
            "backup_hash_mismatch",
            "The decrypted backup's size or SHA-256 differs from its manifest.",
        )
    return BackupFile(
        path=path,
        created_at=meta["created_at"],
        database=meta["database"],
        size=size,
        sha256=digest,
    )


@contextmanager
def _decrypted_copy(path: Path) -> Iterator[tuple[BackupFile, Path]]:
    """Decrypt a SQLite backup to a private temporary file, checked against its manifest.

    Yields (backup, temporary path). PostgreSQL backups are never written out in clear:
    they are piped into the PostgreSQL tools instead.
    """
    with _open_backup(path) as handle:
        meta, header, cipher = read_header(handle)
        with _private_temporary_file(path.parent, ".sqlite3") as plain_path:
            size, digest = 0, hashlib.sha256()
            with plain_path.open("wb") as plain:
                for chunk in decrypted_chunks(handle, header, cipher):
                    plain.write(chunk)
                    size += len(chunk)
                    digest.update(chunk)
            backup = _check_against_manifest(path, meta, size, digest.hexdigest())
            yield backup, plain_path


def _sqlite_integrity(plain_path: Path) -> None:
    check = sqlite3.connect(f"file:{plain_path}?mode=ro", uri=True)
    try:
        result = [row[0] for row in check.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise _refused(
            "backup_copy_damaged", f"The copy is not a sound database: {error}."
        ) from None
    finally:
        check.close()
    if result != ["ok"]:
        raise _refused("backup_copy_damaged", "PRAGMA integrity_check: " + "; ".join(result[:5]))


def _feed_postgres_tool(path: Path, command: list[str], database: Database | None):
    """Decrypt the backup into ``command``'s standard input; returns the checked BackupFile.

    The tool's input is closed only after the last chunk has passed its check and the hash
    matches the manifest; otherwise the tool is killed, so ``pg_restore
    --single-transaction`` commits nothing of a tampered backup.
    """
    environment = _postgres_environment(database) if database else dict(os.environ)
    with _open_backup(path) as handle, tempfile.TemporaryFile() as errors:
        meta, header, cipher = read_header(handle)
        if meta["database"] != "postgresql":
            raise _refused("backup_wrong_database", "This is not a PostgreSQL backup.")
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=environment,
        )
        try:
            size, digest = 0, hashlib.sha256()
            for chunk in decrypted_chunks(handle, header, cipher):
                size += len(chunk)
                digest.update(chunk)
                try:
                    process.stdin.write(chunk)
                except BrokenPipeError:  # the tool stopped early: report its own error
                    returncode = process.wait(timeout=POSTGRES_TIMEOUT_SECONDS)
                    raise _tool_failed(Path(command[0]).name, returncode, errors) from None
            backup = _check_against_manifest(path, meta, size, digest.hexdigest())
        except BaseException:
            process.kill()
            process.wait()
            raise
        with suppress(BrokenPipeError):
            process.stdin.close()
        returncode = process.wait(timeout=POSTGRES_TIMEOUT_SECONDS)
        if returncode != 0:
            raise _tool_failed(Path(command[0]).name, returncode, errors)
    return backup


def backup_verify(path: Path) -> BackupFile:
    """Decrypt a backup, check it against its manifest and check the copy (GDPR-14).

    SQLite: ``PRAGMA integrity_check`` on the decrypted copy; PostgreSQL: ``pg_restore
    --list`` reads the whole archive. Raises DomainError with the reason when any check fails.
    """
    path = Path(path)
    with _open_backup(path) as handle:
        meta, _header, _cipher = read_header(handle)
    if meta["database"] == "postgresql":
        return _feed_postgres_tool(path, [postgres_tool("pg_restore"), "--list"], None)
    with _decrypted_copy(path) as (backup, plain_path):
        _sqlite_integrity(plain_path)
    return backup


# --- restore --------------------------------------------------------------------------------


def database_table_count(database: Database) -> int:
    """How many tables the database holds (0: a fresh database)."""
    if database.kind == "sqlite":
        cursor = _sqlite_raw_connection(database).execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return cursor.fetchone()[0]
    with _postgres_connection(database) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
        return row[0]


def _postgres_connection(database: Database) -> psycopg.Connection:
    """A connection of its own to ``database`` (which need not be one Django knows)."""
    config = database.settings
    parameters = {
        "dbname": config["NAME"],
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "connect_timeout": 10,
    }
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        parameters["sslmode"] = sslmode
    return psycopg.connect(**{key: value for key, value in parameters.items() if value})


def backup_restore(
    path: Path, *, force: bool = False, database: Database | None = None
) -> BackupFile:
    """Restore a backup into the configured database (GDPR-14).

    Refuses a database that holds tables unless ``force``; refuses a backup of the other kind
    of database. The backup is verified in full before anything is written. SQLite: the copy
    replaces the database through the online backup API. PostgreSQL: ``pg_restore
    --single-transaction --no-owner`` (with ``--clean --if-exists`` when forced). Erasures are
    not replayed here: call :func:`erasures_replay` next.
    """
    path = Path(path)
    database = database or configured_database()
    with _open_backup(path) as handle:
        meta, _header, _cipher = read_header(handle)
    if meta["database"] != database.kind:
        raise _refused(
            "backup_wrong_database",
            f"This is a {meta['database']} backup; the configured database is {database.kind}.",
        )
    tables = database_table_count(database)
    if tables and not force:
        raise _refused(
            "restore_target_not_empty",
            f"The configured database holds {tables} tables; restore into a fresh database, "
            "or pass --force to replace its contents.",
        )
    if database.kind == "sqlite":
        if connections[database.alias].in_atomic_block:
            raise _refused("restore_in_transaction", "A restore cannot run inside a transaction.")
        with _decrypted_copy(path) as (backup, plain_path):
            _sqlite_integrity(plain_path)
            source = sqlite3.connect(f"file:{plain_path}?mode=ro", uri=True)
            try:
                source.backup(_sqlite_raw_connection(database))
            finally:
                source.close()
        return backup
    backup_verify(path)
    command = [
        postgres_tool("pg_restore"),
        "--dbname",
        database.settings["NAME"],
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
    ]
    if tables:
        command += ["--clean", "--if-exists"]
    if database.alias in connections:
        # Django's connection reconnects on its next query and sees the restored tables.
        connections[database.alias].close()
    return _feed_postgres_tool(path, command, database)


def erasures_replay(*, since: datetime) -> ReplayReport:
    """Call every registered erasure replayer for every erasure logged since ``since`` minus
    REPLAY_MARGIN, so that no subject erased after a backup comes back with it (GDPR-14).

    A replayer that raises is reported in ``failures`` (subject, error) and the others still
    run. With no replayer registered nothing is called; the caller must say so.
    """
    entries = erasure_log_entries_since(since - REPLAY_MARGIN)
    replayers = registered_erasure_replayers()
    calls = 0
    failures: list[tuple[str, str]] = []
    for entry in entries:
        for replayer in replayers:
            calls += 1
            try:
                replayer(subject=entry.subject, erased_at=entry.erased_at)
            except Exception as error:  # reported, never hidden: the caller exits non-zero
                failures.append((entry.subject, f"{type(error).__name__}: {error}"))
    return ReplayReport(
        entries=len(entries), replayers=len(replayers), calls=calls, failures=failures
    )


def backup_run(*, now: datetime | None = None) -> tuple[BackupFile, list[Path]]:
    """Take a backup, then prune by the retention policy: what the daily job does."""
    backup = backup_create()
    record_audit_event(
        action="privacy.backup_created",
        data={"file": backup.path.name, "size": backup.size, "sha256": backup.sha256},
    )
    return backup, backups_prune(now=now or backup.created_at)


def read_backup_time(path: Path) -> datetime:
    """The time a backup was taken, from its authenticated header."""
    with _open_backup(Path(path)) as handle:
        meta, _header, _cipher = read_header(handle)
    return meta["created_at"]
