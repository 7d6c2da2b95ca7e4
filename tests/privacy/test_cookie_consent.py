"""Cookie consent by category (GDPR-13, GDPR-06): before a choice only necessary cookies are
set; the banner's choice works as a plain form POST and through htmx; a signed-in person's
choice is stored with the policy version, time, categories and source; a withdrawal takes
effect on the next page; optional scripts are included only after consent."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.privacy.cookies import (
    CATEGORY_CODES,
    CONSENT_COOKIE_NAME,
    COOKIE_POLICY_VERSION,
    NECESSARY,
    OPTIONAL,
    choice_from_cookie,
    cookie_register,
    necessary_cookie_names,
)
from hostledger.privacy.models import CookieConsent
from hostledger.web.context_processors import cookie_consent
from tests.web.conftest import login, make_client_user

PAGES = ("/accounts/login/", "/accounts/signup/", "/policies/terms/", "/cookies/")


def test_the_categories_are_those_of_the_rule__GDPR_13():
    assert CATEGORY_CODES == ("authorisation", "settings", "security", "analytics", "marketing")
    assert NECESSARY == ("authorisation", "settings", "security")
    assert OPTIONAL == ("analytics", "marketing")


def test_every_cookie_hostledger_sets_is_registered_and_necessary__GDPR_13(settings):
    register = {cookie.name: cookie.category for cookie in cookie_register()}
    assert register == {
        settings.SESSION_COOKIE_NAME: "authorisation",
        settings.CSRF_COOKIE_NAME: "security",
        "mfa_trusted": "security",
        "messages": "settings",
        settings.LANGUAGE_COOKIE_NAME: "settings",
        CONSENT_COOKIE_NAME: "settings",
    }
    assert necessary_cookie_names() == set(register)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_before_a_choice_only_necessary_cookies_are_set_and_the_banner_asks__GDPR_13(
    client, policies, path
):
    response = client.get(path)

    assert response.status_code == 200
    assert set(response.cookies) <= necessary_cookie_names()
    html = response.content.decode()
    assert 'id="cookie-banner"' in html
    assert 'value="accept_all"' in html and 'value="reject_optional"' in html
    assert response.context["analytics_allowed"] is False


@pytest.mark.django_db
def test_rejecting_without_javascript_keeps_only_the_choice_in_a_necessary_cookie__GDPR_13(
    client, policies
):
    response = client.post(
        reverse("web:cookie_consent"),
        {"decision": "reject_optional", "categories": ["analytics"], "next": "/policies/terms/"},
    )

    assert response.status_code == 302 and response["Location"] == "/policies/terms/"
    assert set(response.cookies) == {CONSENT_COOKIE_NAME}
    cookie = response.cookies[CONSENT_COOKIE_NAME]
    assert cookie.value == f"v{COOKIE_POLICY_VERSION}:none"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert not CookieConsent.objects.exists()  # anonymous: nothing stored about the visitor
    page = client.get("/policies/terms/")
    assert 'id="cookie-banner"' not in page.content.decode()
    assert page.context["analytics_allowed"] is False


@pytest.mark.django_db
def test_the_banner_through_htmx_answers_an_empty_banner__GDPR_13(client, policies):
    response = client.post(
        reverse("web:cookie_consent"),
        {"decision": "accept_all"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response.content == b""
    assert response.cookies[CONSENT_COOKIE_NAME].value == "v1:analytics.marketing"


@pytest.mark.django_db
def test_a_signed_in_choice_is_stored_with_version_time_categories_and_source__GDPR_13(
    client, owner_a
):
    login(client, owner_a)

    client.post(
        reverse("web:cookie_consent"),
        {"decision": "choose", "categories": ["analytics"], "source": "settings"},
    )

    consent = CookieConsent.objects.get(user=owner_a)
    assert consent.categories == ["analytics"]
    assert (consent.policy_version, consent.source) == (COOKIE_POLICY_VERSION, "settings")
    assert consent.decided_at is not None
    assert AuditEvent.objects.filter(action="privacy.cookie_consent_recorded").count() == 1
    page = client.get(reverse("web:dashboard"))
    assert page.context["analytics_allowed"] is True
    assert page.context["marketing_allowed"] is False
    assert reverse("web:cookie_policy") in page.content.decode()  # the footer link


@pytest.mark.django_db
def test_withdrawing_analytics_takes_effect_on_the_next_page__GDPR_06_GDPR_13(client, owner_a):
    login(client, owner_a)
    client.post(reverse("web:cookie_consent"), {"decision": "accept_all"})
    assert client.get(reverse("web:dashboard")).context["analytics_allowed"] is True

    client.post(
        reverse("web:cookie_consent"), {"decision": "choose", "source": "settings"}
    )  # nothing ticked

    assert client.get(reverse("web:dashboard")).context["analytics_allowed"] is False
    assert list(
        CookieConsent.objects.filter(user=owner_a)
        .order_by("decided_at", "id")
        .values_list("categories", "source")
    ) == [(["analytics", "marketing"], "banner"), ([], "settings")]


@pytest.mark.django_db
def test_an_unknown_category_is_refused_and_nothing_is_stored__GDPR_13(client, owner_a):
    login(client, owner_a)
    response = client.post(
        reverse("web:cookie_consent"), {"decision": "choose", "categories": ["tracking"]}
    )
    assert response.status_code == 400
    assert b"categories: unknown cookie category tracking" in response.content
    assert CONSENT_COOKIE_NAME not in response.cookies
    assert not CookieConsent.objects.exists()


@pytest.mark.django_db
def test_a_next_address_on_another_site_is_ignored__GDPR_13(client, policies):
    response = client.post(
        reverse("web:cookie_consent"),
        {"decision": "reject_optional", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_a_malformed_or_outdated_cookie_asks_again__GDPR_13():
    factory = RequestFactory()
    for value in ("", "garbage", "v1:analytics.tracking", "v0:analytics"):
        request = factory.get("/policies/terms/")
        request.COOKIES[CONSENT_COOKIE_NAME] = value
        flags = cookie_consent(request)
        assert flags["cookie_banner"] is True, value
        assert flags["analytics_allowed"] is False, value
    assert choice_from_cookie("v1:marketing").categories == ("marketing",)


def test_the_staff_area_shows_no_banner__GDPR_13():
    request = RequestFactory().get(reverse("web:staff_home"))
    assert cookie_consent(request)["cookie_banner"] is False


def test_optional_scripts_are_included_only_after_consent__GDPR_13():
    template = Template(
        "{% if analytics_allowed %}<script src='/analytics.js'></script>{% endif %}"
    )
    request = RequestFactory().get("/")
    assert "analytics.js" not in template.render(Context(cookie_consent(request)))
    request.COOKIES[CONSENT_COOKIE_NAME] = "v1:analytics"
    assert "analytics.js" in template.render(Context(cookie_consent(request)))


@pytest.mark.django_db
def test_a_choice_made_before_signing_in_is_stored_at_sign_in__GDPR_13(client, policies):
    user = make_client_user("kadri@example.com", password="Purple-lighthouse-2931")
    client.post(reverse("web:cookie_consent"), {"decision": "choose", "categories": "analytics"})

    client.post(
        reverse("account_login"),
        {"login": "kadri@example.com", "password": "Purple-lighthouse-2931"},
    )

    consent = CookieConsent.objects.get(user=user)
    assert (consent.categories, consent.source) == (["analytics"], "sign_in")


@pytest.mark.django_db
def test_a_stored_choice_comes_back_to_a_new_browser_at_sign_in__GDPR_13(client, policies):
    user = make_client_user("kadri@example.com", password="Purple-lighthouse-2931")
    CookieConsent.objects.create(
        user=user,
        categories=["marketing"],
        policy_version=COOKIE_POLICY_VERSION,
        source="banner",
        decided_at="2026-01-01T00:00:00Z",
    )

    response = client.post(
        reverse("account_login"),
        {"login": "kadri@example.com", "password": "Purple-lighthouse-2931"},
    )

    assert response.cookies[CONSENT_COOKIE_NAME].value == "v1:marketing"
    assert CookieConsent.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_the_cookie_policy_lists_every_cookie_by_category__GDPR_13(client, policies):
    html = client.get(reverse("web:cookie_policy")).content.decode()
    for cookie in cookie_register():
        assert f'<th scope="row" class="mono">{cookie.name}</th>' in html
    for heading in ("Authorisation (necessary)", "Analytics (optional)", "Marketing (optional)"):
        assert heading in html
