"""The staff pages of erasure, restriction and retention, as a privacy officer uses them
(GDPR-04, GDPR-05, GDPR-08)."""

from __future__ import annotations

from django.urls import reverse

from hostledger.accounts.models import Client
from hostledger.privacy.models import ErasureReport, ProcessingRestriction
from tests.api.money_factories import make_proforma
from tests.privacy.erasure.conftest import MARKERS
from tests.web.conftest import login, make_staff_user


def test_officer_previews_erases_with_confirmation_and_reads_the_report__GDPR_04(rich, client):
    officer = make_staff_user("privacy_officer")
    http = login(client, officer)
    page = http.get(reverse("web:staff_client_privacy", args=[rich.client.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Erasure plan" in html and "2034-12-31" in html and "user_login_email_release" in html
    assert "Erasure is refused now" not in html

    unconfirmed = http.post(reverse("web:staff_client_erase", args=[rich.client.public_id]), {})
    assert unconfirmed.status_code == 302
    assert not ErasureReport.objects.exists()
    assert Client.objects.get(pk=rich.client.pk).first_name == MARKERS["first_name"]

    done = http.post(
        reverse("web:staff_client_erase", args=[rich.client.public_id]), {"confirm": "on"}
    )
    report = ErasureReport.objects.get()
    assert done["Location"] == reverse("web:staff_erasure_report", args=[report.public_id])
    html = http.get(done["Location"]).content.decode()
    assert "Erasure report" in html and "accounts.Payer" in html and "2034-12-31" in html
    assert Client.objects.get(pk=rich.client.pk).first_name == ""

    overview = http.get(reverse("web:staff_privacy")).content.decode()
    assert rich.client.public_id in overview  # restricted while data is held
    assert ProcessingRestriction.objects.get(client=rich.client).reason == "held_after_erasure"


def test_the_page_names_why_erasure_is_refused__GDPR_04(rich, client):
    officer = make_staff_user("privacy_officer")
    http = login(client, officer)
    make_proforma(rich.client, rich.payer, price="10.00")
    html = http.get(
        reverse("web:staff_client_privacy", args=[rich.client.public_id])
    ).content.decode()
    assert "Erasure is refused now" in html
    assert "1 invoice(s) unpaid, €12.40 in total" in html
    assert "Erase the client" not in html
