"""The retention schedule (GDPR-08), derived from the personal-data declarations.

One rule per retention name that has a term of its own, applied to every model whose
declarations name it, dated by the model's date field (``dated_by`` or the first usual name):

- ``access_logs``: rows older than ``privacy.access_log_retention_days`` (60 days);
- ``communications``: rows made before the month that ended
  ``privacy.communications_retention_months`` (24) ago, i.e. 2 years after their month;
- ``uploads``: other personal data 2 years (``privacy.uploads_retention_months``) after upload;
- ``traffic_data``: usage rows 7 years (``privacy.traffic_data_years``) after the year of use;
- ``legal_terms``: data held after an erasure (GDPR-04) whose term has ended.

Each rule erases as the fields' declarations say (delete the row, or anonymise the fields;
a held field's ``then``). A client under a legal hold is left out of every rule. Each run is
recorded with its counts per rule; :func:`retention_preview` says what the next run would
erase without writing. Work is chunked, each chunk its own transaction, so a stopped run
resumes where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from hostledger.core.erasure import (
    ANONYMISE,
    DELETE,
    erase_rows,
    not_yet_anonymous,
    subject_rows,
)
from hostledger.core.personal_data import (
    ErasureStrategy,
    Retention,
    date_field_of,
    personal_fields,
    subject_of,
)
from hostledger.core.registry import setting_value
from hostledger.privacy.actions import processing_restriction_lift
from hostledger.privacy.models import (
    ErasureHold,
    ProcessingRestriction,
    RestrictionReason,
    RetentionRun,
)
from hostledger.privacy.selectors import legally_held_client_ids

CHUNK_SIZE = 5_000

SCHEDULED_RETENTIONS = (
    Retention.ACCESS_LOGS,
    Retention.COMMUNICATIONS,
    Retention.UPLOADS,
    Retention.TRAFFIC_DATA,
)
"""Retention names with a term counted from each row's own date."""

LEGAL_TERMS = "legal_terms"
RULE_NAMES = (*SCHEDULED_RETENTIONS, LEGAL_TERMS)


@dataclass(frozen=True)
class RuleTarget:
    """One model under one scheduled rule: which rows are due and what happens to them."""

    rule: str
    model_label: str
    action: str
    fields: tuple[str, ...]
    rows: int


def _month_start(day: date, months_back: int) -> date:
    month_index = day.year * 12 + (day.month - 1) - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def _as_datetime(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def rule_cutoff(rule: str, now: datetime) -> datetime:
    """Rows dated before this moment are due under ``rule``."""
    today = timezone.localdate(now)
    if rule == Retention.ACCESS_LOGS:
        return now - timedelta(days=setting_value("privacy.access_log_retention_days"))
    if rule == Retention.COMMUNICATIONS:
        months = setting_value("privacy.communications_retention_months")
        return _as_datetime(_month_start(today, months))
    if rule == Retention.UPLOADS:
        months = setting_value("privacy.uploads_retention_months")
        start = _month_start(today, months)
        last_day = (_month_start(start, -1) - timedelta(days=1)).day
        return _as_datetime(start.replace(day=min(today.day, last_day)))
    if rule == Retention.TRAFFIC_DATA:
        return _as_datetime(date(today.year - setting_value("privacy.traffic_data_years"), 1, 1))
    raise ValueError(f"No scheduled rule {rule!r}.")


def _action_of(model, rule: str) -> tuple[str, tuple[str, ...]]:
    """What ``rule`` does to a row of ``model``: delete it when every personal field of the
    row is erased by deletion under this rule, else anonymise the rule's fields."""
    declared = personal_fields(model._meta.label)
    ruled = {name: item for name, item in declared.items() if item.retention == rule}

    def final(item) -> str:
        erasure = item.erasure_rule
        return erasure.then if erasure.strategy == ErasureStrategy.HOLD else erasure.strategy

    fields = tuple(sorted(name for name, item in ruled.items() if final(item) != "by_step"))
    if len(ruled) == len(declared) and all(final(item) == DELETE for item in ruled.values()):
        return DELETE, fields
    return ANONYMISE, fields


def _not_legally_held(model, rows: QuerySet) -> QuerySet:
    subject = subject_of(model._meta.label)
    for path in subject.client_paths if subject is not None else ():
        rows = rows.exclude(**{f"{path}__in": legally_held_client_ids()})
    return rows


def _due_rows(model, rule: str, now: datetime) -> tuple[QuerySet, str, tuple[str, ...]] | None:
    dated_by = date_field_of(model)
    action, fields = _action_of(model, rule)
    if not dated_by or not fields:
        return None
    cutoff = rule_cutoff(rule, now)
    if not isinstance(model._meta.get_field(dated_by), models.DateTimeField):
        cutoff = cutoff.date()
    rows = model._default_manager.filter(**{f"{dated_by}__lt": cutoff})
    rows = _not_legally_held(model, rows)
    if action == ANONYMISE:
        rows = not_yet_anonymous(rows, fields)
    return rows, action, fields


def rule_models(rule: str) -> list:
    """Every installed model with a personal field under retention ``rule``."""
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if any(item.retention == rule for item in personal_fields(model._meta.label).values())
        ),
        key=lambda model: model._meta.label_lower,
    )


