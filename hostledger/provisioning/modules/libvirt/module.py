"""The ``libvirt`` provisioning module: virtual servers on KVM/QEMU through libvirt (PRV-01).

Each virtual server is a libvirt domain named after its service (``hl-<service id>``, the
prefix is ``libvirt.domain_prefix``) with one qcow2 disk volume in the storage pool of
``libvirt.storage_pool``, copied from the OS image's volume, and one interface on the network
of ``libvirt.network``. A create looks the domain up by that name first, so a create
delivered twice builds once.

A cloud pool (ORD-05) is not a domain itself: its create checks that the storage pool is
usable and builds nothing. Each server a client makes inside the pool is queued as a call of
this module on the pool's service with ``changes["pool_server"]`` naming the server:
``create`` builds the domain ``hl-<pool service id>-<server id>`` with the server's own
``changes["specs"]``, ``change_plan`` resizes it and ``terminate`` removes it. Suspending,
resuming or terminating the pool itself acts on every server of the pool.

Credentials: a new or reinstalled server gets a root password generated here with
:mod:`secrets` and returned in ``ModuleResult.access`` (stored encrypted by HostLedger). The
module does not put it into the guest: the OS image's cloud-init (a NoCloud seed or the
provider's metadata service) must receive it, and the test driver has no guest at all. It is
never written to the domain definition, to ``module_data`` or to a message.

Errors: an unreachable or silent hypervisor fails with ``retry_can_help=True``; a refusal by
libvirt (an invalid definition, an inactive storage pool, no space, a missing image) fails
with ``retry_can_help=False`` and libvirt's own words. The calls answer such failures as
failed results; ``console`` and ``usage`` raise them as :class:`ModuleError`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.utils import timezone

from hostledger.catalog.models import FamilyCode
from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import (
    Capability,
    ConsoleLink,
    ModuleError,
    ModuleResult,
    PowerState,
    ServiceRequest,
    UsageReading,
)
from hostledger.provisioning.modules.libvirt import conf, hypervisor
from hostledger.provisioning.modules.libvirt.connection import ConnectionCache, libvirt_errors
from hostledger.provisioning.modules.libvirt.console import console_key, console_token
from hostledger.provisioning.modules.libvirt.definitions import (
    ServerRecord,
    overlap_hours,
    vnc_display,
)

SERVER_CAPABILITIES = frozenset(
    {Capability.POWER, Capability.REINSTALL, Capability.CONSOLE, Capability.USAGE}
)
POOL_CAPABILITIES = frozenset({Capability.USAGE})
QUANTITY = Decimal("0.000001")


def answers_failures(call):
    """Let a call answer a :class:`ModuleError` as a failed :class:`ModuleResult` with the
    same words and the same ``retry_can_help``, as the job would record it."""

    @functools.wraps(call)
    def answered(self, request: ServiceRequest) -> ModuleResult:
        try:
            return call(self, request)
        except ModuleError as error:
            return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)

    return answered


@dataclass(frozen=True)
class Target:
    """What a call acts on: one domain (a virtual server or a pool server), or every domain
    of a cloud pool (``is_pool``, ``name`` then is the prefix of their names)."""

    name: str
    service_id: str
    pool_server: str = ""
    is_pool: bool = False


class LibvirtModule:
    """Virtual servers and cloud pools on a libvirt hypervisor (PRV-01).

    ``connections`` hands out the connection of each call (one kept open per URI); tests
    wrap it to make the next connection fail the way an unreachable host does.
    """

    name = "libvirt"
    label = "libvirt (KVM/QEMU virtual servers)"
    builds_pool_servers = True
    """Servers made inside a cloud pool are built by this module: the pools actions queue
    a call for each (ORD-05)."""

    def __init__(self, connections: ConnectionCache | None = None):
        self.connections = connections or ConnectionCache()

    # -- plumbing ----------------------------------------------------------------------------

    def connect(self):
        """The connection to the hypervisor of ``libvirt.uri`` (read now)."""
        return self.connections.connection(
            str(setting_value(conf.URI)),
            timeout=setting_value(conf.CONNECT_TIMEOUT_SECONDS),
            keepalive_interval=setting_value(conf.KEEPALIVE_INTERVAL_SECONDS),
            keepalive_count=setting_value(conf.KEEPALIVE_COUNT),
        )

    def _placement(self) -> hypervisor.Placement:
        return hypervisor.Placement(
            storage_pool=str(setting_value(conf.STORAGE_POOL)),
            network=str(setting_value(conf.NETWORK)),
            image_volume=str(setting_value(conf.IMAGE_VOLUME)),
            vnc_listen=str(setting_value(conf.VNC_LISTEN)),
        )

    def target(self, request: ServiceRequest) -> Target:
        """The domain (or pool) ``request`` concerns, named from the service's id."""
        prefix = f"{setting_value(conf.DOMAIN_PREFIX)}{request.service_id}"
        pool_server = str((request.changes or {}).get("pool_server") or "")
        if pool_server:
            return Target(f"{prefix}-{pool_server}", request.service_id, pool_server)
        if request.family == FamilyCode.CLOUD:
            return Target(f"{prefix}-", request.service_id, is_pool=True)
        return Target(prefix, request.service_id)

    def _domain(self, connection, target: Target, request: ServiceRequest):
        uuid = "" if target.pool_server or target.is_pool else request.module_service_id
        return hypervisor.find_domain(connection, target.name, uuid=uuid)

    def _domains(self, connection, target: Target, request: ServiceRequest) -> list:
        if target.is_pool:
            return hypervisor.domains_named_from(connection, target.name)
        domain = self._domain(connection, target, request)
        return [domain] if domain is not None else []

    @staticmethod
    def _record_of(domain, placement: hypervisor.Placement) -> ServerRecord:
        record = hypervisor.read_record(domain)
        if record is None:  # a domain of our name defined by hand: its disk by our naming
            name = domain.name()
            return ServerRecord(service_id="", volume=f"{name}.qcow2", storage_pool="")
        return record

    def _access(self, target: Target, values: dict[str, str]) -> dict[str, str]:
        """Access details to store; a pool server's under its own id, so that the servers of
        one pool do not overwrite each other in the pool's access details."""
        values = {key: value for key, value in values.items() if value}
        if target.pool_server:
            return {f"{target.pool_server}.{key}": value for key, value in values.items()}
        return values

    # -- the life of a service ---------------------------------------------------------------

    @answers_failures
    def create(self, request: ServiceRequest) -> ModuleResult:
        """Build and start the server (once however often it is delivered); for a cloud pool,
        check the storage pool its servers will use."""
        target = self.target(request)
        placement = self._placement()
        connection = self.connect()
        if target.is_pool:
            hypervisor.storage_pool(connection, placement.storage_pool)
            return ModuleResult.done(
                "The pool's servers are built as the client creates them.",
                module_service_id=target.name,
                module_data={"domain_prefix": target.name, "storage_pool": placement.storage_pool},
            )
        if target.pool_server:
            resources = hypervisor.Resources.from_specs(request.changes.get("specs"))
            image = str(request.changes.get("os_image") or "")
        else:
            resources = hypervisor.Resources.from_specs(request.specs)
            image = request.os_image
        domain = self._domain(connection, target, request)
        built = domain is None
        if built:
            record = ServerRecord(
                service_id=target.service_id,
                pool_server=target.pool_server,
                volume=f"{target.name}.qcow2",
                storage_pool=placement.storage_pool,
                image=image,
                created_at=timezone.now().isoformat(),
            )
            domain = hypervisor.define_server(
                connection,
                name=target.name,
                title=f"HostLedger {target.service_id} {request.changes.get('name', '')}".strip(),
                resources=resources,
                record=record,
                placement=placement,
            )
        hypervisor.start(domain)
        access = {"address": hypervisor.address(domain)}
        if built:
            access.update(username="root", password=hypervisor.generated_password())
        with libvirt_errors(f"read the UUID of {target.name}"):
            uuid = domain.UUIDString()
        if target.pool_server:
            return ModuleResult.done(
                f"Pool server {target.pool_server} runs as domain {target.name} ({uuid}).",
                access=self._access(target, access),
            )
        return ModuleResult.done(
            f"Domain {target.name} runs.",
            module_service_id=uuid,
            module_data={"domain": target.name, "storage_pool": placement.storage_pool},
            access=self._access(target, access),
        )

    @answers_failures
    def suspend(self, request: ServiceRequest) -> ModuleResult:
        """Pause the server (or every server of a pool) in memory (``virDomainSuspend``)."""
        return self._each(request, hypervisor.pause, "suspended")

    @answers_failures
    def resume(self, request: ServiceRequest) -> ModuleResult:
        """Run the server (or every server of a pool) again: resumed if paused, started if
        it was off."""
        return self._each(request, hypervisor.start, "running")

    def _each(self, request: ServiceRequest, act, state: str) -> ModuleResult:
        target = self.target(request)
        connection = self.connect()
        domains = self._domains(connection, target, request)
        if not domains and not target.is_pool:
            return self._missing(target)
        for domain in domains:
            act(domain)
        return ModuleResult.done(f"{len(domains)} domain(s) {state}.")

    def _missing(self, target: Target) -> ModuleResult:
        if target.pool_server:  # its create may still be queued or retrying
            return ModuleResult.failed(
                f"The domain {target.name} is not built yet.", retry_can_help=True
            )
        return ModuleResult.failed(
            f"There is no domain {target.name} on the hypervisor; staff must look at it.",
            retry_can_help=False,
        )

    @answers_failures
    def terminate(self, request: ServiceRequest) -> ModuleResult:
        """Power off and undefine the server (every server of a pool) and delete its disk;
        a server already gone is done."""
        target = self.target(request)
        placement = self._placement()
        connection = self.connect()
        domains = self._domains(connection, target, request)
        for domain in domains:
            record = self._record_of(domain, placement)
            hypervisor.remove(
                connection,
                domain,
                storage_pool_name=record.storage_pool or placement.storage_pool,
                volume=record.volume,
            )
        if not domains and not target.is_pool:  # a disk left by a create cut short
            pool = hypervisor.storage_pool(connection, placement.storage_pool)
            hypervisor.delete_volume(pool, f"{target.name}.qcow2")
        return ModuleResult.done(f"{len(domains)} domain(s) removed.")

    @answers_failures
    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        """Give the server the vCPUs, memory and disk of ``changes["specs"]``: in its
        definition, and at once where the running guest allows. A cloud pool's new size
        needs nothing on the hypervisor (HostLedger keeps its servers within it)."""
        target = self.target(request)
        if target.is_pool:
            return ModuleResult.done("A pool's size is kept by HostLedger; nothing to change.")
        resources = hypervisor.Resources.from_specs(request.changes.get("specs"))
        placement = self._placement()
        connection = self.connect()
        domain = self._domain(connection, target, request)
        if domain is None:
            return self._missing(target)
        record = self._record_of(domain, placement)
        pool = hypervisor.storage_pool(connection, record.storage_pool or placement.storage_pool)
        next_start, by_hand = hypervisor.resize(
            domain, pool, volume=record.volume, resources=resources
        )
        message = f"{target.name}: {resources.cpu} vCPUs, {resources.ram_gb} GB of memory"
        if next_start:
            message += f"; from the next start: {', '.join(next_start)}"
        if by_hand:
            return ModuleResult.waiting(f"{message}; {'; '.join(by_hand)}.")
        return ModuleResult.done(f"{message}, {resources.disk_gb} GB of disk.")

    # -- controls ----------------------------------------------------------------------------

    def capabilities(self, request: ServiceRequest) -> frozenset[Capability]:
        """Power, reinstall, console and usage for a virtual server; usage for a pool."""
        return POOL_CAPABILITIES if self.target(request).is_pool else SERVER_CAPABILITIES

    def _server(self, request: ServiceRequest):
        target = self.target(request)
        if target.is_pool:
            raise ModuleError(
                "A cloud pool has no power, console or reinstall of its own; use its servers.",
                retry_can_help=False,
            )
        domain = self._domain(self.connect(), target, request)
        if domain is None:
            raise ModuleError(f"There is no domain {target.name}.", retry_can_help=False)
        return domain

    @answers_failures
    def power_on(self, request: ServiceRequest) -> ModuleResult:
        hypervisor.start(self._server(request))
        return ModuleResult.done("Powered on.")

    @answers_failures
    def power_off(self, request: ServiceRequest) -> ModuleResult:
        """Power off at once, like holding the power button (``virDomainDestroy``)."""
        hypervisor.stop(self._server(request))
        return ModuleResult.done("Powered off.")

    @answers_failures
    def reboot(self, request: ServiceRequest) -> ModuleResult:
        """Reset the server (``virDomainReset``); a server that is off is started."""
        hypervisor.reset(self._server(request))
        return ModuleResult.done("Rebooted.")

    def power_state(self, request: ServiceRequest) -> PowerState:
        """On, off, or unknown when the server or the hypervisor cannot be reached."""
        try:
            return hypervisor.power_state(self._server(request))
        except ModuleError:
            return PowerState.UNKNOWN

    @answers_failures
    def reinstall(self, request: ServiceRequest) -> ModuleResult:
        """Install ``changes["os_image"]`` afresh: the server is powered off, its disk
        replaced by a copy of the image's volume of the same size, and started again with a
        new root password. Keyed by ``operation_key`` in the domain's record, so a reinstall
        delivered twice wipes the disk once."""
        image = str((request.changes or {}).get("os_image") or "").strip()
        if not image:
            raise ModuleError("A reinstall needs changes['os_image'].", retry_can_help=False)
        domain = self._server(request)
        placement = self._placement()
        record = self._record_of(domain, placement)
        if record.reinstall_key == request.operation_key:
            return ModuleResult.done(f"{image} was installed by this call already.")
        connection = self.connect()
        pool = hypervisor.storage_pool(connection, record.storage_pool or placement.storage_pool)
        size_gb = (
            hypervisor.disk_gb(pool, record.volume)
            or hypervisor.Resources.from_specs(request.specs).disk_gb
        )
        hypervisor.stop(domain)
        hypervisor.delete_volume(pool, record.volume)
        hypervisor.create_disk(
            pool, record.volume, disk_gb=size_gb, image=image, placement=placement
        )
        record = self._record_of(domain, placement)
        record.image, record.reinstall_key = image, request.operation_key
        hypervisor.write_record(domain, record)
        hypervisor.start(domain)
        access = {"username": "root", "password": hypervisor.generated_password()}
        return ModuleResult.done(f"{image} installed afresh.", access=access)

    def console(self, request: ServiceRequest) -> ConsoleLink:
        """A link to the server's VNC display through the provider's websocket proxy, valid
        for ``libvirt.console_link_minutes`` (see :mod:`.console` for the proxy to deploy).

        Built from the VNC port the running domain was given; a domain without one (off, or
        on libvirt's test driver, which assigns no display) gets no link."""
        domain = self._server(request)
        with libvirt_errors(f"read the display of {domain.name()}"):
            listen, port = vnc_display(domain.XMLDesc(0))
        if port <= 0:
            raise ModuleError(
                f"{domain.name()} has no VNC display now (it is off, or its hypervisor "
                "assigned none).",
                retry_can_help=False,
            )
        host = listen
        if listen in ("", "0.0.0.0", "::"):  # noqa: S104 (a display on every address)
            host = urlsplit(str(setting_value(conf.URI))).hostname or "127.0.0.1"
        expires_at = timezone.now() + timedelta(minutes=setting_value(conf.CONSOLE_LINK_MINUTES))
        token = console_token(host=host, port=port, expires_at=expires_at, key=console_key())
        url = str(setting_value(conf.CONSOLE_URL)).replace("{token}", token)
        return ConsoleLink(url=url, expires_at=expires_at)

    def usage(self, request: ServiceRequest, *, since, until) -> list[UsageReading]:
        """vCPU hours, memory GB hours and disk GB hours of the server (of every server of a
        pool) within [since, until) (BIL-08), one reading per domain and item, keyed by the
        domain's UUID, the item and the interval, so a reading delivered twice is the same.

        Hours running come from the periods this module recorded in the domain's metadata as
        it started and stopped it; a guest that stopped or started by itself is noticed at
        the next reading. Sizes are those of the domain at the time of the reading; a
        domain already removed reports nothing.
        """
        target = self.target(request)
        placement = self._placement()
        connection = self.connect()
        now = timezone.now()
        keep = timedelta(days=setting_value(conf.USAGE_KEEP_DAYS))
        items = {
            "cpu": str(setting_value(conf.USAGE_ITEM_VCPU_HOURS)),
            "ram": str(setting_value(conf.USAGE_ITEM_RAM_GB_HOURS)),
            "disk": str(setting_value(conf.USAGE_ITEM_DISK_GB_HOURS)),
        }
        readings = []
        for domain in self._domains(connection, target, request):
            record = hypervisor.read_record(domain)
            if record is None:
                continue
            running = hypervisor.state_of(domain) in hypervisor.RUNNING_STATES
            before = list(record.periods)
            record.started(now) if running else record.stopped(now)
            record.forget_before(now - keep)
            if record.periods != before:
                hypervisor.write_record(domain, record)
            with libvirt_errors(f"read the size of {domain.name()}"):
                uuid = domain.UUIDString()
                _, memory_kib, _, vcpus, _ = domain.info()
            pool = hypervisor.storage_pool(
                connection, record.storage_pool or placement.storage_pool
            )
            hours = Decimal(str(record.hours_running(since, until, now)))
            disk_hours = Decimal(0)
            if record.created_at:
                created_at = datetime.fromisoformat(record.created_at)
                disk_hours = Decimal(str(overlap_hours(created_at, now, since, until)))
            amounts = {
                "cpu": hours * vcpus,
                "ram": hours * Decimal(memory_kib) / (1024 * 1024),
                "disk": disk_hours * hypervisor.disk_gb(pool, record.volume),
            }
            interval = f"{_stamp(since)}-{_stamp(until)}"
            readings.extend(
                UsageReading(
                    item_code=items[kind],
                    quantity=str(amount.quantize(QUANTITY)),
                    started_at=since,
                    ended_at=until,
                    key=f"{uuid}:{items[kind]}:{interval}",
                )
                for kind, amount in amounts.items()
            )
        return readings


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


libvirt_module = LibvirtModule()
