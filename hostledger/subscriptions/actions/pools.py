"""Servers inside a cloud data-center pool (ORD-05, seed 003 annex 5 §2.2).

A cloud service is a pool of CPU, memory and disk (the tariff's ``cpu``, ``ram_gb`` and
``disk_gb``, stored on the service when it was ordered). The client creates any number of
servers in it; the sums of the live servers' resources never exceed the pool. Every change
locks the pool's service row first, so concurrent requests are checked one after the other
and cannot together overrun the pool.

Where the pool's provisioning module builds pool servers itself (a module with
``builds_pool_servers``, such as ``libvirt``), each change also queues that module's call on
the pool's service, in the same transaction as the change: ``create``, ``change_plan`` or
``terminate`` with ``changes["pool_server"]`` naming the server. The call's key
(``pool:<server id>:create``, ``…:resize:<random>``, ``…:delete``) makes a retried job build
once. A pool run by hand (the ``manual`` module) queues nothing; staff build its servers.
"""

from __future__ import annotations

import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.models import FamilyCode, OsImage
from hostledger.catalog.selectors import check_os_image_offered
from hostledger.core.errors import DomainError
from hostledger.provisioning.actions import (
    operations_close_open_with_key_prefix,
    provisioning_operation_queue,
)
from hostledger.provisioning.modules.interface import Operation
from hostledger.provisioning.modules.registry import get_module, module_names
from hostledger.subscriptions.models import RESOURCE_NAMES, PoolServer, Service, ServiceStatus
from hostledger.subscriptions.selectors import pool_capacity, pool_used

from ._common import audit, locked_service

SERVER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESOURCE_LABELS = {"cpu": "vCPU", "ram_gb": "GB of memory", "disk_gb": "GB of disk"}


def _clean_resources(values: dict, errors: FieldErrors, *, required: bool) -> dict[str, int]:
    cleaned = {}
    for name in RESOURCE_NAMES:
        value = values.get(name)
        if value is None and not required:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.add(name, _("A whole number of at least 1."))
            continue
        cleaned[name] = value
    return cleaned


def _clean_name(name, errors: FieldErrors) -> str:
    text = name.strip().lower() if isinstance(name, str) else ""
    if not SERVER_NAME.match(text):
        errors.add(
            "name",
            _("1 to 63 letters, digits and inner hyphens, like a host name (web-1)."),
        )
    return text


def _clean_os_image(os_image, errors: FieldErrors, pool: Service | None) -> None:
    if not isinstance(os_image, OsImage):
        errors.add("os_image", _("Choose an operating system of the list."))
        return
    if os_image.requires_paid_licence:
        errors.add(
            "os_image",
            _(
                "Images with a paid licence are not installed in a pool; bring your own "
                "licence (seed 003 annex 5 §2.1) or rent one."
            ),
        )
        return
    if pool is not None:
        try:
            check_os_image_offered(family=pool.family, os_image=os_image)
        except DomainError as refused:
            errors.add("os_image", refused.message)


def _locked_pool(service) -> Service:
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    pool = locked_service(service)
    if pool.family.code != FamilyCode.CLOUD:
        raise DomainError(
            "not_a_pool",
            _("service: only a cloud data-center service holds servers."),
            fields={"service": "not a cloud pool"},
        )
    if pool.status != ServiceStatus.ACTIVE:
        raise DomainError(
            "pool_not_active",
            _("service: the pool is %(status)s; servers are managed in an active pool.")
            % {"status": pool.status},
            fields={"service": f"is {pool.status}"},
            status=409,
        )
    return pool


def _check_fits(pool: Service, wanted: dict[str, int], used: dict[str, int]) -> None:
    capacity = pool_capacity(pool)
    problems = {}
    for name, amount in wanted.items():
        free = capacity[name] - used[name]
        if amount > free:
            problems[name] = f"Only {max(free, 0)} {RESOURCE_LABELS[name]} left in the pool."
    if problems:
        summary = "; ".join(f"{name}: {problem}" for name, problem in problems.items())
        raise DomainError("pool_exceeded", summary, fields=problems)


def _module_builds_servers(pool: Service) -> bool:
    """Whether the pool's module builds its servers (PRV-01). A module that is not installed
    here counts as one that does: the call is queued and fails where staff see it, rather
    than the server silently never being built."""
    if not pool.module_name:
        return False
    if pool.module_name not in module_names():
        return True
    return bool(getattr(get_module(pool.module_name), "builds_pool_servers", False))


