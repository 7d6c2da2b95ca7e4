"""Personal data encrypted at rest, blind indexes, and ``hostledger rotate-keys`` (GDPR-11)."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hostledger.accounts.models import Client, Contact, LoginAttempt, User
from hostledger.core.crypto import TOKEN_PREFIX, encrypt_text, is_encrypted_under_current_key
from hostledger.core.subject_keys import (
    SUBJECT_TOKEN_PREFIX,
    client_subject,
    forget_cached_keys,
    key_id_of,
    subject_key,
    user_subject,
)

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
STRANGER_KEY = Fernet.generate_key().decode()


def _raw(table: str, column: str, pk_column: str, pk) -> str:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(pk_column)} = %s", [pk]
        )
        return cursor.fetchone()[0]


def _set_raw(table: str, column: str, pk, value: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote('id')} = %s",
            [value, pk],
        )


def _rotate(*args: str) -> tuple[str, int]:
    """Run rotate_keys; return its output and the exit status it would give."""
    out = StringIO()
    try:
        call_command("rotate_keys", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def _make_client(email: str, *, first_name: str = "Mari", phone: str = "+372 5555 1234"):
    owner = User.objects.create_user(email, "long enough password 3", full_name="Mari Tamm")
    client = Client.objects.create(
        owner=owner,
        kind="natural",
        first_name=first_name,
        last_name="Tamm",
        street="Pikk 1",
        city="Tallinn",
        phone=phone,
        country="EE",
    )
    Contact.objects.create(
        client=client, role="billing", name="Jaan Kask", email="jaan@example.com"
    )
    return client


@pytest.fixture
def old_key_only(settings, own_subject_key_store):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return settings


@pytest.mark.django_db
def test_encrypted_value_is_not_in_the_raw_column__GDPR_11():
    client = _make_client("mari@example.com", first_name="Mariliis")
    stored = _raw(Client._meta.db_table, "first_name", "id", client.pk)
    client_key_id = subject_key(client_subject(client.pk))[0]
    assert stored.startswith(f"{SUBJECT_TOKEN_PREFIX}{client_key_id}:")
    assert "Mariliis" not in stored
    history_table = Client.history.model._meta.db_table
    stored_history = _raw(history_table, "first_name", "id", client.pk)
    assert key_id_of(stored_history) == client_key_id and "Mariliis" not in stored_history
    user_stored = _raw(User._meta.db_table, "full_name", "id", client.owner_id)
    assert "Tamm" not in user_stored
    assert key_id_of(user_stored) == subject_key(user_subject(client.owner_id))[0]
    assert Client.objects.get(pk=client.pk).first_name == "Mariliis"
    assert Client.history.get(id=client.pk).first_name == "Mariliis"
    assert User.objects.get(pk=client.owner_id).full_name == "Mari Tamm"


@pytest.mark.django_db
def test_same_value_encrypts_differently_each_time__GDPR_11():
    """Equal plain texts do not give equal tokens, so the column leaks no equality."""
    first = _make_client("a@example.com", first_name="Same")
    second = _make_client("b@example.com", first_name="Same")
    table = Client._meta.db_table
    assert _raw(table, "first_name", "id", first.pk) != _raw(table, "first_name", "id", second.pk)


@pytest.mark.django_db
def test_empty_value_is_stored_empty__GDPR_11():
    client = _make_client("c@example.com")
    assert _raw(Client._meta.db_table, "company_name", "id", client.pk) == ""
    assert Client.objects.get(pk=client.pk).company_name == ""


@pytest.mark.django_db
def test_blind_index_finds_row_by_exact_value_case_and_space_insensitively__GDPR_11():
    user = User.objects.create_user("mari@example.com", "long enough password 4")
    attempt = LoginAttempt.objects.create(
        identifier="Mari@Example.com", user=user, ip_address="192.0.2.1", succeeded=True
    )
    LoginAttempt.objects.create(identifier="someone@example.com", succeeded=False)
    index = LoginAttempt._meta.get_field("identifier_index")
    assert "mari" not in attempt.identifier_index.lower()
    found = LoginAttempt.objects.filter(identifier_index=index.index_of("  mari@EXAMPLE.com "))
    assert list(found) == [attempt]
    assert not LoginAttempt.objects.filter(identifier_index=index.index_of("mari@example.co"))

    client = _make_client("owner@example.com", phone="+372 5555 1234")
    phone_index = Client._meta.get_field("phone_index")
    assert list(Client.objects.filter(phone_index=phone_index.index_of(" +372 5555 1234"))) == [
        client
    ]


@pytest.mark.django_db
def test_index_of_another_purpose_never_matches__GDPR_11():
    """The same text indexed as a phone and as a login identifier gives different values."""
    phone = Client._meta.get_field("phone_index").index_of("+3725551234")
    login = LoginAttempt._meta.get_field("identifier_index").index_of("+3725551234")
    assert phone != login


@pytest.mark.django_db
def test_rotation_re_wraps_subject_keys_and_re_encrypts_field_key_values__GDPR_11(old_key_only):
    """Values under the clients' own keys stay as they are: their data keys are re-wrapped.
    Values still under the field keys (written before per-subject keys) are re-encrypted."""
    settings = old_key_only
    clients = [_make_client(f"user{number}@example.com") for number in range(5)]
    _set_raw(Client._meta.db_table, "city", clients[0].pk, encrypt_text("Tartu"))
    contact = Contact.objects.get(client=clients[0])
    contact_updated_at = contact.updated_at
    history_count = Client.history.count()
    subject_token = _raw(Client._meta.db_table, "first_name", "id", clients[0].pk)
    old_token = _raw(Client._meta.db_table, "city", "id", clients[0].pk)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output, status = _rotate("--check")
    assert status == 1
    # Five clients and their five owners: ten data keys.
    assert "Subject data keys: 10 not wrapped by the current key" in output
    assert "accounts.Client: 1 values not under the current key" in output
    assert "accounts.HistoricalClient: 0 values not under the current key" in output

    output, status = _rotate("--chunk-size", "2")
    assert status == 0, output
    assert "Subject data keys: 10 re-wrapped, 0 already wrapped by the current key" in output
    assert "accounts.Client: 1 values re-encrypted, 24 already under the current key" in output
    assert "accounts.HistoricalContact: 0 values re-encrypted, 10 already" in output

    output, status = _rotate("--check")
    assert status == 0, output
    assert "Subject data keys: 0 not wrapped by the current key" in output
    assert "Every encrypted value is under the current key." in output
    assert _raw(Client._meta.db_table, "first_name", "id", clients[0].pk) == subject_token
    new_token = _raw(Client._meta.db_table, "city", "id", clients[0].pk)
    assert new_token != old_token
    assert is_encrypted_under_current_key(new_token)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    forget_cached_keys()
    for client in Client.objects.select_related("owner").order_by("pk"):
        assert (client.first_name, client.last_name) == ("Mari", "Tamm")
        assert client.city == ("Tartu" if client.pk == clients[0].pk else "Tallinn")
        assert client.phone == "+372 5555 1234"
        assert client.owner.full_name == "Mari Tamm"
    assert {record.first_name for record in Client.history.all()} == {"Mari"}
    assert Contact.objects.get(pk=contact.pk).email == "jaan@example.com"
    assert Contact.objects.get(pk=contact.pk).updated_at == contact_updated_at
    assert Client.history.count() == history_count

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    forget_cached_keys()
    with pytest.raises(ValueError, match="No configured field encryption key"):
        Client.objects.get(pk=clients[1].pk)


@pytest.mark.django_db
def test_second_rotation_changes_nothing__GDPR_11(old_key_only):
    _make_client("mari@example.com")
    old_key_only.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    _rotate()
    token = _raw(Client._meta.db_table, "first_name", "id", Client.objects.get().pk)
    output, status = _rotate()
    assert status == 0
    assert "Subject data keys: 0 re-wrapped, 2 already wrapped by the current key" in output
    assert "accounts.Client: 0 values re-encrypted, 5 already under the current key" in output
    assert _raw(Client._meta.db_table, "first_name", "id", Client.objects.get().pk) == token


@pytest.mark.django_db
def test_value_no_key_opens_is_reported_and_the_rest_still_rotated__GDPR_11(old_key_only):
    first = _make_client("first@example.com")
    second = _make_client("second@example.com")
    stranger_token = TOKEN_PREFIX + Fernet(STRANGER_KEY.encode()).encrypt(b"Lost").decode()
    _set_raw(Client._meta.db_table, "city", first.pk, stranger_token)
    _set_raw(Client._meta.db_table, "street", second.pk, encrypt_text("Pikk 2"))

    old_key_only.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output, status = _rotate()
    assert status == 1
    assert "accounts.Client: 1 values re-encrypted, 8 already under the current key, 1 " in output
    assert "could not be opened with any configured key" in output
    assert _raw(Client._meta.db_table, "city", "id", first.pk) == stranger_token
    old_key_only.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    forget_cached_keys()
    assert Client.objects.get(pk=second.pk).street == "Pikk 2"
    assert Client.objects.filter(pk=first.pk).values_list("first_name", flat=True).get() == "Mari"


@pytest.mark.django_db
def test_reindex_after_blind_index_key_change__GDPR_11(settings, own_subject_key_store):
    settings.BLIND_INDEX_KEY = "the first blind index key"
    client = _make_client("mari@example.com", phone="+372 5555 1234")
    LoginAttempt.objects.create(identifier="mari@example.com", succeeded=False)
    phone_index = Client._meta.get_field("phone_index")
    login_index = LoginAttempt._meta.get_field("identifier_index")

    settings.BLIND_INDEX_KEY = "the second blind index key"
    assert not Client.objects.filter(phone_index=phone_index.index_of("+372 5555 1234")).exists()
    output, status = _rotate("--check", "--reindex")
    assert status == 1
    assert "accounts.Client: 1 blind index values stale" in output

    output, status = _rotate("--reindex")
    assert status == 0, output
    assert "accounts.Client: 1 blind index values recomputed" in output
    assert "accounts.LoginAttempt: 1 blind index values recomputed" in output
    assert Client.objects.get(phone_index=phone_index.index_of("+372 5555 1234")) == client
    assert LoginAttempt.objects.filter(
        identifier_index=login_index.index_of("MARI@example.com")
    ).exists()
    output, status = _rotate("--check", "--reindex")
    assert status == 0, output
    assert "accounts.HistoricalClient: 0 blind index values stale" in output


@pytest.mark.django_db
def test_keys_are_not_derived_from_secret_key__GDPR_11(settings):
    """Changing SECRET_KEY (for example after a leak) leaves personal data readable and
    its indexes valid."""
    settings.SECRET_KEY = "the original secret key " * 3
    client = _make_client("mari@example.com", first_name="Mariliis")
    phone_index = Client._meta.get_field("phone_index").index_of("+372 5555 1234")
    settings.SECRET_KEY = "a completely different secret key " * 3
    reloaded = Client.objects.get(pk=client.pk)
    assert reloaded.first_name == "Mariliis"
    assert Client._meta.get_field("phone_index").index_of("+372 5555 1234") == phone_index
    assert reloaded.phone_index == phone_index
    assert settings.SECRET_KEY not in settings.FIELD_ENCRYPTION_KEYS


def test_chunk_size_must_be_positive__GDPR_11():
    output, status = _rotate("--chunk-size", "0")
    assert status == 1
    assert "--chunk-size" in output
