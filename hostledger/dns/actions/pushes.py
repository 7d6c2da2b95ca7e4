"""Sending zones to PowerDNS after the change commits, retrying what failed (DOM-04, PRV-02).

Every change of a zone raises its serial and queues a :class:`ZonePush` for that serial in
the same transaction, with its task (the database task backend stores the task in that
transaction too, so a rolled-back change pushes nothing and a committed one cannot lose its
push). The task sends the zone's whole state — SOA, NS and every record — with one PATCH that
replaces the zone's RRsets and deletes those it no longer has, so a push delivered twice, or
retried after a timeout, leaves PowerDNS as one push would. A push whose zone has moved on is
superseded by the later one; a push that found the zone changed while it was sending sends
again. Temporary failures are retried with the doubling delays of the provisioning settings;
failed pushes are listed for staff, who may send them again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.fields import for_subject_of
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.core.registry import setting_value
from hostledger.dns.actions._common import audit, authorise
from hostledger.dns.models import PushStatus, Record, Zone, ZonePush, ZoneStatus
from hostledger.dns.rrsets import account_of, wanted_rrsets
from hostledger.dns.tasks import run_zone_push
from hostledger.provisioning import conf as provisioning_conf
from hostledger.provisioning.actions import retry_delay
from hostledger.provisioning.modules.interface import ModuleError
from hostledger.provisioning.modules.powerdns.client import PowerDnsClient, ZoneDefaults

logger = logging.getLogger("hostledger.dns")

MESSAGE_MAX_CHARS = 2000
SEND_ROUNDS = 3
"""How often one push sends again when the zone changed while it was being sent."""


def _hand_to_worker(push_id: int) -> None:
    enqueue_in_transaction(
        run_zone_push,
        push_id,
        work=lambda: ZonePush.objects.filter(pk=push_id).update(handed_to_worker_at=timezone.now()),
    )


def zone_push_queue(*, zone: Zone) -> ZonePush:
    """Queue the push of ``zone`` at its current serial, in the caller's transaction; the same
    (zone, serial) is queued once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A zone push is queued inside the transaction of the change.")
    existing = ZonePush.objects.filter(zone=zone, serial=zone.serial).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            push = ZonePush.objects.create(zone=zone, serial=zone.serial)
    except IntegrityError:
        return ZonePush.objects.get(zone=zone, serial=zone.serial)
    _hand_to_worker(push.pk)
    return push


def _snapshot(zone_id: int) -> tuple[Zone, list[Record]]:
    with transaction.atomic():
        zone = Zone.objects.select_related("service").get(pk=zone_id)
        return zone, list(zone.records.order_by("id"))


def _send(zone_id: int) -> int:
    """Make PowerDNS hold the zone as stored; return the serial sent."""
    for _round in range(SEND_ROUNDS):
        zone, records = _snapshot(zone_id)
        client = PowerDnsClient()
        if zone.status == ZoneStatus.REMOVED:
            client.zone_delete(zone.name)
        else:
            defaults = ZoneDefaults.from_settings()
            client.zone_ensure(
                zone.name, account=account_of(zone), defaults=defaults, serial=zone.serial
            )
            client.rrsets_sync(zone.name, wanted_rrsets(zone, records, defaults))
        latest = Zone.objects.filter(pk=zone_id).values_list("serial", flat=True).first()
        if latest == zone.serial:
            break
    return zone.serial


