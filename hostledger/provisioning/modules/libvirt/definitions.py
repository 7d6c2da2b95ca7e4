"""The libvirt XML the module writes and reads: domain definitions, disk volumes and the
HostLedger record kept in each domain's ``<metadata>``.

The record says which service (and pool server) a domain serves, which volume is its disk,
the last reinstall done (so a reinstall delivered twice runs once) and the periods the
domain ran as HostLedger started and stopped it, from which usage is read (BIL-08). It
lives on the hypervisor with the domain, so it is right however many HostLedger processes
act on it, and it goes when the domain is undefined. XML read back from libvirt is parsed
with ``defusedxml`` (anyone with access to the hypervisor can write a domain's metadata).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import ElementTree as SafeET

NAMESPACE = "https://hostledger.org/xmlns/libvirt/1"
"""The XML namespace of HostLedger's record in a domain's metadata."""

NAMESPACE_PREFIX = "hostledger"
GIB = 1024**3


@dataclass
class ServerRecord:
    """HostLedger's record of one domain (kept in its metadata)."""

    service_id: str
    volume: str
    storage_pool: str
    image: str = ""
    pool_server: str = ""
    created_at: str = ""
    reinstall_key: str = ""
    periods: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    @property
    def is_running(self) -> bool:
        return bool(self.periods) and self.periods[-1][1] is None

    def started(self, now: datetime) -> None:
        """The domain runs from ``now`` (nothing changes if it already ran)."""
        if not self.is_running:
            self.periods.append((now, None))

    def stopped(self, now: datetime) -> None:
        """The domain stopped at ``now`` (nothing changes if it did not run)."""
        if self.is_running:
            self.periods[-1] = (self.periods[-1][0], max(now, self.periods[-1][0]))

    def forget_before(self, moment: datetime) -> None:
        """Drop the periods that ended before ``moment``."""
        self.periods = [(start, end) for start, end in self.periods if end is None or end >= moment]

    def hours_running(self, since: datetime, until: datetime, now: datetime) -> float:
        """Hours within [since, until) the domain ran; a running period counts up to ``now``."""
        return sum(overlap_hours(start, end or now, since, until) for start, end in self.periods)


def overlap_hours(start: datetime, end: datetime, since: datetime, until: datetime) -> float:
    """Hours of [start, end) that fall within [since, until)."""
    seconds = (min(end, until) - max(start, since)).total_seconds()
    return max(seconds, 0.0) / 3600


def _tag(name: str, *, qualified: bool) -> str:
    return f"{{{NAMESPACE}}}{name}" if qualified else name


def record_element(record: ServerRecord, *, qualified: bool) -> ET.Element:
    """The record as an XML element: ``qualified`` (with its namespace) inside a domain
    definition, plain for ``virDomainSetMetadata``, which adds the namespace itself."""
    root = ET.Element(_tag("server", qualified=qualified))
    for name, value in (
        ("service", record.service_id),
        ("pool-server", record.pool_server),
        ("image", record.image),
        ("created", record.created_at),
        ("reinstall", record.reinstall_key),
    ):
        if value:
            ET.SubElement(root, _tag(name, qualified=qualified)).text = value
    volume = ET.SubElement(root, _tag("volume", qualified=qualified), pool=record.storage_pool)
    volume.text = record.volume
    for start, end in record.periods:
        period = ET.SubElement(root, _tag("run", qualified=qualified), start=start.isoformat())
        if end is not None:
            period.set("end", end.isoformat())
    return root


def record_xml(record: ServerRecord) -> str:
    return ET.tostring(record_element(record, qualified=False), encoding="unicode")


def parse_record(text: str) -> ServerRecord:
    """A record read back with ``virDomainGetMetadata`` (elements without a namespace)."""
    root = SafeET.fromstring(text)

    def value(name: str) -> str:
        return (root.findtext(name) or "").strip()

    volume = root.find("volume")
    periods = []
    for period in root.findall("run"):
        end = period.get("end")
        periods.append(
            (
                datetime.fromisoformat(period.get("start", "")),
                datetime.fromisoformat(end) if end else None,
            )
        )
    return ServerRecord(
        service_id=value("service"),
        pool_server=value("pool-server"),
        image=value("image"),
        created_at=value("created"),
        reinstall_key=value("reinstall"),
        volume=(volume.text or "").strip() if volume is not None else "",
        storage_pool=volume.get("pool", "") if volume is not None else "",
        periods=periods,
    )


