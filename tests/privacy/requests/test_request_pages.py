"""The privacy request pages (GDPR-07): a client files after re-authenticating (with the
second factor when they have one); staff see the queue by due day and act on a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client as WebClient
from django.utils import timezone

from hostledger.notifications.models import Notification
from hostledger.privacy.actions_requests import request_file
from hostledger.privacy.models import DataSubjectRequest
from hostledger.privacy.selectors_requests import urgency

PASSWORD = "Tallinn harbour 2024 wind"


@pytest.fixture(autouse=True)
def _light_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.conftest.LightArgon2PasswordHasher"]


@pytest.fixture
def signed_in(owner):
    owner.set_password(PASSWORD)
    owner.save()
    browser = WebClient()
    assert (
        browser.post("/accounts/login/", {"login": owner.email, "password": PASSWORD}).status_code
        == 302
    )
    return browser


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def test_filing_asks_to_sign_in_again_and_records_how__GDPR_07(owner, signed_in):
    asked = signed_in.get("/privacy/requests/new/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirmed = signed_in.post(asked["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == "/privacy/requests/new/"
    page = signed_in.get("/privacy/requests/new/")
    assert page.status_code == 200

    filed = signed_in.post(
        "/privacy/requests/new/", {"kind": "access", "details": "Everything, please."}
    )

    request = DataSubjectRequest.objects.get()
    assert filed["Location"] == f"/privacy/requests/{request.public_id}/"
    assert request.status == "in_progress"
    assert request.verification_method == "password_reauthentication"
    assert request.channel == "client_area"
    detail = signed_in.get(filed["Location"]).content.decode()
    assert "Everything, please." in detail
    assert "Re-authenticated with password" in detail
    assert Notification.objects.filter(event="privacy_request_received").count() == 1


def test_a_client_with_two_factor_proves_it_with_the_second_factor__GDPR_07(owner, signed_in):
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    asked = signed_in.get("/privacy/requests/new/")
    signed_in.post(asked["Location"], {"password": PASSWORD})

    second = signed_in.get("/privacy/requests/new/")
    assert second.status_code == 302
    assert second["Location"].startswith("/accounts/2fa/reauthenticate/")
    signed_in.post(second["Location"], {"code": _code(secret)})
    signed_in.post("/privacy/requests/new/", {"kind": "erasure"})

    request = DataSubjectRequest.objects.get()
    assert request.verification_method == "second_factor_reauthentication"


def test_a_missing_kind_is_marked_and_nothing_filed__GDPR_07(owner, signed_in):
    asked = signed_in.get("/privacy/requests/new/")
    signed_in.post(asked["Location"], {"password": PASSWORD})
    refused = signed_in.post("/privacy/requests/new/", {"kind": "", "details": "x"})
    assert refused.status_code == 400
    assert DataSubjectRequest.objects.count() == 0


def test_an_api_request_is_confirmed_in_the_client_area__GDPR_07(owner, signed_in):
    request = request_file(client=owner.client, actor=owner, kind="portability", channel="api")
    url = f"/privacy/requests/{request.public_id}/confirm/"
    asked = signed_in.post(url)
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    signed_in.post(asked["Location"], {"password": PASSWORD})
    signed_in.post(url)
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert request.verification_method == "password_reauthentication"


def test_staff_queue_is_ordered_by_due_day_with_days_left__GDPR_07(owner, officer, client):
    now = timezone.now()
    late = request_file(client=owner.client, actor=owner, kind="access", now=now - timedelta(40))
    fresh = request_file(client=owner.client, actor=owner, kind="erasure", now=now)
    client.force_login(officer)

    page = client.get("/staff/privacy/requests/").content.decode()

    assert page.index(late.public_id) < page.index(fresh.public_id)
    days_late = urgency(late).days_late
    assert f"Overdue by {days_late} day" in page
    detail = client.get(f"/staff/privacy/requests/{late.public_id}/")
    assert detail.status_code == 200
    assert "Verify the identity" in detail.content.decode()


def test_staff_answer_on_the_request_page__GDPR_07(owner, officer, client):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="access",
        reauthentication="password_reauthentication",
    )
    client.force_login(officer)
    url = f"/staff/privacy/requests/{request.public_id}/respond/"
    empty = client.post(url, {"respond-response": ""})
    assert empty.status_code == 400
    done = client.post(url, {"respond-response": "Your data is attached."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "completed"
    # Completing an access request starts the export and says where to download it.
    assert request.response.startswith("Your data is being exported (export exp_")
    assert request.response.endswith("\n\nYour data is attached.")
