"""The messages clients expect, each sent once per event from its template in the client's
language, through the outbox (NTF-01, CAT-04, CAT-06, AUT-04)."""

# ruff: noqa: RUF001  (Cyrillic letters are meant)
from __future__ import annotations

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import formats, timezone, translation

from hostledger.automation.dunning import trials_end
from hostledger.catalog.actions import price_change_announce
from hostledger.core.money import Money, format_money
from hostledger.ledger.actions import client_payment_reference_ensure, payment_record
from hostledger.ledger.models import ClientPaymentReference
from hostledger.notifications.actions import (
    notification_enqueue,
    order_received_notify,
    payment_received_notify,
    price_change_notify,
    proforma_issued_notify,
    service_activated_notify,
)
from hostledger.notifications.models import Delivery, Notification
from hostledger.subscriptions.actions import (
    order_place,
    service_provisioned,
    service_resume,
    service_suspend,
)
from hostledger.subscriptions.models import Service, ServiceStatus
from tests.notifications.conftest import NOW, make_client, run_outbox
from tests.subscriptions.factories import TODAY, new_payer, services_staff


def money(amount: str, language: str) -> str:
    return format_money(Money.of(amount), language)


def gross(invoice, language: str) -> str:
    return format_money(Money.from_minor(invoice.gross_minor), language)


def in_subject(text: str) -> str:
    """``text`` as a subject line has it: one plain space for any run of white space."""
    return " ".join(text.split())