def domain_xml(
    *,
    name: str,
    domain_type: str,
    vcpus: int,
    memory_mib: int,
    network: str,
    vnc_listen: str,
    record: ServerRecord,
    title: str,
) -> str:
    """The definition of a server: its vCPUs and memory, its disk volume, one network
    interface, a serial console, a guest-agent channel and a VNC display."""
    ET.register_namespace(NAMESPACE_PREFIX, NAMESPACE)
    domain = ET.Element("domain", type=domain_type)
    ET.SubElement(domain, "name").text = name
    ET.SubElement(domain, "title").text = title
    metadata = ET.SubElement(domain, "metadata")
    metadata.append(record_element(record, qualified=True))
    ET.SubElement(domain, "memory", unit="MiB").text = str(memory_mib)
    ET.SubElement(domain, "currentMemory", unit="MiB").text = str(memory_mib)
    ET.SubElement(domain, "vcpu", placement="static").text = str(vcpus)
    os = ET.SubElement(domain, "os")
    ET.SubElement(os, "type").text = "hvm"
    ET.SubElement(os, "boot", dev="hd")
    features = ET.SubElement(domain, "features")
    ET.SubElement(features, "acpi")
    ET.SubElement(features, "apic")
    if domain_type == "kvm":
        ET.SubElement(domain, "cpu", mode="host-passthrough")
    devices = ET.SubElement(domain, "devices")
    disk = ET.SubElement(devices, "disk", type="volume", device="disk")
    ET.SubElement(disk, "driver", name="qemu", type="qcow2")
    ET.SubElement(disk, "source", pool=record.storage_pool, volume=record.volume)
    ET.SubElement(disk, "target", dev="vda", bus="virtio")
    interface = ET.SubElement(devices, "interface", type="network")
    ET.SubElement(interface, "source", network=network)
    ET.SubElement(interface, "model", type="virtio")
    ET.SubElement(devices, "serial", type="pty")
    ET.SubElement(devices, "console", type="pty")
    channel = ET.SubElement(devices, "channel", type="unix")
    ET.SubElement(channel, "target", type="virtio", name="org.qemu.guest_agent.0")
    ET.SubElement(devices, "graphics", type="vnc", autoport="yes", listen=vnc_listen)
    return ET.tostring(domain, encoding="unicode")


def volume_xml(name: str, *, capacity_gb: int) -> str:
    """A qcow2 disk volume of ``capacity_gb`` GiB."""
    volume = ET.Element("volume")
    ET.SubElement(volume, "name").text = name
    ET.SubElement(volume, "capacity", unit="GiB").text = str(capacity_gb)
    target = ET.SubElement(volume, "target")
    ET.SubElement(target, "format", type="qcow2")
    return ET.tostring(volume, encoding="unicode")


def vnc_display(domain_description: str) -> tuple[str, int]:
    """The listen address and port of a domain's VNC display (port -1 when none is
    assigned: the domain is not running, or its driver assigns none)."""
    graphics = SafeET.fromstring(domain_description).find("devices/graphics[@type='vnc']")
    if graphics is None:
        return "", -1
    try:
        port = int(graphics.get("port", "-1"))
    except ValueError:
        port = -1
    return graphics.get("listen", ""), port


def kvm_available(capabilities: str) -> bool:
    """Whether the host's capabilities offer KVM acceleration."""
    return SafeET.fromstring(capabilities).find("guest/arch/domain[@type='kvm']") is not None


UNIT_KIB = {"b": 1 / 1024, "bytes": 1 / 1024, "k": 1, "kib": 1, "kb": 1000 / 1024}
UNIT_KIB.update({"m": 1024, "mib": 1024, "mb": 1000**2 / 1024, "g": 1024**2, "gib": 1024**2})
UNIT_KIB.update({"gb": 1000**3 / 1024})


def memory_kib_of(domain_description: str) -> int:
    """The ``<memory>`` (maximum memory) of a domain description, in KiB."""
    memory = SafeET.fromstring(domain_description).find("memory")
    if memory is None or not (memory.text or "").strip():
        return 0
    factor = UNIT_KIB.get(memory.get("unit", "KiB").lower(), 1)
    return int(int(memory.text.strip()) * factor)