def _queue_server_call(pool: Service, server: PoolServer, operation: Operation, step: str) -> None:
    """Queue the module call that builds, resizes or removes ``server`` (ORD-05, PRV-02)."""
    if not _module_builds_servers(pool):
        return
    changes: dict = {"pool_server": server.public_id, "name": server.name}
    if operation != Operation.TERMINATE:
        changes["specs"] = {name: getattr(server, name) for name in RESOURCE_NAMES}
        changes["os_image"] = server.os_image.code
    provisioning_operation_queue(
        service=pool, operation=operation, key=f"pool:{server.public_id}:{step}", changes=changes
    )


def _locked_server(server, pool: Service) -> PoolServer:
    current = (
        PoolServer.objects.select_for_update()
        .filter(pk=getattr(server, "pk", None), service=pool, deleted_at__isnull=True)
        .first()
    )
    if current is None:
        raise DomainError("not_found", _("No such server in this pool."), status=404)
    return current


@transaction.atomic
def pool_server_create(
    *, service: Service, name, cpu, ram_gb, disk_gb, os_image, actor
) -> PoolServer:
    """Create a server inside a cloud pool (ORD-05): its CPU, memory and disk must fit in
    what the pool's live servers leave free. Race-safe: the pool's row is locked first. The
    pool's module is asked to build it where it builds pool servers (PRV-01)."""
    errors = FieldErrors()
    cleaned_name = _clean_name(name, errors)
    resources = _clean_resources(
        {"cpu": cpu, "ram_gb": ram_gb, "disk_gb": disk_gb}, errors, required=True
    )
    _clean_os_image(os_image, errors, None)
    errors.raise_if_any()
    pool = _locked_pool(service)
    _clean_os_image(os_image, errors, pool)
    if PoolServer.objects.filter(service=pool, name=cleaned_name, deleted_at__isnull=True).exists():
        errors.add("name", _("A server of this pool already has this name."))
    errors.raise_if_any()
    _check_fits(pool, resources, pool_used(pool))
    server = PoolServer.objects.create(
        service=pool, name=cleaned_name, os_image=os_image, created_by=actor, **resources
    )
    _queue_server_call(pool, server, Operation.CREATE, "create")
    audit(
        "pool_server_created",
        actor=actor,
        obj=server,
        client_id=pool.client_id,
        data={"service": pool.public_id, "name": cleaned_name, **resources},
    )
    return server


@transaction.atomic
def pool_server_resize(
    *, server: PoolServer, actor, cpu=None, ram_gb=None, disk_gb=None
) -> PoolServer:
    """Change the resources of a server in a cloud pool (ORD-05); the pool's sums still may
    not exceed it. Resources not given stay as they are."""
    errors = FieldErrors()
    changes = _clean_resources(
        {"cpu": cpu, "ram_gb": ram_gb, "disk_gb": disk_gb}, errors, required=False
    )
    if not changes and not errors.errors:
        errors.add("cpu", _("Give at least one of cpu, ram_gb and disk_gb."))
    errors.raise_if_any()
    if not isinstance(server, PoolServer):
        raise DomainError("not_found", _("No such server in this pool."), status=404)
    pool = _locked_pool(server.service)
    current = _locked_server(server, pool)
    wanted = {name: changes.get(name, getattr(current, name)) for name in RESOURCE_NAMES}
    _check_fits(pool, wanted, pool_used(pool, excluding=current))
    before = {name: getattr(current, name) for name in RESOURCE_NAMES}
    PoolServer.objects.filter(pk=current.pk).update(**wanted, updated_at=timezone.now())
    current.refresh_from_db()
    _queue_server_call(pool, current, Operation.CHANGE_PLAN, f"resize:{secrets.token_hex(8)}")
    audit(
        "pool_server_resized",
        actor=actor,
        obj=current,
        client_id=pool.client_id,
        data={"service": pool.public_id, "before": before, "after": wanted},
    )
    return current


@transaction.atomic
def pool_server_delete(*, server: PoolServer, actor) -> PoolServer:
    """Delete a server of a cloud pool (ORD-05); its resources are free again at once. Its
    module calls not yet run are cancelled and the module is asked to remove it (PRV-01)."""
    if not isinstance(server, PoolServer):
        raise DomainError("not_found", _("No such server in this pool."), status=404)
    pool = _locked_pool(server.service)
    current = _locked_server(server, pool)
    now = timezone.now()
    PoolServer.objects.filter(pk=current.pk).update(deleted_at=now, updated_at=now)
    current.refresh_from_db()
    operations_close_open_with_key_prefix(
        service=pool,
        key_prefix=f"pool:{current.public_id}:",
        message=f"Server {current.name} was deleted before this call ran.",
    )
    _queue_server_call(pool, current, Operation.TERMINATE, "delete")
    audit(
        "pool_server_deleted",
        actor=actor,
        obj=current,
        client_id=pool.client_id,
        data={"service": pool.public_id, "name": current.name},
    )
    return current
