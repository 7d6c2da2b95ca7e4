"""Each client's personal data under its own data key, kept apart from the database, and
erasure by destroying that key, old copies of the database included (GDPR-11, GDPR-04)."""

from __future__ import annotations

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from hostledger.accounts.models import Client, Contact, LoginAttempt, User
from hostledger.core.actions import SUBJECT_KEYS_DESTROYED, subject_keys_destroy
from hostledger.core.audit import (
    audit_actor_label,
    audit_ip_address,
    record_audit_event,
    record_personal_data_read,
    verify_audit_chain,
)
from hostledger.core.crypto import encrypt_text
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.subject_keys import (
    SUBJECT_TOKEN_PREFIX,
    client_subject,
    decrypt_stored,
    forget_cached_keys,
    key_id_of,
    subject_key,
    user_subject,
)

pytestmark = pytest.mark.django_db

NEW_KEY = Fernet.generate_key().decode()


def _make_client(email: str, *, first_name: str, company: str = "") -> Client:
    owner = User.objects.create_user(email, "long enough password 5", full_name=first_name)
    client = Client.objects.create(
        owner=owner,
        kind="legal" if company else "natural",
        first_name=first_name,
        last_name="Tamm",
        company_name=company,
        street="Pikk 1",
        city="Tallinn",
        phone="+372 5555 1234",
        country="EE",
    )
    Contact.objects.create(client=client, role="billing", name=f"{first_name} Kask", email=email)
    LoginAttempt.objects.create(
        identifier=email, user=owner, ip_address="192.0.2.7", succeeded=True
    )
    return client


def _raw_rows(table: str, columns: list[str]) -> list[tuple]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(column) for column in columns)} FROM {quote(table)} "
            f"ORDER BY {quote('id')}"
        )
        return cursor.fetchall()


def _copy_of_the_database(tmp_path: Path) -> Path | None:
    """A file copy of the test database (SQLite's online backup), as a backup would be."""
    if connection.vendor != "sqlite":
        return None
    copy = tmp_path / "before-erasure.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return copy


def _tokens_in_copy(copy: Path, table: str, column: str) -> list[str]:
    with sqlite3.connect(copy) as database:
        return [row[0] for row in database.execute(f'SELECT "{column}" FROM "{table}"')]


