"""Every write of the domains app (DOM-01, DOM-02, DOM-03): a domain recorded with its order,
its contacts, what the registry answered, the keyed registry calls, and the days that pass
after an unrenewed expiry.

Nothing here calls a registry: the registrar module and the domain flows call the registrar
outside any transaction and store its answer here, each in a short transaction. The client
is told when its domain expires, leaves the zone, enters redemption or is deleted, once per
expiry date and stage (NTF-01).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.domains.contacts import ContactDetails, ContactPlan
from hostledger.domains.models import (
    AT_REGISTRY_STATUSES,
    Domain,
    DomainContact,
    DomainStatus,
    RegistryOperation,
    ZoneRule,
)
from hostledger.domains.names import DomainName
from hostledger.domains.registrars.interface import DomainInfo
from hostledger.notifications.actions import notification_enqueue
from hostledger.subscriptions.models import ServiceStatus

MESSAGE_MAX_CHARS = 2000
LOCK_STATUSES = frozenset(
    {"clientTransferProhibited", "clientDeleteProhibited", "clientUpdateProhibited"}
)
REDEMPTION_STATUSES = frozenset({"redemptionPeriod", "pendingRestore", "pendingDelete"})
HOLD_STATUSES = frozenset({"serverHold", "clientHold"})
STAGE_ORDER = {
    DomainStatus.REGISTERED: 0,
    DomainStatus.EXPIRED: 1,
    DomainStatus.GRACE: 2,
    DomainStatus.REDEMPTION: 3,
    DomainStatus.DELETED: 4,
}
STAGE_EVENTS = {
    DomainStatus.EXPIRED: "domain_expired",
    DomainStatus.GRACE: "domain_grace",
    DomainStatus.REDEMPTION: "domain_redemption",
    DomainStatus.DELETED: "domain_deleted",
}
"""The client's message when its domain reaches each stage after an unrenewed expiry."""


def audit(action: str, *, actor, domain: Domain, data: dict | None = None) -> None:
    record_audit_event(
        action=f"domains.{action}",
        actor=actor,
        obj=domain,
        subject_client_id=domain.client_id,
        data=data or {},
    )


# Orders -------------------------------------------------------------------------------------


def _contact_row(
    choice: DomainContact | ContactDetails, *, client, registrar_name: str, made: dict
) -> DomainContact:
    if isinstance(choice, DomainContact):
        return choice
    if choice in made:
        return made[choice]
    row = DomainContact.objects.create(
        client=client, registrar_name=registrar_name, **choice.as_fields()
    )
    made[choice] = row
    return row


@transaction.atomic
def domain_order_record(
    *,
    service,
    name: DomainName,
    rule: ZoneRule,
    years: int,
    plan: ContactPlan,
    is_transfer: bool = False,
    auth_code: str = "",
) -> Domain:
    """Record the domain a new order asks for, ``pending`` until its period is paid, with
    the contacts it is to be registered with (DOM-01, DOM-03). Runs in the order's
    transaction; the name is held by this row from now on (one live row per name)."""
    made: dict = {}
    registrant = _contact_row(
        plan.registrant, client=service.client, registrar_name=rule.registrar_name, made=made
    )
    admin = _contact_row(
        plan.admin, client=service.client, registrar_name=rule.registrar_name, made=made
    )
    try:
        with transaction.atomic():
            return Domain.objects.create(
                service=service,
                client=service.client,
                name_ascii=name.ascii,
                name_unicode=name.unicode,
                zone=rule.zone,
                registrar_name=rule.registrar_name,
                status=DomainStatus.PENDING,
                status_changed_at=timezone.now(),
                is_transfer=is_transfer,
                years=years,
                auth_code=auth_code,
                registrant=registrant,
                admin=admin,
                tech=admin,
            )
    except IntegrityError:
        raise DomainError(
            "domain_taken",
            _("host_name: %(unicode)s is already ordered.") % {"unicode": name.unicode},
            fields={"host_name": f"{name.unicode} is already registered or ordered here."},
        ) from None


