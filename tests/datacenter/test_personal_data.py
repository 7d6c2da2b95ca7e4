"""The data centre's personal data flows through export and erasure from its declarations:
representatives are exported and anonymised, the access log is deleted, what the client
wrote is anonymised (GDPR-01, GDPR-02, GDPR-04; SUP-05)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from hostledger.core.personal_data import undeclared_fields
from hostledger.datacenter import actions
from hostledger.privacy.erasure import erasure_plan
from hostledger.privacy.export import asset_of

pytestmark = pytest.mark.django_db


def test_every_field_of_the_data_centre_is_declared__GDPR_01():
    assert [item for item in undeclared_fields() if "datacenter" in str(item).lower()] == []


def test_representatives_and_the_access_log_are_exported_with_the_client__GDPR_02_SUP_05():
    representative = asset_of(apps.get_model("datacenter", "Representative"))
    log = asset_of(apps.get_model("datacenter", "AccessLogEntry"))
    assert representative is not None and log is not None
    names = {column.name for column in representative.columns}
    assert {"full_name", "document_number", "phone"} <= names


def test_erasure_anonymises_representatives_and_deletes_the_access_log__GDPR_04_SUP_05(
    staff, access_a, client_a
):
    person = actions.representative_add(
        access=access_a,
        actor=client_a.owner,
        full_name="Jaan Tehnik",
        document_number="AB1234567",
        phone="+372 5555 0101",
    )
    starts = timezone.now() + timedelta(hours=1)
    visit = actions.visit_request_file(
        access=access_a,
        actor=client_a.owner,
        representative=person,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    actions.access_entry_record(
        visit=actions.visit_decide(visit=visit, actor=staff, approve=True), actor=staff
    )
    plan = {
        item.model_label: item
        for item in erasure_plan(client_a).items
        if item.model_label.startswith("datacenter.")
    }
    representative = plan["datacenter.Representative"]
    assert representative.action == "anonymise"
    assert set(representative.fields) == {"full_name", "document_number", "phone"}
    assert plan["datacenter.AccessLogEntry"].action == "delete"
    assert plan["datacenter.VisitRequest"].fields == ("purpose",)
