"""``hostledger rotate-keys``: re-encrypt personal data under the current field key (GDPR-11).

To rotate: put a new key first in ``FIELD_ENCRYPTION_KEYS`` (keep the old ones after it),
restart, run ``hostledger rotate-keys``, check with ``hostledger rotate-keys --check`` (exit
status 0 means nothing is left under an old key), then drop the old keys. When
``BLIND_INDEX_KEY`` changes, run ``hostledger rotate-keys --reindex`` so that exact look-ups
find the rows again.

Values under a data subject's own key (``enc2:``) do not change when the field keys do: their
data keys, kept wrapped by the field keys in the key store, are re-wrapped instead. Values of
a subject still under the field keys (written before per-subject keys, ``enc1:``) are moved
under their subject's key by ``hostledger rotate-keys --subject-keys`` (GDPR-11); values
under a destroyed key are counted as erased and left as they are.

Every model with encrypted fields is covered, field history (simple_history) included. The
work is set-based and chunked: each chunk reads primary keys and the stored tokens (never the
plain text) under a row lock, and writes the new tokens with one UPDATE per field, in one
transaction. Rows are rewritten in place, so no history records and no ``auto_now`` changes
are made.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from hostledger.core.crypto import (
    TOKEN_PREFIX,
    blind_index,
    is_encrypted_under_current_key,
    registered_reindexers,
    rotate_token,
)
from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.personal_data import subject_of
from hostledger.core.subject_keys import (
    SUBJECT_TOKEN_PREFIX,
    decrypt_stored,
    encrypt_for_subject,
    is_erased,
    key_id_of,
    rewrap_subject_keys,
    subject_key,
    subject_of_ids,
)

DEFAULT_CHUNK_SIZE = 1000


@dataclass
class ModelCounts:
    """What happened to one model's values."""

    current: int = 0
    stale: int = 0
    rotated: int = 0
    unreadable: int = 0
    index_stale: int = 0
    index_rewritten: int = 0
    erased: int = 0
    to_subject_key: int = 0


def _stored_models(field_class) -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model with its own table and the fields of ``field_class`` it has."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        fields = [field for field in meta.concrete_fields if isinstance(field, field_class)]
        if fields:
            found.append((model, fields))
    return found


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model (field history included) with its EncryptedTextField fields."""
    return _stored_models(EncryptedTextField)


def blind_indexed_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model with its BlindIndexField fields."""
    return _stored_models(BlindIndexField)


def _raw_alias(position: int) -> str:
    return f"stored_value_{position}"


def _for_each_chunk(model, field_names: list[str], chunk_size: int, *, lock: bool, handle):
    """Call ``handle(rows)`` per chunk of (pk, stored text of each field…), in pk order.

    The values are cast to plain text so the ORM hands back what is stored (the token), not
    the decrypted value. With ``lock`` each chunk is one transaction whose rows are read with
    SELECT … FOR UPDATE, so the writes ``handle`` makes cannot overwrite a concurrent change;
    without it (counting only) nothing is locked.
    """
    aliases = {_raw_alias(i): Cast(name, models.TextField()) for i, name in enumerate(field_names)}
    last_pk = None
    while True:
        with transaction.atomic() if lock else nullcontext():
            queryset = model._base_manager.order_by("pk")
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            if lock:
                queryset = queryset.select_for_update()
            rows = list(queryset.annotate(**aliases).values_list("pk", *aliases)[:chunk_size])
            if not rows:
                return
            handle(rows)
        last_pk = rows[-1][0]


