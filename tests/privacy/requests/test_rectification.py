"""Staff corrections of personal data (GDPR-03): reason in the history with the old and new
values, audited without the values, the client told, a rectification request completed."""

from __future__ import annotations

import pytest

from hostledger.accounts.actions import payer_create
from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.notifications.models import Notification
from hostledger.privacy.actions_rectification import SNAPSHOT_NOTE, rectification_record
from hostledger.privacy.actions_requests import request_file
from hostledger.privacy.models import DataSubjectRequest
from tests.api.conftest import api_by_session, make_staff_user

PAYER = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}


def test_staff_correct_a_client_with_a_reason_kept_in_the_history__GDPR_03(owner, officer):
    client = owner.client
    done = rectification_record(
        target=client,
        actor=officer,
        data={"last_name": "Tamm", "street": "Pikk 2"},
        reason="Marriage certificate shown at the office.",
    )

    client.refresh_from_db()
    assert (client.last_name, client.street) == ("Tamm", "Pikk 2")
    assert done.fields == ["last_name", "street"]
    latest, before = client.history.order_by("-history_id")[:2]
    assert latest.history_change_reason == "Marriage certificate shown at the office."
    assert latest.history_user == officer
    assert (before.last_name, latest.last_name) == ("Maasikas", "Tamm")
    event = AuditEvent.objects.get(action="privacy.rectified")
    assert event.data["fields"] == ["last_name", "street"]
    assert event.data["reason"] == "Marriage certificate shown at the office."
    assert "Tamm" not in str(event.data) and "Pikk 2" not in str(event.data)
    told = Notification.objects.get(event="privacy_data_rectified")
    assert told.client == client
    assert told.context["reason"] == "Marriage certificate shown at the office."
    assert SNAPSHOT_NOTE in done.response


def test_a_payer_is_corrected_the_same_way__GDPR_03(owner, officer):
    payer = payer_create(client=owner.client, actor=owner, data=PAYER)
    done = rectification_record(
        target=payer, actor=officer, data={"registry_code": "87654321"}, reason="Registry."
    )
    payer.refresh_from_db()
    assert payer.registry_code == "87654321"
    assert done.fields == ["registry_code"]
    assert payer.history.latest().history_change_reason == "Registry."


def test_a_correction_completes_the_rectification_request__GDPR_03_GDPR_07(owner, officer):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="rectification",
        details="My street is Pikk 2.",
        reauthentication="password_reauthentication",
    )
    done = rectification_record(
        target=owner.client,
        actor=officer,
        data={"street": "Pikk 2"},
        reason="Client's request.",
        request=request,
    )
    request.refresh_from_db()
    assert request.status == DataSubjectRequest.Status.COMPLETED
    assert request.response == done.response
    assert request.response.startswith("We corrected your account's data: street.")
    assert "keep the data they were issued with" in request.response


def test_refused_corrections_change_nothing__GDPR_03(owner, officer, policies):
    client = owner.client
    support = make_staff_user("support")
    history = client.history.count()
    with pytest.raises(PermissionDenied):
        rectification_record(target=client, actor=support, data={"city": "Pärnu"}, reason="x")
    with pytest.raises(DomainError) as refused:
        rectification_record(target=client, actor=officer, data={"city": "Pärnu"}, reason=" ")
    assert refused.value.fields == {"reason": "required, at most 100 characters"}
    with pytest.raises(DomainError) as refused:
        rectification_record(target=client, actor=officer, data={"kind": "legal"}, reason="x")
    assert refused.value.fields == {"corrections.kind": "not a correctable field"}
    with pytest.raises(DomainError) as refused:
        rectification_record(target=client, actor=officer, data={"city": "Tartu"}, reason="x")
    assert refused.value.code == "nothing_to_correct"
    with pytest.raises(DomainError) as refused:
        rectification_record(target=client, actor=officer, data={"first_name": ""}, reason="x")
    assert "first_name" in refused.value.fields
    other = request_file(client=client, actor=owner, kind="access", channel="api")
    with pytest.raises(DomainError) as refused:
        rectification_record(
            target=client, actor=officer, data={"city": "Pärnu"}, reason="x", request=other
        )
    assert refused.value.fields == {"request": "not a rectification request of this client"}
    client.refresh_from_db()
    assert client.city == "Tartu"
    assert client.history.count() == history
    assert not Notification.objects.filter(event="privacy_data_rectified").exists()


def test_staff_correct_through_the_api__GDPR_03(owner, officer):
    api = api_by_session(officer)
    response = api.post(
        f"/staff/clients/{owner.client.public_id}/rectification",
        {"corrections": {"city": "Pärnu", "postal_code": "80010"}, "reason": "Moved."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["fields"] == ["city", "postal_code"]
    assert body["request_id"] is None
    assert Client.objects.get(pk=owner.client.pk).city == "Pärnu"
    refused = api.post(
        f"/staff/clients/{owner.client.public_id}/rectification",
        {"corrections": {"city": "Pärnu"}, "reason": ""},
    )
    assert refused.status_code == 400
