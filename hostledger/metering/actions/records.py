"""Recording usage from the provider's accounting instruments (BIL-08, CAT-02, habit 2, 3).

A record is identified by its ``source`` and the sender's ``external_id``: delivered again
with the same figures it is stored once; delivered again with other figures it is a conflict,
never a silent overwrite. A batch is checked whole before anything is written (each problem
names its row and field), then stored with one INSERT per chunk of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.models import MeteredItem
from hostledger.catalog.pricing import quantity_to_micro
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.metering.locks import lock_services
from hostledger.metering.models import UsageCharge, UsageRecord
from hostledger.metering.periods import day_start, usage_period_of_moment
from hostledger.subscriptions.models import Service, ServiceStatus

CHUNK_SIZE = 1000
"""Rows per INSERT and per look-up; a batch of any size is stored a chunk at a time."""

SOURCE_MAX_LENGTH = UsageRecord._meta.get_field("source").max_length
EXTERNAL_ID_MAX_LENGTH = UsageRecord._meta.get_field("external_id").max_length
EARLIEST_YEAR, LATEST_YEAR = 1901, 2998
"""Window times outside these years cannot be a measurement (and would overflow the time-zone
arithmetic)."""


@dataclass(frozen=True)
class UsageInput:
    """One usage record as a sender delivers it.

    ``service`` and ``metered_item`` are model instances or their public ids; ``quantity`` is
    in the item's unit, exact (a Decimal, an int or a string such as ``"12.5"``), at most six
    decimals; the window times are timezone-aware.
    """

    service: Service | str
    metered_item: MeteredItem | str
    quantity: Decimal | int | str
    window_start: datetime
    window_end: datetime
    source: str
    external_id: str


@dataclass(frozen=True)
class UsageIngested:
    """What a delivery stored: ``created`` new records, ``duplicates`` already stored."""

    received: int
    created: int
    duplicates: int
    records: list[UsageRecord] = field(repr=False, default_factory=list)


@dataclass
class _Row:
    index: int
    service: Service | str
    metered_item: MeteredItem | str
    quantity_micro: int | None
    window_start: datetime | None
    window_end: datetime | None
    source: str
    external_id: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    def figures(self) -> tuple:
        return (
            self.service.client_id,
            self.service.pk,
            self.metered_item.pk,
            self.quantity_micro,
            self.window_start,
            self.window_end,
        )


def _stored_figures(record: UsageRecord) -> tuple:
    return (
        record.client_id,
        record.service_id,
        record.metered_item_id,
        record.quantity_micro,
        record.window_start,
        record.window_end,
    )


class _Names:
    """Field names of errors: ``quantity`` for one record, ``rows[3].quantity`` in a batch."""

    def __init__(self, *, batch: bool) -> None:
        self.batch = batch

    def __call__(self, index: int, name: str) -> str:
        return f"rows[{index}].{name}" if self.batch else name


def _clean_text(value, name: str, limit: int, errors: FieldErrors) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors.add(name, gettext("This field is required."))
    elif len(text) > limit:
        errors.add(name, gettext("At most %(limit)s characters.") % {"limit": limit})
    elif any(ord(char) < 32 or ord(char) == 127 for char in text):
        errors.add(name, gettext("Control characters are not allowed."))
    return text


def _clean_moment(value, name: str, errors: FieldErrors) -> datetime | None:
    if not isinstance(value, datetime) or not timezone.is_aware(value):
        errors.add(name, gettext("A date and time with its UTC offset is required."))
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        errors.add(
            name,
            gettext("A time between the years %(earliest_year)s and %(latest_year)s.")
            % {"earliest_year": EARLIEST_YEAR, "latest_year": LATEST_YEAR},
        )
        return None
    return value


def _clean_quantity(value, name: str, errors: FieldErrors) -> int | None:
    try:
        return quantity_to_micro(value, field=name)
    except DomainError as refused:
        errors.add(name, next(iter(refused.fields.values()), refused.message))
        return None


def _row_input(raw, index: int, names: _Names) -> UsageInput:
    if isinstance(raw, UsageInput):
        return raw
    if isinstance(raw, Mapping):
        try:
            return UsageInput(**raw)
        except TypeError:
            pass
    name = f"rows[{index}]" if names.batch else "record"
    raise DomainError(
        "invalid_input",
        gettext(
            "%(name)s: expected service, metered_item, quantity, window_start, "
            "window_end, source and external_id."
        )
        % {"name": name},
        fields={name: "expected the fields of a usage record"},
    )


def _clean_rows(raw_rows: list, names: _Names, errors: FieldErrors) -> list[_Row]:
    """Check what can be checked without the database, for every row."""
    now = timezone.now()
    rows = []
    for index, raw in enumerate(raw_rows):
        given = _row_input(raw, index, names)
        start = _clean_moment(given.window_start, names(index, "window_start"), errors)
        end = _clean_moment(given.window_end, names(index, "window_end"), errors)
        if start is not None and end is not None:
            if end < start:
                errors.add(names(index, "window_end"), gettext("The window ends before it starts."))
            elif end > now:
                errors.add(names(index, "window_end"), gettext("Usage is recorded once measured."))
        rows.append(
            _Row(
                index=index,
                service=given.service,
                metered_item=given.metered_item,
                quantity_micro=_clean_quantity(given.quantity, names(index, "quantity"), errors),
                window_start=start,
                window_end=end,
                source=_clean_text(given.source, names(index, "source"), SOURCE_MAX_LENGTH, errors),
                external_id=_clean_text(
                    given.external_id,
                    names(index, "external_id"),
                    EXTERNAL_ID_MAX_LENGTH,
                    errors,
                ),
            )
        )
    return rows


def _reference_ids(values: Iterable, model) -> tuple[set[int], set[str]]:
    pks, public_ids = set(), set()
    for value in values:
        if isinstance(value, model) and value.pk is not None:
            pks.add(value.pk)
        elif isinstance(value, str):
            public_ids.add(value)
    return pks, public_ids


def _resolve(rows: list[_Row], names: _Names, errors: FieldErrors) -> None:
    """Replace each row's service and metered item by the stored (and, for services, locked)
    rows, and check that the item is one of the service's and the window in its life."""
    service_pks, service_ids = _reference_ids((row.service for row in rows), Service)
    services = lock_services(pks=service_pks, public_ids=service_ids)
    by_pk = {service.pk: service for service in services}
    by_public_id = {service.public_id: service for service in services}
    item_pks, item_ids = _reference_ids((row.metered_item for row in rows), MeteredItem)
    items = list(MeteredItem.objects.filter(Q(pk__in=item_pks) | Q(public_id__in=item_ids)))
    items_by_pk = {item.pk: item for item in items}
    items_by_public_id = {item.public_id: item for item in items}
    for row in rows:
        service = (
            by_pk.get(row.service.pk)
            if isinstance(row.service, Service)
            else by_public_id.get(row.service)
        )
        item = (
            items_by_pk.get(row.metered_item.pk)
            if isinstance(row.metered_item, MeteredItem)
            else items_by_public_id.get(row.metered_item)
        )
        if service is None:
            errors.add(names(row.index, "service"), gettext("No such service."))
        if item is None:
            errors.add(names(row.index, "metered_item"), gettext("No such metered item."))
        if service is None or item is None:
            continue
        row.service, row.metered_item = service, item
        if service.status == ServiceStatus.TERMINATED:
            errors.add(names(row.index, "service"), gettext("The service is terminated."))
        if item.family_id != service.family_id or item.tariff_id not in (None, service.tariff_id):
            errors.add(
                names(row.index, "metered_item"),
                gettext("Not a metered item of the service's tariff."),
            )
        started_on = service.contract_started_on
        if row.window_start is not None and row.window_start < day_start(started_on):
            errors.add(
                names(row.index, "window_start"),
                gettext("Before the service started on %(date)s.")
                % {"date": started_on.isoformat()},
            )


