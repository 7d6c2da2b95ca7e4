"""One bounded conversation with a dedicated server's BMC over IPMI-over-LAN (PRV-01, PRV-02).

A call first sends an RMCP presence ping (ASF, which IPMI requires every LAN BMC to answer):
no pong within ``provisioning.ipmi.ping_seconds`` means the BMC is unreachable, a failure a
retry may cure. Then ``pyghmi`` logs in (RMCP+), runs the work and logs out, in a worker
thread given ``provisioning.ipmi.timeout_seconds`` (plus the power wait where one applies);
a call still running then fails for a retry. A login the BMC refuses, or a command it
rejects, fails for good with the BMC's words. Messages never carry the BMC's address or
credentials.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyghmi import exceptions as ipmi_errors
from pyghmi.ipmi.command import Command

from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import ModuleError
from hostledger.provisioning.modules.ipmi import conf

logger = logging.getLogger("hostledger.provisioning.ipmi")

ACCESS_KEYS = ("bmc_address", "bmc_username", "bmc_password")

_ASF_IANA = b"\x00\x00\x11\xbe"
_PING, _PONG = 0x80, 0x40
_tags = itertools.count()
_tags_lock = threading.Lock()
# pyghmi's own words for a session that never came up or broke, as opposed to a refusal.
_LOST_SESSION = ("session no longer connected", "timeout", "timed out", "no response")


@dataclass(frozen=True)
class Bmc:
    host: str
    port: int
    username: str
    password: str

    def __repr__(self) -> str:  # never show the address or the credentials
        return "Bmc(…)"


def has_bmc(access: Mapping[str, str] | None) -> bool:
    """Whether the access details hold a BMC address, user name and password."""
    return all(str((access or {}).get(key, "")).strip() for key in ACCESS_KEYS)


def bmc_of(access: Mapping[str, str]) -> Bmc:
    """The BMC of the access details: ``bmc_address`` is ``host``, ``host:port`` or
    ``[v6 address]:port``; without a port, ``provisioning.ipmi.default_port``."""
    address = str(access["bmc_address"]).strip()
    host, port = address, int(setting_value(conf.DEFAULT_PORT))
    if address.startswith("["):
        closing = address.find("]")
        host = address[1:closing] if closing > 0 else address.strip("[]")
        rest = address[closing + 1 :] if closing > 0 else ""
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif address.count(":") == 1:
        name, _, number = address.partition(":")
        if number.isdigit():
            host, port = name, int(number)
    if not host or not 0 < port < 65536:
        raise ModuleError(
            "The BMC address of this server is not a host, host:port or [address]:port; "
            "correct it in the service's access details.",
            retry_can_help=False,
            code="bmc_address",
        )
    return Bmc(host, port, str(access["bmc_username"]), str(access["bmc_password"]))


def _next_tag() -> int:
    with _tags_lock:
        return next(_tags) % 255  # 255 would mean "no acknowledgement" in RMCP


def presence_ping(bmc: Bmc, seconds: float) -> None:
    """Send RMCP presence pings until the BMC pongs, for at most ``seconds``."""
    tag = _next_tag()
    ping = bytes([0x06, 0x00, 0xFF, 0x06]) + _ASF_IANA + bytes([_PING, tag, 0x00, 0x00])
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            bmc.host, bmc.port, 0, socket.SOCK_DGRAM
        )[0]
    except OSError as error:
        raise ModuleError(
            f"The BMC's host name does not resolve ({error.__class__.__name__}).",
            retry_can_help=True,
            code="bmc_unreachable",
        ) from error
    deadline = time.monotonic() + seconds
    with socket.socket(family, kind, protocol) as probe:
        while (left := deadline - time.monotonic()) > 0:
            with contextlib.suppress(OSError):  # an unreachable network: try until the deadline
                probe.sendto(ping, address)
            wait_until = time.monotonic() + min(0.5, left)
            while (pause := wait_until - time.monotonic()) > 0:
                readable, _, _ = select.select([probe], [], [], pause)
                if not readable:
                    break
                try:
                    answer = probe.recv(512)
                except OSError:
                    continue  # an ICMP "port unreachable" for an earlier ping
                if answer[8:10] == bytes([_PONG, tag]) and answer[4:8] == _ASF_IANA:
                    return
    raise ModuleError(
        f"The server's BMC did not answer a presence ping within {seconds} s.",
        retry_can_help=True,
        code="bmc_unreachable",
    )


def _translate(error: BaseException, what: str) -> ModuleError:
    if isinstance(error, ModuleError):
        return error
    words = str(error).strip() if str(error) not in ("", "None") else ""
    if isinstance(error, ipmi_errors.IpmiException) and words:
        if any(lost in words.lower() for lost in _LOST_SESSION):
            return ModuleError(
                f"The session with the server's BMC broke while trying to {what}: {words}",
                retry_can_help=True,
                code="bmc_session_lost",
            )
        return ModuleError(
            f"The server's BMC refused to {what}: {words}",
            retry_can_help=False,
            code="bmc_refused",
        )
    if isinstance(error, ipmi_errors.IpmiException):
        return ModuleError(
            f"The server's BMC did not answer the login to {what}.",
            retry_can_help=True,
            code="bmc_unreachable",
        )
    return ModuleError(
        f"The conversation with the server's BMC failed while trying to {what}: "
        f"{error.__class__.__name__}{': ' + words if words else ''}",
        retry_can_help=True,
        code="bmc_error",
    )


def with_bmc(access: Mapping[str, str], what: str, work: Callable[[Command], Any], *, extra=0):
    """Ping the BMC of ``access``, log in, run ``work(command)`` and log out, all within
    the call timeout (plus ``extra`` seconds); ModuleError on every failure."""
    bmc = bmc_of(access)
    presence_ping(bmc, int(setting_value(conf.PING_SECONDS)))
    seconds = int(setting_value(conf.TIMEOUT_SECONDS)) + extra
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            # Credentials as bytes: pyghmi files a session being set up under the values it
            # was given and removes it under their encoded form, so text credentials leave
            # a stale entry that breaks the next call to the same BMC.
            command = Command(
                bmc=bmc.host,
                userid=bmc.username.encode("utf-8"),
                password=bmc.password.encode("utf-8"),
                port=bmc.port,
                keepalive=False,
            )
            try:
                outcome["value"] = work(command)
            finally:
                try:
                    command.ipmi_session.logout()
                except Exception as error:  # the work's outcome matters, not the goodbye
                    logger.info("Logging out of a BMC failed: %s", error.__class__.__name__)
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, name="ipmi-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise ModuleError(
            f"The server's BMC did not let us {what} within {seconds} s.",
            retry_can_help=True,
            code="bmc_timeout",
        )
    if "error" in outcome:
        raise _translate(outcome["error"], what) from outcome["error"]
    return outcome.get("value")
