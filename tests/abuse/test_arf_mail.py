"""Abuse reports by mail (ABU-01): ARF feedback reports (RFC 5965, RFC 6591) from published
samples (tests/data/abuse/README.md), plain complaints, and malformed or hostile mail, each
with a clear outcome: a case, with nothing the reporter sent lost."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from hostledger.abuse.arf import read_abuse_mail
from hostledger.abuse.models import AbuseCase, AbuseEvidence, Category, Source
from hostledger.flows.abuse_mail import abuse_mail_receive

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "abuse"


def sample(name: str) -> EmailMessage:
    return email.message_from_bytes((SAMPLES / name).read_bytes(), policy=email.policy.default)


def parsed(raw: str) -> EmailMessage:
    return email.message_from_string(raw, policy=email.policy.default)


def test_rfc_5965_minimal_report_is_read__ABU_01():
    report = read_abuse_mail(sample("mail-auth-arf-001.eml"))
    assert report.is_arf
    assert report.problems == []
    assert report.feedback_type == "abuse"
    assert report.category == Category.SPAM
    assert report.reporter_email == "abusedesk@example.com"
    assert report.subject == "FW: Earn money"
    assert ("User-Agent", "SomeGenerator/1.0") in report.feedback_fields
    assert "Spam Spam Spam" in report.original
    assert "192.0.2.1" in report.ip_addresses
    assert "example.net" in report.host_names


def test_rfc_5965_full_report_fields_and_targets__ABU_01():
    report = read_abuse_mail(sample("mail-auth-arf-002.eml"))
    assert report.is_arf and report.problems == []
    fields = dict(report.feedback_fields)
    assert fields["Source-IP"] == "192.0.2.1"
    assert fields["Original-Rcpt-To"] == "<user@example.com>"
    assert fields["Reported-Domain"] == "example.net"
    assert report.ip_addresses[0] == "192.0.2.1"
    assert report.host_names[0] == "example.net"
    assert "Reported-Uri: http://example.net/earn_money.html" in report.feedback_text()


@pytest.mark.parametrize(
    ("name", "ip", "domain"),
    [
        ("mail-auth-arf-003.eml", "192.0.2.1", "example.net"),
        ("mail-auth-arf-004.eml", "148.163.85.135", "interpublication.org"),
        ("mail-auth-arf-005.eml", "192.0.2.1", "a.sender.example"),
    ],
)
def test_auth_failure_reports_are_security_cases__ABU_01(name, ip, domain):
    report = read_abuse_mail(sample(name))
    assert report.is_arf, report.problems
    assert report.feedback_type == "auth-failure"
    assert report.category == Category.SECURITY_THREAT
    assert report.ip_addresses[0] == ip
    assert report.host_names[0] == domain
    assert report.original, "the original message or its headers are kept"


def test_an_arf_mail_opens_one_case_with_its_evidence__ABU_01(db):
    outcome = abuse_mail_receive(message=sample("mail-auth-arf-002.eml"))
    case = outcome.case
    assert outcome.created and outcome.is_arf
    assert case.source == Source.MAIL
    assert case.category == Category.SPAM
    assert case.reported_ip == "192.0.2.1"
    assert case.reported_domain == "example.net"
    assert case.reporter.email == "abusedesk@example.com"
    kinds = list(case.evidence.values_list("kind", flat=True))
    assert kinds.count(AbuseEvidence.Kind.FEEDBACK_REPORT) == 1
    texts = [item.text for item in case.evidence.all()]
    assert any("This is an email abuse report" in text for text in texts)
    assert any("Spam Spam Spam" in text for text in texts)


def test_the_same_report_twice_opens_one_case__ABU_01(db):
    message = sample("mail-auth-arf-005.eml")
    first = abuse_mail_receive(message=message)
    second = abuse_mail_receive(message=message)
    assert first.created and not second.created
    assert first.case.pk == second.case.pk
    assert AbuseCase.objects.count() == 1


def test_a_plain_complaint_is_categorised_by_its_words__ABU_01(db):
    message = EmailMessage()
    message["From"] = "Rights Office <legal@rights.example>"
    message["Subject"] = "Copyright infringement on your network"
    message["Message-ID"] = "<claim-1@rights.example>"
    message.set_content(
        "Our photographs are published without licence at https://photos.shop.example.com/a"
    )
    outcome = abuse_mail_receive(message=message)
    assert not outcome.is_arf
    assert outcome.case.category == Category.THIRD_PARTY_CLAIM
    assert outcome.case.reported_domain == "photos.shop.example.com"
    assert outcome.case.reporter.name == "Rights Office"


MISSING_FEEDBACK_PART = """From: reporter@isp.example
Subject: complaint
Message-ID: <broken-1@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b"

--b
Content-Type: text/plain

Spam from 198.51.100.7, see attached.

--b
Content-Type: message/rfc822

From: spammer@bad.example
Subject: buy now

cheap
--b--
"""

MISSING_REQUIRED_FIELDS = """From: reporter@isp.example
Subject: complaint
Message-ID: <broken-2@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b"

--b
Content-Type: text/plain

Report.

--b
Content-Type: message/feedback-report

Source-IP: 198.51.100.7

--b--
"""

NOT_MULTIPART = """From: reporter@isp.example
Subject: complaint
Message-ID: <broken-3@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report

no boundary at all, 198.51.100.7
"""

BROKEN_BOUNDARY = """From: reporter@isp.example
Subject: complaint
Message-ID: <broken-4@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="never-used"

--other
Content-Type: message/feedback-report

Feedback-Type: abuse
--other
"""


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (MISSING_FEEDBACK_PART, "no message/feedback-report part"),
        (MISSING_REQUIRED_FIELDS, "Feedback-Type, User-Agent, Version"),
        (NOT_MULTIPART, "not multipart"),
        (BROKEN_BOUNDARY, "ARF report is malformed"),
    ],
)
def test_a_malformed_arf_report_still_opens_a_case_with_the_reason__ABU_01(raw, problem, db):
    outcome = abuse_mail_receive(message=parsed(raw))
    assert outcome.created and not outcome.is_arf
    assert any(problem in item for item in outcome.problems), outcome.problems
    case = outcome.case
    received = case.events.get(kind="received")
    assert problem in received.note or "malformed" in received.note
    assert case.evidence.exists(), "what the reporter sent is kept"


def test_an_empty_mail_opens_a_case_saying_so__ABU_01(db):
    message = EmailMessage()
    message["From"] = "not an address"
    outcome = abuse_mail_receive(message=message)
    assert outcome.created
    assert outcome.case.reporter is None
    assert "no readable text" in outcome.case.events.get(kind="received").note


def test_script_in_a_mailed_report_is_kept_as_text__ABU_01(db):
    message = EmailMessage()
    message["From"] = "x@isp.example"
    message["Subject"] = "<script>alert('subject')</script>"
    message.set_content("<img src=x onerror=alert(1)> spam", subtype="html")
    case = abuse_mail_receive(message=message).case
    assert case.subject == "<script>alert('subject')</script>"
    assert "<img src=x onerror=alert(1)>" in case.evidence.first().text
