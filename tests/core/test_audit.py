"""The append-only, hash-chained audit trail and ``hostledger audit verify`` (GDPR-12)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from hostledger.accounts.models import Client, User
from hostledger.core.audit import (
    GENESIS_HASH,
    audit_actor_label,
    audit_ip_address,
    compute_chain_hash,
    record_audit_event,
    record_personal_data_read,
    verify_audit_chain,
)
from hostledger.core.errors import DomainError
from hostledger.core.middleware import RequestIdMiddleware
from hostledger.core.models import AuditChainHead, AuditEvent, AuditTrailIsAppendOnly

TABLE = AuditEvent._meta.db_table


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


@pytest.fixture
def staff(db):
    return User.objects.create_user("auditor@example.com", "long enough password 1", is_staff=True)


@pytest.fixture
def client_record(db):
    owner = User.objects.create_user("mari@example.com", "long enough password 2")
    return Client.objects.create(
        owner=owner, kind="natural", first_name="Mari", last_name="Tamm", country="EE"
    )


@pytest.fixture
def trail(staff, client_record):
    """Ten events of assorted shapes."""
    for number in range(1, 11):
        record_audit_event(
            action="client.updated",
            actor=staff if number % 2 else None,
            obj=client_record,
            subject_client_id=client_record.pk,
            data={"fields": ["city"], "number": number},
            ip_address="192.0.2.10",
            request_id=f"req-{number:08d}",
        )
    return list(AuditEvent.objects.order_by("sequence"))


def _verify_command() -> tuple[str, str, int]:
    """Run ``audit verify``; return stdout, stderr and the exit status it would give."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_chain_verifies_after_many_events__GDPR_12(staff, client_record):
    """Assorted values (IPv6, unicode, decimals, whole and fractional floats) hash the same
    after the database round trip, on SQLite and on PostgreSQL."""
    addresses = [None, "192.0.2.1", "2001:DB8:0:0:1:0:0:1", "::ffff:10.0.0.1", "fe80::1"]
    for number in range(60):
        record_audit_event(
            action="personal_data.read" if number % 3 else "client.updated",
            actor=staff if number % 2 else None,
            obj=client_record if number % 4 else staff,
            subject_client_id=client_record.pk if number % 5 else None,
            data={
                "n": number,
                "name": "Jüri Õunapuu ✓",
                "amount": Decimal("12.30"),
                "ratio": 0.1 * number,
                "big": 1e20,
                "when": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                "nested": {"b": [1, 2, {"z": None}], "a": True},
            },
            ip_address=addresses[number % len(addresses)],
        )
    assert verify_audit_chain() == []
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 61))
    head = AuditChainHead.objects.get()
    last = AuditEvent.objects.order_by("-sequence").first()
    assert (head.last_sequence, head.last_hash) == (60, last.chain_hash)
    first = AuditEvent.objects.get(sequence=1)
    assert first.previous_hash == GENESIS_HASH
    assert AuditEvent.objects.get(sequence=2).previous_hash == first.chain_hash


def test_event_names_object_actor_and_request__GDPR_12(staff, client_record):
    """The object is named by model label and public id; IP and request id come from the
    current request when not given; an event without actor is the system's."""
    captured = {}

    def view(request):
        captured["event"] = record_audit_event(
            action="client.updated", actor=staff, obj=client_record, data={"fields": ["city"]}
        )
        return HttpResponse()

    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.4", HTTP_X_REQUEST_ID="req-abcdef123456"
    )
    RequestIdMiddleware(view)(request)
    event = captured["event"]
    assert event.object_type == "accounts.Client"
    assert event.object_id == client_record.public_id
    assert (event.actor_id, audit_actor_label(event)) == (staff.pk, "auditor@example.com")
    assert (audit_ip_address(event), event.request_id) == ("198.51.100.4", "req-abcdef123456")
    assert (event.actor_label, event.ip_address, event.hash_version) == ("", None, 2)
    assert "auditor" not in event.actor_label_token and "198.51" not in event.ip_address_token

    head = AuditChainHead.objects.get()
    system_event = record_audit_event(action="retention.ran", obj=head)
    assert (system_event.actor_id, system_event.actor_label) == (None, "system")
    assert (system_event.object_type, system_event.object_id) == ("core.AuditChainHead", "1")
    assert verify_audit_chain() == []


