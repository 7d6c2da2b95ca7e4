"""Messages rendered from editable templates per language (NTF-02)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.notifications.actions import (
    message_template_restore_default,
    message_template_save,
    notification_enqueue,
)
from hostledger.notifications.events import EVENTS, default_text
from hostledger.notifications.models import LANGUAGES, Delivery, MessageTemplate
from hostledger.notifications.rendering import render_notification
from hostledger.notifications.selectors import template_detail, template_list, template_preview
from tests.notifications.conftest import make_client, run_outbox

BILLING_EVENTS = (
    "renewal_invoice_issued",
    "payment_reminder",
    "suspension_warning",
    "service_renewed",
    "service_suspended",
    "service_resumed",
    "service_terminated",
    "trial_ending",
    "trial_ended",
    "contract_renewed",
    "contract_ended",
    "verification_overdue",
    "policy_changed",
    "maintenance_planned",
    "marketing_opt_in_confirm",
    "marketing_announcement",
)


def test_every_event_has_a_text_in_every_language__NTF_02():
    assert set(BILLING_EVENTS) <= set(EVENTS)
    assert "termination_proposed" not in EVENTS  # a staff matter, not a client message
    for code in EVENTS:
        for language in LANGUAGES:
            text = default_text(code, language)
            assert text.subject and text.body, (code, language)
    assert EVENTS["marketing_announcement"].category == "marketing"
    assert EVENTS["marketing_opt_in_confirm"].category == "account"


@pytest.mark.django_db
def test_rendering_in_estonian_and_russian__NTF_02(make_service):
    estonian = make_client(language="et")
    russian = make_client(language="ru")
    messages = {}
    for client in (estonian, russian):
        service = make_service(client)
        messages[client.pk] = notification_enqueue(
            key=f"suspended:{service.public_id}",
            client=client,
            event="suspension_warning",
            invoice=service.order.proforma,
            amount_minor=123456,
            on_date=date(2027, 3, 15),
        )
    et = render_notification(messages[estonian.pk], language="et")
    ru = render_notification(messages[russian.pk], language="ru")

    assert et.subject == "Teie teenused peatatakse 15. märts 2027"
    assert "summas 1\xa0234,56\xa0€ on tähtajaks tasumata" in et.body
    assert ru.subject == "Ваши услуги будут приостановлены 15 марта 2027 г."  # noqa: RUF001
    assert "на сумму 1\xa0234,56\xa0€ просрочен" in ru.body
    assert "/invoices/inv_" in ru.body

    run_outbox()
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {estonian.owner.email: et.subject, russian.owner.email: ru.subject}
    assert set(Delivery.objects.values_list("language", flat=True)) == {"et", "ru"}


@pytest.mark.django_db
def test_a_staff_override_is_used_versioned_and_can_be_restored__NTF_02(make_service):
    client = make_client()
    service = make_service(client)
    first = message_template_save(
        event="trial_ended",
        language="en",
        subject="Trial over, {{ client_name }}",
        body="Your trial has ended. {{ client_area_url }}",
        sms_text="Trial over.",
    )
    second = message_template_save(
        event="trial_ended", language="en", subject="Your trial ended", body="Thanks for trying."
    )
    message = notification_enqueue(
        key="trial:1", client=client, event="trial_ended", service=service
    )

    assert (first.version, second.version) == (1, 2)
    assert render_notification(message, language="en").subject == "Your trial ended"
    # Other languages keep the default.
    assert (
        render_notification(message, language="et").subject
        == "Teenuse VPS Start tasuta prooviperiood on lõppenud"
    )
    rows = {(row.event, row.language): row.version for row in template_list()}
    assert rows[("trial_ended", "en")] == 2 and rows[("trial_ended", "et")] is None
    assert [item.version for item in template_detail("trial_ended", "en").versions] == [2, 1]

    message_template_restore_default(event="trial_ended", language="en")
    assert (
        render_notification(message, language="en").subject
        == "Your free trial of VPS Start has ended"
    )
    assert MessageTemplate.objects.count() == 3
    assert AuditEvent.objects.filter(action="notifications.template_saved").count() == 2
    assert AuditEvent.objects.filter(action="notifications.template_restored").count() == 1


@pytest.mark.django_db
def test_a_broken_template_is_refused_naming_the_field__NTF_02():
    with pytest.raises(DomainError) as refused:
        message_template_save(
            event="trial_ended", language="en", subject="Fine", body="{% if client_name %}oops"
        )
    assert set(refused.value.fields) == {"body"}
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_preview_renders_example_values_without_saving__NTF_02():
    preview = template_preview(
        event="payment_reminder",
        language="et",
        subject="Arve {{ invoice_number }}",
        body="Summa {{ amount }}, tähtaeg {{ on_date }}.",
    )
    assert preview.subject == "Arve 2027-000123"
    assert preview.body == "Summa 12,34\xa0€, tähtaeg 15. märts 2027."
    marketing = template_preview(
        event="marketing_announcement", language="en", subject="News", body="Hello."
    )
    assert "Unsubscribe: http" in marketing.body  # the link is added when left out (NTF-01)
    assert not MessageTemplate.objects.exists()
