"""The language pages are written in: Accept-Language before sign-in, the switcher (a cookie
and, once signed in, the person's saved language), and amounts and dates per language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from hostledger.accounts.models import User
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.web.templatetags.hostledger_display import day, moment, month
from hostledger.web.templatetags.hostledger_money import money, quantity
from tests.web.conftest import login, make_client_user, make_staff_user

NBSP = "\xa0"
NARROW_NBSP = "\u202f"


@pytest.fixture
def owner(policies):
    return make_client_user("owner@example.com")


def test_before_sign_in_the_browser_language_is_used(client, policies):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="et,en;q=0.5")

    html = response.content.decode()
    assert response["Content-Language"] == "et"
    assert '<html lang="et">' in html
    assert "Logi sisse" in html
    assert "Sign in" not in html


def test_without_accept_language_pages_are_in_english(client, policies):
    html = client.get(reverse("account_login")).content.decode()

    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_the_switcher_is_on_the_sign_in_page_and_works_without_script(client, policies):
    html = client.get(reverse("account_login")).content.decode()

    assert f'action="{reverse("web:language")}"' in html
    assert '<label for="language-switcher">Language</label>' in html
    assert '<option value="ru" lang="ru">Русский</option>' in html
    assert 'type="submit"' in html


def test_the_switcher_choice_wins_over_the_browser_before_sign_in(client, policies):
    login_url = reverse("account_login")

    response = client.post(reverse("web:language"), {"language": "ru", "next": login_url})

    assert response.status_code == 302
    assert response["Location"] == login_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    html = client.get(login_url, HTTP_ACCEPT_LANGUAGE="et").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


def test_the_switcher_refuses_a_language_not_offered_and_leads_nowhere_else(client, policies):
    refused = client.post(reverse("web:language"), {"language": "de"})
    elsewhere = client.post(
        reverse("web:language"), {"language": "et", "next": "https://evil.example/"}
    )

    assert refused.status_code == 400
    assert "language" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == "/"


def test_the_switcher_saves_the_language_on_a_signed_in_client(client, owner):
    login(client, owner)

    response = client.post(
        reverse("web:language"), {"language": "et", "next": reverse("web:dashboard")}
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.preferred_language == "et"
    event = AuditEvent.objects.get(action="user.language_changed")
    assert event.data == {"from": "en", "to": "et"}
    html = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="et">' in html
    assert "Ülevaade" in html


def test_the_switcher_saves_the_language_of_a_staff_member(client, db):
    member = make_staff_user("support")
    login(client, member)

    client.post(reverse("web:language"), {"language": "ru", "next": reverse("web:staff_home")})

    member.refresh_from_db()
    assert member.preferred_language == "ru"
    html = client.get(reverse("web:staff_home")).content.decode()
    assert "Панель управления" in html


def test_a_signed_in_person_reads_their_saved_language_whatever_the_browser_asks(client, owner):
    User.objects.filter(pk=owner.pk).update(preferred_language="et")
    login(client, owner)

    response = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="ru")

    html = response.content.decode()
    assert response["Content-Language"] == "et"
    assert "Ülevaade" in html
    assert "Logi välja" in html
    assert "Обзор" not in html


def test_amounts_and_dates_of_a_page_follow_its_language(client, owner):
    User.objects.filter(pk=owner.pk).update(preferred_language="et")
    login(client, owner)

    html = client.get(reverse("web:billing")).content.decode()

    assert f"0,00{NBSP}€" in html
    assert "€0.00" not in html
    with translation.override("et"):
        assert day(date.today()) in html


def test_the_format_filters_write_each_language_its_way():
    amount = Money.of("1234.50")
    moment_value = date(2026, 12, 7)
    with translation.override("en"):
        assert day(moment_value) == "7 Dec 2026"
        assert month(moment_value) == "December 2026"
    with translation.override("et"):
        assert day(moment_value) == "7. dets 2026"
        assert month(moment_value) == "detsember 2026"
    with translation.override("ru"):
        assert day(moment_value) == f"7 дек. 2026{NARROW_NBSP}г."  # noqa: RUF001
        assert month(moment_value) == f"декабрь 2026{NARROW_NBSP}г."  # noqa: RUF001
    assert moment(None) == ""
    with translation.override("en"):
        assert money(amount) == "€1,234.50"
        assert quantity(Decimal("1000.50")) == "1000.5"
    with translation.override("et"):
        assert money(amount) == f"1{NBSP}234,50{NBSP}€"
        assert quantity(Decimal("1000.50")) == "1000,5"
    with translation.override("ru"):
        assert money(amount) == f"1{NBSP}234,50{NBSP}€"


def test_the_profile_form_saves_the_owners_language(client, owner):
    login(client, owner)
    client_row = owner.client
    data = {
        "first_name": client_row.first_name,
        "last_name": client_row.last_name,
        "street": client_row.street,
        "city": client_row.city,
        "postal_code": client_row.postal_code,
        "country": client_row.country,
        "phone": client_row.phone,
        "preferred_language": "ru",
    }

    form_html = client.get(reverse("web:profile_edit")).content.decode()
    response = client.post(reverse("web:profile_edit"), data)

    assert 'name="preferred_language"' in form_html
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.preferred_language == "ru"
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 1