def test_personal_data_read_is_recorded__GDPR_12(staff, client_record):
    request = RequestFactory().get("/staff/clients/x", REMOTE_ADDR="203.0.113.9")
    request.request_id = "req-readread01"
    event = record_personal_data_read(
        actor=staff, client=client_record, what="contacts", request=request
    )
    event.refresh_from_db()
    assert event.action == "personal_data.read"
    assert event.subject_client_id == client_record.pk
    assert event.actor_id == staff.pk
    assert event.data == {"what": "contacts"}
    assert (audit_ip_address(event), event.request_id) == ("203.0.113.9", "req-readread01")
    with pytest.raises(DomainError) as refused:
        record_personal_data_read(actor=staff, client=client_record, what="  ")
    assert "what" in refused.value.fields
    assert AuditEvent.objects.count() == 1


def test_event_is_part_of_the_callers_transaction__GDPR_12(trail, staff):
    """An action that fails rolls its audit event back with it, and the chain stays whole."""
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit_event(action="payer.created", actor=staff)
        raise RuntimeError("the action failed after auditing")
    assert AuditEvent.objects.count() == 10
    assert AuditChainHead.objects.get().last_sequence == 10
    record_audit_event(action="payer.created", actor=staff)
    assert AuditEvent.objects.order_by("-sequence").first().sequence == 11
    assert verify_audit_chain() == []


def test_raw_sql_edit_is_detected_naming_the_sequence__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_quoted(TABLE)} SET {_quoted('data')} = %s WHERE {_quoted('sequence')} = 7",
            ['{"fields": ["city"], "number": 700}'],
        )
    problems = verify_audit_chain()
    assert len(problems) == 1, problems
    assert "#7 " in problems[0]
    assert "edited" in problems[0]


def test_raw_sql_edit_of_ip_address_is_detected__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_quoted(TABLE)} SET {_quoted('ip_address')} = %s "
            f"WHERE {_quoted('sequence')} = 3",
            ["192.0.2.99"],
        )
    problems = verify_audit_chain()
    assert len(problems) == 1
    assert problems[0].startswith("Event #3 ")


def test_raw_sql_delete_of_a_middle_row_is_detected__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(TABLE)} WHERE {_quoted('sequence')} = 5")
    problems = verify_audit_chain()
    assert problems == ["Events #5 are missing; rows were deleted."]


def test_raw_sql_delete_of_several_middle_rows_is_detected__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(TABLE)} WHERE {_quoted('sequence')} BETWEEN 4 AND 6")
    assert verify_audit_chain() == ["Events #4 to #6 are missing; rows were deleted."]


def test_raw_sql_delete_of_the_last_rows_is_detected__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(TABLE)} WHERE {_quoted('sequence')} >= 9")
    problems = verify_audit_chain()
    assert len(problems) == 1
    assert "records event #10" in problems[0]
    assert "last event stored is #8" in problems[0]


def test_raw_sql_delete_of_every_row_is_detected__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(TABLE)}")
    problems = verify_audit_chain()
    assert problems and "records event #10" in problems[0]


def _insert_raw(values: dict) -> None:
    columns = ", ".join(_quoted(name) for name in values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_quoted(TABLE)} ({columns}) VALUES ({placeholders})",
            list(values.values()),
        )


def _forged_row(*, sequence: int, previous_hash: str, key: str) -> dict:
    """A row whose hash is computed correctly, but with a key other than the chain key."""
    occurred_at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    fields = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_label": "system",
        "action": "client.updated",
        "object_type": "accounts.Client",
        "object_id": "cli_forged",
        "subject_client_id": None,
        "ip_address": None,
        "request_id": "-",
        "data": {},
    }
    with override_settings(AUDIT_CHAIN_KEY=key):
        chain_hash = compute_chain_hash(previous_hash=previous_hash, **fields)
    fields.update(data="{}", previous_hash=previous_hash, chain_hash=chain_hash)
    return fields


def test_raw_sql_insert_of_a_forged_row_at_the_end_is_detected__GDPR_12(trail):
    """Even a row hashed the right way is caught: the forger does not have the chain key."""
    _insert_raw(
        _forged_row(sequence=11, previous_hash=trail[-1].chain_hash, key="not the chain key")
    )
    problems = verify_audit_chain()
    assert any(problem.startswith("Event #11 ") and "forged" in problem for problem in problems)
    assert any("not in the chain head" in problem for problem in problems)