def domain_claims_release(*, ascii_name: str) -> int:
    """Free a name held by domains never registered whose service has ended (an order
    withdrawn before payment): they become ``deleted``. Runs in the caller's transaction;
    returns how many were freed."""
    index = Domain._meta.get_field("name_index").index_of(ascii_name)
    return Domain.objects.filter(
        name_index=index,
        status=DomainStatus.PENDING,
        service__status=ServiceStatus.TERMINATED,
    ).update(status=DomainStatus.DELETED, status_changed_at=timezone.now())


# What the registry answered -----------------------------------------------------------------


@transaction.atomic
def domain_registration_started(*, domain: Domain) -> Domain:
    """The registrar module is about to send a ``pending`` domain to its registry: it is
    ``registering`` (``transferring`` for a transfer in) from now on (DOM-02)."""
    target = DomainStatus.TRANSFERRING if domain.is_transfer else DomainStatus.REGISTERING
    Domain.objects.filter(pk=domain.pk, status=DomainStatus.PENDING).update(
        status=target, status_changed_at=timezone.now()
    )
    domain.refresh_from_db()
    return domain


@transaction.atomic
def domain_contact_handle_set(*, contact: DomainContact, handle: str) -> DomainContact:
    """Store the registry's id of a contact just created there."""
    DomainContact.objects.filter(pk=contact.pk, handle="").update(handle=handle[:64])
    contact.refresh_from_db()
    return contact


def lapse_status(expires_on: date | None, today: date, rule: ZoneRule | None) -> str:
    """The stage of a domain ``today`` by the dates alone (DOM-02): registered until its
    expiry, then expired, grace and redemption for the zone rule's days each, then deleted."""
    if expires_on is None or expires_on >= today:
        return DomainStatus.REGISTERED
    days = (today - expires_on).days
    expired = rule.expired_days if rule else 0
    grace = rule.grace_days if rule else 30
    redemption = rule.redemption_days if rule else 30
    if days <= expired:
        return DomainStatus.EXPIRED
    if days <= expired + grace:
        return DomainStatus.GRACE
    if days <= expired + grace + redemption:
        return DomainStatus.REDEMPTION
    return DomainStatus.DELETED


def registry_status(domain: Domain, info: DomainInfo, *, today: date, rule) -> str:
    """The status of ``domain`` from what its registry says (DOM-02): the registry's own
    statuses win (pendingCreate, pendingTransfer, redemptionPeriod, serverHold, expired); the
    zone rule's days fill in only while the registry still holds the domain; a domain the
    registry no longer has is deleted — unless it never got there."""
    statuses = set(info.statuses)
    if not info.registered:
        if "pendingCreate" in statuses:
            return DomainStatus.REGISTERING
        if domain.status in (
            DomainStatus.PENDING,
            DomainStatus.REGISTERING,
            DomainStatus.TRANSFERRING,
        ):
            return domain.status
        return DomainStatus.DELETED
    if domain.status == DomainStatus.TRANSFERRING and (
        "pendingTransfer" in statuses or not info.auth_code
    ):
        return DomainStatus.TRANSFERRING
    if domain.status == DomainStatus.PENDING:
        return DomainStatus.PENDING
    if statuses & REDEMPTION_STATUSES:
        return DomainStatus.REDEMPTION
    by_dates = lapse_status(info.expires_on, today, rule)
    if by_dates == DomainStatus.REGISTERED:
        return DomainStatus.REGISTERED
    if by_dates == DomainStatus.DELETED:
        by_dates = DomainStatus.REDEMPTION  # the registry still holds it
    if statuses & HOLD_STATUSES and STAGE_ORDER[by_dates] < STAGE_ORDER[DomainStatus.GRACE]:
        return DomainStatus.GRACE
    return by_dates