def _conflict(row: _Row, names: _Names) -> DomainError:
    name = names(row.index, "external_id")
    return DomainError(
        "usage_record_conflict",
        gettext(
            "%(name)s: %(source)s %(external_id)s was already delivered with other "
            "figures; a usage record is never overwritten."
        )
        % {"name": name, "source": row.source, "external_id": row.external_id},
        fields={name: "already recorded with other figures"},
        status=409,
    )


def _stored_by_key(keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[UsageRecord]]:
    """The stored records of these (source, external id) keys, of any client, by key."""
    stored: dict[tuple[str, str], list[UsageRecord]] = {}
    for offset in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[offset : offset + CHUNK_SIZE]
        by_source: dict[str, list[str]] = {}
        for source, external_id in chunk:
            by_source.setdefault(source, []).append(external_id)
        condition = Q()
        for source, external_ids in by_source.items():
            condition |= Q(source=source, external_id__in=external_ids)
        for record in UsageRecord.objects.filter(condition).order_by("id"):
            stored.setdefault((record.source, record.external_id), []).append(record)
    return stored


def _new_rows(rows: list[_Row], names: _Names) -> tuple[list[_Row], dict]:
    """The rows not stored yet, each key once; a key asked or stored with other figures is a
    conflict."""
    first_of_key: dict[tuple[str, str], _Row] = {}
    for row in rows:
        earlier = first_of_key.setdefault(row.key, row)
        if earlier is not row and earlier.figures() != row.figures():
            raise _conflict(row, names)
    stored = _stored_by_key(list(first_of_key))
    new = []
    for key, row in first_of_key.items():
        existing = stored.get(key, [])
        if any(_stored_figures(record) != row.figures() for record in existing):
            raise _conflict(row, names)
        if not existing:
            new.append(row)
    return new, stored


