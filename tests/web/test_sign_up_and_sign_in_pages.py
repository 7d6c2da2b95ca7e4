"""Sign-up, sign-in and two-factor pages look like the product and follow ACC-01…03, and no
page of either area carries an inline script or style (the CSP allows neither)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from hostledger.accounts.models import Client, User
from hostledger.privacy.models import PolicyAcceptance
from tests.web.conftest import login, make_staff_user

SIGN_UP = {
    "email": "kati@example.com",
    "password1": "Purple-lighthouse-2931",
    "password2": "Purple-lighthouse-2931",
    "kind": "natural",
    "first_name": "Kati",
    "last_name": "Kask",
    "street": "Narva mnt 5",
    "postal_code": "10117",
    "city": "Tallinn",
    "country": "EE",
    "phone": "+372 5123 4567",
    "age_declaration": "on",
    "accept_policies": "on",
}


def test_sign_up_page_groups_the_registration_fields__ACC_01(client, policies):
    html = client.get(reverse("account_signup")).content.decode()
    for legend in (
        "Your sign-in",
        "Who is the customer?",
        "Your name",
        "Company",
        "Address",
        "Declarations",
    ):
        assert f"<legend>{legend}</legend>" in html
    assert 'class="form kind-form"' in html
    assert '<fieldset class="form-group" data-kind="natural">' in html
    assert '<fieldset class="form-group" data-kind="legal">' in html
    assert "terms of service (version 1.0)" in html and "privacy policy (version 1.0)" in html
    assert "I am 16 years old or older" in html
    assert 'class="entrance-card entrance-card--wide"' in html


def test_sign_up_without_age_declaration_stores_nothing__ACC_03(client, policies):
    response = client.post(reverse("account_signup"), {**SIGN_UP, "age_declaration": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_age_declaration_error"' in html
    assert "Declare that you are at least 16." in html
    assert not User.objects.exists()


def test_sign_up_of_a_legal_person_names_missing_company_fields__ACC_01(client, policies):
    response = client.post(
        reverse("account_signup"),
        {**SIGN_UP, "kind": "legal", "first_name": "", "last_name": "", "phone": ""},
    )
    html = response.content.decode()
    assert 'id="id_company_name_error"' in html and 'id="id_registry_code_error"' in html
    assert 'id="id_phone_error"' not in html  # optional for companies
    assert not User.objects.exists()


def test_sign_up_creates_the_client_and_records_the_acceptances__ACC_01_ACC_02(client, policies):
    response = client.post(reverse("account_signup"), SIGN_UP, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    user = User.objects.get(email="kati@example.com")
    assert Client.objects.get(owner=user).display_name == "Kati Kask"
    acceptances = PolicyAcceptance.objects.filter(user=user)
    assert {a.document.kind for a in acceptances} == {"terms", "privacy"}
    assert {a.ip_address for a in acceptances} == {"203.0.113.5"}
    assert len(mail.outbox) == 1 and "confirm-email" in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Verify Your Email Address" in page and "entrance-card" in page


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_the_product_layout(client, policies, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert 'class="entrance-card' in html
    assert "hostledger/app.css" in html
    assert re.search(r'<label class="label" for="id_(email|login)">Email', html)


@pytest.mark.parametrize(
    "url_name",
    ["mfa_index", "mfa_activate_totp", "account_change_password", "account_email"],
)
def test_account_settings_pages_use_the_app_shell(client, owner_a, url_name):
    login(client, owner_a)
    response = client.get(reverse(url_name), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="entrance-card' in html or 'class="topbar"' in html
    if url_name != "mfa_activate_totp":  # activation first asks for the password again
        assert 'class="topbar"' in html and 'class="sidebar"' in html


def test_two_factor_sign_in_page_is_styled__ACC_09(client, owner_a):
    from allauth.account.models import EmailAddress  # noqa: F401 - owner_a has a verified one

    owner_a.set_password("Purple-lighthouse-2931")
    owner_a.save()
    TOTP.activate(owner_a, generate_totp_secret())
    response = client.post(
        reverse("account_login"),
        {"login": owner_a.email, "password": "Purple-lighthouse-2931"},
        follow=True,
    )
    html = response.content.decode()
    assert "Two-Factor Authentication" in html
    assert 'class="entrance-card' in html
    assert 'name="code"' in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


def _pages_of(http, names_and_args):
    for name, args in names_and_args:
        response = http.get(reverse(name, args=args), follow=True)
        yield name, response


def test_no_inline_scripts_or_styles_and_a_strict_csp(client, owner_a, payer_a, contact_a):
    login(client, owner_a)
    client_pages = [
        ("web:dashboard", []),
        ("web:profile", []),
        ("web:profile_edit", []),
        ("web:payer_list", []),
        ("web:payer_create", []),
        ("web:payer_edit", [payer_a.public_id]),
        ("web:contact_list", []),
        ("web:contact_create", []),
        ("web:contact_detail", [contact_a.public_id]),
        ("web:access_grant_list", []),
        ("web:sign_in_history", []),
        ("web:api_token_list", []),
        ("mfa_index", []),
        ("account_email", []),
        ("account_change_password", []),
    ]
    checked = list(_pages_of(client, client_pages))
    login(client, make_staff_user("administrator"))
    staff_pages = [
        ("web:staff_home", []),
        ("web:staff_client_search", []),
        ("web:staff_client_detail", [owner_a.client.public_id]),
        ("web:staff_user_list", []),
        ("web:staff_user_create", []),
        ("web:role_list", []),
        ("web:setting_list", []),
        ("web:setting_detail", ["accounts.minimum_age"]),
        ("web:job_list", []),
    ]
    checked += list(_pages_of(client, staff_pages))
    client.logout()
    checked += list(_pages_of(client, [("account_login", []), ("account_signup", [])]))
    for name, response in checked:
        html = response.content.decode()
        assert response.status_code == 200, name
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_STYLE.search(html), name
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, name
