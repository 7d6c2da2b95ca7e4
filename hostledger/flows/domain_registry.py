"""Keeping domains in step with their registries (DOM-02): the registries' poll messages, the
domains whose state may have moved on its own, and the start of a service whose registration
or transfer the registry held pending.

A registration (or a transfer in) the registry holds pending leaves the service's ``create``
call waiting; when a poll message or ``info`` shows the domain registered to us, the call is
closed and the service becomes active here — the domain counts as registered only when the
registry reports it so (annex 1 §2.1). Registry calls are made outside any transaction; what
they answer is stored by the domains actions, each in its own short transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.domains.actions import domain_registry_state_store
from hostledger.domains.models import AT_REGISTRY_STATUSES, Domain
from hostledger.domains.names import parse_name
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.domains.registrars.registry import get_registrar
from hostledger.domains.selectors import (
    domains_to_check,
    live_domain_named,
    registrar_names_in_use,
)
from hostledger.provisioning.actions import operation_finish_by_staff
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import Operation
from hostledger.subscriptions.actions import service_provisioned
from hostledger.subscriptions.models import ServiceStatus

logger = logging.getLogger("hostledger.domains")

CHECK_AGAIN_AFTER = timedelta(hours=6)
"""A domain whose state may move on its own is asked about again after this long: it bounds
how late a pending registration is noticed when the registry sends no poll message."""
CHECK_BATCH = 200


@dataclass
class RegistrySync:
    """What one pass did."""

    messages: int = 0
    checked: int = 0
    started: int = 0
    errors: int = 0


@transaction.atomic
def _waiting_create_finish(domain: Domain) -> bool:
    """Close the waiting ``create`` call of ``domain``'s service and make the service active,
    now that the registry reports the domain registered; False when there is none."""
    waiting = ProvisioningOperation.objects.filter(
        service=domain.service,
        operation=Operation.CREATE,
        status=ProvisioningOperation.Status.WAITING,
    ).first()
    if waiting is None:
        return False
    operation_finish_by_staff(
        service=domain.service,
        key=waiting.key,
        actor=None,
        message="The registry reports the domain registered.",
    )
    module_data = {"registrar": domain.registrar_name}
    if domain.expires_on is not None:
        module_data["expires_on"] = domain.expires_on.isoformat()
    service_provisioned(
        service=domain.service, module_service_id=domain.public_id, module_data=module_data
    )
    return True


def domain_refresh(domain: Domain, *, registrar=None) -> Domain:
    """Ask the registry about ``domain``, store the answer, and start its service if the
    registration it waited for is now reported (DOM-02). RegistrarError passes through."""
    registrar = registrar or get_registrar(domain.registrar_name)
    domain = domain_registry_state_store(domain=domain, info=registrar.info(domain.name_ascii))
    if domain.status in AT_REGISTRY_STATUSES and domain.service.status in (
        ServiceStatus.PROVISIONING,
        ServiceStatus.TRIAL,
    ):
        _waiting_create_finish(domain)
    return domain


def registry_sync(*, now: datetime | None = None) -> RegistrySync:
    """Read every registrar's poll queue and refresh the domains its messages name, then
    refresh the domains whose state may have moved on its own (a pending registration or
    transfer, an expiry passed) and were not asked about for ``CHECK_AGAIN_AFTER``."""
    now = now or timezone.now()
    report = RegistrySync()
    refreshed: set[int] = set()
    for name in registrar_names_in_use():
        try:
            registrar = get_registrar(name)
            messages = registrar.poll()
        except (DomainError, RegistrarError) as error:
            logger.info("Registrar %s not polled: %s", name, getattr(error, "message", error))
            continue
        for message in messages:
            report.messages += 1
            domain = _named(message.domain)
            if domain is None or domain.pk in refreshed:
                continue
            refreshed.add(domain.pk)
            if _refresh(domain, report, registrar=registrar):
                report.checked += 1
    for domain in domains_to_check(checked_before=now - CHECK_AGAIN_AFTER, limit=CHECK_BATCH):
        if domain.pk in refreshed:
            continue
        refreshed.add(domain.pk)
        if _refresh(domain, report):
            report.checked += 1
    return report


def _named(name: str) -> Domain | None:
    if not name:
        return None
    try:
        return live_domain_named(parse_name(name).ascii)
    except DomainError:
        return None


def _refresh(domain: Domain, report: RegistrySync, *, registrar=None) -> bool:
    was_started = domain.service.status == ServiceStatus.ACTIVE
    try:
        domain = domain_refresh(domain, registrar=registrar)
    except (DomainError, RegistrarError) as error:
        report.errors += 1
        logger.warning(
            "Domain %s not refreshed: %s", domain.public_id, getattr(error, "message", error)
        )
        return False
    domain.service.refresh_from_db(fields=["status"])
    if not was_started and domain.service.status == ServiceStatus.ACTIVE:
        report.started += 1
    return True