def _refuse_billed_periods(rows: list[_Row], names: _Names) -> None:
    """A new record may not land in a period whose usage was billed already: it would never
    be billed (habit 1: billed periods are stored, not recomputed)."""
    if not rows:
        return
    periods = {row.index: usage_period_of_moment(row.window_start) for row in rows}
    billed = set(
        UsageCharge.objects.filter(
            service_id__in={row.service.pk for row in rows},
            period_start__in={period.start for period in periods.values()},
        ).values_list("service_id", "metered_item_id", "period_start")
    )
    errors = FieldErrors()
    for row in rows:
        period = periods[row.index]
        if (row.service.pk, row.metered_item.pk, period.start) in billed:
            errors.add(
                names(row.index, "window_start"),
                gettext("The usage of %(label)s was billed already.") % {"label": period.label},
            )
    if errors.errors:
        summary = "; ".join(f"{name}: {problem}" for name, problem in errors.errors.items())
        raise DomainError("usage_period_billed", summary, fields=errors.errors, status=409)


def _insert(rows: list[_Row], now: datetime) -> None:
    UsageRecord.objects.bulk_create(
        (
            UsageRecord(
                client_id=row.service.client_id,
                service=row.service,
                metered_item=row.metered_item,
                window_start=row.window_start,
                window_end=row.window_end,
                quantity_micro=row.quantity_micro,
                source=row.source,
                external_id=row.external_id,
                recorded_at=now,
            )
            for row in rows
        ),
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )


def _ingest(raw_rows, *, actor, batch: bool) -> UsageIngested:
    names = _Names(batch=batch)
    if isinstance(raw_rows, str | bytes | Mapping) or not isinstance(raw_rows, Iterable):
        raise DomainError(
            "invalid_input",
            gettext("rows: a list of usage records."),
            fields={"rows": "not a list"},
        )
    raw_rows = list(raw_rows)
    errors = FieldErrors()
    rows = _clean_rows(raw_rows, names, errors)
    _resolve(rows, names, errors)
    errors.raise_if_any()
    new, _ = _new_rows(rows, names)
    _refuse_billed_periods(new, names)
    _insert(new, timezone.now())
    # A sender racing this one on the same key for another client got in first: check that
    # every key now holds exactly the figures asked for, else nothing of this batch is kept.
    stored = _stored_by_key(list(dict.fromkeys(row.key for row in rows)))
    for row in rows:
        if [_stored_figures(record) for record in stored.get(row.key, [])] != [row.figures()]:
            raise _conflict(row, names)
    if new:
        record_audit_event(
            action="metering.usage_recorded",
            actor=actor,
            data={
                "received": len(rows),
                "created": len(new),
                "sources": sorted({row.source for row in new})[:20],
            },
        )
    return UsageIngested(
        received=len(rows),
        created=len(new),
        duplicates=len(rows) - len(new),
        records=[stored[row.key][0] for row in rows],
    )


@transaction.atomic
def usage_record(
    *,
    service,
    metered_item,
    quantity,
    window_start,
    window_end,
    source,
    external_id,
    actor=None,
) -> UsageRecord:
    """Record one measurement of a metered item for a service (BIL-08, CAT-02, habit 2).

    Refused with a DomainError naming the field: an unknown service or item, an item that is
    not the service's (not of its family, or of another tariff), a terminated service, a
    negative quantity or one with more than six decimals, a window that ends before it starts,
    starts before the service's contract or ends in the future, a missing source or external
    id. The same ``source`` and ``external_id`` delivered again with the same figures returns
    the stored record and writes nothing; with other figures it is refused with 409
    ``usage_record_conflict``; a new record in a period already billed with 409
    ``usage_period_billed``.
    """
    row = UsageInput(
        service=service,
        metered_item=metered_item,
        quantity=quantity,
        window_start=window_start,
        window_end=window_end,
        source=source,
        external_id=external_id,
    )
    return _ingest([row], actor=actor, batch=False).records[0]


@transaction.atomic
def usage_records_ingest(*, rows, actor=None) -> UsageIngested:
    """Record a batch of measurements (BIL-08, habit 2, habit 3): each row a
    :class:`UsageInput` or a mapping of its fields.

    The whole batch is checked first, with the rules of :func:`usage_record`, and refused
    whole when any row is wrong (errors name the row: ``rows[3].quantity``); then the new
    records are inserted with one statement per chunk of rows, ignoring keys stored
    meanwhile, and every key is checked to hold the figures asked for. A delivery repeated
    stores nothing new; the result counts what was created and what was already stored.
    """
    return _ingest(rows, actor=actor, batch=True)
