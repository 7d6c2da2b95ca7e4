"""A dedicated server's BMC for the tests: OpenIPMI's ``ipmi_sim`` on 127.0.0.1.

:class:`SimulatedBmc` writes a ``lan.conf`` (one LAN channel on a free UDP port of 127.0.0.1,
an admin user, a System GUID), an emulator command file (the BMC at IPMB 0x20) and a
``chassis_control`` program into a temporary directory and starts
``ipmi_sim -c lan.conf -f cmds -s state -n``. ipmi_sim runs the chassis program for chassis
control and status, so power on, off, cycle and reset really change the server's power,
kept in the file ``power`` ("1" on, "0" off) and logged in ``chassis.log``.

The module reaches the BMC through :class:`UdpRelay`, a plain UDP forwarder, so that a test
can send the module's *next call* to a closed UDP port: the relay recognises the start of a
call by the RMCP presence ping the module sends first (its message tag changes from call to
call) and diverts that call's packets until the next call's ping.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

USER = "hladmin"
PASSWORD = "rack-s3cret"
GUID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

CHASSIS_CONTROL = """#!/bin/sh
# chassis_control of ipmi_sim: <device> get|set <parm> [<value>] ...
# Keeps the server's power in the file "power" next to this script and logs every change.
here=$(dirname "$0")
state="$here/power"
[ -f "$state" ] || echo 1 > "$state"
shift
operation=$1
shift
case $operation in
  get)
    while [ -n "$1" ]; do
      case $1 in
        power) echo "power:$(cat "$state")" ;;
        boot) echo "boot:default" ;;
        *) echo "Invalid parameter: $1"; exit 1 ;;
      esac
      shift
    done ;;
  set)
    while [ -n "$1" ]; do
      parm=$1
      value=$2
      shift 2
      case $parm in
        power) echo "$value" > "$state" ;;
        reset|boot) ;;
        *) echo "Invalid parameter: $parm"; exit 1 ;;
      esac
      echo "$parm $value" >> "$here/chassis.log"
    done ;;
  *) echo "Unknown operation: $operation"; exit 1 ;;
esac
"""

LAN_CONF = """name "hostledger-test-bmc"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 {port}
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid {guid}
  endlan
  chassis_control "{chassis} 0x20"
  user 1 false "" "" user 10 none md2 md5 straight
  user 2 true "{user}" "{password}" admin 10 none md2 md5 straight
"""

EMULATOR_COMMANDS = """mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 0x09 0x08 0x9f 0x1291 0xf02 persist_sdr
mc_enable 0x20
"""

PING = bytes([0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x7F, 0x00, 0x00])


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ipmi_sim_binary() -> str | None:
    return shutil.which("ipmi_sim")


def answers_ping(port: int, seconds: float = 0.3) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(seconds)
        try:
            probe.sendto(PING, ("127.0.0.1", port))
            return probe.recv(512)[8] == 0x40
        except OSError:
            return False


def _is_ping(packet: bytes) -> bool:
    return len(packet) >= 12 and packet[3] == 0x06 and packet[8] == 0x80


class SimulatedBmc:
    """ipmi_sim with its files in ``directory``; start() waits until it answers."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_udp_port()
        self.process: subprocess.Popen | None = None

    @property
    def power_file(self) -> Path:
        return self.directory / "power"

    @property
    def chassis_log(self) -> list[str]:
        log = self.directory / "chassis.log"
        return log.read_text().split("\n")[:-1] if log.exists() else []

    def power(self) -> str:
        return "on" if self.power_file.read_text().strip() == "1" else "off"

    def set_power(self, state: str) -> None:
        self.power_file.write_text("1\n" if state == "on" else "0\n")

    def start(self, binary: str) -> SimulatedBmc:
        chassis = self.directory / "chassis_control"
        chassis.write_text(CHASSIS_CONTROL)
        chassis.chmod(0o755)
        self.set_power("on")
        (self.directory / "lan.conf").write_text(
            LAN_CONF.format(
                port=self.port, guid=GUID, chassis=chassis, user=USER, password=PASSWORD
            )
        )
        (self.directory / "cmds").write_text(EMULATOR_COMMANDS)
        state = self.directory / "state"
        state.mkdir()
        self.log = open(self.directory / "ipmi_sim.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [binary, "-c", "lan.conf", "-f", "cmds", "-s", str(state), "-n"],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while not answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = (self.directory / "ipmi_sim.log").read_text(errors="replace")
                raise RuntimeError(f"ipmi_sim did not start answering: {output[-2000:]}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if getattr(self, "log", None) is not None:
            self.log.close()


class UdpRelay:
    """Forwards UDP between the module and the BMC, one upstream socket per client address;
    :meth:`divert_next_call` sends the next call's packets to a closed UDP port instead."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.closed_port = free_udp_port()  # bound and released: nothing listens there
        self.dead_end = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.upstream: dict[tuple, socket.socket] = {}
        self.clients: dict[socket.socket, tuple] = {}
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.front, selectors.EVENT_READ)
        self.lock = threading.Lock()
        self.armed = False
        self.diverting_tag: int | None = None
        self.diverted = 0
        self.wake_read, self.wake_write = os.pipe()
        self.selector.register(self.wake_read, selectors.EVENT_READ)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> UdpRelay:
        self.thread.start()
        return self

    def divert_next_call(self) -> None:
        with self.lock:
            self.armed = True

    def _divert(self, packet: bytes) -> bool:
        with self.lock:
            if self.armed:
                self.armed = False
                self.diverting_tag = packet[9] if _is_ping(packet) else -1
                return True
            if self.diverting_tag is None:
                return False
            if _is_ping(packet) and packet[9] != self.diverting_tag:
                if self.diverting_tag != -1:
                    self.diverting_tag = None
                    return False
                self.diverting_tag = packet[9]  # the first ping of the diverted call
            return True

    def _serve(self) -> None:
        while self.running:
            for key, _ in self.selector.select(timeout=0.5):
                if key.fileobj == self.wake_read:
                    return
                try:
                    packet, source = key.fileobj.recvfrom(65535)
                except OSError:
                    continue
                if key.fileobj is self.front:
                    if self._divert(packet):
                        self.diverted += 1
                        with contextlib.suppress(OSError):
                            self.dead_end.sendto(packet, ("127.0.0.1", self.closed_port))
                        continue
                    upstream = self.upstream.get(source)
                    if upstream is None:
                        upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        upstream.connect(self.target)
                        self.upstream[source] = upstream
                        self.clients[upstream] = source
                        self.selector.register(upstream, selectors.EVENT_READ)
                    with contextlib.suppress(OSError):
                        upstream.send(packet)
                else:
                    with contextlib.suppress(OSError):
                        self.front.sendto(packet, self.clients[key.fileobj])

    def stop(self) -> None:
        self.running = False
        os.write(self.wake_write, b"x")
        self.thread.join(timeout=5)
        for sock in [self.front, self.dead_end, *self.upstream.values()]:
            sock.close()
        self.selector.close()
        os.close(self.wake_read)
        os.close(self.wake_write)
