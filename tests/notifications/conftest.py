"""Fixtures of the notifications tests: clients with services and invoices, a mail backend
that fails on demand, and helpers that run the outbox."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from django.core.mail.backends.locmem import EmailBackend

from hostledger.accounts.models import Client, User
from hostledger.notifications.actions import deliveries_fan_out, deliveries_send_due
from hostledger.notifications.models import Notification
from hostledger.notifications.sms import console
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Service
from tests.subscriptions.factories import TODAY, build_catalog, new_payer

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
_numbers = itertools.count(1)


class FlakyEmailBackend(EmailBackend):
    """The test mail box that refuses the next ``failures_left`` messages."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise ConnectionRefusedError("Connection refused by the mail server")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.conftest.FlakyEmailBackend"}}
    FlakyEmailBackend.failures_left = 0
    yield FlakyEmailBackend
    FlakyEmailBackend.failures_left = 0


@pytest.fixture(autouse=True)
def _empty_sms_log():
    console.sent_messages.clear()
    yield
    console.sent_messages.clear()


def make_client(*, language: str = "en", phone: str = "", **fields) -> Client:
    """A natural-person client in Estonia whose owner reads messages in ``language``."""
    number = next(_numbers)
    owner = User.objects.create_user(f"client{number}@example.com", None)
    owner.preferred_language = language
    owner.save(update_fields=["preferred_language"])
    values = {
        "owner": owner,
        "kind": "natural",
        "first_name": "Mari",
        "last_name": f"Tamm {number}",
        "street": "Pikk 1",
        "city": "Tallinn",
        "country": "EE",
        "phone": phone,
    }
    values.update(fields)
    return Client.objects.create(**values)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def make_service(shop):
    """A service of ``client`` on ``tariff`` (VPS Start by default) in ``status``, placed
    through the real order action; its unpaid proforma is ``service.order.proforma``. The
    messages the order itself queued (order received, proforma issued) are dropped, so each
    test sees only the messages it makes."""

    def _make(client: Client, *, tariff=None, status: str = "active") -> Service:
        payer = client.payers.filter(is_default=True).first() or new_payer(client)
        tariff = tariff or shop.vps_start
        order = order_place(
            client=client,
            payer=payer,
            tariff=tariff,
            period_months=1,
            os_image=shop.debian if tariff.family.code in ("vps", "cloud") else None,
            start_at_once=True,  # the consumer asks for an early start (ORD-07)
            actor=client.owner,
            today=TODAY,
            host_name="shop.example.ee",  # what a hosting order names (ORD-01)
        )
        service = order.services.get()
        Notification.objects.filter(key__endswith=f":{order.public_id}").delete()
        Notification.objects.filter(invoice=order.proforma, event="proforma_issued").delete()
        Service.objects.filter(pk=service.pk).update(status=status)
        service.refresh_from_db()
        return service

    return _make


def run_outbox(now: datetime = NOW, **kwargs):
    """One run of the outbox job's two steps at ``now``."""
    deliveries_fan_out(now=now)
    return deliveries_send_due(now=now, **kwargs)
