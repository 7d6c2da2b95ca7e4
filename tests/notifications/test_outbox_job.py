"""The outbox job: registered to run every minute (a provider setting) and doing both steps
(NTF-02)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from hostledger.core.jobs import JobContext, get_job
from hostledger.core.models import JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.models import Delivery
from tests.notifications.conftest import NOW, make_client


@pytest.mark.django_db
def test_the_outbox_job_fans_out_and_sends_at_the_set_interval__NTF_02():
    job = get_job("notifications.outbox")
    assert job.interval() == timedelta(minutes=1)
    provider_setting_change(key="notifications.outbox_interval_seconds", raw_value="30")
    assert job.interval() == timedelta(seconds=30)

    client = make_client()
    notification_enqueue(key="trial:job", client=client, event="trial_ended")
    run = JobContext(JobRun.objects.create(job_name=job.name, status="running"), now=NOW)
    job.function(run)

    assert run.counts == {
        "fanned_out": 1,
        "sent": 1,
        "retrying": 0,
        "failed": 0,
        "skipped": 0,
        "interrupted": 0,
        "lost_claims": 0,
    }
    assert Delivery.objects.get().state == "sent"
    assert len(mail.outbox) == 1