def _write_values(model, changes: dict[str, dict]) -> None:
    """Per changed field, one ``UPDATE … SET column = CASE pk WHEN … THEN … ELSE column END
    WHERE pk IN (…)`` over the chunk's changed rows.

    The values are written as they are (tokens already encrypted, or index values): the
    field's own encryption is bypassed. The SQL is built here rather than with ``Case`` and
    ``When`` because resolving thousands of ORM expressions costs more than the re-encryption
    itself; one statement per field keeps the number of query parameters small.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_field = model._meta.pk
    pk_column = quote(pk_field.column)
    for attname, by_pk in changes.items():
        if not by_pk:
            continue
        column = quote(model._meta.get_field(attname).column)
        keys = [pk_field.get_db_prep_value(pk, connection) for pk in by_pk]
        branches = " ".join(["WHEN %s THEN %s"] * len(by_pk))
        placeholders = ", ".join(["%s"] * len(by_pk))
        params: list = []
        for key, value in zip(keys, by_pk.values(), strict=True):
            params.extend([key, value])
        params.extend(keys)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = CASE {pk_column} {branches} ELSE {column} END "  # noqa: S608 - quoted identifiers, values are parameters
                f"WHERE {pk_column} IN ({placeholders})",
                params,
            )


def _classify(stored) -> str:
    if stored in (None, ""):
        return "empty"
    if stored.startswith(SUBJECT_TOKEN_PREFIX):
        # Under a data subject's key, which the field keys only wrap: nothing to rotate.
        return "erased" if is_erased(stored) else "current"
    if not stored.startswith(TOKEN_PREFIX):
        return "unreadable"
    try:
        if is_encrypted_under_current_key(stored):
            return "current"
    except ValueError:  # not ASCII: not a token of ours
        return "unreadable"
    return "stale"


def rotate_model(model, fields, *, chunk_size: int, check_only: bool) -> ModelCounts:
    """Re-encrypt (or, with ``check_only``, count) one model's values not under the first key."""
    counts = ModelCounts()
    names = [field.attname for field in fields]

    def handle(rows) -> None:
        changes: dict[str, dict] = {name: {} for name in names}
        for pk, *stored_values in rows:
            for name, stored in zip(names, stored_values, strict=True):
                kind = _classify(stored)
                if kind == "stale" and not check_only:
                    try:
                        changes[name][pk] = rotate_token(stored)
                    except (InvalidToken, ValueError):
                        kind = "unreadable"
                if kind != "empty":
                    setattr(counts, kind, getattr(counts, kind) + 1)
        if not check_only:
            _write_values(model, changes)
            counts.rotated += sum(len(by_pk) for by_pk in changes.values())

    _for_each_chunk(model, names, chunk_size, lock=not check_only, handle=handle)
    return counts


def _plain_source(stored, *, encrypted: bool) -> str:
    """The plain text a blind index is computed from; ValueError if it cannot be decrypted."""
    if stored in (None, ""):
        return ""
    return decrypt_stored(stored) if encrypted else stored


def reindex_model(model, fields, *, chunk_size: int, check_only: bool) -> ModelCounts:
    """Recompute (or count stale) blind indexes of one model from their decrypted sources."""
    counts = ModelCounts()
    indexes = []
    names = []
    for field in fields:
        source = model._meta.get_field(field.source)
        indexes.append((field, isinstance(source, EncryptedTextField)))
        names.extend([source.attname, field.attname])

    def handle(rows) -> None:
        changes: dict[str, dict] = {field.attname: {} for field, _ in indexes}
        for pk, *stored_values in rows:
            for position, (field, encrypted) in enumerate(indexes):
                stored_source = stored_values[2 * position]
                stored_index = stored_values[2 * position + 1] or ""
                try:
                    plain = _plain_source(stored_source, encrypted=encrypted)
                except ValueError:
                    counts.unreadable += 1
                    continue
                expected = blind_index(plain, purpose=field.purpose) if plain else ""
                if expected != stored_index:
                    counts.index_stale += 1
                    if not check_only:
                        changes[field.attname][pk] = expected
        if not check_only:
            _write_values(model, changes)
            counts.index_rewritten += sum(len(by_pk) for by_pk in changes.values())

    _for_each_chunk(model, names, chunk_size, lock=not check_only, handle=handle)
    return counts


def _subject_paths(model) -> tuple[list[str], str]:
    declared = subject_of(model._meta.label)
    if declared is None:
        return [], ""
    return list(declared.client_paths), declared.user


def subject_key_model(model, fields, *, chunk_size: int, check_only: bool) -> ModelCounts:
    """Move (or count) one model's values not under their subject's key there (GDPR-11):
    values still under the field keys, and values under another key of the subject's (a
    client's first values, written under its owner's key before the client had an id).
    Rows of no subject and values whose key was destroyed are left alone."""
    counts = ModelCounts()
    client_paths, user_path = _subject_paths(model)
    if not client_paths and not user_path:
        return counts
    declared = subject_of(model._meta.label)
    names = [field.attname for field in fields]
    aliases = {_raw_alias(i): Cast(name, models.TextField()) for i, name in enumerate(names)}
    path_columns = [*client_paths, *([user_path] if user_path else [])]

    def handle_chunk(pks: list) -> None:
        queryset = model._base_manager.filter(pk__in=pks)
        if not check_only:
            queryset = queryset.select_for_update(of=("self",)) if _locks_of() else queryset
        rows = queryset.annotate(**aliases).values_list("pk", *path_columns, *aliases)
        changes: dict[str, dict] = {name: {} for name in names}
        for row in rows:
            pk = row[0]
            client_ids = row[1 : 1 + len(client_paths)]
            user_id = row[1 + len(client_paths)] if user_path else None
            client_id = next((value for value in client_ids if value is not None), None)
            subject = subject_of_ids(declared, client_id, user_id)
            if subject is None:
                continue
            wanted_key = subject_key(subject)[0]
            for name, stored in zip(names, row[1 + len(path_columns) :], strict=True):
                if stored in (None, "") or key_id_of(stored) == wanted_key:
                    continue
                if stored.startswith(SUBJECT_TOKEN_PREFIX) and is_erased(stored):
                    counts.erased += 1
                    continue
                counts.to_subject_key += 1
                if not check_only:
                    changes[name][pk] = encrypt_for_subject(decrypt_stored(stored), subject)
        if not check_only:
            _write_values(model, changes)

    last_pk = None
    while True:
        with transaction.atomic():
            queryset = model._base_manager.order_by("pk")
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            pks = list(queryset.values_list("pk", flat=True)[:chunk_size])
            if not pks:
                return counts
            handle_chunk(pks)
        last_pk = pks[-1]


