"""Policy documents through the API (GDPR-10, NTF-03): the version in force and the archive,
accepting the version in force, staff publishing a version that is announced, and orders
refused while the account holder has a version to re-accept."""

from __future__ import annotations

import pytest

from hostledger.notifications.models import Announcement
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument
from hostledger.privacy.policies import policies_to_reaccept
from hostledger.subscriptions.models import Order
from tests.api import money_factories as factories
from tests.api.conftest import (
    api_by_token,
    client_a,  # noqa: F401  (a fixture)
    client_b,  # noqa: F401  (a fixture)
    error_of,
    make_staff_user,
)

NEW_TERMS = {
    "kind": "terms",
    "version": "2.0",
    "title": "Terms of service",
    "body": "# Terms\n\n<script>alert(1)</script>\n\n7. Notice is two months.",
    "requires_reacceptance": True,
    "change_summary": "Section 7.",
}


@pytest.fixture
def officer(db):
    return api_by_token(make_staff_user("privacy_officer"))


@pytest.mark.django_db
def test_staff_publish_a_version_that_is_announced__GDPR_10_NTF_03(officer, client_a):  # noqa: F811
    response = officer.post("/staff/policies", NEW_TERMS)

    assert response.status_code == 201
    body = response.json()
    assert body["policy"]["kind"] == "terms" and body["policy"]["version"] == "2.0"
    assert body["policy"]["requires_reacceptance"] is True
    assert body["recipients"] == 0  # no client has a live service yet
    announcement = Announcement.objects.get(public_id=body["announcement_id"])
    assert announcement.kind == "policy_change" and "Section 7." in announcement.body
    assert policies_to_reaccept(client_a) == [PolicyDocument.objects.get(version="2.0")]


@pytest.mark.django_db
def test_a_used_version_is_refused_naming_the_field__GDPR_10(officer, client_a):  # noqa: F811
    response = officer.post("/staff/policies", {**NEW_TERMS, "version": "1.0"})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"version": "already exists"}
    assert PolicyDocument.objects.count() == 2 and not Announcement.objects.exists()


@pytest.mark.django_db
def test_clients_may_not_publish__GDPR_10(client_a):  # noqa: F811
    response = api_by_token(client_a).post("/staff/policies", NEW_TERMS)
    assert response.status_code == 403
    assert PolicyDocument.objects.count() == 2


@pytest.mark.django_db
def test_the_version_in_force_and_the_archive__GDPR_10(officer, client_a):  # noqa: F811
    officer.post("/staff/policies", NEW_TERMS)
    api = api_by_token(client_a)

    current = api.get("/policies/current?kind=terms").json()
    archive = api.get("/policies?kind=terms").json()

    assert current["version"] == "2.0" and current["to_accept"] is True
    assert "&lt;script&gt;" in current["body_html"] and "<script>" not in current["body_html"]
    assert current["body"] == NEW_TERMS["body"]
    assert [item["version"] for item in archive["items"]] == ["2.0", "1.0"]
    assert archive["items"][0]["in_force_until"] is None
    assert archive["items"][1]["in_force_until"] == current["published_at"]
    assert api.get("/policies/current?kind=cookies").status_code == 400


@pytest.mark.django_db
def test_accepting_the_version_in_force_lifts_the_order_block__GDPR_10(
    officer,
    client_a,  # noqa: F811
):
    shop = factories.make_catalog()
    payer = client_a.client.payers.get()
    officer.post("/staff/policies", NEW_TERMS)
    api = api_by_token(client_a)
    order = {
        "tariff": shop["tariff"].public_id,
        "payer": payer.public_id,
        "period_months": 1,
        "os_image": shop["os_image"].public_id,
    }

    refused = api.post("/orders", order)
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "policy_acceptance_required"
    assert not Order.objects.exists()

    old = api.post("/policies/accept", {"kind": "terms", "version": "1.0"})
    assert old.status_code == 400 and error_of(old)["code"] == "policy_not_current"
    accepted = api.post("/policies/accept", {"kind": "terms", "version": "2.0"})
    assert accepted.status_code == 200
    assert accepted.json()["version"] == "2.0"
    assert PolicyAcceptance.objects.filter(user=client_a, document__version="2.0").count() == 1
    assert api.get("/policies/current?kind=terms").json()["to_accept"] is False

    assert api.post("/orders", order).status_code == 201
