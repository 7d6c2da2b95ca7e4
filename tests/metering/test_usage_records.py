"""Recording usage from the provider's own accounting instruments (BIL-08, CAT-02): a record
is stored once per source and external id, a re-delivery with other figures is a conflict,
bad input is refused naming the field and nothing is written, and a batch is inserted with
one statement per chunk (habit 2, habit 3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.metering.actions import (
    UsageInput,
    usage_bill_period,
    usage_record,
    usage_records_ingest,
)
from hostledger.metering.actions import records as records_module
from hostledger.metering.models import UsageIsAppendOnly, UsageRecord
from hostledger.subscriptions.actions import service_terminate
from tests.metering.factories import APRIL_FIRST, MARCH_END, MARCH_START, at, usage

pytestmark = pytest.mark.django_db


def stored() -> list[dict]:
    return list(UsageRecord.objects.order_by("pk").values())


def refusal(action, **kwargs) -> DomainError:
    before = stored()
    with pytest.raises(DomainError) as caught:
        action(**kwargs)
    assert stored() == before
    return caught.value


def test_a_usage_record_is_stored_with_its_figures__BIL_08(vps, items):
    start = at(MARCH_START, 10)

    record = usage_record(**usage(vps, items.traffic, "12.345678", start, external_id="m-1"))

    stored_record = UsageRecord.objects.get()
    assert stored_record.pk == record.pk
    assert (
        stored_record.client_id,
        stored_record.service_id,
        stored_record.metered_item_id,
        stored_record.quantity_micro,
        stored_record.quantity,
        stored_record.window_start,
        stored_record.window_end,
        stored_record.source,
        stored_record.external_id,
    ) == (
        vps.client_id,
        vps.pk,
        items.traffic.pk,
        12_345_678,
        Decimal("12.345678"),
        start,
        at(MARCH_START, 11),
        "meter-1",
        "m-1",
    )
    assert record.public_id.startswith("use_")
    assert AuditEvent.objects.filter(action="metering.usage_recorded").count() == 1


def test_the_same_record_delivered_twice_is_stored_once__BIL_08(vps, items):
    row = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")
    first = usage_record(**row)
    before = stored()
    audit_events = AuditEvent.objects.count()

    again = usage_record(**{**row, "quantity": Decimal("5.000000"), "service": vps.public_id})

    assert again.pk == first.pk
    assert stored() == before
    assert AuditEvent.objects.count() == audit_events


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": "5.000001"},
        {"window_start": at(MARCH_START, 9)},
        {"window_end": at(MARCH_START, 12)},
    ],
    ids=["quantity", "window_start", "window_end"],
)
def test_a_redelivery_with_other_figures_is_a_conflict_not_an_overwrite__BIL_08(vps, items, change):
    row = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")
    usage_record(**row)

    error = refusal(usage_record, **{**row, **change})

    assert (error.code, error.status) == ("usage_record_conflict", 409)
    assert error.fields == {"external_id": "already recorded with other figures"}
    assert UsageRecord.objects.get().quantity_micro == 5_000_000


def test_a_redelivery_for_another_item_is_a_conflict__BIL_08(vps, items):
    row = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")
    usage_record(**row)

    error = refusal(usage_record, **{**row, "metered_item": items.cpu})

    assert error.code == "usage_record_conflict"


def test_the_same_external_id_from_another_source_is_another_record__BIL_08(vps, items):
    row = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")
    usage_record(**row)

    usage_record(**{**row, "source": "meter-2", "quantity": "6"})

    assert sorted(UsageRecord.objects.values_list("source", "quantity_micro")) == [
        ("meter-1", 5_000_000),
        ("meter-2", 6_000_000),
    ]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"quantity": "-1"}, "quantity", "invalid_input"),
        ({"quantity": -1}, "quantity", "invalid_input"),
        ({"quantity": 1.5}, "quantity", "invalid_input"),
        ({"quantity": "0.0000001"}, "quantity", "invalid_input"),
        ({"quantity": "many"}, "quantity", "invalid_input"),
        ({"window_end": at(MARCH_START, 9)}, "window_end", "invalid_input"),
        (
            {"window_start": at(MARCH_START, 10).replace(tzinfo=None)},
            "window_start",
            "invalid_input",
        ),
        ({"window_start": MARCH_START}, "window_start", "invalid_input"),
        ({"window_start": at(MARCH_START) - timedelta(hours=1)}, "window_start", "invalid_input"),
        ({"window_end": at(APRIL_FIRST, 23)}, "window_end", "invalid_input"),
        ({"source": "  "}, "source", "invalid_input"),
        ({"source": "x" * 61}, "source", "invalid_input"),
        ({"external_id": ""}, "external_id", "invalid_input"),
        ({"external_id": "a\x00b"}, "external_id", "invalid_input"),
        ({"service": "svc_0000000000000000"}, "service", "invalid_input"),
        ({"metered_item": "met_0000000000000000"}, "metered_item", "invalid_input"),
    ],
    ids=[
        "negative quantity",
        "negative whole quantity",
        "float quantity",
        "more than six decimals",
        "not a number",
        "window ends before it starts",
        "naive time",
        "a date, not a time",
        "before the service started",
        "window ends in the future",
        "blank source",
        "long source",
        "no external id",
        "control character",
        "unknown service",
        "unknown metered item",
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written__BIL_08(
    vps, items, change, field, code
):
    row = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")

    error = refusal(usage_record, **{**row, **change})

    assert error.code == code
    assert set(error.fields) == {field}


def test_an_item_of_another_tariff_is_refused__CAT_02(vps, items):
    row = usage(vps, items.large_disk, "5", at(MARCH_START, 10))

    error = refusal(usage_record, **row)

    assert error.fields == {"metered_item": "Not a metered item of the service's tariff."}


def test_an_item_of_another_family_is_refused__CAT_02(vps, items):
    row = usage(vps, items.cloud_disk, "5", at(MARCH_START, 10))

    error = refusal(usage_record, **row)

    assert error.fields == {"metered_item": "Not a metered item of the service's tariff."}


def test_a_terminated_service_records_no_usage__BIL_08(vps, items, staff):
    service_terminate(service=vps, actor=staff, reason="Client left")

    error = refusal(usage_record, **usage(vps, items.traffic, "5", at(MARCH_START, 10)))

    assert error.fields == {"service": "The service is terminated."}


def test_usage_of_a_billed_period_is_refused_but_its_replay_is_not__BIL_08(vps, items):
    billed = usage(vps, items.traffic, "5", at(MARCH_START, 10), external_id="m-1")
    usage_record(**billed)
    usage_bill_period(
        service=vps, period_start=MARCH_START, period_end=MARCH_END, today=APRIL_FIRST
    )

    late = usage(vps, items.traffic, "7", at(MARCH_END, 23), external_id="m-2")
    error = refusal(usage_record, **late)

    assert (error.code, error.status) == ("usage_period_billed", 409)
    assert error.fields == {"window_start": "The usage of 2027-03 was billed already."}
    assert usage_record(**billed).external_id == "m-1"  # the replay of a billed record
    # Another item's usage of March was not billed yet, so it is taken.
    usage_record(**usage(vps, items.cpu, "1", at(MARCH_END, 23)))
    assert UsageRecord.objects.count() == 2


def test_a_batch_stores_each_new_record_once__BIL_08(vps, items):
    rows = [
        usage(vps, items.traffic, "1.5", at(MARCH_START, 10), external_id="b-1"),
        UsageInput(**usage(vps, items.cpu, "2", at(MARCH_START, 10), external_id="b-2")),
        usage(vps, items.traffic, "1.5", at(MARCH_START, 10), external_id="b-1"),
    ]

    result = usage_records_ingest(rows=rows)

    assert (result.received, result.created, result.duplicates) == (3, 2, 1)
    assert sorted(UsageRecord.objects.values_list("external_id", "quantity_micro")) == [
        ("b-1", 1_500_000),
        ("b-2", 2_000_000),
    ]
    before = stored()

    again = usage_records_ingest(rows=rows)

    assert (again.received, again.created, again.duplicates) == (3, 0, 3)
    assert stored() == before


def test_a_batch_with_one_bad_row_is_refused_whole_naming_the_row__BIL_08(vps, items):
    rows = [
        usage(vps, items.traffic, "1", at(MARCH_START, 10), external_id="b-1"),
        usage(vps, items.traffic, "-1", at(MARCH_START, 11), external_id="b-2"),
        usage(vps, items.large_disk, "1", at(MARCH_START, 12), external_id="b-3"),
    ]

    error = refusal(usage_records_ingest, rows=rows)

    assert error.fields == {
        "rows[1].quantity": "cannot be negative",
        "rows[2].metered_item": "Not a metered item of the service's tariff.",
    }


def test_a_batch_repeating_a_key_with_other_figures_is_refused_whole__BIL_08(vps, items):
    rows = [
        usage(vps, items.traffic, "1", at(MARCH_START, 10), external_id="b-1"),
        usage(vps, items.traffic, "2", at(MARCH_START, 10), external_id="b-1"),
    ]

    error = refusal(usage_records_ingest, rows=rows)

    assert (error.code, error.fields) == (
        "usage_record_conflict",
        {"rows[1].external_id": "already recorded with other figures"},
    )


def test_a_batch_conflicting_with_a_stored_record_writes_nothing__BIL_08(vps, items):
    usage_record(**usage(vps, items.traffic, "1", at(MARCH_START, 10), external_id="b-1"))
    rows = [
        usage(vps, items.cpu, "3", at(MARCH_START, 10), external_id="b-2"),
        usage(vps, items.traffic, "9", at(MARCH_START, 10), external_id="b-1"),
    ]

    error = refusal(usage_records_ingest, rows=rows)

    assert error.fields == {"rows[1].external_id": "already recorded with other figures"}


def test_a_batch_is_inserted_with_one_statement_per_chunk(vps, items, monkeypatch):
    """Habit 3: set-based bulk work — 25 rows in chunks of 10 are three INSERTs."""
    monkeypatch.setattr(records_module, "CHUNK_SIZE", 10)
    rows = [
        usage(vps, items.traffic, "1", at(MARCH_START, 0) + timedelta(hours=hour))
        for hour in range(25)
    ]

    with CaptureQueriesContext(connection) as queries:
        result = usage_records_ingest(rows=rows)

    inserts = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("INSERT") and "metering_usagerecord" in query["sql"]
    ]
    assert len(inserts) == 3
    assert (result.created, UsageRecord.objects.count()) == (25, 25)


def test_a_batch_that_is_not_a_list_is_refused(db):
    error = refusal(usage_records_ingest, rows={"service": "svc_0000000000000000"})

    assert error.fields == {"rows": "not a list"}


def test_usage_records_are_append_only__BIL_08(vps, items):
    record = usage_record(**usage(vps, items.traffic, "1", at(MARCH_START, 10)))

    record.quantity_micro = 2
    with pytest.raises(UsageIsAppendOnly):
        record.save()
    with pytest.raises(UsageIsAppendOnly):
        record.delete()
    with pytest.raises(UsageIsAppendOnly):
        UsageRecord.objects.update(quantity_micro=2)
    with pytest.raises(UsageIsAppendOnly):
        UsageRecord.objects.all().delete()
    assert UsageRecord.objects.get().quantity_micro == 1_000_000