def _locks_of() -> bool:
    return connection.features.has_select_for_update_of


class Command(BaseCommand):
    """Re-encrypt personal data under the first key of FIELD_ENCRYPTION_KEYS (GDPR-11)."""

    help = (
        "Re-encrypt every encrypted personal-data value under the first key of "
        "FIELD_ENCRYPTION_KEYS. --check only counts values still under an older key "
        "(exit status 1 if any); --reindex also recomputes blind indexes after "
        "BLIND_INDEX_KEY changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; count values not under the current key, exit 1 if any.",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute every blind index from the decrypted value.",
        )
        parser.add_argument(
            "--subject-keys",
            action="store_true",
            help=(
                "Also move values of data subjects that are still under the field keys "
                "under each subject's own data key."
            ),
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"Rows per transaction (default {DEFAULT_CHUNK_SIZE}).",
        )

    def handle(
        self, *args, check: bool, reindex: bool, subject_keys: bool, chunk_size: int, **options
    ):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        stale_total = 0
        unreadable_total = 0
        rewrapped, wrapped_current, wrapped_unreadable = rewrap_subject_keys(check_only=check)
        stale_total += rewrapped if check else 0
        unreadable_total += wrapped_unreadable
        if check:
            self.stdout.write(f"Subject data keys: {rewrapped} not wrapped by the current key")
        else:
            self.stdout.write(
                f"Subject data keys: {rewrapped} re-wrapped, {wrapped_current} already wrapped "
                "by the current key"
            )
        for model, fields in encrypted_models():
            counts = rotate_model(model, fields, chunk_size=chunk_size, check_only=check)
            stale_total += counts.stale
            unreadable_total += counts.unreadable
            self.stdout.write(self._rotation_line(model, counts, check))
        if subject_keys:
            for model, fields in encrypted_models():
                counts = subject_key_model(model, fields, chunk_size=chunk_size, check_only=check)
                stale_total += counts.to_subject_key if check else 0
                verb = (
                    "not under their subject's key" if check else "moved under their subject's key"
                )
                self.stdout.write(f"{model._meta.label}: {counts.to_subject_key} values {verb}")
        if reindex:
            for model, fields in blind_indexed_models():
                counts = reindex_model(model, fields, chunk_size=chunk_size, check_only=check)
                stale_total += counts.index_stale if check else 0
                unreadable_total += counts.unreadable
                verb = "stale" if check else "recomputed"
                count = counts.index_stale if check else counts.index_rewritten
                self.stdout.write(f"{model._meta.label}: {count} blind index values {verb}")
            for name, rebuild in registered_reindexers().items():
                if not check:
                    self.stdout.write(f"{name}: {rebuild()} values recomputed")
        if unreadable_total:
            raise CommandError(
                f"{unreadable_total} value(s) could not be opened with any configured key; "
                "do not drop old keys until they are found and fixed.",
                returncode=1,
            )
        if check and stale_total:
            raise CommandError(
                f"{stale_total} value(s) still need rotation or reindexing; "
                "run 'hostledger rotate-keys'.",
                returncode=1,
            )
        if check:
            self.stdout.write("Every encrypted value is under the current key.")

    @staticmethod
    def _rotation_line(model, counts: ModelCounts, check: bool) -> str:
        label = model._meta.label
        if check:
            line = f"{label}: {counts.stale} values not under the current key"
        else:
            line = (
                f"{label}: {counts.rotated} values re-encrypted, "
                f"{counts.current} already under the current key"
            )
        if counts.erased:
            line += f", {counts.erased} erased (their subject's key was destroyed)"
        if counts.unreadable:
            line += f", {counts.unreadable} unreadable"
        return line
