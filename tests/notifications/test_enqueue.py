"""Queueing messages one by one and set-based, and the client area's unread count (NTF-01,
NTF-02)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hostledger.core.errors import DomainError, NotFound
from hostledger.notifications.actions import (
    notification_enqueue,
    notification_mark_read,
    notifications_mark_all_read,
)
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.notifications.models import Notification
from hostledger.notifications.selectors import client_inbox, unread_count
from tests.notifications.conftest import NOW, make_client, run_outbox


@pytest.mark.django_db
def test_enqueue_with_the_same_key_twice_stores_one_message__NTF_01():
    client = make_client()
    first = notification_enqueue(
        key="trial_ending:svc_1", client=client, event="trial_ending", on_date=date(2027, 3, 10)
    )
    again = notification_enqueue(
        key="trial_ending:svc_1", client=client, event="trial_ending", on_date=date(2027, 4, 1)
    )

    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    stored = Notification.objects.get()
    assert (stored.event, stored.category, stored.on_date) == (
        "trial_ending",
        "service",
        date(2027, 3, 10),
    )
    assert stored.public_id.startswith("ntf_")


@pytest.mark.django_db
def test_enqueue_refuses_an_unknown_event_and_writes_nothing__NTF_02():
    client = make_client()
    with pytest.raises(DomainError) as refused:
        notification_enqueue(key="x:1", client=client, event="no_such_event")
    assert refused.value.fields == {"event": "unknown event"}
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_enqueue_refuses_another_clients_invoice__NTF_01(make_service):
    client, other = make_client(), make_client()
    invoice = make_service(other).order.proforma
    with pytest.raises(DomainError) as refused:
        notification_enqueue(
            key="reminder:1", client=client, event="payment_reminder", invoice=invoice
        )
    assert refused.value.fields == {"invoice": "of another client"}
    assert not Notification.objects.exists()


def _select_of(clients, prefix: str) -> tuple[str, list]:
    ids = [client.pk for client in clients]
    placeholders = ", ".join(["%s"] * len(ids))
    return (
        "SELECT %s || CAST(c.id AS varchar(20)), c.id, NULL, NULL, 1999, NULL "
        f"FROM accounts_client c WHERE c.id IN ({placeholders})",
        [prefix, *ids],
    )


@pytest.mark.django_db
def test_bulk_enqueue_inserts_new_keys_and_ignores_stored_ones__NTF_02():
    """One statement on SQLite and on PostgreSQL; stored keys are left as they were."""
    clients = [make_client() for _ in range(3)]
    notification_enqueue(
        key=f"payment_reminder:{clients[0].pk}",
        client=clients[0],
        event="payment_reminder",
        amount_minor=500,
    )
    select_sql, params = _select_of(clients, "payment_reminder:")

    inserted = notifications_enqueue_select(
        event="payment_reminder", select_sql=select_sql, params=params, now=NOW
    )
    again = notifications_enqueue_select(
        event="payment_reminder",
        select_sql=select_sql,
        params=params,
        now=NOW + timedelta(hours=1),
    )

    assert (inserted, again) == (2, 0)
    rows = {row.client_id: row for row in Notification.objects.filter(event="payment_reminder")}
    assert set(rows) == {client.pk for client in clients}
    assert rows[clients[0].pk].amount_minor == 500  # the stored row was not touched
    for client in clients[1:]:
        row = rows[client.pk]
        assert (row.amount_minor, row.category, row.created_at, row.context) == (
            1999,
            "billing",
            NOW,
            {},
        )
        assert row.public_id.startswith("ntf_") and len(row.public_id) == 20
        assert row.service_id is None and row.invoice_id is None and row.on_date is None
    assert len({row.public_id for row in rows.values()}) == 3


@pytest.mark.django_db
def test_bulk_enqueue_takes_typed_columns_and_the_rows_are_delivered__NTF_02(make_service):
    """Service, invoice, amount and date columns arrive as given and the outbox sends them."""
    client = make_client()
    service = make_service(client)
    invoice = service.order.proforma

    inserted = notifications_enqueue_select(
        event="renewal_invoice_issued",
        select_sql=(
            "SELECT 'renewal:' || i.public_id, i.client_id, %s, i.id, i.gross_minor, i.due_on "
            "FROM invoicing_invoice i WHERE i.id = %s"
        ),
        params=[service.pk, invoice.pk],
        now=NOW,
    )
    report = run_outbox()

    assert inserted == 1
    row = Notification.objects.get()
    assert (row.service_id, row.invoice_id, row.amount_minor, row.on_date) == (
        service.pk,
        invoice.pk,
        invoice.gross_minor,
        invoice.due_on,
    )
    assert report.sent == 1


@pytest.mark.django_db
def test_unread_count_and_marking_read__NTF_01():
    client, other = make_client(), make_client()
    messages = [
        notification_enqueue(key=f"m:{number}", client=client, event="trial_ended", now=NOW)
        for number in range(3)
    ]
    notification_enqueue(key="other:1", client=other, event="trial_ended", now=NOW)

    assert unread_count(client) == 3
    assert notification_mark_read(client=client, public_id=messages[0].public_id) is True
    assert notification_mark_read(client=client, public_id=messages[0].public_id) is False
    inbox = client_inbox(client)
    assert (inbox.unread, inbox.total, len(inbox.messages)) == (2, 3, 3)
    with pytest.raises(NotFound):
        notification_mark_read(client=other, public_id=messages[1].public_id)
    assert notifications_mark_all_read(client=client) == 2
    assert unread_count(client) == 0
    assert unread_count(other) == 1