def day(value: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _sent(event: str) -> list:
    """The email messages of ``event`` the mail box received."""
    subjects = {
        delivery.subject
        for delivery in Delivery.objects.filter(notification__event=event, channel="email")
    }
    return [message for message in mail.outbox if message.subject in subjects]


def _one(event: str) -> tuple[Notification, Delivery]:
    """The one notification of ``event`` and its one email delivery, after the outbox ran."""
    (notification,) = Notification.objects.filter(event=event)
    (delivery,) = notification.deliveries.filter(channel="email")
    assert delivery.state == "sent"
    return notification, delivery


def _order(client, shop, *, trial: bool = False, tariff=None):
    """An order of VPS Start with Debian (or of ``tariff``, which takes no OS image)."""
    return order_place(
        client=client,
        payer=new_payer(client),
        tariff=tariff or shop.vps_start,
        period_months=1,
        os_image=None if tariff else shop.debian,
        trial=trial,
        actor=client.owner,
        today=TODAY,
        host_name="shop.example.ee",  # what a hosting order names (ORD-01)
    )


@pytest.mark.django_db
def test_order_received_and_proforma_with_how_to_pay_in_estonian__NTF_01(shop):
    client = make_client(language="et")
    reference = client_payment_reference_ensure(client=client)
    order = _order(client, shop)
    proforma = order.proforma

    run_outbox()

    notification, delivery = _one("order_received")
    assert notification.client == client
    assert delivery.language == "et"
    assert delivery.recipient == client.owner.email
    assert delivery.subject == f"Tellimus {order.number} on vastu võetud: VPS Start"
    assert f"esimese perioodi eest {gross(proforma, 'et')}." in delivery.body
    assert f"Ettemaksuarve {proforma} ootab tasumist" in delivery.body
    _, proforma_mail = _one("proforma_issued")
    assert proforma_mail.subject == in_subject(
        f"Ettemaksuarve {proforma}: {gross(proforma, 'et')}, tähtaeg {day(proforma.due_on, 'et')}"
    )
    assert "Saaja: SmartApe OÜ\n" in proforma_mail.body
    assert "IBAN: EE382200221020145685, BIC DEMOEE22 (Demo Bank AS)\n" in proforma_mail.body
    assert f"Summa: {gross(proforma, 'et')}\n" in proforma_mail.body
    assert (
        f"Viitenumber: {reference.reference_number} "
        f"(välismaalt: {reference.creditor_reference})" in proforma_mail.body
    )
    assert len(mail.outbox) == 2

    order_received_notify(order=order)
    proforma_issued_notify(proforma=proforma)
    run_outbox(NOW + timedelta(minutes=5))

    assert Notification.objects.filter(event="order_received").count() == 1
    assert Notification.objects.filter(event="proforma_issued").count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_order_the_balance_pays_is_received_without_a_proforma_to_pay__NTF_01(shop):
    client = make_client()
    payment_record(
        client=client,
        amount=Money.of("20.00"),
        value_date=TODAY - timedelta(days=1),
        reference="BANK-1",
        actor=None,
    )

    order = _order(client, shop)

    assert order.proforma.status == "paid"
    assert Notification.objects.filter(event="order_received", invoice=order.proforma).count() == 1
    assert not Notification.objects.filter(event="proforma_issued").exists()
    run_outbox()
    _, delivery = _one("order_received")
    assert (
        f"of VPS Start: {gross(order.proforma, 'en')} for its first period. It was paid from "
        "your balance and the service is being set up now." in delivery.body
    )


@pytest.mark.django_db
def test_payment_receipt_in_russian_with_amount_date_reference_and_balance__NTF_01():
    client = make_client(language="ru")

    payment = payment_record(
        client=client,
        amount=Money.of("25.50"),
        value_date=date(2027, 2, 26),
        reference="BANK-2027-0042",
        actor=None,
    )
    again = payment_record(
        client=client,
        amount=Money.of("25.50"),
        value_date=date(2027, 2, 26),
        reference="BANK-2027-0042",
        actor=None,
    )
    run_outbox()
    run_outbox(NOW + timedelta(minutes=5))

    assert again.pk == payment.pk
    notification, delivery = _one("payment_received")
    assert notification.key == f"payment_received:{payment.public_id}"
    assert delivery.subject == in_subject(f"Платёж получен: {money('25.50', 'ru')}")
    assert f"Сумма: {money('25.50', 'ru')}\n" in delivery.body
    assert f"Дата: {day(date(2027, 2, 26), 'ru')}\n" in delivery.body
    assert "Ссылка: BANK-2027-0042\n" in delivery.body
    assert f"Ваш баланс теперь: {money('25.50', 'ru')}\n" in delivery.body
    assert len(_sent("payment_received")) == 1


@pytest.mark.django_db
def test_the_receipt_shows_the_balance_after_each_payment__NTF_01():
    client = make_client()
    first = payment_record(
        client=client, amount=Money.of("10.00"), value_date=TODAY, reference="A", actor=None
    )
    second = payment_record(
        client=client, amount=Money.of("5.25"), value_date=TODAY, reference="B", actor=None
    )

    balances = dict(
        Notification.objects.filter(event="payment_received").values_list("key", "context")
    )

    assert balances[f"payment_received:{first.public_id}"]["balance_minor"] == 1000
    assert balances[f"payment_received:{second.public_id}"]["balance_minor"] == 1525
    payment_received_notify(payment=first, balance_minor=0)
    assert Notification.objects.filter(event="payment_received").count() == 2


@pytest.mark.django_db
def test_welcome_links_the_service_page_and_never_carries_access_secrets__NTF_01(shop):
    client = make_client()
    service = _order(client, shop).services.get()
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.PROVISIONING)

    service_provisioned(
        service=service,
        module_service_id="vm-4711",
        module_data={"root_password": "Sup3r-Secret-Root", "ip": "192.0.2.10"},
    )
    service_activated_notify(service=service)
    run_outbox()

    notification, delivery = _one("service_activated")
    assert notification.service == service
    assert delivery.subject == "Welcome: VPS Start is active"
    assert f"http://127.0.0.1:8000/services/{service.public_id}/" in delivery.body
    assert "we never send passwords by e-mail" in delivery.body
    assert "Sup3r-Secret-Root" not in delivery.body
    assert "Sup3r-Secret-Root" not in str(notification.context)
    assert len(_sent("service_activated")) == 1


@pytest.mark.django_db
def test_staff_suspension_and_resumption_are_told_once_each__NTF_01(shop):
    client = make_client(language="et")
    service = _order(client, shop).services.get()
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.ACTIVE)
    staff = services_staff()

    service_suspend(service=service, actor=staff, reason="Abuse case 12: spam.")
    run_outbox()
    service_resume(service=service, actor=staff, reason="Remedied.")
    run_outbox(NOW + timedelta(minutes=5))

    _, suspended = _one("service_suspended_by_staff")
    assert suspended.subject == "VPS Start on peatatud"
    assert f"peatati {day(TODAY, 'et')}." in suspended.body
    _, resumed = _one("service_resumed_by_staff")
    assert resumed.subject == "VPS Start töötab taas"
    assert len(_sent("service_suspended_by_staff")) == 1
    assert len(_sent("service_resumed_by_staff")) == 1
    assert not Notification.objects.filter(event="service_suspended").exists()


