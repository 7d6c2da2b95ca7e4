"""A simulator of the Proxmox VE HTTP API, for the tests of the ``proxmox`` module.

There is no Proxmox VE server on the test machines, so the module's tests run against this
simulator instead: an HTTPS server on 127.0.0.1 that speaks the documented ``/api2/json``
API (https://pve.proxmox.com/pve-docs/api-viewer/) for the calls the module makes, the way
Proxmox VE answers them:

* API-token authentication (``Authorization: PVEAPIToken=user@realm!name=secret``),
  401 otherwise;
* every answer is ``{"data": …}``; a refused parameter is ``400 Parameter verification
  failed.`` with the per-field ``errors`` object, an unknown parameter is refused the same
  way; other failures are a 500 whose status line carries Proxmox VE's message;
* ``/cluster/nextid``, ``/nodes/{node}/qemu`` (list), ``…/{vmid}/clone`` (a full clone,
  locked ``clone`` while its task runs), ``…/config`` (GET and synchronous PUT),
  ``…/resize`` (grow only), ``…/status/current`` and ``…/status/{start,stop,shutdown,
  reboot,suspend,resume}``, ``DELETE …/{vmid}``, ``…/vncproxy``, ``…/rrddata``,
  ``…/agent/ping`` and ``…/agent/set-user-password``;
* changes that Proxmox VE runs as worker tasks answer a UPID
  (``UPID:node:pid:pstart:starttime:type:id:user:``) and take effect when the task ends;
  ``/nodes/{node}/tasks/{upid}/status`` reports ``running`` at the first look and
  ``stopped`` with ``exitstatus`` ``OK`` (or the error) at the next.

Faults for the contract: ``inject("timeout")`` makes the next request wait past the
client's timeout before it is answered; ``inject("refusal")`` answers the next write
(POST, PUT, DELETE) with a 400 and Proxmox VE's error body.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import json
import re
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TOKEN_ID = "hostledger@pve!billing"
NODE = "pve"
STORAGES = ("local-lvm", "local")
REFUSAL_FIELD = "storage"
REFUSAL_PROBLEM = "storage 'local-lvm' is not available on node 'pve'"
_DNS_NAME = re.compile(r"^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*$")
_SIZE = re.compile(r"^(\+?)(\d+(?:\.\d+)?)([KMGT]?)$")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_NOT_IN_SCHEMA = (
    "property is not defined in schema and the schema does not allow additional properties"
)


def make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it: (ca.pem, cert.pem, key.pem). The
    validity is fixed and wide, because the tests freeze the clock in 2027."""
    not_before = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    not_after = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Simulated Proxmox VE CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (directory / name for name in ("ca.pem", "cert.pem", "key.pem"))
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class PveError(Exception):
    """An answer other than 200: the status, Proxmox VE's message and per-field errors."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _param_error(errors: dict) -> PveError:
    return PveError(400, "Parameter verification failed.", errors)


def _no_config(vmid) -> PveError:
    return PveError(
        500, f"Configuration file 'nodes/{NODE}/qemu-server/{vmid}.conf' does not exist"
    )


@dataclass
class Vm:
    vmid: int
    config: dict
    template: bool = False
    status: str = "stopped"  # running / stopped
    paused: bool = False
    lock: str = ""
    reboots: int = 0
    passwords: dict = field(default_factory=dict)

    def listed(self) -> dict:
        entry = {
            "vmid": self.vmid,
            "name": self.config.get("name", ""),
            "status": self.status,
            "cpus": int(self.config.get("cores", 1)),
            "maxmem": int(self.config.get("memory", 512)) * 1024**2,
            "maxdisk": disk_bytes(self.config.get("scsi0", "")) or 0,
            "uptime": 0,
        }
        if self.template:
            entry["template"] = 1
        if self.lock:
            entry["lock"] = self.lock
        return entry


def disk_bytes(option: str) -> int | None:
    found = re.search(r"(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)", option or "")
    if found is None:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2)])


def _size_text(size: int) -> str:
    for unit in ("T", "G", "M", "K"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


@dataclass
class Task:
    upid: str
    node: str
    kind: str
    target: str
    effect: object  # a callable run when the task ends; returns an error text or None
    looks: int = 0
    exitstatus: str = ""


class PveSimulator:
    """Proxmox VE's API on 127.0.0.1 (see the module docstring); start() and stop()."""

    def __init__(self, cert_path: Path, key_path: Path, *, stall_seconds: float = 2.0):
        self.secret = secrets.token_hex(16)
        self.token_id = TOKEN_ID
        self.cert_path, self.key_path = cert_path, key_path
        self.stall_seconds = stall_seconds
        self.vms: dict[int, Vm] = {}
        self.tasks: dict[str, Task] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.RLock()
        self._pids = itertools.count(0x1A2B00)
        self._fault = ""
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.add_template(9000, name="debian-12-template", disk_gb=8)
        self.add_template(9001, name="ubuntu-24-template", disk_gb=8, agent=False)

    # -- state the tests set up and read ---------------------------------------------------

    def add_template(self, vmid: int, *, name: str, disk_gb: int, agent: bool = True) -> None:
        config = {
            "name": name,
            "cores": 1,
            "memory": 512,
            "scsi0": f"local-lvm:base-{vmid}-disk-0,size={disk_gb}G",
            "scsihw": "virtio-scsi-single",
            "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0",
            "ostype": "l26",
            "template": 1,
        }
        if agent:
            config["agent"] = "1"
        self.vms[vmid] = Vm(vmid=vmid, config=config, template=True)

    def add_vm(self, vmid: int, *, name: str, status: str = "running") -> Vm:
        vm = Vm(
            vmid=vmid,
            config={
                "name": name,
                "cores": 2,
                "memory": 2048,
                "scsi0": "local-lvm:vm-disk,size=20G",
            },
            status=status,
        )
        self.vms[vmid] = vm
        return vm

    def machines(self) -> list[Vm]:
        with self.lock:
            return [vm for vm in self.vms.values() if not vm.template]

    def vm(self, vmid) -> Vm | None:
        with self.lock:
            return self.vms.get(int(vmid))

    def inject(self, kind: str) -> None:
        assert kind in ("timeout", "refusal"), kind
        self._fault = kind

    def calls(self, method: str, path_part: str) -> list[dict]:
        return [params for m, path, params in self.requests if m == method and path_part in path]

    # -- the server ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> PveSimulator:
        simulator = self

        class Handler(_Handler):
            pve = simulator

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- answering ------------------------------------------------------------------------------

    def take_fault(self, method: str) -> str:
        with self.lock:
            if self._fault == "timeout" or (self._fault == "refusal" and method != "GET"):
                fault, self._fault = self._fault, ""
                return fault
        return ""

    def stall(self) -> None:
        self._stopping.wait(self.stall_seconds)

    def authorized(self, header: str) -> bool:
        return header == f"PVEAPIToken={self.token_id}={self.secret}"

    def answer(self, method: str, path: str, params: dict):
        self.requests.append((method, path, dict(params)))
        parts = [unquote(part) for part in path.strip("/").split("/")]
        if parts[:2] != ["api2", "json"]:
            raise PveError(501, f"Method '{method} {path}' not implemented")
        parts = parts[2:]
        with self.lock:
            return self._route(method, parts, params)

    def _route(self, method: str, parts: list[str], params: dict):
        route = (method, *parts)
        if route == ("GET", "version"):
            return {"version": "8.2.4", "release": "8.2", "repoid": "faa83925c9641325"}
        if route == ("GET", "cluster", "nextid"):
            _check(params, {"vmid": int})
            return str(max([99, *self.vms]) + 1)
        if len(parts) >= 3 and parts[0] == "nodes":
            if parts[1] != NODE:
                raise PveError(500, f"no such cluster node '{parts[1]}'")
            rest = parts[2:]
            if rest[0] == "tasks" and len(rest) == 3 and rest[2] == "status" and method == "GET":
                return self._task_status(rest[1])
            if rest[0] == "qemu":
                return self._qemu(method, rest[1:], params)
        raise PveError(501, f"Method '{method} /{'/'.join(parts)}' not implemented")

    def _qemu(self, method: str, rest: list[str], params: dict):
        if not rest:
            if method == "GET":
                _check(params, {"full": bool})
                return [vm.listed() for vm in self.vms.values()]
            raise PveError(501, "Method not implemented")
        if not rest[0].isdigit():
            raise _param_error({"vmid": "type check ('integer') failed - got '" + rest[0] + "'"})
        vmid, action = int(rest[0]), tuple(rest[1:])
        vm = self.vms.get(vmid)
        if method == "DELETE" and not action:
            return self._destroy(vmid, vm, params)
        if vm is None:
            raise _no_config(vmid)
        if (method, action) == ("POST", ("clone",)):
            return self._clone(vm, params)
        if (method, action) == ("GET", ("config",)):
            _check(params, {"current": bool, "snapshot": str})
            return {**vm.config, "digest": secrets.token_hex(20)}
        if (method, action) == ("PUT", ("config",)):
            return self._set_config(vm, params)
        if (method, action) == ("PUT", ("resize",)):
            return self._resize(vm, params)
        if (method, action) == ("GET", ("status", "current")):
            return self._status(vm)
        if method == "POST" and len(action) == 2 and action[0] == "status":
            return self._power(vm, action[1], params)
        if (method, action) == ("POST", ("vncproxy",)):
            _check(params, {"websocket": bool, "generate-password": bool})
            if vm.status != "running":
                raise PveError(500, f"VM {vmid} not running")
            ticket = "PVEVNC:" + secrets.token_hex(8).upper() + "::" + secrets.token_urlsafe(24)
            upid = self._task("vncproxy", vm.vmid, lambda: None)
            return {
                "user": self.token_id,
                "ticket": ticket,
                "port": "5900",
                "cert": "",
                "upid": upid,
            }
        if (method, action) == ("GET", ("rrddata",)):
            return self._rrddata(vm, params)
        if method == "POST" and action[:1] == ("agent",):
            return self._agent(vm, action[1:], params)
        raise PveError(
            501, f"Method '{method} /nodes/{NODE}/qemu/{vmid}/{'/'.join(action)}' not implemented"
        )

    # -- the calls ---------------------------------------------------------------------------------

    def _task(self, kind: str, target, effect) -> str:
        now = int(time.time())
        pid, pstart = next(self._pids), now & 0xFFFFFFF
        upid = f"UPID:{NODE}:{pid:08X}:{pstart:08X}:{now:08X}:{kind}:{target}:{self.token_id}:"
        self.tasks[upid] = Task(upid=upid, node=NODE, kind=kind, target=str(target), effect=effect)
        return upid

    def _task_status(self, upid: str):
        task = self.tasks.get(upid)
        if task is None:
            raise PveError(400, "unable to parse worker upid")
        task.looks += 1
        answer = {
            "upid": upid,
            "node": task.node,
            "type": task.kind,
            "id": task.target,
            "user": self.token_id,
            "pid": int(upid.split(":")[2], 16),
            "starttime": int(upid.split(":")[4], 16),
        }
        if task.looks == 1:
            return {**answer, "status": "running"}
        if not task.exitstatus:
            error = task.effect()
            task.exitstatus = error or "OK"
        return {**answer, "status": "stopped", "exitstatus": task.exitstatus}

    def _clone(self, source: Vm, params: dict):
        _check(
            params,
            {
                "newid": int,
                "name": str,
                "full": bool,
                "storage": str,
                "description": str,
                "target": str,
                "pool": str,
                "snapname": str,
                "format": str,
                "bwlimit": int,
            },
            required=("newid",),
        )
        newid = int(params["newid"])
        errors = {}
        if newid < 100:
            errors["newid"] = "value must have a minimum value of 100"
        if "name" in params and not _DNS_NAME.match(params["name"]):
            errors["name"] = "invalid format - value does not look like a valid DNS name"
        if params.get("storage") and params["storage"] not in STORAGES:
            errors["storage"] = f"storage '{params['storage']}' does not exist"
        if errors:
            raise _param_error(errors)
        if newid in self.vms:
            raise PveError(500, f"unable to create VM {newid}: config file already exists")
        if not source.template and not _true(params.get("full")):
            raise PveError(500, "parameter 'full' must be set to clone a VM that is not a template")
        config = {key: value for key, value in source.config.items() if key != "template"}
        config["name"] = params.get("name") or f"Copy-of-VM-{source.config.get('name')}"
        storage = params.get("storage") or source.config["scsi0"].split(":", 1)[0]
        size = disk_bytes(source.config["scsi0"])
        config["scsi0"] = f"{storage}:vm-{newid}-disk-0,size={_size_text(size)}"
        if params.get("description"):
            config["description"] = params["description"]
        clone = Vm(vmid=newid, config=config, lock="clone")
        self.vms[newid] = clone
        source.lock = "clone" if source.template else source.lock

        def finish():
            clone.lock = ""
            source.lock = ""

        return self._task("qmclone", source.vmid, finish)

    def _set_config(self, vm: Vm, params: dict):
        _check(
            params,
            {
                "cores": int,
                "memory": int,
                "sockets": int,
                "name": str,
                "description": str,
                "agent": str,
                "tags": str,
                "digest": str,
                "delete": str,
                "skiplock": bool,
            },
        )
        errors = {}
        if "cores" in params and not 1 <= int(params["cores"]) <= 1024:
            errors["cores"] = "value must have a minimum value of 1"
        if "memory" in params and int(params["memory"]) < 16:
            errors["memory"] = "value must have a minimum value of 16"
        if errors:
            raise _param_error(errors)
        if vm.lock:
            raise PveError(500, f"VM is locked ({vm.lock})")
        for key in ("cores", "memory", "sockets"):
            if key in params:
                vm.config[key] = int(params[key])
        for key in ("name", "description", "agent", "tags"):
            if key in params:
                vm.config[key] = params[key]
        return None

    def _resize(self, vm: Vm, params: dict):
        _check(
            params,
            {"disk": str, "size": str, "digest": str, "skiplock": bool},
            required=("disk", "size"),
        )
        disk = params["disk"]
        found = _SIZE.match(params["size"])
        if found is None:
            raise _param_error({"size": "value does not match the regex pattern"})
        if disk not in vm.config or disk_bytes(vm.config[disk]) is None:
            raise PveError(500, f"disk '{disk}' does not exist")
        if vm.lock:
            raise PveError(500, f"VM is locked ({vm.lock})")
        current = disk_bytes(vm.config[disk])
        amount = int(float(found.group(2)) * _UNITS[found.group(3) or "G"])
        new = current + amount if found.group(1) else amount
        if new < current:
            raise PveError(500, "shrinking disks is not supported")

        def finish():
            vm.config[disk] = re.sub(r"size=[^,]+", f"size={_size_text(new)}", vm.config[disk])

        return self._task("resize", vm.vmid, finish)

    def _status(self, vm: Vm):
        answer = {
            "vmid": vm.vmid,
            "name": vm.config.get("name", ""),
            "status": vm.status,
            "qmpstatus": ("paused" if vm.paused else "running")
            if vm.status == "running"
            else "stopped",
            "cpus": int(vm.config.get("cores", 1)),
            "maxmem": int(vm.config.get("memory", 512)) * 1024**2,
            "uptime": 100 if vm.status == "running" else 0,
        }
        if str(vm.config.get("agent", "")).startswith("1"):
            answer["agent"] = 1
        if vm.lock:
            answer["lock"] = vm.lock
        return answer

    def _power(self, vm: Vm, command: str, params: dict):
        schemas = {
            "start": {"skiplock": bool, "timeout": int},
            "stop": {"skiplock": bool, "timeout": int, "keepActive": bool},
            "shutdown": {"skiplock": bool, "timeout": int, "forceStop": bool, "keepActive": bool},
            "reboot": {"timeout": int},
            "suspend": {"skiplock": bool, "todisk": bool, "statestorage": str},
            "resume": {"skiplock": bool, "nocheck": bool},
        }
        if command not in schemas:
            raise PveError(501, f"Method 'POST /status/{command}' not implemented")
        _check(params, schemas[command])
        if vm.template:
            raise PveError(500, "you can't start a vm if it's a template")
        if vm.lock:
            raise PveError(500, f"VM is locked ({vm.lock})")
        running = vm.status == "running"
        if command == "start" and running:
            raise PveError(500, f"VM {vm.vmid} already running")
        if command in ("shutdown", "reboot", "suspend", "resume") and not running:
            raise PveError(500, f"VM {vm.vmid} not running")

        def finish():
            if command == "start":
                vm.status, vm.paused = "running", False
            elif command in ("stop", "shutdown"):
                vm.status, vm.paused = "stopped", False
            elif command == "reboot":
                vm.status, vm.paused = "running", False
                vm.reboots += 1
            elif command == "suspend":
                vm.paused = True
            elif command == "resume":
                vm.paused = False

        return self._task(f"qm{command}", vm.vmid, finish)

    def _destroy(self, vmid: int, vm: Vm | None, params: dict):
        _check(params, {"purge": bool, "destroy-unreferenced-disks": bool, "skiplock": bool})
        if vm is None:
            raise _no_config(vmid)
        if vm.status == "running":
            raise PveError(500, f"VM {vmid} is running - destroy failed")
        if vm.lock:
            raise PveError(500, f"VM is locked ({vm.lock})")

        def finish():
            self.vms.pop(vmid, None)

        return self._task("qmdestroy", vmid, finish)

    def _rrddata(self, vm: Vm, params: dict):
        _check(params, {"timeframe": str, "cf": str}, required=("timeframe",))
        steps = {"hour": 60, "day": 1800, "week": 10800, "month": 43200, "year": 604800}
        if params["timeframe"] not in steps:
            raise _param_error(
                {
                    "timeframe": "value '"
                    + params["timeframe"]
                    + "' does not have a value in the enumeration 'hour, day, week, month, year'"
                }
            )
        step = steps[params["timeframe"]]
        last = int(time.time()) // step * step
        cores = int(vm.config.get("cores", 1))
        rows = []
        for index in range(70):
            moment = last - (69 - index) * step
            rows.append(
                {
                    "time": moment,
                    "cpu": 0.25,
                    "maxcpu": cores,
                    "mem": 512 * 1024**2,
                    "maxmem": int(vm.config.get("memory", 512)) * 1024**2,
                    "netin": 1000.0,
                    "netout": 3000.0,
                    "diskread": 0.0,
                    "diskwrite": 0.0,
                }
            )
        return rows

    def _agent(self, vm: Vm, action: tuple, params: dict):
        if not str(vm.config.get("agent", "")).startswith("1"):
            raise PveError(500, "No QEMU guest agent configured")
        if vm.status != "running":
            raise PveError(500, f"VM {vm.vmid} is not running")
        if action == ("ping",):
            _check(params, {})
            return {"result": {}}
        if action == ("set-user-password",):
            _check(
                params,
                {"username": str, "password": str, "crypted": bool},
                required=("username", "password"),
            )
            if len(params["password"]) < 5:
                raise _param_error({"password": "value may only be 5 characters or longer"})
            vm.passwords[params["username"]] = params["password"]
            return {"result": {}}
        raise PveError(501, "Method not implemented")


