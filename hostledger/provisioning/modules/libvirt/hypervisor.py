"""What the libvirt module does on one hypervisor connection: find, build, start, stop and
remove the domain of a server, and keep HostLedger's record in its metadata.

Every function takes an open ``virConnect`` (or a domain of it) and raises
:class:`~hostledger.provisioning.modules.interface.ModuleError` with libvirt's own words
when libvirt refuses; :mod:`.module` decides which domain a call concerns.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

import libvirt
from django.utils import timezone

from hostledger.provisioning.modules.interface import ModuleError, PowerState
from hostledger.provisioning.modules.libvirt.connection import libvirt_errors, module_error
from hostledger.provisioning.modules.libvirt.definitions import (
    GIB,
    NAMESPACE,
    NAMESPACE_PREFIX,
    ServerRecord,
    domain_xml,
    kvm_available,
    memory_kib_of,
    parse_record,
    record_xml,
    volume_xml,
)

RUNNING_STATES = frozenset(
    {libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED, libvirt.VIR_DOMAIN_SHUTDOWN}
)
"""States in which the guest runs (a shutdown in progress still runs)."""

POWERED_STATES = RUNNING_STATES | {libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PMSUSPENDED}
"""States in which the domain holds its resources: running, paused or asleep."""

PASSWORD_BYTES = 18
"""Random bytes of a generated root password (24 URL-safe characters, 144 bits)."""


@dataclass(frozen=True)
class Resources:
    """The vCPUs, memory and disk of a server, from a tariff's or a pool server's specs."""

    cpu: int
    ram_gb: int
    disk_gb: int

    @classmethod
    def from_specs(cls, specs) -> Resources:
        values = {}
        for name in ("cpu", "ram_gb", "disk_gb"):
            value = (specs or {}).get(name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ModuleError(
                    f"The server's {name} is {value!r}; the libvirt module needs whole "
                    "numbers of at least 1 for cpu, ram_gb and disk_gb.",
                    retry_can_help=False,
                    code="invalid_specs",
                )
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class Placement:
    """Where new servers go on the hypervisor (provider settings read for this call)."""

    storage_pool: str
    network: str
    image_volume: str
    vnc_listen: str


def generated_password() -> str:
    """A strong root password for a new or reinstalled server."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def find_domain(connection, name: str, *, uuid: str = "") -> libvirt.virDomain | None:
    """The domain called ``name`` (or, failing that, with the UUID HostLedger stored); None
    when there is none."""
    for lookup, value in ((connection.lookupByName, name), (connection.lookupByUUIDString, uuid)):
        if not value:
            continue
        try:
            return lookup(value)
        except libvirt.libvirtError as error:
            if error.get_error_code() not in (
                libvirt.VIR_ERR_NO_DOMAIN,
                libvirt.VIR_ERR_INVALID_ARG,
            ):
                raise module_error(error, f"look up the domain {name}") from error
    return None


def domains_named_from(connection, prefix: str) -> list[libvirt.virDomain]:
    """Every domain whose name starts with ``prefix`` (the servers of one pool)."""
    with libvirt_errors("list the domains"):
        domains = connection.listAllDomains(0)
        return sorted(
            (domain for domain in domains if domain.name().startswith(prefix)),
            key=lambda domain: domain.name(),
        )


def state_of(domain) -> int:
    with libvirt_errors(f"read the state of {domain.name()}"):
        return domain.state()[0]


def power_state(domain) -> PowerState:
    state = state_of(domain)
    if state in POWERED_STATES:
        return PowerState.ON
    if state in (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_CRASHED):
        return PowerState.OFF
    return PowerState.UNKNOWN


def read_record(domain) -> ServerRecord | None:
    """HostLedger's record in the domain's metadata; None for a domain without one."""
    try:
        text = domain.metadata(
            libvirt.VIR_DOMAIN_METADATA_ELEMENT, NAMESPACE, libvirt.VIR_DOMAIN_AFFECT_CONFIG
        )
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_METADATA:
            return None
        raise module_error(error, f"read the metadata of {domain.name()}") from error
    return parse_record(text)


def write_record(domain, record: ServerRecord) -> None:
    flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
    with libvirt_errors(f"write the metadata of {domain.name()}"):
        if domain.isActive():
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        domain.setMetadata(
            libvirt.VIR_DOMAIN_METADATA_ELEMENT,
            record_xml(record),
            NAMESPACE_PREFIX,
            NAMESPACE,
            flags,
        )