def _rotate(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("rotate_keys", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def test_values_of_two_clients_are_under_different_keys__GDPR_11():
    first = _make_client("mari@example.com", first_name="Mariliis")
    second = _make_client("jaan@example.com", first_name="Jaanus")
    table = Client._meta.db_table
    tokens = dict(_raw_rows(table, ["id", "first_name"]))
    assert tokens[first.pk].startswith(SUBJECT_TOKEN_PREFIX)
    assert key_id_of(tokens[first.pk]) == subject_key(client_subject(first.pk))[0]
    assert key_id_of(tokens[second.pk]) == subject_key(client_subject(second.pk))[0]
    assert key_id_of(tokens[first.pk]) != key_id_of(tokens[second.pk])
    # Every encrypted value of the client, and of its history, names the client's key.
    contact_tokens = _raw_rows(Contact._meta.db_table, ["client_id", "name", "email"])
    for client_id, *values in contact_tokens:
        assert {key_id_of(value) for value in values} == {subject_key(client_subject(client_id))[0]}
    history = _raw_rows(Client.history.model._meta.db_table, ["id", "street"])
    assert {key_id_of(token) for client_id, token in history if client_id == first.pk} == {
        subject_key(client_subject(first.pk))[0]
    }


@pytest.mark.django_db(transaction=True)
def test_destroying_a_clients_key_erases_it_in_a_copy_taken_before__GDPR_04(tmp_path):
    """Committed data, so that SQLite's online backup copies the file as a backup would."""
    erased = _make_client("mari@example.com", first_name="Mariliis", company="Tamm OÜ")
    kept = _make_client("jaan@example.com", first_name="Jaanus", company="Kask AS")
    staff = User.objects.create_user("auditor@example.com", "long enough password 6")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.23")
    record_personal_data_read(actor=staff, client=erased, what="contacts", request=request)
    record_audit_event(
        action="client.updated",
        actor=erased.owner,
        obj=erased,
        subject_client_id=erased.pk,
        data={"fields": ["city"]},
        ip_address="203.0.113.77",
    )
    record_audit_event(
        action="client.updated",
        actor=kept.owner,
        obj=kept,
        subject_client_id=kept.pk,
        data={"fields": ["city"]},
        ip_address="203.0.113.88",
    )
    copy = _copy_of_the_database(tmp_path)
    tokens_before = dict(_raw_rows(Client._meta.db_table, ["id", "company_name"]))

    assert subject_keys_destroy(client_id=erased.pk) == 2  # the client's and its owner's

    # The live rows read as erased (an empty string), and their pages still load.
    reloaded = Client.objects.get(pk=erased.pk)
    assert (reloaded.first_name, reloaded.company_name, reloaded.phone) == ("", "", "")
    assert reloaded.first_name.erased is True
    assert User.objects.get(pk=erased.owner_id).full_name == ""
    assert Contact.objects.get(client=erased).email == ""
    assert LoginAttempt.objects.get(user=erased.owner).ip_address == ""
    assert Client.history.filter(id=erased.pk).first().company_name == ""
    other = Client.objects.get(pk=kept.pk)
    assert (other.first_name, other.company_name) == ("Jaanus", "Kask AS")
    assert LoginAttempt.objects.get(user=kept.owner).ip_address == "192.0.2.7"

    # The copy taken before: the erased client's values open with no configured key.
    assert decrypt_stored(tokens_before[erased.pk]) == ""
    assert decrypt_stored(tokens_before[kept.pk]) == "Kask AS"
    if copy is not None:
        in_copy = dict(
            zip(
                _tokens_in_copy(copy, Client._meta.db_table, "id"),
                _tokens_in_copy(copy, Client._meta.db_table, "company_name"),
                strict=True,
            )
        )
        forget_cached_keys()
        assert decrypt_stored(in_copy[erased.pk]) == ""
        assert decrypt_stored(in_copy[kept.pk]) == "Kask AS"
        dump = copy.read_bytes()
        for text in (b"Mariliis", b"Tamm O", b"203.0.113.77", b"mari@"):
            assert text not in dump.replace(b"mari@example.com", b"")  # login e-mail: 0001

    # The audit trail still verifies; the erased person's e-mail and address are gone, the
    # staff member's (their own data) and the other client's remain.
    assert verify_audit_chain() == []
    events = {event.action + str(event.actor_id): event for event in AuditEvent.objects.all()}
    own = events[f"client.updated{erased.owner_id}"]
    assert (audit_actor_label(own), audit_ip_address(own)) == ("", None)
    other_event = events[f"client.updated{kept.owner_id}"]
    assert audit_actor_label(other_event) == "jaan@example.com"
    assert audit_ip_address(other_event) == "203.0.113.88"
    read = events[f"personal_data.read{staff.pk}"]
    assert audit_actor_label(read) == "auditor@example.com"
    destroyed = AuditEvent.objects.get(action=SUBJECT_KEYS_DESTROYED)
    assert destroyed.data == {"client_id": erased.pk, "user_id": None}
    for row in _raw_rows(AuditEvent._meta.db_table, ["actor_label", "ip_address", "data"]):
        assert "mari@" not in str(row) and "203.0.113.77" not in str(row)


def test_rotation_after_an_erasure_still_reads_everything_else__GDPR_11(
    settings, own_subject_key_store
):
    erased = _make_client("mari@example.com", first_name="Mariliis")
    kept = _make_client("jaan@example.com", first_name="Jaanus")
    subject_keys_destroy(client_id=erased.pk)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, old_key]
    output, status = _rotate()
    assert status == 0, output
    assert "Subject data keys: 2 re-wrapped, 0 already wrapped" in output  # kept, its owner
    assert "accounts.Client: 0 values re-encrypted, 5 already under the current key, 5 erased" in (
        output
    )
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    forget_cached_keys()
    assert Client.objects.get(pk=kept.pk).first_name == "Jaanus"
    assert Client.objects.get(pk=erased.pk).first_name == ""
    assert verify_audit_chain() == []


def test_existing_values_move_under_their_subjects_keys__GDPR_11(own_subject_key_store):
    """Values written under the field keys before per-subject keys (``enc1:``) are moved
    under each subject's key by ``rotate-keys --subject-keys``, and then erase with it."""
    client = _make_client("mari@example.com", first_name="Mariliis")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Client._meta.db_table)} SET {quote('city')} = %s",
            [encrypt_text("Tartu")],
        )
        cursor.execute(
            f"UPDATE {quote(LoginAttempt._meta.db_table)} SET {quote('ip_address')} = %s",
            [encrypt_text("192.0.2.50")],
        )
    output, status = _rotate("--check", "--subject-keys")
    assert status == 1
    assert "accounts.Client: 1 values not under their subject's key" in output
    assert "accounts.LoginAttempt: 1 values not under their subject's key" in output

    output, status = _rotate("--subject-keys", "--chunk-size", "1")
    assert status == 0, output
    assert "accounts.Client: 1 values moved under their subject's key" in output
    city = dict(_raw_rows(Client._meta.db_table, ["id", "city"]))[client.pk]
    assert key_id_of(city) == subject_key(client_subject(client.pk))[0]
    ip = _raw_rows(LoginAttempt._meta.db_table, ["ip_address"])[0][0]
    assert key_id_of(ip) == subject_key(user_subject(client.owner_id))[0]
    assert Client.objects.get(pk=client.pk).city == "Tartu"
    assert _rotate("--check", "--subject-keys")[1] == 0

    subject_keys_destroy(client_id=client.pk)
    assert Client.objects.get(pk=client.pk).city == ""
    assert LoginAttempt.objects.get().ip_address == ""


