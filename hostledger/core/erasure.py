"""The declaration-driven eraser (GDPR-04, GDPR-08): deletes rows or anonymises fields of any
declared model, set-based, in the caller's transaction.

Every model with personal fields opts in by its declaration in its app's ``personal_data.py``
(decision 0024): the privacy engine computes which rows and fields to erase from the
declarations and calls :func:`erase_rows`, which deletes or updates through the model's own
manager. An app whose rows its own managers refuse to change (the append-only usage records)
registers, in its ``erasure.py``, the one function that may remove them, with
:func:`register_eraser`; :func:`erase_rows` then calls that function instead. So each table
keeps one writing app, and a new declared model or field is covered without code changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat, Length

from hostledger.core.fields import EncryptedTextField

DELETE = "delete"
ANONYMISE = "anonymise"

Eraser = Callable[[models.QuerySet, str, tuple[str, ...]], int]
"""``eraser(rows, action, field_names) -> count``: delete or anonymise ``rows``."""

_ERASERS: dict[str, Eraser] = {}

NEUTRAL_DATETIME = datetime(1970, 1, 1, tzinfo=UTC)
NEUTRAL_DATE = date(1970, 1, 1)
HOLD_BLOCK_ROWS = 500
"""Rows re-encrypted per UPDATE when held values move to the field keys."""


def register_eraser(model_label: str, eraser: Eraser) -> None:
    """Name the function of the owning app that erases rows of ``model_label``."""
    _ERASERS[model_label.lower()] = eraser


def subject_rows(model, client_paths: Iterable[str], client_id: int) -> models.QuerySet:
    """Every row of ``model`` whose declared client path leads to ``client_id``."""
    condition = Q()
    for path in client_paths:
        condition |= Q(**{path: client_id})
    return model._default_manager.filter(condition)


def erase_rows(rows: models.QuerySet, action: str, field_names: Iterable[str]) -> int:
    """Delete ``rows`` (``action`` = delete) or replace ``field_names`` in them with empty or
    neutral values (anonymise); return how many rows were erased."""
    field_names = tuple(field_names)
    eraser = _ERASERS.get(rows.model._meta.label_lower)
    if eraser is not None:
        return eraser(rows, action, field_names)
    return erase_rows_generic(rows, action, field_names)


def erase_rows_generic(
    rows: models.QuerySet,
    action: str,
    field_names: tuple[str, ...],
    *,
    writable: models.QuerySet | None = None,
) -> int:
    """The default eraser: one DELETE, or one UPDATE setting every field to its anonymous
    value, for any number of rows, written through the model's default manager (so the
    model's own guards apply) or through ``writable``, a queryset its app allows to write."""
    writable = writable if writable is not None else rows.model._default_manager.all()
    if action == DELETE:
        # The rows' ids first: a DELETE of a joined filter is not portable.
        ids = list(rows.values_list("pk", flat=True))
        count = len(ids)
        if ids:
            writable.filter(pk__in=ids).delete()
        return count
    if action != ANONYMISE:
        raise ValueError(f"Unknown erasure action {action!r}.")
    if not field_names:
        return 0
    model = rows.model
    values = {name: anonymous_value(model._meta.get_field(name)) for name in field_names}
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    return writable.filter(pk__in=ids).update(**values)


def _unique_field(model_field) -> bool:
    if model_field.unique:
        return True
    for constraint in model_field.model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and model_field.name in fields:
            return True
    return any(model_field.name in group for group in model_field.model._meta.unique_together)


def anonymous_value(model_field):
    """The value an anonymised field takes: NULL where allowed, an empty or neutral value
    otherwise, and ``erased-<row id>`` where the value must stay unique."""
    if isinstance(model_field, EncryptedTextField):
        return None if model_field.null else ""
    if model_field.null:
        return None
    if isinstance(model_field, (models.CharField, models.TextField)) and _unique_field(model_field):
        suffix = "@erased.invalid" if isinstance(model_field, models.EmailField) else ""
        return Concat(
            Value("erased-"),
            Cast("pk", models.CharField()),
            Value(suffix),
            output_field=model_field,
        )
    if isinstance(model_field, models.JSONField):
        default = model_field.get_default()
        return default if isinstance(default, (dict, list)) else {}
    if isinstance(model_field, models.BooleanField):
        return bool(model_field.get_default())
    if isinstance(model_field, models.DateTimeField):
        return NEUTRAL_DATETIME
    if isinstance(model_field, models.DateField):
        return NEUTRAL_DATE
    if isinstance(model_field, models.DecimalField):
        return Decimal(0)
    if isinstance(model_field, (models.IntegerField, models.FloatField)):
        return 0
    if isinstance(model_field, models.GenericIPAddressField):
        return "0.0.0.0"  # noqa: S104 - a neutral value stored, not an address bound to
    return ""


def not_yet_anonymous(rows: models.QuerySet, field_names: Iterable[str]) -> models.QuerySet:
    """``rows`` without those whose ``field_names`` all hold their anonymous values already,
    so that a daily rule counts and rewrites only what it has not erased before."""
    annotations = {}
    condition = Q()
    for name in field_names:
        model_field = rows.model._meta.get_field(name)
        value = anonymous_value(model_field)
        if value is None:
            condition &= Q(**{f"{name}__isnull": True})
        elif isinstance(value, Concat):
            condition &= Q(**{f"{name}__startswith": "erased-"})
        elif isinstance(model_field, models.TextField | models.CharField) and value == "":
            # Encrypted columns take no comparisons; the length of an empty value is 0.
            alias = f"erasure_length_{name}"
            annotations[alias] = Length(name)
            condition &= Q(**{alias: 0})
        else:
            condition &= Q(**{name: value})
    if annotations:
        rows = rows.alias(**annotations)
    return rows.exclude(condition)


def hold_rows_under_field_keys(rows: models.QuerySet, field_names: Iterable[str]) -> int:
    """Move the encrypted values of ``field_names`` in ``rows`` from their subject's own key
    to the field keys (GDPR-04, GDPR-11): data held by law after an erasure must stay readable
    when the erasure destroys the subject's key. Returns how many values were moved.

    Rows are read and written back a block at a time, every held field of a row in one
    UPDATE: a plain value given to an update is encrypted under the field keys."""
    model = rows.model
    encrypted = [
        name for name in field_names if isinstance(model._meta.get_field(name), EncryptedTextField)
    ]
    if not encrypted:
        return 0
    moved = 0
    block: list[models.Model] = []
    for pk, *values in rows.values_list("pk", *encrypted).iterator(chunk_size=HOLD_BLOCK_ROWS):
        plain = [str(value) if value else value for value in values]
        moved += sum(1 for value in plain if value)
        block.append(model(pk=pk, **dict(zip(encrypted, plain, strict=True))))
        if len(block) == HOLD_BLOCK_ROWS:
            model._base_manager.bulk_update(block, encrypted)
            block = []
    if block:
        model._base_manager.bulk_update(block, encrypted)
    return moved
