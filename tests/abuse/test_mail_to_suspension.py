"""An abuse report by mail becomes a case about the right service; after staff notify the
client and the deadline passes, the service is suspended and the client gets the suspension
notice (ABU-01, ABU-02; the acceptance journey of issue 13)."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

from hostledger.abuse.actions import abuse_case_notify
from hostledger.abuse.models import CaseStatus
from hostledger.flows.abuse_mail import abuse_mail_receive
from hostledger.notifications.models import Notification
from hostledger.subscriptions.models import ServiceStatus
from tests.abuse.conftest import local

ARF = """From: Feedback Loop <fbl@mailbox.example>
To: abuse@provider.example
Subject: FW: Cheap watches
Message-ID: <fbl-42@mailbox.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="arf"

--arf
Content-Type: text/plain; charset="utf-8"

This is an email abuse report for a message received from 203.0.113.5.

--arf
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/2.0
Version: 1
Source-IP: 203.0.113.5
Original-Rcpt-To: <victim@mailbox.example>
Reported-Domain: mail.shop.example.com

--arf
Content-Type: message/rfc822

From: offers@mail.shop.example.com
To: victim@mailbox.example
Subject: Cheap watches

Buy now.
--arf--
"""


def test_mailed_report_to_suspension_notice__ABU_01_ABU_02(
    hosted_service, abuse_staff, deadlines_at, time_machine
):
    arrived = local(2027, 3, 3, 9)
    time_machine.move_to(arrived, tick=False)
    message = email.message_from_string(ARF, policy=email.policy.default)
    outcome = abuse_mail_receive(message=message)
    case = outcome.case
    assert outcome.is_arf
    assert case.client_id == hosted_service.client_id
    assert case.services.get().service_id == hosted_service.pk

    notified = arrived + timedelta(hours=1)
    abuse_case_notify(case=case, actor=abuse_staff, now=notified)
    deadlines_at(notified + timedelta(hours=72))
    hosted_service.refresh_from_db()
    case.refresh_from_db()
    assert hosted_service.status == ServiceStatus.SUSPENDED
    assert case.status == CaseStatus.SUSPENDED
    notice = Notification.objects.get(key=f"abuse_services_suspended:{case.public_id}")
    assert notice.client_id == hosted_service.client_id
    assert notice.context["case_id"] == case.public_id
