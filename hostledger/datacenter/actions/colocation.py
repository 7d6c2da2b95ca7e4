"""Colocation: the client's representatives with physical access, their visit requests and
the access log of each entry and exit (SUP-05; seed 003, annex 7 §4.2-4.8).

A representative's name, identity document number and phone are personal data of someone
other than the client, encrypted under the client's key (see ``personal_data.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.accounts.validation import FieldErrors, clean_phone
from hostledger.datacenter.actions._common import (
    audit,
    clean_text,
    invalid,
    require_client_write,
    require_staff,
)
from hostledger.datacenter.models import (
    AccessLogEntry,
    Representative,
    VisitRequest,
    VisitStatus,
)

NAME_MAX = 200
DOCUMENT_MAX = 40
VISIT_LONGEST = timedelta(hours=24)
NOTE_MAX = 500


@transaction.atomic
def representative_add(
    *, access, actor, full_name: str, document_number: str, phone: str
) -> Representative:
    """Name a person entitled to direct access to the client's equipment (annex 7 §4.5,
    SUP-05), with the number of the identity document they show at the door and a phone
    number. Needs the owner or a trusted user with the services scope (ACC-06)."""
    require_client_write(access)
    full_name = clean_text(full_name, "full_name", required=True, max_length=NAME_MAX)
    document_number = clean_text(
        document_number, "document_number", required=True, max_length=DOCUMENT_MAX
    )
    errors = FieldErrors()
    phone = clean_phone(phone, "phone", errors, country=access.client.country, required=True)
    errors.raise_if_any()
    representative = Representative(client=access.client)
    representative.full_name = full_name
    representative.document_number = document_number
    representative.phone = phone
    representative.save()
    audit("representative_added", actor=actor, obj=representative, client_id=access.client.pk)
    return representative


@transaction.atomic
def representative_remove(*, access, actor, representative: Representative) -> Representative:
    """End a representative's entitlement to access (annex 7 §4.6); their visits still
    requested are refused with it. The record stays for the access log."""
    require_client_write(access)
    locked = Representative.objects.select_for_update().get(
        pk=representative.pk, client=access.client
    )
    if locked.removed_at is not None:
        raise invalid("representative", "This representative was already removed.")
    now = timezone.now()
    Representative.objects.filter(pk=locked.pk).update(removed_at=now)
    VisitRequest.objects.filter(representative=locked, status=VisitStatus.REQUESTED).update(
        status=VisitStatus.REFUSED,
        decided_at=now,
        decision_note="The representative was removed from the list.",
    )
    audit("representative_removed", actor=actor, obj=locked, client_id=access.client.pk)
    return Representative.objects.get(pk=locked.pk)


@transaction.atomic
def visit_request_file(
    *,
    access,
    actor,
    representative: Representative,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str = "",
) -> VisitRequest:
    """Ask for a representative to visit the equipment in a window (annex 7 §4.2-4.3,
    SUP-05); staff approve or refuse it. The window lies in the future, ends after it starts
    and lasts at most a day; the representative is on the client's list."""
    require_client_write(access)
    if not isinstance(representative, Representative) or representative.client_id != (
        access.client.pk
    ):
        raise invalid("representative", "Choose one of your representatives.")
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    if representative.removed_at is not None:
        raise invalid("representative", "This representative was removed from your list.")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise invalid("starts_at", "Enter the start and end of the visit.")
    if starts_at <= timezone.now():
        raise invalid("starts_at", "The visit must start in the future.")
    if ends_at <= starts_at:
        raise invalid("ends_at", "The visit must end after it starts.")
    if ends_at - starts_at > VISIT_LONGEST:
        raise invalid("ends_at", "A visit lasts at most 24 hours; ask for another one.")
    purpose = clean_text(purpose, "purpose", required=False)
    visit = VisitRequest(
        client=access.client,
        representative=representative,
        starts_at=starts_at,
        ends_at=ends_at,
        requested_by=actor,
        created_at=timezone.now(),
    )
    visit.purpose = purpose
    visit.save()
    audit("visit_requested", actor=actor, obj=visit, client_id=access.client.pk)
    return visit


@transaction.atomic
def visit_decide(*, visit: VisitRequest, actor, approve: bool, note: str = "") -> VisitRequest:
    """Staff approve or refuse a requested visit (SUP-05); a refusal says why."""
    require_staff(actor)
    note = clean_text(note, "note", required=not approve, max_length=NOTE_MAX)
    locked = VisitRequest.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.REQUESTED:
        raise invalid("visit", f"The visit is {locked.get_status_display().lower()}.")
    status = VisitStatus.APPROVED if approve else VisitStatus.REFUSED
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note
    )
    audit(f"visit_{status}", actor=actor, obj=locked, client_id=locked.client_id)
    return VisitRequest.objects.get(pk=locked.pk)


@transaction.atomic
def access_entry_record(
    *, visit: VisitRequest, actor, entered_at: datetime | None = None
) -> AccessLogEntry:
    """Staff record that the representative of an approved visit entered the data centre,
    accompanied by them (annex 7 §4.2, §4.8; SUP-05). The representative must still be on
    the list and not already inside."""
    require_staff(actor)
    locked = VisitRequest.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.APPROVED:
        raise invalid("visit", "Only an approved visit may enter.")
    representative = Representative.objects.select_for_update().get(pk=locked.representative_id)
    if representative.removed_at is not None:
        raise invalid("visit", "The representative was removed from the client's list.")
    if AccessLogEntry.objects.filter(
        representative=representative, exited_at__isnull=True
    ).exists():
        raise invalid("visit", "The representative is already inside.")
    entry = AccessLogEntry.objects.create(
        client_id=locked.client_id,
        representative=representative,
        visit=locked,
        entered_at=entered_at or timezone.now(),
        escorted_by=actor,
    )
    audit("access_entered", actor=actor, obj=entry, client_id=locked.client_id)
    return entry


@transaction.atomic
def access_exit_record(
    *, entry: AccessLogEntry, actor, exited_at: datetime | None = None
) -> AccessLogEntry:
    """Staff record the representative's exit (annex 7 §4.8, SUP-05)."""
    require_staff(actor)
    locked = AccessLogEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.exited_at is not None:
        raise invalid("entry", "The exit is already recorded.")
    moment = exited_at or timezone.now()
    if moment < locked.entered_at:
        raise invalid("exited_at", "The exit cannot be before the entry.")
    AccessLogEntry.objects.filter(pk=locked.pk).update(exited_at=moment)
    audit("access_exited", actor=actor, obj=locked, client_id=locked.client_id)
    return AccessLogEntry.objects.get(pk=locked.pk)
