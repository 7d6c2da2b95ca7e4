"""One conversation with the Proxmox VE API for one module call (PRV-01, PRV-02).

:class:`PveSession` wraps a ``proxmoxer`` client built from the provider settings and the
token in the environment, and turns every failure into a :class:`ModuleError`: no answer
in time, a refused connection or a 5xx answer may pass (``retry_can_help``); a 4xx answer
(a parameter Proxmox VE refused, a permission missing) will not, and carries Proxmox VE's own
words. Every request has the timeout of ``provisioning.proxmox.timeout_seconds``; a task
(clone, start, delete…) is waited for with a bounded poll of its status.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from proxmoxer import ProxmoxAPI, ResourceException

from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import ModuleError
from hostledger.provisioning.modules.proxmox import conf

TOKEN_ID_VARIABLE = "HOSTLEDGER_PROXMOX_TOKEN_ID"
TOKEN_SECRET_VARIABLE = "HOSTLEDGER_PROXMOX_TOKEN_SECRET"

_TOKEN_ID = re.compile(r"^[^\s!]+@[^\s!]+![A-Za-z][A-Za-z0-9._-]*$")
_SIZE = re.compile(r"(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_RETRYABLE_STATUS = {408, 425, 429}
_TASK_RETRYABLE = ("lock", "timeout", "timed out", "got no worker")


def _not_configured(problem: str) -> ModuleError:
    return ModuleError(f"Proxmox VE module: {problem}", retry_can_help=False, code="configuration")


def disk_size_bytes(disk_option: str) -> int | None:
    """The size of a disk option of a VM config (``local-lvm:vm-101-disk-0,size=32G``)."""
    found = _SIZE.search(disk_option or "")
    if found is None:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2)])


def agent_enabled(config: dict) -> bool:
    """Whether a VM config enables the QEMU guest agent (``agent: 1`` or ``enabled=1,…``)."""
    value = str(config.get("agent", "")).strip()
    first = value.split(",", 1)[0]
    return first in ("1", "enabled=1", "enabled=true")


@dataclass(frozen=True)
class PveSettings:
    api_url: str
    host: str
    port: int
    path_prefix: str | None
    node: str
    verify: bool | str
    timeout: int
    task_wait: int
    task_poll: float

    @classmethod
    def read(cls) -> PveSettings:
        raw_url = str(setting_value(conf.API_URL)).strip().rstrip("/")
        if not raw_url:
            raise _not_configured(f"set {conf.API_URL} to the address of the Proxmox VE API.")
        url = urlsplit(raw_url)
        if url.scheme != "https" or not url.hostname:
            raise _not_configured(f"{conf.API_URL} must be an https address, not '{raw_url}'.")
        try:
            port = url.port or 8006
        except ValueError:
            raise _not_configured(f"{conf.API_URL} has no valid port: '{raw_url}'.") from None
        node = str(setting_value(conf.NODE)).strip()
        if not node:
            raise _not_configured(f"set {conf.NODE} to the name of a Proxmox VE node.")
        ca_bundle = str(setting_value(conf.CA_BUNDLE)).strip()
        verify: bool | str = bool(setting_value(conf.VERIFY_TLS))
        if verify and ca_bundle:
            verify = ca_bundle
        prefix = url.path.strip("/")
        if prefix.endswith("api2/json"):
            prefix = prefix[: -len("api2/json")].strip("/")
        return cls(
            api_url=f"https://{url.netloc}" + (f"/{prefix}" if prefix else ""),
            host=url.hostname,
            port=port,
            path_prefix=prefix or None,
            node=node,
            verify=verify,
            timeout=int(setting_value(conf.TIMEOUT_SECONDS)),
            task_wait=int(setting_value(conf.TASK_WAIT_SECONDS)),
            task_poll=int(setting_value(conf.TASK_POLL_MILLISECONDS)) / 1000,
        )


def _token() -> tuple[str, str, str]:
    """(user@realm, token name, secret) from the environment, read at call time."""
    token_id = os.environ.get(TOKEN_ID_VARIABLE, "").strip()
    secret = os.environ.get(TOKEN_SECRET_VARIABLE, "").strip()
    if not token_id or not secret:
        raise _not_configured(
            f"set {TOKEN_ID_VARIABLE} (user@realm!token) and {TOKEN_SECRET_VARIABLE} in the "
            "environment of HostLedger's workers."
        )
    if not _TOKEN_ID.match(token_id):
        raise _not_configured(f"{TOKEN_ID_VARIABLE} must look like 'user@realm!token'.")
    user, _, name = token_id.partition("!")
    return user, name, secret


def _pve_words(error: ResourceException) -> str:
    """What Proxmox VE said: the reason of its status line (its message) and the per-field
    ``errors`` of the JSON body."""
    words = str(error.content or "").strip() or str(error.status_message or "").strip()
    errors = error.errors
    if isinstance(errors, dict) and errors:
        details = "; ".join(
            f"{field}: {str(problem).strip()}" for field, problem in sorted(errors.items())
        )
        words = f"{words} ({details})" if words else details
    elif isinstance(errors, list | tuple) and errors:
        words = f"{words} ({'; '.join(str(item).strip() for item in errors)})"
    elif isinstance(errors, str | bytes) and errors:
        text = errors.decode("utf-8", "replace") if isinstance(errors, bytes) else errors
        words = f"{words} ({text.strip()})" if words else text.strip()
    return words or "no reason given"


class PveSession:
    """The API of one Proxmox VE node for the length of one module call."""

    def __init__(self, settings: PveSettings | None = None):
        self.settings = settings or PveSettings.read()
        user, token_name, secret = _token()
        self.node = self.settings.node
        self.api = ProxmoxAPI(
            self.settings.host,
            port=self.settings.port,
            path_prefix=self.settings.path_prefix,
            user=user,
            token_name=token_name,
            token_value=secret,
            verify_ssl=self.settings.verify,
            timeout=self.settings.timeout,
            service="PVE",
        )

    # -- requests ------------------------------------------------------------------------

    def call(self, what: str, request: Callable[[], Any]) -> Any:
        """Run one API request, turning its failure into a ModuleError about ``what``."""
        try:
            return request()
        except ResourceException as error:
            status = int(error.status_code or 0)
            retry = status >= 500 or status in _RETRYABLE_STATUS
            raise ModuleError(
                f"Proxmox VE answered {status} to {what}: {_pve_words(error)}",
                retry_can_help=retry,
                code="pve_refused" if not retry else "pve_error",
            ) from error
        except requests.exceptions.SSLError as error:
            raise ModuleError(
                f"The TLS certificate of Proxmox VE at {self.settings.host} was not accepted "
                f"({error.__class__.__name__}); check {conf.CA_BUNDLE}.",
                retry_can_help=False,
                code="pve_tls",
            ) from error
        except requests.exceptions.Timeout as error:
            raise ModuleError(
                f"Proxmox VE at {self.settings.host} did not answer within "
                f"{self.settings.timeout} s to {what}.",
                retry_can_help=True,
                code="pve_timeout",
            ) from error
        except requests.exceptions.RequestException as error:
            raise ModuleError(
                f"Proxmox VE at {self.settings.host} could not be reached to {what}: "
                f"{error.__class__.__name__}.",
                retry_can_help=True,
                code="pve_unreachable",
            ) from error

    def qemu(self, vmid: int):
        return self.api.nodes(self.node).qemu(vmid)

    def vms(self) -> list[dict]:
        """Every VM of the node (templates included), as /nodes/{node}/qemu lists them."""
        listed = self.call(
            f"list the VMs of node {self.node}", lambda: self.api.nodes(self.node).qemu.get()
        )
        return [vm for vm in listed or [] if isinstance(vm, dict) and "vmid" in vm]

    def config(self, vmid: int) -> dict:
        return self.call(f"read the config of VM {vmid}", lambda: self.qemu(vmid).config.get())

    def status(self, vmid: int) -> dict:
        return self.call(
            f"read the status of VM {vmid}", lambda: self.qemu(vmid).status.current.get()
        )

    def next_id(self) -> int:
        answer = self.call("get a free VMID", lambda: self.api.cluster.nextid.get())
        try:
            return int(answer)
        except (TypeError, ValueError):
            raise ModuleError(
                f"Proxmox VE gave no VMID for a new VM (answered {answer!r}).",
                retry_can_help=True,
            ) from None

    # -- tasks -----------------------------------------------------------------------------

    def run_task(self, what: str, request: Callable[[], Any], *, extra_wait: int = 0) -> Any:
        """Run a request that starts a task and wait for the task; a request answered at
        once (no UPID) is returned as is."""
        answer = self.call(what, request)
        if isinstance(answer, str) and answer.startswith("UPID:"):
            self.wait(answer, what, extra_wait=extra_wait)
        return answer

    def wait(self, upid: str, what: str, *, extra_wait: int = 0) -> None:
        """Poll /nodes/{node}/tasks/{upid}/status until the task stopped, for at most
        ``provisioning.proxmox.task_wait_seconds`` (plus ``extra_wait``)."""
        node = upid.split(":")[1] if upid.count(":") >= 2 else self.node
        deadline = time.monotonic() + self.settings.task_wait + extra_wait
        while True:
            status = self.call(
                f"follow the task to {what}",
                lambda: self.api.nodes(node).tasks(upid).status.get(),
            )
            if isinstance(status, dict) and status.get("status") == "stopped":
                exit_status = str(status.get("exitstatus", "")).strip()
                if exit_status == "OK" or exit_status.startswith("WARNINGS"):
                    return
                retry = any(word in exit_status.lower() for word in _TASK_RETRYABLE)
                raise ModuleError(
                    f"The Proxmox VE task to {what} failed: {exit_status or 'no exit status'}",
                    retry_can_help=retry,
                    code="pve_task_failed",
                )
            if time.monotonic() >= deadline:
                raise ModuleError(
                    f"The Proxmox VE task to {what} is still running after "
                    f"{self.settings.task_wait + extra_wait} s; the retry looks at it again.",
                    retry_can_help=True,
                    code="pve_task_running",
                )
            time.sleep(self.settings.task_poll)