def storage_pool(connection, name: str):
    """The storage pool ``name``, refreshed (an inactive or missing pool is refused)."""
    with libvirt_errors(f"use the storage pool {name}"):
        pool = connection.storagePoolLookupByName(name)
        pool.refresh(0)
        return pool


def find_volume(pool, name: str):
    try:
        return pool.storageVolLookupByName(name)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_VOL:
            return None
        raise module_error(error, f"look up the volume {name}") from error


def create_disk(pool, name: str, *, disk_gb: int, image: str, placement: Placement):
    """The volume ``name`` of ``disk_gb`` GiB, copied from the image's volume (an empty disk
    without an image); an existing volume of that name is used as it is."""
    existing = find_volume(pool, name)
    if existing is not None:
        return existing
    if image:
        image_name = placement.image_volume.format(image=image)
        source = find_volume(pool, image_name)
        if source is None:
            raise ModuleError(
                f"The storage pool {placement.storage_pool} has no volume {image_name} to "
                f"install {image} from; upload the image there first.",
                retry_can_help=False,
                code="image_missing",
            )
        with libvirt_errors(f"copy {image_name} to the disk {name}"):
            return pool.createXMLFrom(volume_xml(name, capacity_gb=disk_gb), source, 0)
    with libvirt_errors(f"create the disk {name}"):
        return pool.createXML(volume_xml(name, capacity_gb=disk_gb), 0)


def delete_volume(pool, name: str) -> None:
    volume = find_volume(pool, name)
    if volume is not None:
        with libvirt_errors(f"delete the volume {name}"):
            volume.delete(0)


def domain_type(connection) -> str:
    """'test' on the test driver, 'kvm' where the host offers it, else 'qemu' (emulated)."""
    with libvirt_errors("read the hypervisor's capabilities"):
        if connection.getType().lower() == "test":
            return "test"
        return "kvm" if kvm_available(connection.getCapabilities()) else "qemu"


def define_server(
    connection,
    *,
    name: str,
    title: str,
    resources: Resources,
    record: ServerRecord,
    placement: Placement,
) -> libvirt.virDomain:
    """Build the disk and define the domain; a disk made here is removed again if libvirt
    refuses the definition, so a refused create leaves nothing behind."""
    pool = storage_pool(connection, placement.storage_pool)
    had_disk = find_volume(pool, record.volume) is not None
    create_disk(
        pool, record.volume, disk_gb=resources.disk_gb, image=record.image, placement=placement
    )
    definition = domain_xml(
        name=name,
        domain_type=domain_type(connection),
        vcpus=resources.cpu,
        memory_mib=resources.ram_gb * 1024,
        network=placement.network,
        vnc_listen=placement.vnc_listen,
        record=record,
        title=title,
    )
    try:
        return connection.defineXML(definition)
    except libvirt.libvirtError as error:
        if not had_disk:
            delete_volume(pool, record.volume)
        raise module_error(error, f"define the domain {name}") from error


def start(domain) -> bool:
    """Run the domain (start it, or resume it when paused); True when it was not running."""
    state = state_of(domain)
    if state in RUNNING_STATES:
        return False
    with libvirt_errors(f"start {domain.name()}"):
        if state in (libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PMSUSPENDED):
            domain.resume()
        else:
            domain.create()
    _note(domain, running=True)
    return True


def pause(domain) -> None:
    """Suspend a running domain in memory (libvirt suspend); a stopped one stays stopped."""
    if state_of(domain) in RUNNING_STATES:
        with libvirt_errors(f"suspend {domain.name()}"):
            domain.suspend()
        _note(domain, running=False)


def stop(domain) -> None:
    """Power the domain off at once (``virDomainDestroy``: the plug pulled)."""
    if state_of(domain) not in (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_CRASHED):
        with libvirt_errors(f"power off {domain.name()}"):
            domain.destroy()
    _note(domain, running=False)


def reset(domain) -> None:
    """Reset a running domain (the reset button); a stopped one is started."""
    if state_of(domain) in RUNNING_STATES:
        with libvirt_errors(f"reset {domain.name()}"):
            domain.reset(0)
    else:
        start(domain)


def _note(domain, *, running: bool) -> None:
    """Record in the domain's metadata that it started or stopped now (for usage)."""
    record = read_record(domain)
    if record is None:
        return
    now = timezone.now()
    before = list(record.periods)
    record.started(now) if running else record.stopped(now)
    if record.periods != before:
        write_record(domain, record)