def test_destroy_names_exactly_one_subject_and_changes_nothing_otherwise__GDPR_04():
    client = _make_client("mari@example.com", first_name="Mariliis")
    for arguments in ({}, {"client_id": client.pk, "user_id": client.owner_id}, {"client_id": "1"}):
        with pytest.raises(DomainError):
            subject_keys_destroy(**arguments)
    assert not AuditEvent.objects.filter(action=SUBJECT_KEYS_DESTROYED).exists()
    assert Client.objects.get(pk=client.pk).first_name == "Mariliis"
    assert subject_keys_destroy(user_id=client.owner_id) == 1
    assert subject_keys_destroy(user_id=client.owner_id) == 0
    assert Client.objects.get(pk=client.pk).first_name == "Mariliis"
    assert User.objects.get(pk=client.owner_id).full_name == ""


def test_key_store_keeps_no_trace_of_a_destroyed_key__GDPR_04(own_subject_key_store):
    """The store is a file of its own, outside the database; a destroyed key is overwritten
    in it, not merely unlinked."""
    client = _make_client("mari@example.com", first_name="Mariliis")
    key_id = subject_key(client_subject(client.pk))[0]
    with sqlite3.connect(own_subject_key_store) as store:
        wrapped = store.execute(
            "SELECT wrapped FROM subject_key WHERE key_id = ?", (key_id,)
        ).fetchone()[0]
    assert wrapped.encode() in Path(own_subject_key_store).read_bytes()
    subject_keys_destroy(client_id=client.pk)
    assert wrapped.encode() not in Path(own_subject_key_store).read_bytes()
    tables = connection.introspection.table_names()
    assert not any("subject_key" in table for table in tables)
