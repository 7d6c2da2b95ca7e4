"""Objections to processing and marketing consent (GDPR-06): in force at once, recorded with
time and source; a marketing objection withdraws every marketing consent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.privacy.actions_consents import marketing_consent_request
from hostledger.privacy.actions_objections import objection_record
from hostledger.privacy.actions_requests import request_file
from hostledger.privacy.models import DataSubjectRequest, MarketingConsent, Objection
from hostledger.privacy.selectors_requests import objects_to
from tests.api.conftest import make_client_user, make_staff_user

MOMENT = datetime(2027, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Tallinn"))


def test_a_marketing_objection_withdraws_every_consent_at_once__GDPR_06(owner):
    client = owner.client
    marketing_consent_request(client=client, channel="sms", source="client_area")
    marketing_consent_request(client=client, channel="email", source="client_area")

    objection = objection_record(
        client=client, processing="marketing", source="client_area", actor=owner, now=MOMENT
    )

    assert objection.public_id.startswith("obj_")
    assert objection.objected_at == MOMENT
    assert objection.source == "client_area"
    assert objects_to(client, "marketing") is True
    consents = {c.channel: c for c in MarketingConsent.objects.filter(client=client)}
    assert {channel: c.state for channel, c in consents.items()} == {
        "sms": "withdrawn",
        "email": "withdrawn",
    }
    assert consents["sms"].withdrawn_at == MOMENT
    assert consents["sms"].source == "objection"
    assert AuditEvent.objects.filter(action="privacy.objection_recorded").count() == 1


def test_an_objection_in_force_is_not_recorded_twice__GDPR_06(owner):
    first = objection_record(
        client=owner.client, processing="profiling", source="client_area", actor=owner
    )
    again = objection_record(client=owner.client, processing="profiling", source="api", actor=owner)
    assert again.pk == first.pk
    assert Objection.objects.count() == 1
    assert objects_to(owner.client, "legitimate_interest") is False


def test_consent_given_again_lifts_the_marketing_objection__GDPR_06(owner):
    objection_record(client=owner.client, processing="marketing", source="letter", actor=owner)
    marketing_consent_request(client=owner.client, channel="sms", source="client_area")
    assert objects_to(owner.client, "marketing") is False
    assert Objection.objects.get().withdrawn_at is not None


def test_staff_record_the_objection_of_a_request_and_answer_it__GDPR_06_GDPR_07(owner, officer):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="objection",
        reauthentication="password_reauthentication",
    )
    objection = objection_record(
        client=owner.client,
        processing="legitimate_interest",
        source="letter",
        actor=officer,
        request=request,
        now=MOMENT,
    )
    request.refresh_from_db()
    assert objection.request == request
    assert objection.recorded_by == officer
    assert request.status == DataSubjectRequest.Status.COMPLETED
    assert request.response == (
        "Your objection to processing on legitimate interest is recorded and in force since "
        "01.03.2027 09:30."
    )


def test_objections_are_refused_to_others_and_for_unknown_processing__GDPR_06(owner, policies):
    stranger = make_client_user("peeter@example.com")
    support = make_staff_user("support")
    for actor in (stranger, support):
        with pytest.raises(PermissionDenied):
            objection_record(client=owner.client, processing="marketing", source="x", actor=actor)
    with pytest.raises(DomainError) as refused:
        objection_record(client=owner.client, processing="weather", source="x", actor=owner)
    assert refused.value.fields == {"processing": "not a kind of processing"}
    with pytest.raises(DomainError) as refused:
        objection_record(client=owner.client, processing="marketing", source="", actor=owner)
    assert refused.value.code == "invalid_source"
    assert Objection.objects.count() == 0