def remove(connection, domain, *, storage_pool_name: str, volume: str) -> None:
    """Power off and undefine the domain and delete its disk volume."""
    stop(domain)
    with libvirt_errors(f"undefine {domain.name()}"):
        try:
            domain.undefineFlags(
                libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                | libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
                | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM
            )
        except libvirt.libvirtError as error:
            if error.get_error_code() not in (
                libvirt.VIR_ERR_INVALID_ARG,
                libvirt.VIR_ERR_NO_SUPPORT,
            ):
                raise
            domain.undefine()  # a driver without those flags (the test driver)
    delete_volume(storage_pool(connection, storage_pool_name), volume)


def address(domain) -> str:
    """The first IPv4 address the network's DHCP server leased to the domain, or '' while
    it has none (a guest still booting)."""
    try:
        interfaces = domain.interfaceAddresses(libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, 0)
    except libvirt.libvirtError:
        return ""
    for interface in (interfaces or {}).values():
        for item in interface.get("addrs") or []:
            if item.get("type") == libvirt.VIR_IP_ADDR_TYPE_IPV4 and item.get("addr"):
                return item["addr"]
    return ""


def disk_gb(pool, volume: str) -> int:
    """The capacity of ``volume`` in whole GiB (0 when it is gone)."""
    found = find_volume(pool, volume)
    if found is None:
        return 0
    with libvirt_errors(f"read the size of {volume}"):
        return math.ceil(found.info()[1] / GIB)


def resize(domain, pool, *, volume: str, resources: Resources) -> tuple[list[str], list[str]]:
    """Give the domain ``resources``: vCPUs and memory in its definition (so from its next
    start) and, where the running guest allows, at once; the disk grown. Returns what could
    not take effect at once (it does at the next start) and what needs a person (a disk that
    would shrink, or that this driver cannot grow)."""
    next_start: list[str] = []
    by_hand: list[str] = []
    running = state_of(domain) in POWERED_STATES
    name = domain.name()
    config = libvirt.VIR_DOMAIN_AFFECT_CONFIG
    live = libvirt.VIR_DOMAIN_AFFECT_LIVE
    with libvirt_errors(f"change the vCPUs of {name}"):
        most = domain.vcpusFlags(config | libvirt.VIR_DOMAIN_VCPU_MAXIMUM)
        if resources.cpu > most:
            domain.setVcpusFlags(resources.cpu, config | libvirt.VIR_DOMAIN_VCPU_MAXIMUM)
        domain.setVcpusFlags(resources.cpu, config)
        if resources.cpu < most:
            domain.setVcpusFlags(resources.cpu, config | libvirt.VIR_DOMAIN_VCPU_MAXIMUM)
        if running:
            if resources.cpu <= domain.vcpusFlags(live | libvirt.VIR_DOMAIN_VCPU_MAXIMUM):
                domain.setVcpusFlags(resources.cpu, live)
            else:
                next_start.append(f"{resources.cpu} vCPUs")
    memory_kib = resources.ram_gb * 1024 * 1024
    with libvirt_errors(f"change the memory of {name}"):
        most_kib = _configured_memory_kib(domain)
        if memory_kib > most_kib:
            domain.setMemoryFlags(memory_kib, config | libvirt.VIR_DOMAIN_MEM_MAXIMUM)
        domain.setMemoryFlags(memory_kib, config)
        if memory_kib < most_kib:
            domain.setMemoryFlags(memory_kib, config | libvirt.VIR_DOMAIN_MEM_MAXIMUM)
        if running:
            if memory_kib <= domain.maxMemory():
                domain.setMemoryFlags(memory_kib, live)
            else:
                next_start.append(f"{resources.ram_gb} GB of memory")
    current_gb = disk_gb(pool, volume)
    if resources.disk_gb < current_gb:
        by_hand.append(
            f"the disk stays at {current_gb} GB: shrinking it to {resources.disk_gb} GB needs "
            "the guest's file system shrunk first, by hand"
        )
    elif resources.disk_gb > current_gb:
        try:
            if running:
                domain.blockResize(
                    "vda", resources.disk_gb * GIB, libvirt.VIR_DOMAIN_BLOCK_RESIZE_BYTES
                )
            else:
                pool.storageVolLookupByName(volume).resize(resources.disk_gb * GIB, 0)
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_SUPPORT:
                raise module_error(error, f"grow the disk of {name}") from error
            by_hand.append(
                f"grow the disk to {resources.disk_gb} GB by hand: libvirt says "
                f"{error.get_error_message()}"
            )
    return next_start, by_hand


def _configured_memory_kib(domain) -> int:
    """The maximum memory of the domain's persistent definition, in KiB."""
    description = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    return memory_kib_of(description)
