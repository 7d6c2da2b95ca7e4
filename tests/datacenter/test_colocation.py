"""Colocation: representatives with physical access, visit requests approved or refused by
staff, and the access log of each entry and exit with day and time (SUP-05; seed 003,
annex 7 §4.2-4.8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.datacenter.actions import (
    access_entry_record,
    access_exit_record,
    representative_add,
    representative_remove,
    visit_decide,
    visit_request_file,
)
from hostledger.datacenter.models import (
    AccessLogEntry,
    Representative,
    VisitRequest,
    VisitStatus,
)
from hostledger.datacenter.selectors import client_access_log, client_representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def representative(access_a, client_a):
    return representative_add(
        access=access_a,
        actor=client_a.owner,
        full_name="Jaan Tehnik",
        document_number="AB1234567",
        phone="+372 5555 0101",
    )


def _visit(access, representative, *, hours_ahead=2, length=3):
    starts = timezone.now() + timedelta(hours=hours_ahead)
    return visit_request_file(
        access=access,
        actor=access.user,
        representative=representative,
        starts_at=starts,
        ends_at=starts + timedelta(hours=length),
        purpose="Replace a disk in SRV-A1",
    )


def test_a_representatives_personal_data_is_stored_encrypted__SUP_05(representative):
    stored = Representative.objects.get(pk=representative.pk)
    assert (stored.full_name, stored.document_number, stored.phone) == (
        "Jaan Tehnik",
        "AB1234567",
        "+37255550101",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, document_number, phone FROM datacenter_representative WHERE id = %s",
            [representative.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("enc") for value in raw)
    assert not any("Jaan" in value or "AB1234567" in value for value in raw)


def test_a_representative_needs_a_name_document_and_a_possible_phone__SUP_05(access_a, client_a):
    with pytest.raises(DomainError) as refused:
        representative_add(
            access=access_a,
            actor=client_a.owner,
            full_name="Jaan",
            document_number="AB1",
            phone="12",
        )
    assert "phone" in refused.value.fields
    assert not Representative.objects.exists()


def test_a_read_only_trusted_user_cannot_name_representatives__SUP_05(read_only_access_a):
    with pytest.raises(PermissionDenied):
        representative_add(
            access=read_only_access_a,
            actor=read_only_access_a.user,
            full_name="X",
            document_number="Y",
            phone="+372 5555 0101",
        )


def test_a_visit_is_approved_then_each_entry_and_exit_is_logged__SUP_05(
    staff, access_a, client_a, representative, time_machine
):
    visit = _visit(access_a, representative)
    assert visit.status == VisitStatus.REQUESTED
    with pytest.raises(DomainError):
        access_entry_record(visit=visit, actor=staff)
    visit = visit_decide(visit=visit, actor=staff, approve=True)
    assert (visit.status, visit.decided_by) == (VisitStatus.APPROVED, staff)
    time_machine.move_to(visit.starts_at + timedelta(minutes=5), tick=False)
    entry = access_entry_record(visit=visit, actor=staff)
    with pytest.raises(DomainError) as inside:
        access_entry_record(visit=visit, actor=staff)
    assert inside.value.fields == {"visit": "The representative is already inside."}
    time_machine.move_to(visit.starts_at + timedelta(hours=1, minutes=20), tick=False)
    entry = access_exit_record(entry=entry, actor=staff)
    assert entry.exited_at - entry.entered_at == timedelta(hours=1, minutes=15)
    assert entry.escorted_by == staff
    assert list(client_access_log(client_a)) == [entry]


def test_staff_refuse_a_visit_saying_why_and_no_entry_is_possible__SUP_05(
    staff, access_a, representative
):
    visit = _visit(access_a, representative)
    with pytest.raises(DomainError) as no_reason:
        visit_decide(visit=visit, actor=staff, approve=False, note="")
    assert "note" in no_reason.value.fields
    refused = visit_decide(visit=visit, actor=staff, approve=False, note="Maintenance that day")
    assert refused.status == VisitStatus.REFUSED
    with pytest.raises(DomainError):
        access_entry_record(visit=refused, actor=staff)
    assert not AccessLogEntry.objects.exists()


def test_a_visit_in_the_past_too_long_or_for_a_removed_representative_is_refused__SUP_05(
    access_a, representative
):
    with pytest.raises(DomainError) as past:
        _visit(access_a, representative, hours_ahead=-1)
    assert "starts_at" in past.value.fields
    with pytest.raises(DomainError) as long_visit:
        _visit(access_a, representative, length=30)
    assert "ends_at" in long_visit.value.fields
    representative_remove(access=access_a, actor=access_a.user, representative=representative)
    with pytest.raises(DomainError) as removed:
        _visit(access_a, representative)
    assert "representative" in removed.value.fields
    assert not VisitRequest.objects.exists()


def test_removing_a_representative_refuses_their_pending_visits__SUP_05(access_a, representative):
    visit = _visit(access_a, representative)
    representative_remove(access=access_a, actor=access_a.user, representative=representative)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REFUSED


def test_another_client_never_finds_a_representative__SUP_05(representative, client_b):
    with pytest.raises(DomainError) as missing:
        client_representative(client_b, representative.public_id)
    assert missing.value.status == 404
