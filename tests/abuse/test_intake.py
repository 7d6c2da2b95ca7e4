"""Opening abuse cases from the public form and by staff (ABU-01): category, evidence files
by content hash with size and type limits read from the bytes, the per-address hourly limit
with only a keyed hash of the address stored, reporters' details encrypted and erased on
request and after retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from hostledger.abuse.actions import (
    abuse_case_answer,
    abuse_case_dismiss,
    abuse_case_notify,
    abuse_reporter_erase,
)
from hostledger.abuse.deadlines import abuse_deadlines_run
from hostledger.abuse.intake import EvidenceFile, abuse_case_open, abuse_report_submit
from hostledger.abuse.models import (
    AbuseCase,
    AbuseEvidence,
    AbuseIntakeAttempt,
    AbuseReporter,
    Category,
    Source,
)
from hostledger.abuse.selectors import staff_case_queue
from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from tests.abuse.conftest import local

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _submit(address="203.0.113.9", **overrides):
    values = {
        "address": address,
        "category": Category.SPAM,
        "text": "Spam from your network.",
        "reporter_name": "Mari Maasikas",
        "reporter_email": "Mari@Example.org",
        "reported_domain": "shop.example.com",
    }
    values.update(overrides)
    return abuse_report_submit(**values)


def test_public_report_finds_the_service_by_host_name__ABU_01(hosted_service):
    case = _submit()
    assert case.source == Source.FORM
    assert case.client_id == hosted_service.client_id
    assert case.reporter.email == "mari@example.org"
    assert case.services.get().matched_by == "host_name"


def test_public_reports_are_limited_per_address_and_the_address_is_hashed__ABU_01(db):
    provider_setting_change(
        key="abuse.intake_reports_per_hour", raw_value="2", actor=None, reason="test"
    )
    _submit()
    _submit()
    with pytest.raises(DomainError) as refused:
        _submit()
    assert (refused.value.code, refused.value.status) == ("throttled", 429)
    assert AbuseCase.objects.count() == 2
    _submit(address="203.0.113.10")
    assert AbuseCase.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT address_hash FROM abuse_abuseintakeattempt")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("203.0.113" not in value for value in stored)


def test_the_limit_window_is_an_hour__ABU_01(db, time_machine):
    provider_setting_change(
        key="abuse.intake_reports_per_hour", raw_value="1", actor=None, reason="test"
    )
    start = local(2027, 3, 2, 10)
    _submit(now=start)
    with pytest.raises(DomainError):
        _submit(now=start + timedelta(minutes=59))
    _submit(now=start + timedelta(minutes=61))
    abuse_deadlines_run(now=start + timedelta(days=2))
    assert AbuseIntakeAttempt.objects.count() == 0


def test_reporter_details_are_encrypted_at_rest__ABU_01(db):
    _submit()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email FROM abuse_abusereporter")
        name, address = cursor.fetchone()
    assert "Maasikas" not in name and "example.org" not in address


def test_evidence_files_are_stored_once_by_content_hash__ABU_01(db):
    case = _submit(files=[EvidenceFile("a.png", PNG), EvidenceFile("copy.png", PNG)])
    files = AbuseEvidence.objects.filter(case=case, kind="file")
    assert files.count() == 1
    assert files.get().media_type == "image/png"
    assert len(files.get().sha256) == 64


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 a program named like a picture", "file_type_refused"),
        (b"\x00\x01\x02binary", "file_type_refused"),
        (b"x" * (6 * 1024 * 1024), "file_too_large"),
    ],
)
def test_lying_or_oversized_files_are_refused_and_nothing_written__ABU_01(content, code, db):
    with pytest.raises(DomainError) as refused:
        _submit(files=[EvidenceFile("photo.png", content)])
    assert refused.value.code == code
    assert "files" in refused.value.fields
    assert AbuseCase.objects.count() == 0
    assert AbuseIntakeAttempt.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"reporter_email": "not-an-address"}, "reporter_email"),
        ({"reported_ip": "999.1.1.1"}, "reported_ip"),
        ({"text": "   "}, "text"),
        ({"text": ["a list"]}, "text"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing__ABU_01(overrides, field, db):
    with pytest.raises(DomainError) as refused:
        _submit(**overrides)
    assert field in refused.value.fields
    assert AbuseCase.objects.count() == 0


def test_long_text_is_cut_and_the_cut_recorded__ABU_01(db):
    provider_setting_change(
        key="abuse.report_text_max_chars", raw_value="1000", actor=None, reason="test"
    )
    case = _submit(text="A" * 5000)
    evidence = case.evidence.get(kind="text")
    assert len(evidence.text) == 1000 and evidence.truncated


def test_a_reporter_is_erased_on_request_and_the_case_kept__ABU_01(abuse_staff):
    case = _submit()
    assert abuse_reporter_erase(email="MARI@example.org", actor=abuse_staff) == 1
    reporter = AbuseReporter.objects.get(pk=case.reporter_id)
    assert (reporter.name, reporter.email, reporter.email_index) == ("", "", "")
    assert reporter.erased_at is not None
    assert AbuseCase.objects.filter(pk=case.pk).exists()


def test_reporters_are_erased_after_retention_once_their_case_closed__ABU_01(abuse_staff):
    opened = local(2027, 3, 2, 10)
    case = abuse_case_open(
        source=Source.STAFF,
        category=Category.SPAM,
        text="x",
        reporter_name="Kept Reporter",
        reporter_email="kept@example.org",
        now=opened,
    )
    abuse_deadlines_run(now=opened + timedelta(days=800))
    assert AbuseReporter.objects.get(pk=case.reporter_id).email == "kept@example.org"
    abuse_case_dismiss(case=case, actor=abuse_staff, note="Not our network.", now=opened)
    abuse_deadlines_run(now=opened + timedelta(days=729))
    assert AbuseReporter.objects.get(pk=case.reporter_id).email == "kept@example.org"
    counts = abuse_deadlines_run(now=opened + timedelta(days=731))
    assert counts.reporters_erased == 1
    assert AbuseReporter.objects.get(pk=case.reporter_id).email == ""


def test_the_staff_queue_orders_open_cases_by_their_next_deadline__ABU_01(
    hosted_service, abuse_staff
):
    start = local(2027, 3, 2, 9)

    def case(category, at):
        return abuse_case_open(
            source=Source.STAFF,
            category=category,
            text="x",
            host_names=["shop.example.com"],
            now=at,
        )

    new = case(Category.SPAM, start + timedelta(hours=5))
    spam = abuse_case_notify(case=case(Category.SPAM, start), actor=abuse_staff, now=start)
    overuse = abuse_case_notify(
        case=case(Category.RESOURCE_OVERUSE, start), actor=abuse_staff, now=start
    )
    claimed = abuse_case_notify(case=case(Category.SPAM, start), actor=abuse_staff, now=start)
    abuse_case_answer(
        case=claimed,
        client=hosted_service.client,
        author=hosted_service.client.owner,
        text="Fixed.",
        remedied=True,
        now=start + timedelta(hours=1),
    )
    order = [item.pk for item in staff_case_queue()]
    # new: arrived at 14:00; overuse: suspension at 09:00 the next day (24 h); claimed: lift
    # by 10:00 the next day; spam: suspension three days on (72 h).
    assert order == [new.pk, overuse.pk, claimed.pk, spam.pk]