@pytest.mark.django_db
def test_trial_started_then_ending_with_its_last_day__CAT_04(shop):
    client = make_client(phone="+372 5555 0101", phone_confirmed_at=timezone.now())
    EmailAddress.objects.create(
        user=client.owner, email=client.owner.email, verified=True, primary=True
    )
    order = _order(client, shop, trial=True)
    service = order.services.get()
    assert service.status == ServiceStatus.TRIAL

    run_outbox()
    notification, started = _one("trial_started")
    assert notification.on_date == service.trial_ends_on == date(2027, 3, 10)
    assert started.subject == "Your free trial of VPS Start has started"
    assert "lasts until March 10, 2027" in started.body
    assert not Notification.objects.filter(event="order_received").exists()

    for _ in range(2):
        trials_end(
            low=client.pk - 1,
            high=client.pk,
            today=date(2027, 3, 8),
            now=NOW + timedelta(days=7),
            notice_days=3,
        )
    run_outbox(NOW + timedelta(days=7))

    _, ending = _one("trial_ending")
    assert ending.subject == "Your free trial of VPS Start ends on March 10, 2027"
    assert len(_sent("trial_ending")) == 1


@pytest.mark.django_db
def test_price_change_is_told_to_each_affected_client_once__CAT_06(shop):
    affected_en = make_client()
    affected_ru = make_client(language="ru")
    for client in (affected_en, affected_ru, affected_ru):
        Service.objects.filter(pk=_order(client, shop).services.get().pk).update(
            status=ServiceStatus.ACTIVE
        )
    ended = make_client()
    Service.objects.filter(pk=_order(ended, shop).services.get().pk).update(
        status=ServiceStatus.TERMINATED
    )
    other_tariff = make_client()
    _order(other_tariff, shop, tariff=shop.hosting_start)
    Notification.objects.all().delete()

    version = price_change_announce(
        tariff=shop.vps_start, new_fee="12.40", effective_from=date(2027, 5, 1)
    )
    again = price_change_notify(price_version=version, effective_from=date(2027, 5, 1))
    run_outbox()

    assert again == 0
    told = Notification.objects.filter(event="price_change_announced")
    assert sorted(told.values_list("client_id", flat=True)) == sorted(
        [affected_en.pk, affected_ru.pk]
    )
    english = Delivery.objects.get(notification__client=affected_en)
    assert english.subject == "Price change of VPS Start from May 1, 2027"
    assert "changes from €9.90 to €12.40 (without VAT)" in english.body
    assert "on or after May 1, 2027" in english.body
    assert "you may terminate the service before it takes effect" in english.body
    russian = Delivery.objects.get(notification__client=affected_ru)
    assert russian.subject == in_subject(
        f"Изменение цены VPS Start с {day(date(2027, 5, 1), 'ru')}"
    )
    assert f"{money('12.40', 'ru')} вместо {money('9.90', 'ru')} (без НДС)" in russian.body
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_payment_reminder_prints_how_to_pay_by_bank_transfer__AUT_04(shop):
    client = make_client()
    invoice = _order(client, shop).proforma
    reference = client_payment_reference_ensure(client=client)
    Notification.objects.all().delete()

    notification_enqueue(
        key=f"payment_reminder:{invoice.public_id}",
        client=client,
        event="payment_reminder",
        invoice=invoice,
        on_date=invoice.due_on,
    )
    run_outbox()

    _, reminder = _one("payment_reminder")
    assert reminder.subject == f"Reminder: invoice {invoice} is due on {day(invoice.due_on, 'en')}"
    assert (
        "To pay by bank transfer:\n"
        "Beneficiary: SmartApe OÜ\n"
        "IBAN: EE382200221020145685, BIC DEMOEE22 (Demo Bank AS)\n"
        f"Amount: {gross(invoice, 'en')}\n"
        f"Reference number: {reference.reference_number} "
        f"(from abroad: {reference.creditor_reference})"
    ) in reminder.body


@pytest.mark.django_db
def test_without_a_reference_yet_the_reminder_asks_for_the_invoice_number__AUT_04(shop):
    client = make_client()
    invoice = _order(client, shop).proforma
    assert not ClientPaymentReference.objects.filter(client=client).exists()

    notification_enqueue(key="reminder:1", client=client, event="payment_reminder", invoice=invoice)
    run_outbox()

    _, reminder = _one("payment_reminder")
    assert f"Description: {invoice}" in reminder.body
    assert "Reference number" not in reminder.body
