"""Data-subject requests in a real browser (GDPR-07, GDPR-02, GDPR-04): a client files an
access request after signing in again, a privacy officer answers it from the queue, the
client downloads the ZIP of its data after confirming it is them; then the client asks to be
erased and the officer carries it out before the deadline.

Drives Debian's chromium through Playwright against the live test server, with the fixtures
of tests/web/test_browser_journey.py (skipped where /usr/bin/chromium is missing).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from hostledger.accounts.models import User
from hostledger.privacy.models import DataSubjectRequest, ErasureReport, PersonalDataExport
from tests.queued_tasks import run_queued_tasks
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
    current_totp_code,
)

CLIENT_EMAIL = "liina.lepp@example.com"
OFFICER_EMAIL = "priit.privacy@staff.example"
PASSWORD = "Juniper-harbour-5521"
PAGE_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def file_request(page, journey: Journey, kind: str, details: str) -> DataSubjectRequest:
    journey.goto("/privacy/requests/new/")
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("confirm|continue|sign in", re.I)).click()
        page.wait_for_url(re.compile(r"/privacy/requests/new/"))
    page.locator(f"input[name='kind'][value='{kind}']").check()
    page.locator("textarea[name='details']").fill(details)
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/privacy/requests/dsr_"))
    return DataSubjectRequest.objects.get(kind=kind)


def officer_answers(page, journey: Journey, request: DataSubjectRequest, answer: str) -> None:
    journey.goto("/staff/privacy/requests/")
    page.locator(f"a[href='/staff/privacy/requests/{request.public_id}/']").first.click()
    page.wait_for_url(re.compile(rf"/staff/privacy/requests/{request.public_id}/"))
    page.locator("textarea[name='respond-response']").fill(answer)
    page.get_by_role("button", name="Answer").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_access_then_erasure_requests_from_filing_to_answer__GDPR_07_GDPR_02_GDPR_04(
    live_server,
    browser_page,  # noqa: F811  (the imported fixture)
    policies,
):
    make_client_user(CLIENT_EMAIL, password=PASSWORD, first_name="Liina", last_name="Lepp")
    officer = make_staff_user("privacy_officer", with_authenticator=False, email=OFFICER_EMAIL)
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    page = browser_page
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    journey = Journey(page, live_server.url)

    # The client signs in and files an access request, confirming its password again.
    journey.goto("/accounts/login/")
    sign_in(page, CLIENT_EMAIL)
    page.wait_for_url(re.compile(r"/$"))
    access = file_request(page, journey, "access", "A copy of everything you hold about me.")
    assert access.status == DataSubjectRequest.Status.IN_PROGRESS
    assert access.verification_method == "password_reauthentication"
    journey.snap("privacy_request_filed")

    # The privacy officer answers it from the queue, well before its deadline.
    staff_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(PAGE_TIMEOUT_MS)
    staff = Journey(staff_page, live_server.url)
    try:
        staff.goto("/accounts/login/")
        sign_in(staff_page, OFFICER_EMAIL)
        staff_page.get_by_label("Code").fill(current_totp_code(secret))
        staff_page.get_by_role("button", name=re.compile("sign in", re.I)).click()
        staff_page.wait_for_url(re.compile(r"/staff/"))
        officer_answers(staff_page, staff, access, "Your copy is ready to download.")
        access.refresh_from_db()
        assert access.status == DataSubjectRequest.Status.COMPLETED
        assert timezone.localdate() <= access.due_on
        export = PersonalDataExport.objects.get(client=access.client)

        # The export is built in the background; the client downloads it.
        run_queued_tasks()
        export.refresh_from_db()
        assert export.status == PersonalDataExport.Status.READY
        journey.goto(f"/privacy/exports/{export.public_id}/")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the ZIP").click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
        described = json.loads(archive.read("personal-data.json"))
        assert "Liina" in json.dumps(described, ensure_ascii=False)
        assert any(name.endswith(".csv") for name in archive.namelist())
        journey.snap("privacy_export_downloaded")

        # Then the client asks to be erased, and the officer carries it out.
        erasure = file_request(page, journey, "erasure", "Please erase my account.")
        officer_answers(staff_page, staff, erasure, "Done as you asked.")
        erasure.refresh_from_db()
        assert erasure.status == DataSubjectRequest.Status.COMPLETED
        assert erasure.response.startswith("Your personal data was erased on ")
        report = ErasureReport.objects.get(client=erasure.client)
        assert report.public_id in erasure.response
        owner = User.objects.get(pk=erasure.client.owner_id)
        assert owner.email.startswith("erased-") and not owner.is_active
        staff.snap("privacy_erasure_answered")
    finally:
        staff_context.close()
    assert journey.problems == [] and staff.problems == []