def _true(value) -> bool:
    return str(value) in ("1", "true", "on", "yes")


def _check(params: dict, schema: dict, *, required: tuple = ()) -> None:
    """Proxmox VE's parameter verification: unknown, missing and mistyped parameters."""
    errors = {}
    for name, value in params.items():
        kind = schema.get(name)
        if kind is None:
            errors[name] = _NOT_IN_SCHEMA
        elif kind is int and not re.fullmatch(r"-?\d+", str(value)):
            errors[name] = f"type check ('integer') failed - got '{value}'"
        elif kind is bool and str(value) not in (
            "0",
            "1",
            "true",
            "false",
            "on",
            "off",
            "yes",
            "no",
        ):
            errors[name] = f"type check ('boolean') failed - got '{value}'"
    for name in required:
        if name not in params:
            errors[name] = "property is missing and it is not optional"
    if errors:
        raise _param_error(errors)


class _Handler(BaseHTTPRequestHandler):
    pve: PveSimulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep the test output clean
        return

    def _params(self) -> dict:
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8")
            params.update(parse_qsl(body, keep_blank_values=True))
        return params

    def _handle(self, method: str) -> None:
        params = self._params()
        path = urlsplit(self.path).path
        fault = self.pve.take_fault(method)
        if fault == "timeout":
            self.pve.stall()
        if not self.pve.authorized(self.headers.get("Authorization", "")):
            self._send(401, "authentication failure", {"data": None})
            return
        if fault == "refusal":
            self._send(
                400,
                "Parameter verification failed.",
                {"data": None, "errors": {REFUSAL_FIELD: REFUSAL_PROBLEM}},
            )
            return
        try:
            data = self.pve.answer(method, path, params)
        except PveError as error:
            body = {"data": None, "message": error.message + "\n"}
            if error.errors:
                body["errors"] = error.errors
            self._send(error.status, error.message, body)
            return
        self._send(200, "OK", {"data": data})

    def _send(self, status: int, reason: str, body: dict) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status, reason)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Server", "pve-api-daemon/3.0")
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up waiting

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")
