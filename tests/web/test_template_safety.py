"""Staff message templates may use only safe template tags and filters, and render in time
proportional to their text (NTF-02): ``{% include %}`` or ``{% extends %}`` used to answer
500, nested loops rendered for seconds. A refused text names its field and saves nothing."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from hostledger.core.errors import DomainError
from hostledger.notifications.models import MessageTemplate
from hostledger.notifications.rendering import render_text, sample_context
from tests.web.conftest import login, make_staff_user

TEMPLATE_ARGS = ["payment_reminder", "et"]


@pytest.fixture
def admin(client, db):
    return login(client, make_staff_user("administrator"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "text", "tag"),
    [
        ("body", '{% include "500.html" %}', "include"),
        ("body", '{% extends "web/base.html" %}', "extends"),
        ("subject", "{% load static %}Arve", "load"),
        ("body", "{% for a in body %}{% for b in body %}x{% endfor %}{% endfor %}", "for"),
        ("body", "{% debug %}", "debug"),
        ("sms_text", "{% url 'web:dashboard' %}", "url"),
        ("body", "{% now 'Y' %}", "now"),
    ],
)
def test_tags_outside_the_safe_list_are_refused_naming_the_field__NTF_02(admin, field, text, tag):
    url = reverse("web:staff_notification_template", args=TEMPLATE_ARGS)
    data = {"subject": "Arve", "body": "Tere!", "sms_text": "", field: text}

    response = admin.post(url, data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [f"the tag {{% {tag} %}} is not allowed"]
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_unsafe_filters_are_refused__NTF_02(admin):
    url = reverse("web:staff_notification_template", args=TEMPLATE_ARGS)
    response = admin.post(url, {"subject": "Arve", "body": '{{ client_name|center:"999999999" }}'})
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["the filter |center is not allowed"]
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_the_preview_refuses_an_include_without_a_500__NTF_02(admin):
    url = reverse("web:staff_notification_template_preview", args=TEMPLATE_ARGS)
    response = admin.post(url, {"subject": "Arve", "body": '{% include "500.html" %}'})
    assert response.status_code < 500
    assert "is not allowed" in response.content.decode() or "messages cannot use" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_safe_tags_and_filters_still_render__NTF_02():
    context = sample_context("en", event=None)
    text = (
        "{% if amount %}Pay {{ amount|default:'0' }}{% else %}Nothing{% endif %} "
        "{% with name=client_name %}{{ name|upper }}{% endwith %} {% firstof x client_id %}"
    )
    assert render_text(text, context) == "Pay €12.34 MARI TAMM cli_example000000000"


@pytest.mark.django_db
def test_rendering_time_is_bounded_by_the_text__NTF_02():
    """The longest text staff may save, full of variables and conditions, renders at once."""
    context = {**sample_context("en", event=None), "announcement_body": "x" * 10_000}
    text = "{% if client_name %}{{ announcement_body|upper }}{% endif %}" * 300
    assert len(text) <= 20_000
    started = time.monotonic()
    with pytest.raises(DomainError) as refused:
        render_text(text, context)
    assert time.monotonic() - started < 2
    assert refused.value.fields == {"body": "renders too long a text"}
    with pytest.raises(DomainError) as too_long:
        render_text("x" * 20_001, context)
    assert too_long.value.fields == {"body": "at most 20,000 characters"}