def _tell_stage(domain: Domain, status: str, *, now: datetime) -> None:
    """Tell the client its domain reached ``status`` after an unrenewed expiry, once per
    expiry date and stage (NTF-01)."""
    event = STAGE_EVENTS.get(status)
    if event is None or domain.expires_on is None:
        return
    notification_enqueue(
        key=f"{event}:{domain.public_id}:{domain.expires_on.isoformat()}",
        client=domain.client,
        event=event,
        service=domain.service,
        on_date=domain.expires_on,
        now=now,
    )


@transaction.atomic
def domain_registry_state_store(
    *, domain: Domain, info: DomainInfo, today: date | None = None
) -> Domain:
    """Store what the registry says of ``domain`` (DOM-02): its expiry, creation date,
    statuses, name servers, lock, the transfer code the registry shows its sponsor, and the
    status that follows from them (:func:`registry_status`); the client is told when the
    domain reaches a stage after an unrenewed expiry."""
    now = timezone.now()
    today = today or timezone.localdate()
    locked = (
        Domain.objects.select_for_update(of=("self",))
        .select_related("client", "service")
        .get(pk=domain.pk)
    )
    rule = ZoneRule.objects.filter(zone=locked.zone).first()
    status = registry_status(locked, info, today=today, rule=rule)
    fields = {"checked_at": now}
    if info.registered:
        fields.update(
            registry_statuses=sorted(set(info.statuses)),
            name_servers=list(info.name_servers),
            locked=bool(set(info.statuses) & LOCK_STATUSES),
        )
        if info.expires_on is not None:
            fields["expires_on"] = info.expires_on
        if info.created_on is not None and locked.registered_on is None:
            fields["registered_on"] = info.created_on
        if info.auth_code and info.auth_code != locked.auth_code:
            fields["auth_code"] = info.auth_code
    elif status == DomainStatus.DELETED:
        fields["registry_statuses"] = []
    changed = status != locked.status
    if changed:
        fields.update(status=status, status_changed_at=now)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    if changed and (status in AT_REGISTRY_STATUSES or status == DomainStatus.DELETED):
        _tell_stage(locked, status, now=now)
    return locked


@transaction.atomic
def domain_release(*, domain: Domain) -> Domain:
    """The registry no longer holds ``domain`` for this client (deleted, transferred away,
    or never registered): it is ``deleted`` and its name free to order again; the client is
    told if the registry had held it (DOM-02)."""
    now = timezone.now()
    locked = (
        Domain.objects.select_for_update(of=("self",))
        .select_related("client", "service")
        .get(pk=domain.pk)
    )
    if locked.status == DomainStatus.DELETED:
        return locked
    was_at_registry = locked.status in AT_REGISTRY_STATUSES
    Domain.objects.filter(pk=locked.pk).update(
        status=DomainStatus.DELETED, status_changed_at=now, checked_at=now, updated_at=now
    )
    locked.refresh_from_db()
    if was_at_registry:
        _tell_stage(locked, DomainStatus.DELETED, now=now)
    return locked


# Keyed registry calls -----------------------------------------------------------------------