def test_raw_sql_replacement_of_a_middle_row_is_detected__GDPR_12(trail):
    """A deleted row replaced by a forged one with the same sequence and links."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(TABLE)} WHERE {_quoted('sequence')} = 4")
    _insert_raw(_forged_row(sequence=4, previous_hash=trail[2].chain_hash, key="guessed"))
    problems = verify_audit_chain()
    assert problems[0].startswith("Event #4 ")
    assert any(problem.startswith("Event #5 ") and "link" in problem for problem in problems)


def test_command_reports_intact_trail_and_exits_0__GDPR_12(trail):
    out, err, status = _verify_command()
    assert status == 0
    assert out.strip() == "Audit trail intact: 10 events"
    assert err == ""


def test_command_prints_every_problem_and_exits_1__GDPR_12(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_quoted(TABLE)} SET {_quoted('action')} = %s WHERE {_quoted('sequence')} = 2",
            ["client.viewed"],
        )
        cursor.execute(f"DELETE FROM {_quoted(TABLE)} WHERE {_quoted('sequence')} = 6")
    out, err, status = _verify_command()
    assert status == 1
    assert "intact" not in out
    assert "Event #2 " in err
    assert "Events #6 are missing" in err
    assert "2 problem(s)" in err


def test_command_on_an_empty_trail__GDPR_12(db):
    out, _err, status = _verify_command()
    assert (status, out.strip()) == (0, "Audit trail intact: 0 events")


def test_orm_refuses_to_change_or_remove_events__GDPR_12(trail):
    event = AuditEvent.objects.get(sequence=3)
    event.action = "client.viewed"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(sequence=3).update(action="client.viewed")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(sequence__gte=9).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.count() == 10
    assert AuditEvent.objects.get(sequence=3).action == "client.updated"
    assert verify_audit_chain() == []


@pytest.mark.parametrize(
    "data",
    [
        {"password": "hunter2hunter2"},
        {"new_Password1": "x"},
        {"changes": {"client_secret": "x"}},
        {"fields": [{"old_password": "x"}]},
        {"SECRET": "x"},
    ],
)
def test_passwords_and_secrets_are_refused__GDPR_12(staff, data):
    """ACC-07: no password or secret ever reaches the audit trail; nothing is written."""
    with pytest.raises(ValueError, match=r"(?i)password|secret"):
        record_audit_event(action="staff.created", actor=staff, data=data)
    assert AuditEvent.objects.count() == 0
    assert AuditChainHead.objects.filter(last_sequence__gt=0).count() == 0


def test_bad_input_names_the_field__GDPR_12(staff):
    for kwargs, field in [
        ({"action": ""}, "action"),
        ({"action": "x" * 101}, "action"),
        ({"action": "a.b", "ip_address": "not-an-ip"}, "ip_address"),
        ({"action": "a.b", "request_id": "r" * 65}, "request_id"),
        ({"action": "a.b", "subject_client_id": "12"}, "subject_client_id"),
        ({"action": "a.b", "data": {"when": object()}}, "data"),
        ({"action": "a.b", "obj": User(email="unsaved@example.com")}, "obj"),
    ]:
        with pytest.raises(DomainError) as refused:
            record_audit_event(actor=staff, **kwargs)
        assert field in refused.value.fields
    assert AuditEvent.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain__GDPR_12():
    """8 threads, 20 events each, on PostgreSQL: sequences 1..160, one unbroken chain."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")
    threads, events_each = 8, 20
    start = threading.Barrier(threads)

    def writer(number: int) -> None:
        try:
            start.wait()
            for event_number in range(events_each):
                with transaction.atomic():
                    record_audit_event(
                        action="test.concurrent",
                        data={"writer": number, "event": event_number},
                        ip_address=f"192.0.2.{number + 1}",
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(writer, number) for number in range(threads)]:
            future.result()

    total = threads * events_each
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert verify_audit_chain() == []
    assert AuditChainHead.objects.get().last_sequence == total
    assert AuditEvent.objects.values("previous_hash").distinct().count() == total
