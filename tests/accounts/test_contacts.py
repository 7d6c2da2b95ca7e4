"""Contact persons of a client and the history of their changes (ACC-05)."""

from __future__ import annotations

import pytest
from django.db import connection

from hostledger.accounts import actions
from hostledger.accounts.models import Contact
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.subject_keys import client_subject, subject_key

ABUSE_DESK = {
    "role": "abuse",
    "name": "Kalle Kask",
    "email": "abuse@tammetalu.example",
    "phone": "+372 5344 1122",
}


def _raw_history_rows(contact: Contact) -> list[tuple[str, str, str]]:
    """The history rows of a contact as the database holds them, without decryption."""
    table = connection.ops.quote_name(Contact.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, email, phone FROM {table} WHERE id = %s ORDER BY history_id",
            [contact.pk],
        )
        return list(cursor.fetchall())


def test_contact_is_created_with_a_history_row__ACC_05(owner, owner_client):
    contact = actions.contact_create(client=owner_client, actor=owner, data=ABUSE_DESK)

    assert contact.role == "abuse"
    assert contact.name == "Kalle Kask"
    assert contact.email == "abuse@tammetalu.example"
    assert contact.phone == "+37253441122"
    (created,) = contact.history.all()
    assert created.history_type == "+"
    assert created.history_user == owner
    event = AuditEvent.objects.get(action="contact.created")
    assert event.object_id == contact.public_id
    assert event.subject_client_id == owner_client.pk
    assert event.data == {"role": "abuse"}


def test_updates_keep_the_old_values_in_history__ACC_05(owner, owner_client):
    contact = actions.contact_create(client=owner_client, actor=owner, data=ABUSE_DESK)

    actions.contact_update(contact=contact, actor=owner, data={"name": "Liis Lepp"})
    actions.contact_update(
        contact=contact, actor=owner, data={"email": "noc@tammetalu.example", "phone": ""}
    )

    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.phone) == (
        "Liis Lepp",
        "noc@tammetalu.example",
        "",
    )
    rows = list(contact.history.order_by("history_id"))
    assert [(row.history_type, row.name, row.email, row.phone) for row in rows] == [
        ("+", "Kalle Kask", "abuse@tammetalu.example", "+37253441122"),
        ("~", "Liis Lepp", "abuse@tammetalu.example", "+37253441122"),
        ("~", "Liis Lepp", "noc@tammetalu.example", ""),
    ]
    assert {row.history_user_id for row in rows} == {owner.pk}
    assert [event.data for event in AuditEvent.objects.filter(action="contact.updated")] == [
        {"fields": ["name"]},
        {"fields": ["email", "phone"]},
    ]


def test_history_table_holds_the_values_encrypted__ACC_05(owner, owner_client):
    contact = actions.contact_create(client=owner_client, actor=owner, data=ABUSE_DESK)
    actions.contact_update(contact=contact, actor=owner, data={"name": "Liis Lepp"})

    rows = _raw_history_rows(contact)
    client_key = subject_key(client_subject(owner_client.pk))[0]

    assert len(rows) == 2
    for row in rows:
        for stored in row:
            assert stored.startswith(f"enc2:{client_key}:")  # the client's own key (GDPR-11)
        joined = " ".join(row)
        for plain in ("Kalle", "Liis", "Lepp", "tammetalu", "5344"):
            assert plain not in joined


def test_invalid_contact_is_refused_naming_fields__ACC_05(owner, owner_client):
    with pytest.raises(DomainError) as refused:
        actions.contact_create(
            client=owner_client,
            actor=owner,
            data={"role": "sales", "name": "", "email": "not-an-address", "phone": "12"},
        )

    assert set(refused.value.fields) == {"role", "name", "email", "phone"}
    assert Contact.objects.count() == 0
    assert Contact.history.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="contact.").exists()


def test_refused_update_leaves_contact_and_history_unchanged__ACC_05(owner, owner_client):
    contact = actions.contact_create(client=owner_client, actor=owner, data=ABUSE_DESK)

    with pytest.raises(DomainError) as refused:
        actions.contact_update(contact=contact, actor=owner, data={"email": "broken@"})

    assert set(refused.value.fields) == {"email"}
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.email == "abuse@tammetalu.example"
    assert stored.history.count() == 1


def test_archived_contact_is_kept_but_cannot_change__ACC_05(owner, owner_client):
    contact = actions.contact_create(client=owner_client, actor=owner, data=ABUSE_DESK)
    actions.contact_archive(contact=contact, actor=owner)

    with pytest.raises(DomainError) as refused:
        actions.contact_update(contact=contact, actor=owner, data={"name": "Liis Lepp"})

    assert refused.value.code == "contact_archived"
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.name == "Kalle Kask"
    assert stored.archived_at is not None
    assert [row.history_type for row in stored.history.order_by("history_id")] == ["+", "~"]
