"""A push of a zone that PowerDNS did not take is retried with backoff, shown to staff when
it fails, and sent again by staff; the zone and PowerDNS never drift apart silently (PRV-02,
DOM-04)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hostledger.core.errors import PermissionDenied
from hostledger.core.registry import provider_setting_change
from hostledger.dns import actions, selectors
from hostledger.dns.models import PushStatus, ZonePush
from tests.dns.conftest import unique_domain
from tests.dns.pdns import API_KEY


@pytest.fixture
def zone(powerdns, access, hosting_service, run_hooks):
    return run_hooks(
        actions.zone_create,
        service=hosting_service,
        name=unique_domain("push"),
        actor=access.user,
        access=access,
    )


def add(run_hooks, zone, access, name, content):
    return run_hooks(
        actions.record_create,
        zone=zone,
        actor=access.user,
        access=access,
        name=name,
        record_type="A",
        content=content,
    )


def test_a_timed_out_push_is_retried_by_the_sweep_and_then_served__PRV_02(
    powerdns, pdns_proxy, zone, access, run_hooks
):
    pdns_proxy.hold_next()
    add(run_hooks, zone, access, "late", "192.0.2.40")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    assert push.status == PushStatus.RETRYING and push.retry_can_help
    assert "did not answer" in push.message
    assert push in selectors.pushes_needing_staff()
    assert powerdns.answer(f"late.{zone.name}", "A") == []
    zone.refresh_from_db()
    assert not zone.is_published

    assert run_hooks(actions.zone_pushes_sweep) == 0  # not due yet
    later = timezone.now() + timedelta(hours=2)
    assert run_hooks(actions.zone_pushes_sweep, now=later) == 1
    push.refresh_from_db()
    assert push.status == PushStatus.DONE
    assert powerdns.answer(f"late.{zone.name}", "A") == ["192.0.2.40"]
    zone.refresh_from_db()
    assert zone.is_published


def test_a_refused_push_fails_for_staff_who_send_it_again__PRV_02(
    powerdns, zone, access, staff, staff_without_permission, run_hooks, monkeypatch
):
    monkeypatch.setenv("HOSTLEDGER_POWERDNS_API_KEY", "a-wrong-key")
    add(run_hooks, zone, access, "api", "192.0.2.41")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    assert push.status == PushStatus.FAILED and not push.retry_can_help
    assert "401" in push.message
    assert list(selectors.pushes_needing_staff()) == [push]

    with pytest.raises(PermissionDenied):
        actions.zone_push_retry(push=push, actor=staff_without_permission)
    monkeypatch.undo()
    monkeypatch.setenv("HOSTLEDGER_POWERDNS_API_KEY", API_KEY)
    run_hooks(actions.zone_push_retry, push=push, actor=staff)
    push.refresh_from_db()
    assert (push.status, push.retried_by) == (PushStatus.DONE, staff)
    assert powerdns.answer(f"api.{zone.name}", "A") == ["192.0.2.41"]
    assert list(selectors.pushes_needing_staff()) == []


def test_attempts_run_out_into_failed__PRV_02(pdns_proxy, zone, access, run_hooks):
    provider_setting_change(key="provisioning.max_attempts", raw_value=1)
    pdns_proxy.hold_next()
    add(run_hooks, zone, access, "www", "192.0.2.42")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    assert (push.status, push.attempts) == (PushStatus.FAILED, 1)


def test_an_older_push_is_superseded_by_a_later_change__PRV_02(
    powerdns, zone, access, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        actions.record_create(
            zone=zone,
            actor=access.user,
            access=access,
            name="a",
            record_type="A",
            content="192.0.2.50",
        )
        actions.record_create(
            zone=zone,
            actor=access.user,
            access=access,
            name="b",
            record_type="A",
            content="192.0.2.51",
        )
    older, newer = ZonePush.objects.filter(zone=zone).order_by("serial")[1:]
    assert actions.zone_push_run(push_id=older.pk).status == PushStatus.SUPERSEDED
    assert actions.zone_push_run(push_id=newer.pk).status == PushStatus.DONE
    assert powerdns.answer(f"a.{zone.name}", "A") == ["192.0.2.50"]
    assert powerdns.answer(f"b.{zone.name}", "A") == ["192.0.2.51"]
