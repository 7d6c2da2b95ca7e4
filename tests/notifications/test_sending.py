"""Sending from the outbox: retries with backoff, every attempt recorded, one channel's
failure blocking nothing, no message sent twice (NTF-02)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections

from hostledger.notifications.actions import (
    deliveries_fan_out,
    deliveries_send_due,
    delivery_resend,
    notification_enqueue,
)
from hostledger.notifications.actions.outbox import message_id_of
from hostledger.notifications.models import Delivery, DeliveryAttempt, Notification
from hostledger.notifications.sms import console
from hostledger.notifications.sms.interface import SmsError
from tests.notifications.conftest import NOW, make_client, run_outbox


class BrokenSms:
    name = "broken"

    def __init__(self, *, retryable: bool):
        self.retryable = retryable
        self.calls = 0

    def send(self, message):
        self.calls += 1
        raise SmsError("The SMS gateway is down.", retryable=self.retryable)


@pytest.mark.django_db
def test_a_channel_failing_three_times_then_succeeding_delivers_once__NTF_02(flaky_mail):
    client = make_client()
    notification_enqueue(key="reminder:1", client=client, event="trial_ended")
    flaky_mail.failures_left = 3

    moments = [NOW, NOW + timedelta(seconds=60), NOW + timedelta(seconds=300)]
    moments.append(moments[-1] + timedelta(seconds=960))
    reports = [run_outbox(moment) for moment in moments]

    delivery = Delivery.objects.get()
    assert [report.sent for report in reports] == [0, 0, 0, 1]
    assert (delivery.state, delivery.attempts) == ("sent", 4)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [client.owner.email]
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id_of(delivery)
    attempts = list(
        DeliveryAttempt.objects.filter(delivery=delivery).values_list(
            "number", "succeeded", "error"
        )
    )
    refused = "ConnectionRefusedError: Connection refused by the mail server"
    assert attempts == [
        (1, False, refused),
        (2, False, refused),
        (3, False, refused),
        (4, True, ""),
    ]


@pytest.mark.django_db
def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt__NTF_02(flaky_mail):
    client = make_client()
    notification_enqueue(key="reminder:2", client=client, event="trial_ended")
    flaky_mail.failures_left = 100

    run_outbox(NOW)
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)
    assert deliveries_send_due(now=NOW + timedelta(seconds=59)).sent == 0  # not due yet
    assert Delivery.objects.get().attempts == 1
    moment = NOW
    waits = []
    for _ in range(5):
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - moment)
        moment = delivery.next_attempt_at
        deliveries_send_due(now=moment)

    delivery.refresh_from_db()
    assert waits == [timedelta(seconds=seconds) for seconds in (60, 240, 960, 3840, 15360)]
    assert (delivery.state, delivery.attempts) == ("failed", 6)
    assert "Connection refused" in delivery.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_sms_gateway_blocks_neither_email_nor_other_messages__NTF_02():
    from hostledger.notifications.actions import channel_preference_set

    client = make_client(phone="+372 5555 0101")
    channel_preference_set(client=client, channel="sms", category="billing", enabled=True)
    notification_enqueue(key="reminder:3", client=client, event="payment_reminder")
    notification_enqueue(key="resumed:3", client=client, event="service_resumed")
    deliveries_fan_out(now=NOW)
    broken = BrokenSms(retryable=False)

    report = deliveries_send_due(now=NOW, sms=broken)

    states = dict(Delivery.objects.values_list("channel", "state").filter(channel="sms"))
    assert states == {"sms": "failed"}  # a final error fails at once
    assert broken.calls == 1
    assert (report.sent, report.failed) == (2, 1)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_sms_goes_out_in_e164_with_the_client_language__NTF_01_NTF_02():
    from hostledger.notifications.actions import channel_preference_set

    client = make_client(phone="5555 0101", language="et")
    channel_preference_set(client=client, channel="sms", category="account", enabled=True)
    notification_enqueue(key="verify:4", client=client, event="verification_overdue")

    report = run_outbox()

    assert report.sent == 2
    (message,) = console.sent_messages
    assert message.to == "+37255550101"
    assert message.text == "Palun vastake kliendikeskkonnas meie andmete kontrollimise päringule."
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.recipient, delivery.language) == ("+37255550101", "et")
    assert delivery.provider_message_id.startswith("console-")


@pytest.mark.django_db
def test_a_send_interrupted_by_a_dead_worker_is_never_resent_blindly__NTF_02():
    client = make_client()
    notification_enqueue(key="trial:5", client=client, event="trial_ended")
    deliveries_fan_out(now=NOW)
    # A worker claimed it and died before writing the outcome.
    Delivery.objects.update(state="sending", claimed_at=NOW, attempts=1)

    early = deliveries_send_due(now=NOW + timedelta(minutes=14))
    late = deliveries_send_due(now=NOW + timedelta(minutes=16))

    delivery = Delivery.objects.get()
    assert (early.interrupted, late.interrupted) == (0, 1)
    assert delivery.state == "uncertain" and mail.outbox == []
    resent = delivery_resend(delivery=delivery, actor=None, now=NOW + timedelta(minutes=20))
    deliveries_send_due(now=NOW + timedelta(minutes=20))
    resent.refresh_from_db()
    assert (resent.state, resent.attempts) == ("sent", 2)
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id_of(resent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_send_the_same_delivery__NTF_02():
    """Two threads with their own connections send the same due deliveries on PostgreSQL:
    each delivery is sent once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers (SQLite serialises them)")
    clients = [make_client() for _ in range(30)]
    for number, client in enumerate(clients):
        notification_enqueue(key=f"trial:{number}", client=client, event="trial_ended")
    deliveries_fan_out(now=NOW)
    start = threading.Barrier(2)
    reports = [None, None]
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            start.wait(timeout=30)
            reports[index] = deliveries_send_due(now=NOW)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert sum(report.sent for report in reports) == 30
    assert len(mail.outbox) == 30
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 30
    assert set(Delivery.objects.values_list("state", "attempts")) == {("sent", 1)}
    assert DeliveryAttempt.objects.count() == 30
    assert Notification.objects.count() == 30