@transaction.atomic
def registry_operation_begin(
    *,
    domain: Domain,
    kind: str,
    key: str,
    current_expiry: date | None = None,
    years: int | None = None,
    actor=None,
) -> RegistryOperation:
    """The registry call ``key`` of ``domain``, recorded before it is made; the one recorded
    earlier when the same call is made again (a retry), with the expiry it started from, so
    a repeated renewal compares with the first attempt's expiry (DOM-02, habit 2)."""
    kind = RegistryOperation.Kind(kind)
    existing = RegistryOperation.objects.filter(domain=domain, key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return RegistryOperation.objects.create(
                domain=domain,
                kind=kind,
                key=key[:80],
                current_expiry=current_expiry,
                years=years,
                actor=actor,
            )
    except IntegrityError:
        return RegistryOperation.objects.get(domain=domain, key=key)


@transaction.atomic
def registry_operation_finish(
    *, operation: RegistryOperation, succeeded: bool, message: str = ""
) -> RegistryOperation:
    """Record how a registry call ended, with the registry's code and words on failure."""
    status = RegistryOperation.Status.DONE if succeeded else RegistryOperation.Status.FAILED
    RegistryOperation.objects.filter(pk=operation.pk).update(
        status=status, message=(message or "")[:MESSAGE_MAX_CHARS], finished_at=timezone.now()
    )
    operation.refresh_from_db()
    return operation


@transaction.atomic
def domain_auth_code_reveal(*, domain: Domain, actor) -> str:
    """The transfer code of ``domain`` for its client, each reveal in the audit trail (the
    code lets anyone move the domain away)."""
    if not domain.auth_code:
        raise DomainError(
            "no_auth_code",
            _("The registry has given no transfer code for this domain yet."),
            fields={"domain": "no transfer code"},
            status=409,
        )
    audit("auth_code_revealed", actor=actor, domain=domain)
    return domain.auth_code


# The days after an unrenewed expiry ---------------------------------------------------------


def _stage_moves(rule: ZoneRule, today: date) -> list[tuple[str, tuple[str, ...], date]]:
    """(target, statuses it moves from, expiry before which) for each stage of ``rule``,
    the latest stage first, so a domain jumps straight to where its dates put it."""
    expired = rule.expired_days
    grace = expired + rule.grace_days
    redemption = grace + rule.redemption_days
    moves = [
        (
            DomainStatus.DELETED,
            (
                DomainStatus.REGISTERED,
                DomainStatus.EXPIRED,
                DomainStatus.GRACE,
                DomainStatus.REDEMPTION,
            ),
            today - timedelta(days=redemption),
        )
    ]
    if rule.redemption_days:
        moves.append(
            (
                DomainStatus.REDEMPTION,
                (DomainStatus.REGISTERED, DomainStatus.EXPIRED, DomainStatus.GRACE),
                today - timedelta(days=grace),
            )
        )
    if rule.grace_days:
        moves.append(
            (
                DomainStatus.GRACE,
                (DomainStatus.REGISTERED, DomainStatus.EXPIRED),
                today - timedelta(days=expired),
            )
        )
    if rule.expired_days:
        moves.append((DomainStatus.EXPIRED, (DomainStatus.REGISTERED,), today))
    return moves


def domains_lapse(*, today: date, now: datetime | None = None) -> dict[str, int]:
    """Move the domains whose expiry passed unrenewed through expired → grace → redemption →
    deleted by their dates and their zone's days (DOM-02), forward only, and tell each client
    once per stage (NTF-01). Statuses the registry reports are stored by
    :func:`domain_registry_state_store` and win: the dates only ever move a domain on. A
    domain ordered but never registered whose service ended is released. Runs in the caller's
    transaction (the billing run's); a second call the same day moves nothing. Returns the
    counts moved per status."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in ZoneRule.objects.order_by("zone"):
        for target, sources, expired_before in _stage_moves(rule, today):
            moving = list(
                Domain.objects.filter(
                    zone=rule.zone, status__in=sources, expires_on__lt=expired_before
                )
                .select_related("client", "service")
                .order_by("id")
            )
            if not moving:
                continue
            Domain.objects.filter(pk__in=[domain.pk for domain in moving]).update(
                status=target, status_changed_at=now, updated_at=now
            )
            for domain in moving:
                _tell_stage(domain, target, now=now)
            counts[target] = counts.get(target, 0) + len(moving)
    released = Domain.objects.filter(
        status=DomainStatus.PENDING, service__status=ServiceStatus.TERMINATED
    ).update(status=DomainStatus.DELETED, status_changed_at=now, updated_at=now)
    if released:
        counts["released"] = released
    return counts