def _erase_in_chunks(rows: QuerySet, action: str, fields: tuple[str, ...], chunk: int) -> int:
    total = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:chunk])
            if not ids:
                return total
            erase_rows(rows.model._default_manager.filter(pk__in=ids), action, fields)
        total += len(ids)
        if len(ids) < chunk:
            return total


def _held_rows(hold: ErasureHold) -> QuerySet:
    model = apps.get_model(hold.model_label)
    rows = subject_rows(model, subject_of(hold.model_label).client_paths, hold.client_id)
    if hold.year is not None:
        rows = rows.filter(**{f"{date_field_of(model)}__year": hold.year})
    return rows


def _holds_due(now: datetime) -> QuerySet[ErasureHold]:
    return (
        ErasureHold.objects.filter(released_at__isnull=True, held_until__lt=timezone.localdate(now))
        .exclude(client_id__in=legally_held_client_ids())
        .order_by("held_until", "id")
    )


def retention_preview(*, now: datetime | None = None) -> list[RuleTarget]:
    """What the next run would erase, per rule and model; reads only (GDPR-08)."""
    now = now or timezone.now()
    targets = []
    for rule in SCHEDULED_RETENTIONS:
        for model in rule_models(rule):
            due = _due_rows(model, rule, now)
            if due is None:
                continue
            rows, action, fields = due
            count = rows.count()
            if count:
                targets.append(RuleTarget(rule, model._meta.label, action, fields, count))
    for hold in _holds_due(now):
        count = _held_rows(hold).count()
        targets.append(
            RuleTarget(LEGAL_TERMS, hold.model_label, hold.then, tuple(hold.fields), count)
        )
    return targets


def retention_run(*, now: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> RetentionRun:
    """Apply every rule of the schedule once and record the run with its counts (GDPR-08,
    GDPR-04 for the held data whose term ended)."""
    now = now or timezone.now()
    counts = dict.fromkeys(RULE_NAMES, 0)
    for rule in SCHEDULED_RETENTIONS:
        for model in rule_models(rule):
            due = _due_rows(model, rule, now)
            if due is not None:
                rows, action, fields = due
                counts[rule] += _erase_in_chunks(rows, action, fields, chunk_size)
    for hold in list(_holds_due(now)):
        with transaction.atomic():
            hold = ErasureHold.objects.select_for_update().get(pk=hold.pk)
            if hold.released_at is not None:
                continue
            action = DELETE if hold.then == ErasureStrategy.DELETE else ANONYMISE
            released = erase_rows(_held_rows(hold), action, tuple(hold.fields))
            hold.released_at = now
            hold.released_rows = released
            hold.save(update_fields=["released_at", "released_rows"])
            counts[LEGAL_TERMS] += released
            _lift_when_nothing_is_held(hold.client_id, now)
    return RetentionRun.objects.create(ran_at=now, counts=counts)


def _lift_when_nothing_is_held(client_id: int, now: datetime) -> None:
    if ErasureHold.objects.filter(client_id=client_id, released_at__isnull=True).exists():
        return
    restriction = ProcessingRestriction.objects.filter(
        client_id=client_id,
        reason=RestrictionReason.HELD_AFTER_ERASURE,
        lifted_at__isnull=True,
    ).first()
    if restriction is not None:
        processing_restriction_lift(
            restriction=restriction,
            note="Every legal term of the held data has ended; the data is erased.",
            now=now,
            tell_client=False,
        )
