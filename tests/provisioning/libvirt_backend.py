"""A libvirt test-driver hypervisor per test, and faults made the way real hosts make them.

Each test gets its own ``test:///<tmp>/node.xml``: libvirt's built-in test driver (no
daemon) loads the node description (a storage pool ``hostledger`` holding two OS image
volumes — the test driver gives every pool 100 GiB and allocates a volume in full —, a network
``hostledger``) into the memory of the connection that opened it, so tests
never see each other's domains. The module keeps that connection open for the whole test
(its :class:`ConnectionCache`), and the backend reads the same hypervisor through it.

Faults are real libvirt failures: ``timeout`` makes the module's next connection go to a TCP
listener on 127.0.0.1 that accepts and never answers (libvirt's remote protocol waits, the
module's connect timeout ends the call); ``refusal`` stops the storage pool, so libvirt
itself refuses the next create with "storage pool ... is not active".
"""

from __future__ import annotations

import socket
import threading

import libvirt
import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules.libvirt import conf, libvirt_module
from hostledger.provisioning.modules.libvirt.connection import ConnectionCache, open_connection

NODE_XML = """<node>
  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>
    <cores>16</cores><threads>1</threads></cpu>
  <memory>67108864</memory>
  <pool type='dir'>
    <name>hostledger</name>
    <target><path>/var/lib/hostledger/images</path></target>
    <volume><name>debian-12.qcow2</name><capacity unit='GiB'>2</capacity>
      <allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>
    <volume><name>ubuntu-24-04.qcow2</name><capacity unit='GiB'>3</capacity>
      <allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>
  </pool>
  <network>
    <name>hostledger</name>
    <bridge name='hlbr0'/>
    <forward/>
    <ip address='192.168.122.1' netmask='255.255.255.0'>
      <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
    </ip>
  </network>
</node>
"""


class SilentListener:
    """A TCP listener on 127.0.0.1 that accepts connections and never says a word, like a
    host whose libvirt daemon hangs."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.server.close()


class FaultyConnections:
    """The module's connections, except that the next one can be sent to another URI."""

    def __init__(self, inner: ConnectionCache):
        self.inner = inner
        self.next_uri = ""

    def connection(self, uri, **options):
        if self.next_uri:
            detour, self.next_uri = self.next_uri, ""
            return open_connection(detour, **options)
        return self.inner.connection(uri, **options)

    def close(self, uri) -> None:
        self.inner.close(uri)


class TestDriverBackend:
    """The contract's ``backend`` over one test-driver hypervisor."""

    __test__ = False

    def __init__(self, *, uri: str, connections: FaultyConnections, silent: SilentListener):
        self.uri = uri
        self.connections = connections
        self.silent = silent

    @property
    def connection(self):
        return libvirt_module.connect()

    def domains(self) -> list:
        return [d for d in self.connection.listAllDomains(0) if d.name().startswith("hl-")]

    def resources(self) -> int:
        return len(self.domains())

    def domain(self, name: str):
        return self.connection.lookupByName(name)

    def volumes(self) -> list[str]:
        pool = self.connection.storagePoolLookupByName("hostledger")
        return sorted(name for name in pool.listVolumes() if name.startswith("hl-"))

    def inject(self, kind: str) -> None:
        if kind == "timeout":
            self.connections.next_uri = f"qemu+tcp://127.0.0.1:{self.silent.port}/system"
        elif kind == "refusal":
            self.connection.storagePoolLookupByName("hostledger").destroy()
        else:
            raise ValueError(kind)

    def power_state(self, request) -> str:
        domain = self.connection.lookupByUUIDString(request.module_service_id)
        state = domain.state()[0]
        return "off" if state in (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_CRASHED) else "on"


@pytest.fixture
def silent_listener():
    listener = SilentListener()
    yield listener
    listener.close()


@pytest.fixture
def libvirt_backend(db, tmp_path, monkeypatch, silent_listener):
    """The registered ``libvirt`` module pointed at a fresh test-driver hypervisor."""
    node = tmp_path / "node.xml"
    node.write_text(NODE_XML)
    uri = f"test://{node}"
    for key, value in (
        (conf.URI, uri),
        (conf.STORAGE_POOL, "hostledger"),
        (conf.NETWORK, "hostledger"),
        (conf.CONNECT_TIMEOUT_SECONDS, 1),
    ):
        provider_setting_change(key=key, raw_value=value)
    connections = FaultyConnections(ConnectionCache())
    monkeypatch.setattr(libvirt_module, "connections", connections)
    yield TestDriverBackend(uri=uri, connections=connections, silent=silent_listener)
    connections.close(uri)
