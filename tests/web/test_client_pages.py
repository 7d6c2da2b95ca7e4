"""Pages of the client area: what they show, and that every change goes through its action."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from hostledger.accounts import actions
from hostledger.accounts.models import AccessGrant, ApiToken, Contact, LoginAttempt, Payer
from hostledger.web.decorators import SESSION_CLIENT_KEY
from tests.web.conftest import login, make_client_user, make_staff_user

PAYER = {
    "kind": "legal",
    "name": "Tamm Digital OÜ",
    "registry_code": "14412345",
    "vat_number": "EE102329731",
    "street": "Tartu mnt 2",
    "city": "Tallinn",
    "postal_code": "10115",
    "country": "EE",
    "invoice_email": "arved@tamm.example",
}


@pytest.fixture
def owner(client, owner_a):
    return login(client, owner_a)


# ----------------------------------------------------------------------------- dashboard


def test_dashboard_summarises_the_account(owner, owner_a, client_a):
    actions.login_attempt_record(
        identifier=owner_a.email, user=owner_a, ip_address="203.0.113.9", succeeded=True
    )
    response = owner.get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Tamm" in html
    assert client_a.public_id in html
    assert "Default: Anna Tamm" in html  # the payer made at registration
    assert "Missing: technical, billing, abuse" in html
    assert "Protect your account with two-factor sign-in" in html
    assert "203.0.113.9" in html


def test_dashboard_shows_two_factor_on_once_an_authenticator_is_active__ACC_09(owner, owner_a):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(owner_a, generate_totp_secret())
    html = owner.get(reverse("web:dashboard")).content.decode()
    assert "Protect your account with two-factor sign-in" not in html
    assert '<span class="badge badge-success">On</span>' in html


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("web:payer_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/payers/"


def test_staff_without_a_client_account_land_in_the_staff_area(client, staff):
    login(client, staff("support"))
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_home")


def test_user_without_any_account_sees_a_clear_page(client, db):
    from hostledger.accounts.models import User

    user = User.objects.create_user(email="nobody@example.com")
    login(client, user)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert "No customer account yet" in response.content.decode()


# ----------------------------------------------------------------------------- profile


def test_profile_update_goes_through_the_action__GDPR_03(owner, client_a):
    versions = client_a.history.count()
    response = owner.post(
        reverse("web:profile_edit"),
        {
            "kind": "legal",  # ignored: the kind is fixed after registration
            "first_name": "Anneli",
            "last_name": "Tamm",
            "street": "Uus 1",
            "city": "Tartu",
            "postal_code": "51004",
            "country": "EE",
            "phone": "+372 5555 0202",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:profile")
    client_a.refresh_from_db()
    assert (client_a.kind, client_a.first_name, client_a.city, client_a.phone) == (
        "natural",
        "Anneli",
        "Tartu",
        "+37255550202",
    )
    assert client_a.history.count() == versions + 1


def test_profile_form_with_errors_names_each_field_and_changes_nothing(owner, client_a):
    response = owner.post(
        reverse("web:profile_edit"),
        {
            "first_name": "",
            "last_name": "Tamm",
            "street": "Uus 1",
            "city": "Tartu",
            "country": "EE",
            "phone": "12",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the marked fields" in html
    assert 'id="id_first_name_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    client_a.refresh_from_db()
    assert (client_a.first_name, client_a.street) == ("Anna", "Ahtri 12")

    response = owner.post(reverse("web:profile_edit"), {"first_name": "Anna", "city": "Tartu"})
    assert response.status_code == 400
    assert 'id="id_street_error"' in response.content.decode()


# ----------------------------------------------------------------------------- payers


def test_payer_is_added_through_the_action__ACC_04(owner, client_a):
    response = owner.post(reverse("web:payer_create"), PAYER)
    assert response.status_code == 302
    payer = Payer.objects.filter(client=client_a).order_by("-pk").first()
    assert (payer.name, payer.registry_code, payer.vat_number, payer.is_default) == (
        "Tamm Digital OÜ",
        "14412345",
        "EE102329731",
        False,
    )
    page = owner.get(reverse("web:payer_list")).content.decode()
    assert "Tamm Digital OÜ" in page
    assert f"Payer {payer.name} added." in page


def test_payer_form_names_the_invalid_fields__ACC_04(owner, client_a):
    response = owner.post(
        reverse("web:payer_create"), {**PAYER, "registry_code": "", "vat_number": "EE123"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_registry_code_error"' in html
    assert 'id="id_vat_number_error"' in html
    assert "This is not a valid EU VAT number" in html
    assert Payer.objects.filter(client=client_a).count() == 1


def test_payer_edit_make_default_and_archive(owner, owner_a, client_a, payer_a):
    second = actions.payer_create(client=client_a, actor=owner_a, data=PAYER)
    response = owner.post(
        reverse("web:payer_edit", args=[second.public_id]), {**PAYER, "city": "Tartu"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.city == "Tartu"

    owner.post(reverse("web:payer_make_default", args=[second.public_id]))
    second.refresh_from_db()
    payer_a.refresh_from_db()
    assert (second.is_default, payer_a.is_default) == (True, False)

    owner.post(reverse("web:payer_archive", args=[payer_a.public_id]))
    payer_a.refresh_from_db()
    assert payer_a.archived_at is not None
    page = owner.get(reverse("web:payer_list")).content.decode()
    assert "Archived payers (1)" in page


def test_the_last_payer_cannot_be_archived__ACC_04(owner, payer_a):
    response = owner.post(reverse("web:payer_archive", args=[payer_a.public_id]), follow=True)
    assert "A client keeps at least one payer." in response.content.decode()
    payer_a.refresh_from_db()
    assert payer_a.archived_at is None


def test_another_clients_payer_is_not_found__habit_6(client, owner_b, payer_a):
    login(client, owner_b)
    assert client.get(reverse("web:payer_edit", args=[payer_a.public_id])).status_code == 404
    response = client.post(reverse("web:payer_archive", args=[payer_a.public_id]))
    assert response.status_code == 404
    payer_a.refresh_from_db()
    assert payer_a.archived_at is None


# ----------------------------------------------------------------------------- contacts


def test_contact_change_is_kept_in_its_history__ACC_05(owner, client_a, contact_a):
    response = owner.post(
        reverse("web:contact_edit", args=[contact_a.public_id]),
        {
            "role": "technical",
            "name": "Tiit Tehnik",
            "email": "tiit.tehnik@example.com",
            "phone": "+372 5555 1111",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:contact_detail", args=[contact_a.public_id])
    contact_a.refresh_from_db()
    assert contact_a.email == "tiit.tehnik@example.com"

    html = owner.get(response["Location"]).content.decode()
    assert "Changed" in html and "Named" in html
    assert '<span class="change-old">tiit@example.com</span>' in html
    assert '<span class="change-new">tiit.tehnik@example.com</span>' in html
    assert "by anna@example.com" in html


def test_contact_is_added_and_archived__ACC_05(owner, client_a):
    response = owner.post(
        reverse("web:contact_create"),
        {"role": "abuse", "name": "Aivar Abi", "email": "abuse@example.com"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=client_a)
    assert (contact.role, contact.name) == ("abuse", "Aivar Abi")
    owner.post(reverse("web:contact_archive", args=[contact.public_id]))
    contact.refresh_from_db()
    assert contact.archived_at is not None
    listing = owner.get(reverse("web:contact_list")).content.decode()
    assert reverse("web:contact_detail", args=[contact.public_id]) not in listing


def test_contact_form_names_invalid_fields(owner, client_a):
    response = owner.post(
        reverse("web:contact_create"), {"role": "", "name": "X", "email": "not-an-email"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_role_error"' in html and 'id="id_email_error"' in html
    assert not Contact.objects.filter(client=client_a).exists()


# ----------------------------------------------------------------------------- trusted access


def test_owner_grants_and_revokes_access__ACC_06(owner, client_a, owner_b):
    response = owner.post(
        reverse("web:access_grant_list"),
        {"grantee_email": owner_b.email, "scopes": ["billing", "tickets"]},
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get(client=client_a, grantee=owner_b)
    assert grant.scopes == ["billing", "tickets"]
    assert "bert@example.com" in owner.get(reverse("web:access_grant_list")).content.decode()

    owner.post(reverse("web:access_grant_revoke", args=[grant.public_id]))
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_grant_form_names_the_bad_field__ACC_06(owner, client_a):
    response = owner.post(
        reverse("web:access_grant_list"),
        {"grantee_email": "stranger@example.com", "scopes": ["read_only", "billing"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_scopes_error"' in html or 'id="id_grantee_email_error"' in html
    assert not AccessGrant.objects.filter(client=client_a).exists()


def test_read_only_trusted_user_sees_pages_without_write_buttons__ACC_06(
    client, readonly_user, client_a, payer_a, contact_a
):
    login(client, readonly_user, client_public_id=client_a.public_id)
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "Anna Tamm" in dashboard
    assert "<strong>read only</strong> access" in dashboard
    payers = client.get(reverse("web:payer_list")).content.decode()
    assert payer_a.name in payers
    assert reverse("web:payer_create") not in payers
    assert reverse("web:payer_archive", args=[payer_a.public_id]) not in payers
    contacts = client.get(reverse("web:contact_list")).content.decode()
    assert "Tiit Tehnik" in contacts
    assert reverse("web:contact_edit", args=[contact_a.public_id]) not in contacts
    assert reverse("web:access_grant_list") not in dashboard  # owner-only page not offered


def test_trusted_user_switches_between_accounts__ACC_06(client, readonly_user, client_a):
    login(client, readonly_user)
    own = client.get(reverse("web:dashboard")).content.decode()
    assert "Rita Loe" in own
    switch = client.get(reverse("web:account_switch")).content.decode()
    assert "Anna Tamm" in switch and "Read only" in switch

    response = client.post(reverse("web:account_switch"), {"client": client_a.public_id})
    assert response.status_code == 302
    assert client.session[SESSION_CLIENT_KEY] == client_a.public_id
    assert "Anna Tamm" in client.get(reverse("web:dashboard")).content.decode()


def test_revoked_access_falls_back_to_the_users_own_account__ACC_06(
    client, readonly_user, owner_a, client_a, grant_a
):
    login(client, readonly_user, client_public_id=client_a.public_id)
    actions.access_grant_revoke(grant=grant_a, actor=owner_a)
    response = client.get(reverse("web:dashboard"))
    html = response.content.decode()
    assert "You no longer have access to the account you had chosen." in html
    assert "Rita Loe" in html
    assert SESSION_CLIENT_KEY not in client.session


def test_billing_trusted_user_may_manage_payers_but_not_contacts__ACC_06(
    client, owner_a, client_a, policies
):
    accountant = make_client_user("kaia@example.com", first_name="Kaia", last_name="Arvuti")
    actions.access_grant_create(
        client=client_a, actor=owner_a, grantee_email=accountant.email, scopes=["billing"]
    )
    login(client, accountant, client_public_id=client_a.public_id)
    assert client.post(reverse("web:payer_create"), PAYER).status_code == 302
    assert Payer.objects.filter(client=client_a).count() == 2
    response = client.post(
        reverse("web:contact_create"), {"role": "abuse", "name": "X", "email": "x@example.com"}
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(client=client_a).exists()


# ----------------------------------------------------------------------------- sign-ins


def test_sign_in_history_lists_only_the_users_own_attempts__ACC_08(owner, owner_a, owner_b):
    actions.login_attempt_record(
        identifier=owner_a.email,
        user=owner_a,
        ip_address="198.51.100.7",
        succeeded=False,
        reason="bad_credentials",
    )
    actions.login_attempt_record(
        identifier=owner_a.email, user=owner_a, ip_address="198.51.100.8", succeeded=True
    )
    actions.login_attempt_record(
        identifier=owner_b.email, user=owner_b, ip_address="192.0.2.44", succeeded=True
    )
    html = owner.get(reverse("web:sign_in_history")).content.decode()
    assert "198.51.100.7" in html and "198.51.100.8" in html
    assert "Wrong password" in html
    assert "192.0.2.44" not in html
    assert LoginAttempt.objects.count() == 3


# ----------------------------------------------------------------------------- API tokens


def test_api_token_secret_is_shown_once_and_only_its_hash_is_kept(owner, owner_a):
    response = owner.post(
        reverse("web:api_token_list"), {"name": "Backups", "scopes": ["read"], "days": "30"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=owner_a)
    html = response.content.decode()
    secret = html.split('id="token-secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith(f"hl_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    listing = owner.get(reverse("web:api_token_list")).content.decode()
    assert "Backups" in listing
    assert secret not in listing


def test_api_token_form_names_invalid_fields(owner, owner_a):
    response = owner.post(reverse("web:api_token_list"), {"name": "", "days": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html and 'id="id_scopes_error"' in html
    assert 'id="id_days_error"' in html
    assert not ApiToken.objects.filter(user=owner_a).exists()


def test_api_token_is_revoked(owner, owner_a):
    token, _ = actions.api_token_create(user=owner_a, name="Old", scopes=["read"])
    response = owner.post(reverse("web:api_token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in owner.get(reverse("web:api_token_list")).content.decode()


def test_staff_pages_are_not_linked_for_clients(owner):
    html = owner.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:staff_home") not in html


def test_staff_member_with_a_client_account_gets_a_link_to_the_staff_area(client, policies):
    member = make_staff_user("support", email="helper@staff.example")
    actions.client_register(
        user=member,
        data={
            "kind": "natural",
            "first_name": "Helle",
            "last_name": "Abi",
            "street": "Ahtri 1",
            "city": "Tallinn",
            "country": "EE",
            "phone": "+372 5555 0303",
        },
        declared_old_enough=True,
        accepted_policies=True,
        ip_address=None,
    )
    login(client, member)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert f'href="{reverse("web:staff_home")}"' in html