def zone_push_run(*, push_id: int) -> ZonePush | None:
    """Send one queued push (PRV-02). Claimed with a conditional UPDATE, so a task delivered
    twice sends once; None when there was nothing to claim."""
    claimed = ZonePush.objects.filter(pk=push_id, status=PushStatus.QUEUED).update(
        status=PushStatus.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return None
    push = ZonePush.objects.select_related("zone").get(pk=push_id)
    if push.zone.serial > push.serial:
        return _finish(push, status=PushStatus.SUPERSEDED, message="A later change is sent.")
    try:
        sent = _send(push.zone_id)
    except ModuleError as error:
        return _failed(push, error.message, retry_can_help=error.retry_can_help)
    except Exception as error:  # an unexpected fault: may well pass
        logger.exception("Push %s of a DNS zone failed.", push.public_id)
        return _failed(push, f"{type(error).__name__}: {error}", retry_can_help=True)
    return _published(push, sent)


def _finish(push: ZonePush, *, status: str, message: str = "", **fields) -> ZonePush:
    now = timezone.now()
    ZonePush.objects.filter(pk=push.pk).update(
        status=status,
        message=for_subject_of(push, message[:MESSAGE_MAX_CHARS]),
        finished_at=now if status != PushStatus.RETRYING else None,
        updated_at=now,
        **fields,
    )
    push.refresh_from_db()
    return push


@transaction.atomic
def _published(push: ZonePush, sent_serial: int) -> ZonePush:
    Zone.objects.filter(pk=push.zone_id, published_serial__lt=sent_serial).update(
        published_serial=sent_serial
    )
    ZonePush.objects.filter(
        zone_id=push.zone_id,
        serial__lte=sent_serial,
        status__in=(PushStatus.QUEUED, PushStatus.RETRYING, PushStatus.FAILED),
    ).exclude(pk=push.pk).update(
        status=PushStatus.SUPERSEDED, next_attempt_at=None, updated_at=timezone.now()
    )
    return _finish(push, status=PushStatus.DONE, retry_can_help=False, next_attempt_at=None)


@transaction.atomic
def _failed(push: ZonePush, message: str, *, retry_can_help: bool) -> ZonePush:
    if retry_can_help and push.attempts < setting_value(provisioning_conf.MAX_ATTEMPTS):
        return _finish(
            push,
            status=PushStatus.RETRYING,
            message=message,
            retry_can_help=True,
            next_attempt_at=timezone.now() + retry_delay(push.attempts),
        )
    logger.warning("Push %s of a DNS zone failed.", push.public_id)
    return _finish(
        push,
        status=PushStatus.FAILED,
        message=message,
        retry_can_help=retry_can_help,
        next_attempt_at=None,
    )


@transaction.atomic
def zone_push_retry(*, push: ZonePush, actor) -> ZonePush:
    """Staff send a failed push again, with a fresh count of attempts (PRV-02). Needs
    ``services.manage``."""
    authorise(access=None, actor=actor, client=None)
    locked = ZonePush.objects.select_for_update().filter(pk=push.pk).first()
    if locked is None or locked.status not in (PushStatus.FAILED, PushStatus.RETRYING):
        raise DomainError(
            "push_not_failed",
            _("push: only a failed push is sent again."),
            fields={"push": "not failed"},
            status=409,
        )
    ZonePush.objects.filter(pk=locked.pk).update(
        status=PushStatus.QUEUED,
        attempts=0,
        next_attempt_at=None,
        finished_at=None,
        retried_by=actor,
    )
    audit(
        "push_retried",
        actor=actor,
        obj=locked,
        client_id=locked.zone.client_id,
        data={"zone": locked.zone.public_id, "serial": locked.serial},
    )
    _hand_to_worker(locked.pk)
    locked.refresh_from_db()
    return locked


def zone_pushes_sweep(*, now: datetime | None = None) -> int:
    """Hand to a worker every push due for a retry and every push whose task seems lost
    (queued or running without news for ``provisioning.stale_queued_minutes``); return how
    many were handed over (PRV-02). Safe to run twice: a push is claimed once."""
    now = now or timezone.now()
    stale_before = now - timedelta(minutes=setting_value(provisioning_conf.STALE_QUEUED_MINUTES))
    lost = Q(handed_to_worker_at__lt=stale_before) | Q(
        handed_to_worker_at__isnull=True, updated_at__lt=stale_before
    )
    due = Q(status=PushStatus.RETRYING, next_attempt_at__lte=now) | (
        Q(status__in=(PushStatus.QUEUED, PushStatus.RUNNING)) & lost
    )
    handed = 0
    for push_id in ZonePush.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            moved = (
                ZonePush.objects.filter(pk=push_id)
                .filter(due)
                .update(status=PushStatus.QUEUED, next_attempt_at=None, handed_to_worker_at=now)
            )
            if moved:
                _hand_to_worker(push_id)
                handed += 1
    return handed
