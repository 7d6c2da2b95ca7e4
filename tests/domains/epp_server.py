"""An EPP registry simulator for the tests of the EPP registrar module.

It follows the published protocol, not HostLedger's client: RFC 5734 transport (TLS on TCP,
the server REQUIRES a client certificate signed by its CA, every data unit framed by a 4-byte
big-endian length that counts itself), RFC 5730 sessions (greeting on connect and on
``<hello>``, login/logout, result codes, poll queue with ``msgQ``), RFC 5731 domains, RFC 5732
hosts, RFC 5733 contacts, RFC 5910 DS data (secDNS-1.1) and RFC 3915 restore requests.
Answers are shaped like the RFCs' examples.

Registry state lives in memory: domains (expiry moves by whole years from the previous
expiry), contacts, hosts, and a poll queue per registrar. Tests steer it: answer the next
command with a given result code (``fail_next``), drop the connection (``drop_next``), stall
(``stall_next``), split answers into small writes (``chunked``), lie in a frame header
(``lie_next_length``), approve pending transfers (``approve_transfers``), hold domains of
another registrar (``add_foreign_domain``).

:func:`make_certificates` writes a throwaway CA, a server certificate for 127.0.0.1 and
localhost, a client certificate, and a client certificate of a CA the server does not trust.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree

EPP = "urn:ietf:params:xml:ns:epp-1.0"
DOMAIN = "urn:ietf:params:xml:ns:domain-1.0"
CONTACT = "urn:ietf:params:xml:ns:contact-1.0"
HOST = "urn:ietf:params:xml:ns:host-1.0"
SECDNS = "urn:ietf:params:xml:ns:secDNS-1.1"
RGP = "urn:ietf:params:xml:ns:rgp-1.0"
OBJECTS = (DOMAIN, CONTACT, HOST)
EXTENSIONS = (SECDNS, RGP)

RESULT_TEXT = {
    1000: "Command completed successfully",
    1001: "Command completed successfully; action pending",
    1300: "Command completed successfully; no messages",
    1301: "Command completed successfully; ack to dequeue",
    1500: "Command completed successfully; ending session",
    2000: "Unknown command",
    2001: "Command syntax error",
    2002: "Command use error",
    2003: "Required parameter missing",
    2004: "Parameter value range error",
    2005: "Parameter value syntax error",
    2100: "Unimplemented protocol version",
    2101: "Unimplemented command",
    2102: "Unimplemented option",
    2103: "Unimplemented extension",
    2104: "Billing failure",
    2105: "Object is not eligible for renewal",
    2106: "Object is not eligible for transfer",
    2200: "Authentication error",
    2201: "Authorization error",
    2202: "Invalid authorization information",
    2300: "Object pending transfer",
    2301: "Object not pending transfer",
    2302: "Object exists",
    2303: "Object does not exist",
    2304: "Object status prohibits operation",
    2305: "Object association prohibits operation",
    2306: "Parameter value policy error",
    2307: "Unimplemented object service",
    2308: "Data management policy violation",
    2400: "Command failed",
    2500: "Command failed; server closing connection",
    2501: "Authentication error; server closing connection",
    2502: "Session limit exceeded; server closing connection",
}
CLOSING = {2500, 2501, 2502}
CLIENT_STATUSES = {
    "clientDeleteProhibited",
    "clientHold",
    "clientRenewProhibited",
    "clientTransferProhibited",
    "clientUpdateProhibited",
}
MAX_FRAME = 32 * 1024 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _text(parent, namespace, tag) -> str:
    if parent is None:
        return ""
    found = parent.find(q(namespace, tag))
    return (found.text or "").strip() if found is not None else ""


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0Z")


def _expiry_stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T22:00:00.0Z"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


class EppFault(Exception):
    def __init__(self, code: int, reason: str = ""):
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


# --- certificates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca_file: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path
    stranger_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(subject, subject_key, issuer, issuer_key, *, ca: bool, sans=(), usage=None):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
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
        ).add_extension(
            x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False
        )
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, certificate=None, key=None) -> Path:
    if certificate is not None:
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    else:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
    return path


def make_certificates(directory: Path) -> Certificates:
    """A throwaway CA with a server and a client certificate, and a client certificate of
    a second CA that the server does not trust."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _issue(_name("EPP test CA"), ca_key, _name("EPP test CA"), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = _issue(
        _name("localhost"),
        server_key,
        ca_cert.subject,
        ca_key,
        ca=False,
        sans=(x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))),
        usage=ExtendedKeyUsageOID.SERVER_AUTH,
    )
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = _issue(
        _name("hostledger-registrar"),
        client_key,
        ca_cert.subject,
        ca_key,
        ca=False,
        usage=ExtendedKeyUsageOID.CLIENT_AUTH,
    )
    stranger_ca_key = ec.generate_private_key(ec.SECP256R1())
    stranger_ca = _issue(
        _name("Unknown CA"), stranger_ca_key, _name("Unknown CA"), stranger_ca_key, ca=True
    )
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger_cert = _issue(
        _name("stranger"),
        stranger_key,
        stranger_ca.subject,
        stranger_ca_key,
        ca=False,
        usage=ExtendedKeyUsageOID.CLIENT_AUTH,
    )
    return Certificates(
        ca_file=_write(directory / "ca.pem", ca_cert),
        server_cert=_write(directory / "server.pem", server_cert),
        server_key=_write(directory / "server.key", key=server_key),
        client_cert=_write(directory / "client.pem", client_cert),
        client_key=_write(directory / "client.key", key=client_key),
        stranger_cert=_write(directory / "stranger.pem", stranger_cert),
        stranger_key=_write(directory / "stranger.key", key=stranger_key),
    )


# --- registry state ----------------------------------------------------------------------------


@dataclass
class Transfer:
    status: str
    requester: str
    requested_at: dt.datetime
    losing: str
    act_by: dt.datetime
    years: int


@dataclass
class Domain:
    name: str
    roid: str
    sponsor: str
    created: dt.datetime
    expires: dt.date
    auth: str
    registrant: str = ""
    contacts: dict[str, list[str]] = field(default_factory=dict)
    hosts: list[str] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    rgp: str = ""
    ds: list[tuple[int, int, int, str]] = field(default_factory=list)
    transfer: Transfer | None = None
    updated: dt.datetime | None = None


@dataclass
class ContactObject:
    handle: str
    roid: str
    sponsor: str
    created: dt.datetime
    name: str
    email: str
    city: str
    country: str
    voice: str = ""


@dataclass
class Message:
    id: str
    queued: dt.datetime
    text: str
    payload: bytes  # serialised resData children


@dataclass
class Session:
    client_id: str = ""
    extensions: tuple[str, ...] = ()


class EppTestServer:
    """An in-memory EPP registry on 127.0.0.1 behind TLS with client certificates."""

    def __init__(
        self,
        certificates: Certificates,
        *,
        zones: tuple[str, ...] = ("test", "ee"),
        accounts: dict[str, str] | None = None,
        max_sessions: int = 20,
    ):
        self.certificates = certificates
        self.zones = zones
        self.accounts = dict(accounts or {"hl-registrar": "s3cret-Pass", "other-registrar": "x"})
        self.max_sessions = max_sessions
        self.domains: dict[str, Domain] = {}
        self.contacts: dict[str, ContactObject] = {}
        self.hosts: dict[str, str] = {}  # name → sponsor
        self.queues: dict[str, list[Message]] = {}
        self.log: list[tuple[str, str, str]] = []  # (command, object name, clTRID)
        self.handshake_failures = 0
        self.logins = 0
        self.hellos = 0
        self.port = 0
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._active_sessions = 0
        # steering of the next command
        self._fail: tuple[int, str] | None = None
        self._drop = False
        self._stall: tuple[float, bool] | None = None
        self._lie: int | None = None
        self.chunk: tuple[int, float] | None = None
        self.pending_creates = False

    # --- steering ---------------------------------------------------------------------------

    def fail_next(self, code: int, reason: str = "") -> None:
        """Answer the next command (login included) with ``code`` instead of doing it."""
        with self._lock:
            self._fail = (code, reason)

    def drop_next(self) -> None:
        """Close the connection on receiving the next command, without answering."""
        with self._lock:
            self._drop = True

    def stall_next(self, seconds: float, *, execute: bool = True) -> None:
        """Hold the answer to the next command for ``seconds`` (doing the command first when
        ``execute``), then close the connection."""
        with self._lock:
            self._stall = (seconds, execute)

    def lie_next_length(self, length: int) -> None:
        """Put ``length`` in the header of the next answer instead of its true length."""
        with self._lock:
            self._lie = length

    def chunked(self, size: int, pause: float = 0.002) -> None:
        """Write every answer in pieces of ``size`` bytes with a pause between them."""
        self.chunk = (size, pause)

    def hold_creates(self) -> None:
        """Answer domain creates with 1001 "action pending" and keep the new domains in
        ``pendingCreate``, as registries that check names by hand do."""
        with self._lock:
            self.pending_creates = True

    def reset_steering(self) -> None:
        with self._lock:
            self._fail = None
            self._drop = False
            self._stall = None
            self._lie = None
            self.chunk = None
            self.pending_creates = False

    def add_foreign_domain(self, name: str, *, auth: str, expires: dt.date) -> None:
        """A domain held by another registrar, for transfers."""
        with self._lock:
            self.domains[name] = Domain(
                name=name,
                roid=self._roid("D"),
                sponsor="other-registrar",
                created=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
                expires=expires,
                auth=auth,
                registrant="OTHER-1",
                statuses={"ok"},
            )

    def approve_transfers(self) -> list[str]:
        """Approve every pending transfer as the registry would after the waiting period and
        queue a poll message for the gaining registrar."""
        approved = []
        with self._lock:
            now = dt.datetime.now(dt.UTC)
            for domain in self.domains.values():
                transfer = domain.transfer
                if transfer is None or transfer.status != "pending":
                    continue
                transfer.status = "serverApproved"
                domain.sponsor = transfer.requester
                domain.expires = add_years(domain.expires, transfer.years)
                domain.statuses.discard("pendingTransfer")
                domain.statuses = domain.statuses or {"ok"}
                data = self._trn_data(domain)
                self._queue(transfer.requester, "Transfer approved.", data, now)
                approved.append(domain.name)
        return approved

    def queue_deletion_notice(self, client_id: str, name: str) -> None:
        """A pending-action notice (RFC 5731 panData) that a domain's deletion went through."""
        with self._lock:
            pan = etree.Element(q(DOMAIN, "panData"), nsmap={"domain": DOMAIN})
            element = etree.SubElement(pan, q(DOMAIN, "name"), paResult="1")
            element.text = name
            trid = etree.SubElement(pan, q(DOMAIN, "paTRID"))
            etree.SubElement(trid, q(EPP, "svTRID")).text = f"SV-{next(self._ids)}"
            etree.SubElement(pan, q(DOMAIN, "paDate")).text = _stamp(dt.datetime.now(dt.UTC))
            self._queue(client_id, "Domain deleted.", pan, dt.datetime.now(dt.UTC))

    def close_connections(self) -> None:
        """Close every open session from the server's side, as a registry does with idle
        sessions."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown wakes the thread reading it; the TLS layer's own
                # shutdown would pull its state away under that thread.
                socket.socket.shutdown(connection, socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                connection.close()

    def commands(self, command: str, name: str = "") -> list[tuple[str, str, str]]:
        with self._lock:
            return [
                entry
                for entry in self.log
                if entry[0] == command and (not name or entry[1] == name)
            ]

    # --- life -------------------------------------------------------------------------------

    def start(self) -> EppTestServer:
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._context.load_cert_chain(self.certificates.server_cert, self.certificates.server_key)
        self._context.verify_mode = ssl.CERT_REQUIRED
        self._context.load_verify_locations(self.certificates.ca_file)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.2)
        self._listener = listener
        self.port = listener.getsockname()[1]
        thread = threading.Thread(target=self._accept_loop, name="epp-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(connection, socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(5)
        try:
            connection = self._context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            with self._lock:
                self.handshake_failures += 1
            raw.close()
            return
        with self._lock:
            self._connections.add(connection)
        session = Session()
        try:
            connection.settimeout(30)
            self._send(connection, self._greeting())
            while not self._stop.is_set():
                data = self._read_frame(connection)
                if data is None:
                    return
                if not self._handle(connection, session, data):
                    return
        except (OSError, EppFault):
            return
        finally:
            with self._lock:
                self._connections.discard(connection)
                if session.client_id:
                    self._active_sessions -= 1
            with contextlib.suppress(OSError):
                connection.close()

    # --- framing ----------------------------------------------------------------------------

    def _read_exactly(self, connection, count: int) -> bytes | None:
        data = bytearray()
        while len(data) < count:
            chunk = connection.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return bytes(data)

    def _read_frame(self, connection) -> bytes | None:
        header = self._read_exactly(connection, 4)
        if header is None:
            return None
        (length,) = struct.unpack(">I", header)
        if length <= 4 or length > MAX_FRAME:
            raise EppFault(2001, "bad frame length")
        return self._read_exactly(connection, length - 4)

    def _send(self, connection, document: etree._Element) -> None:
        payload = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
        with self._lock:
            lie, self._lie = self._lie, None
        header = struct.pack(">I", lie if lie is not None else len(payload) + 4)
        data = header + payload
        if self.chunk is None:
            connection.sendall(data)
            return
        size, pause = self.chunk
        for start in range(0, len(data), size):
            connection.sendall(data[start : start + size])
            time.sleep(pause)

    # --- documents --------------------------------------------------------------------------

    def _epp(self) -> etree._Element:
        return etree.Element(q(EPP, "epp"), nsmap={None: EPP})

    def _greeting(self) -> etree._Element:
        root = self._epp()
        greeting = etree.SubElement(root, q(EPP, "greeting"))
        etree.SubElement(greeting, q(EPP, "svID")).text = "Example EPP server epp.example.test"
        etree.SubElement(greeting, q(EPP, "svDate")).text = _stamp(dt.datetime.now(dt.UTC))
        menu = etree.SubElement(greeting, q(EPP, "svcMenu"))
        etree.SubElement(menu, q(EPP, "version")).text = "1.0"
        etree.SubElement(menu, q(EPP, "lang")).text = "en"
        for uri in OBJECTS:
            etree.SubElement(menu, q(EPP, "objURI")).text = uri
        holder = etree.SubElement(menu, q(EPP, "svcExtension"))
        for uri in EXTENSIONS:
            etree.SubElement(holder, q(EPP, "extURI")).text = uri
        dcp = etree.SubElement(greeting, q(EPP, "dcp"))
        etree.SubElement(etree.SubElement(dcp, q(EPP, "access")), q(EPP, "all"))
        statement = etree.SubElement(dcp, q(EPP, "statement"))
        purpose = etree.SubElement(statement, q(EPP, "purpose"))
        etree.SubElement(purpose, q(EPP, "admin"))
        etree.SubElement(purpose, q(EPP, "prov"))
        recipient = etree.SubElement(statement, q(EPP, "recipient"))
        etree.SubElement(recipient, q(EPP, "ours"))
        etree.SubElement(recipient, q(EPP, "public"))
        retention = etree.SubElement(statement, q(EPP, "retention"))
        etree.SubElement(retention, q(EPP, "stated"))
        return root

    def _response(
        self, code, cl_trid, *, res_data=None, extension=None, queue=None, reason=""
    ) -> etree._Element:
        root = self._epp()
        response = etree.SubElement(root, q(EPP, "response"))
        result = etree.SubElement(response, q(EPP, "result"), code=str(code))
        etree.SubElement(result, q(EPP, "msg")).text = RESULT_TEXT.get(code, "Command failed")
        if reason:
            ext_value = etree.SubElement(result, q(EPP, "extValue"))
            etree.SubElement(ext_value, q(EPP, "value")).text = ""
            etree.SubElement(ext_value, q(EPP, "reason")).text = reason
        if queue is not None:
            response.append(queue)
        if res_data is not None:
            holder = etree.SubElement(response, q(EPP, "resData"))
            for item in res_data if isinstance(res_data, list) else [res_data]:
                holder.append(item)
        if extension is not None:
            holder = etree.SubElement(response, q(EPP, "extension"))
            for item in extension if isinstance(extension, list) else [extension]:
                holder.append(item)
        trid = etree.SubElement(response, q(EPP, "trID"))
        if cl_trid:
            etree.SubElement(trid, q(EPP, "clTRID")).text = cl_trid
        etree.SubElement(trid, q(EPP, "svTRID")).text = f"SV-{next(self._ids):06d}"
        return root

    # --- dispatch ---------------------------------------------------------------------------

    def _handle(self, connection, session: Session, data: bytes) -> bool:
        """Answer one frame; False ends the connection."""
        try:
            root = etree.fromstring(data, parser=_PARSER)
        except etree.XMLSyntaxError:
            self._send(connection, self._response(2001, ""))
            return True
        if root.getroottree().docinfo.doctype:
            self._send(connection, self._response(2001, "", reason="DTD not allowed"))
            return True
        if root.find(q(EPP, "hello")) is not None:
            with self._lock:
                self.hellos += 1
            self._send(connection, self._greeting())
            return True
        command = root.find(q(EPP, "command"))
        if command is None:
            self._send(connection, self._response(2001, ""))
            return True
        cl_trid = _text(command, EPP, "clTRID")
        verb = next((child for child in command if child.tag != q(EPP, "clTRID")), None)
        verb_name = etree.QName(verb).localname if verb is not None else ""
        with self._lock:
            fail, self._fail = self._fail, None
            drop, self._drop = self._drop, False
            stall, self._stall = self._stall, None
        if drop:
            return False
        if fail is not None:
            code, reason = fail
            self._send(connection, self._response(code, cl_trid, reason=reason))
            return code not in CLOSING
        if stall is not None:
            seconds, execute = stall
            if execute:
                self._dispatch(session, command, verb, verb_name, cl_trid)
            self._stop.wait(seconds)
            return False
        answer, keep_open = self._dispatch(session, command, verb, verb_name, cl_trid)
        self._send(connection, answer)
        return keep_open

    def _dispatch(self, session, command, verb, verb_name, cl_trid):
        try:
            with self._lock:
                if verb_name == "login":
                    return self._login(session, verb, cl_trid)
                if verb_name == "logout":
                    return self._response(1500, cl_trid), False
                if not session.client_id:
                    raise EppFault(2002, "log in first")
                extension = command.find(q(EPP, "extension"))
                handler = getattr(self, f"_cmd_{verb_name}", None)
                if handler is None:
                    raise EppFault(2101)
                target = verb[0] if len(verb) else None
                self.log.append((verb_name, _object_name(target), cl_trid))
                return handler(session, verb, target, extension, cl_trid), True
        except EppFault as fault:
            return self._response(fault.code, cl_trid, reason=fault.reason), (
                fault.code not in CLOSING
            )

    def _login(self, session, verb, cl_trid):
        client_id = _text(verb, EPP, "clID")
        password = _text(verb, EPP, "pw")
        if session.client_id:
            raise EppFault(2002, "already logged in")
        if self.accounts.get(client_id) != password:
            raise EppFault(2200, "wrong client id or password")
        services = verb.find(q(EPP, "svcs"))
        objects = [(item.text or "").strip() for item in services.findall(q(EPP, "objURI"))]
        extensions = [(item.text or "").strip() for item in services.iter(q(EPP, "extURI"))]
        if DOMAIN not in objects or any(uri not in OBJECTS for uri in objects):
            raise EppFault(2307)
        if any(uri not in EXTENSIONS for uri in extensions):
            raise EppFault(2103)
        if self._active_sessions >= self.max_sessions:
            raise EppFault(2502)
        session.client_id = client_id
        session.extensions = tuple(extensions)
        self._active_sessions += 1
        self.logins += 1
        self.log.append(("login", client_id, cl_trid))
        return self._response(1000, cl_trid), True

    # --- helpers ----------------------------------------------------------------------------

    def _roid(self, kind: str) -> str:
        return f"{kind}{next(self._ids)}-EXAMPLE"

    def _queue(self, client_id: str, text: str, payload: etree._Element, when) -> None:
        message = Message(
            id=str(next(self._ids)), queued=when, text=text, payload=etree.tostring(payload)
        )
        self.queues.setdefault(client_id, []).append(message)

    def _zone_ok(self, name: str) -> bool:
        labels = name.split(".")
        return (
            len(labels) >= 2
            and name.isascii()
            and name == name.lower()
            and any(name.endswith(f".{zone}") for zone in self.zones)
            and all(
                label
                and len(label) <= 63
                and label[0] != "-"
                and label[-1] != "-"
                and all(char.isalnum() or char == "-" for char in label)
                for label in labels
            )
        )

    def _own(self, session, name) -> Domain:
        domain = self.domains.get(name)
        if domain is None:
            raise EppFault(2303)
        if domain.sponsor != session.client_id:
            raise EppFault(2201)
        return domain

    def _trn_data(self, domain: Domain) -> etree._Element:
        transfer = domain.transfer
        data = etree.Element(q(DOMAIN, "trnData"), nsmap={"domain": DOMAIN})
        for tag, value in (
            ("name", domain.name),
            ("trStatus", transfer.status),
            ("reID", transfer.requester),
            ("reDate", _stamp(transfer.requested_at)),
            ("acID", transfer.losing),
            ("acDate", _stamp(transfer.act_by)),
            (
                "exDate",
                _expiry_stamp(
                    add_years(domain.expires, transfer.years)
                    if transfer.status == "pending"
                    else domain.expires
                ),
            ),
        ):
            etree.SubElement(data, q(DOMAIN, tag)).text = value
        return data

    # --- commands ---------------------------------------------------------------------------

    def _cmd_check(self, session, verb, target, extension, cl_trid):
        if target is None:
            raise EppFault(2003)
        if target.tag == q(HOST, "check"):
            data = etree.Element(q(HOST, "chkData"), nsmap={"host": HOST})
            for item in target.findall(q(HOST, "name")):
                name = (item.text or "").strip()
                cd = etree.SubElement(data, q(HOST, "cd"))
                etree.SubElement(
                    cd, q(HOST, "name"), avail="0" if name in self.hosts else "1"
                ).text = name
            return self._response(1000, cl_trid, res_data=data)
        if target.tag != q(DOMAIN, "check"):
            raise EppFault(2307)
        data = etree.Element(q(DOMAIN, "chkData"), nsmap={"domain": DOMAIN})
        for item in target.findall(q(DOMAIN, "name")):
            name = (item.text or "").strip()
            cd = etree.SubElement(data, q(DOMAIN, "cd"))
            if not self._zone_ok(name):
                available, reason = False, "Not a name this registry serves"
            elif name in self.domains:
                available, reason = False, "In use"
            else:
                available, reason = True, ""
            etree.SubElement(cd, q(DOMAIN, "name"), avail="1" if available else "0").text = name
            if reason:
                etree.SubElement(cd, q(DOMAIN, "reason")).text = reason
        return self._response(1000, cl_trid, res_data=data)

    def _cmd_info(self, session, verb, target, extension, cl_trid):
        if target is not None and target.tag == q(CONTACT, "info"):
            contact = self.contacts.get(_text(target, CONTACT, "id"))
            if contact is None:
                raise EppFault(2303)
            data = etree.Element(q(CONTACT, "infData"), nsmap={"contact": CONTACT})
            for tag, value in (("id", contact.handle), ("roid", contact.roid)):
                etree.SubElement(data, q(CONTACT, tag)).text = value
            etree.SubElement(data, q(CONTACT, "status"), s="ok")
            postal = etree.SubElement(data, q(CONTACT, "postalInfo"), type="int")
            etree.SubElement(postal, q(CONTACT, "name")).text = contact.name
            address = etree.SubElement(postal, q(CONTACT, "addr"))
            etree.SubElement(address, q(CONTACT, "city")).text = contact.city
            etree.SubElement(address, q(CONTACT, "cc")).text = contact.country
            etree.SubElement(data, q(CONTACT, "email")).text = contact.email
            etree.SubElement(data, q(CONTACT, "clID")).text = contact.sponsor
            etree.SubElement(data, q(CONTACT, "crID")).text = contact.sponsor
            etree.SubElement(data, q(CONTACT, "crDate")).text = _stamp(contact.created)
            return self._response(1000, cl_trid, res_data=data)
        if target is None or target.tag != q(DOMAIN, "info"):
            raise EppFault(2307)
        name = _text(target, DOMAIN, "name")
        domain = self.domains.get(name)
        if domain is None:
            raise EppFault(2303)
        authorised = domain.sponsor == session.client_id or (
            _text(target.find(q(DOMAIN, "authInfo")), DOMAIN, "pw") == domain.auth
        )
        data = etree.Element(q(DOMAIN, "infData"), nsmap={"domain": DOMAIN})
        etree.SubElement(data, q(DOMAIN, "name")).text = domain.name
        etree.SubElement(data, q(DOMAIN, "roid")).text = domain.roid
        for status in sorted(domain.statuses):
            etree.SubElement(data, q(DOMAIN, "status"), s=status)
        if authorised:
            etree.SubElement(data, q(DOMAIN, "registrant")).text = domain.registrant
            for kind in ("admin", "tech", "billing"):
                for handle in domain.contacts.get(kind, []):
                    etree.SubElement(data, q(DOMAIN, "contact"), type=kind).text = handle
            if domain.hosts:
                holder = etree.SubElement(data, q(DOMAIN, "ns"))
                for host in domain.hosts:
                    etree.SubElement(holder, q(DOMAIN, "hostObj")).text = host
        etree.SubElement(data, q(DOMAIN, "clID")).text = domain.sponsor
        if authorised:
            etree.SubElement(data, q(DOMAIN, "crID")).text = domain.sponsor
            etree.SubElement(data, q(DOMAIN, "crDate")).text = _stamp(domain.created)
            if domain.updated:
                etree.SubElement(data, q(DOMAIN, "upDate")).text = _stamp(domain.updated)
            etree.SubElement(data, q(DOMAIN, "exDate")).text = _expiry_stamp(domain.expires)
            auth = etree.SubElement(data, q(DOMAIN, "authInfo"))
            etree.SubElement(auth, q(DOMAIN, "pw")).text = domain.auth
        extension_data = []
        if domain.ds and SECDNS in session.extensions and authorised:
            secdns = etree.Element(q(SECDNS, "infData"), nsmap={"secDNS": SECDNS})
            extension_data.append(secdns)
            for key_tag, algorithm, digest_type, digest in domain.ds:
                ds = etree.SubElement(secdns, q(SECDNS, "dsData"))
                etree.SubElement(ds, q(SECDNS, "keyTag")).text = str(key_tag)
                etree.SubElement(ds, q(SECDNS, "alg")).text = str(algorithm)
                etree.SubElement(ds, q(SECDNS, "digestType")).text = str(digest_type)
                etree.SubElement(ds, q(SECDNS, "digest")).text = digest
        if domain.rgp and RGP in session.extensions:
            rgp = etree.Element(q(RGP, "infData"), nsmap={"rgp": RGP})
            etree.SubElement(rgp, q(RGP, "rgpStatus"), s=domain.rgp)
            extension_data.append(rgp)
        return self._response(1000, cl_trid, res_data=data, extension=extension_data or None)

    def _cmd_create(self, session, verb, target, extension, cl_trid):
        now = dt.datetime.now(dt.UTC)
        if target is not None and target.tag == q(HOST, "create"):
            name = _text(target, HOST, "name")
            if name in self.hosts:
                raise EppFault(2302)
            subordinate = any(name.endswith(f".{domain}") for domain in self.domains)
            if subordinate and target.find(q(HOST, "addr")) is None:
                raise EppFault(2003, "an in-zone host needs an address")
            self.hosts[name] = session.client_id
            data = etree.Element(q(HOST, "creData"), nsmap={"host": HOST})
            etree.SubElement(data, q(HOST, "name")).text = name
            etree.SubElement(data, q(HOST, "crDate")).text = _stamp(now)
            return self._response(1000, cl_trid, res_data=data)
        if target is not None and target.tag == q(CONTACT, "create"):
            handle = _text(target, CONTACT, "id")
            if handle in self.contacts:
                raise EppFault(2302)
            postal = target.find(q(CONTACT, "postalInfo"))
            address = postal.find(q(CONTACT, "addr")) if postal is not None else None
            fields = {
                "name": _text(postal, CONTACT, "name"),
                "city": _text(address, CONTACT, "city"),
                "cc": _text(address, CONTACT, "cc"),
                "email": _text(target, CONTACT, "email"),
                "pw": _text(target.find(q(CONTACT, "authInfo")), CONTACT, "pw"),
            }
            missing = [key for key, value in fields.items() if not value]
            if missing or not 3 <= len(handle) <= 16:
                raise EppFault(2003, ", ".join(missing) or "id")
            voice = _text(target, CONTACT, "voice")
            if voice and not _is_e164(voice):
                raise EppFault(2005, "voice")
            self.contacts[handle] = ContactObject(
                handle=handle,
                roid=self._roid("C"),
                sponsor=session.client_id,
                created=now,
                name=fields["name"],
                email=fields["email"],
                city=fields["city"],
                country=fields["cc"],
                voice=voice,
            )
            data = etree.Element(q(CONTACT, "creData"), nsmap={"contact": CONTACT})
            etree.SubElement(data, q(CONTACT, "id")).text = handle
            etree.SubElement(data, q(CONTACT, "crDate")).text = _stamp(now)
            return self._response(1000, cl_trid, res_data=data)
        if target is None or target.tag != q(DOMAIN, "create"):
            raise EppFault(2307)
        name = _text(target, DOMAIN, "name")
        if not self._zone_ok(name):
            raise EppFault(2306, "not a name this registry serves")
        if name in self.domains:
            raise EppFault(2302)
        years = _period(target)
        registrant = _text(target, DOMAIN, "registrant")
        contacts: dict[str, list[str]] = {}
        for item in target.findall(q(DOMAIN, "contact")):
            contacts.setdefault(item.get("type", ""), []).append((item.text or "").strip())
        for handle in [registrant, *itertools.chain.from_iterable(contacts.values())]:
            if handle not in self.contacts:
                raise EppFault(2303, f"contact {handle} does not exist")
        hosts = [(item.text or "").strip() for item in target.iter(q(DOMAIN, "hostObj"))]
        for host in hosts:
            if host not in self.hosts:
                raise EppFault(2303, f"host {host} does not exist")
        auth = _text(target.find(q(DOMAIN, "authInfo")), DOMAIN, "pw")
        if not auth:
            raise EppFault(2003, "authInfo")
        ds = self._ds_list(session, extension, "create")
        domain = Domain(
            name=name,
            roid=self._roid("D"),
            sponsor=session.client_id,
            created=now,
            expires=add_years(now.date(), years),
            auth=auth,
            registrant=registrant,
            contacts=contacts,
            hosts=hosts,
            statuses={"pendingCreate"} if self.pending_creates else {"ok"},
            ds=ds,
        )
        self.domains[name] = domain
        data = etree.Element(q(DOMAIN, "creData"), nsmap={"domain": DOMAIN})
        etree.SubElement(data, q(DOMAIN, "name")).text = name
        etree.SubElement(data, q(DOMAIN, "crDate")).text = _stamp(now)
        etree.SubElement(data, q(DOMAIN, "exDate")).text = _expiry_stamp(domain.expires)
        return self._response(1001 if self.pending_creates else 1000, cl_trid, res_data=data)

    def _ds_list(self, session, extension, verb: str, part: str | None = None):
        holder = extension.find(q(SECDNS, verb)) if extension is not None else None
        if holder is None:
            return []
        if part is not None:
            holder = holder.find(q(SECDNS, part))
            if holder is None:
                return []
        if SECDNS not in session.extensions:
            raise EppFault(2103)
        records = []
        for item in holder.findall(q(SECDNS, "dsData")):
            try:
                records.append(
                    (
                        int(_text(item, SECDNS, "keyTag")),
                        int(_text(item, SECDNS, "alg")),
                        int(_text(item, SECDNS, "digestType")),
                        _text(item, SECDNS, "digest").upper(),
                    )
                )
            except ValueError:
                raise EppFault(2005, "dsData") from None
        return records

    def _cmd_renew(self, session, verb, target, extension, cl_trid):
        name = _text(target, DOMAIN, "name")
        domain = self._own(session, name)
        if "clientRenewProhibited" in domain.statuses or "pendingDelete" in domain.statuses:
            raise EppFault(2304)
        if _text(target, DOMAIN, "curExpDate") != domain.expires.isoformat():
            raise EppFault(2306, f"curExpDate is not the expiry {domain.expires.isoformat()}")
        domain.expires = add_years(domain.expires, _period(target))
        data = etree.Element(q(DOMAIN, "renData"), nsmap={"domain": DOMAIN})
        etree.SubElement(data, q(DOMAIN, "name")).text = name
        etree.SubElement(data, q(DOMAIN, "exDate")).text = _expiry_stamp(domain.expires)
        return self._response(1000, cl_trid, res_data=data)

    def _cmd_transfer(self, session, verb, target, extension, cl_trid):
        name = _text(target, DOMAIN, "name")
        domain = self.domains.get(name)
        if domain is None:
            raise EppFault(2303)
        auth = _text(target.find(q(DOMAIN, "authInfo")), DOMAIN, "pw")
        operation = verb.get("op")
        if operation == "query":
            if domain.transfer is None:
                raise EppFault(2301)
            if session.client_id not in {domain.transfer.requester, domain.sponsor} and (
                auth != domain.auth
            ):
                raise EppFault(2201)
            return self._response(1000, cl_trid, res_data=self._trn_data(domain))
        if operation != "request":
            raise EppFault(2102)
        if domain.transfer is not None and domain.transfer.status == "pending":
            raise EppFault(2300)
        if domain.sponsor == session.client_id:
            raise EppFault(2106, "the domain is already yours")
        if auth != domain.auth:
            raise EppFault(2202)
        if domain.statuses & {"clientTransferProhibited", "serverTransferProhibited"}:
            raise EppFault(2304)
        now = dt.datetime.now(dt.UTC)
        domain.transfer = Transfer(
            status="pending",
            requester=session.client_id,
            requested_at=now,
            losing=domain.sponsor,
            act_by=now + dt.timedelta(days=5),
            years=_period(target, default=1),
        )
        domain.statuses = (domain.statuses - {"ok"}) | {"pendingTransfer"}
        self._queue(domain.sponsor, "Transfer requested.", self._trn_data(domain), now)
        return self._response(1001, cl_trid, res_data=self._trn_data(domain))

    def _cmd_update(self, session, verb, target, extension, cl_trid):
        name = _text(target, DOMAIN, "name")
        domain = self._own(session, name)
        add = target.find(q(DOMAIN, "add"))
        rem = target.find(q(DOMAIN, "rem"))
        chg = target.find(q(DOMAIN, "chg"))
        removing_statuses = (
            {item.get("s") for item in rem.findall(q(DOMAIN, "status"))}
            if rem is not None
            else set()
        )
        if "serverUpdateProhibited" in domain.statuses or (
            "clientUpdateProhibited" in domain.statuses
            and "clientUpdateProhibited" not in removing_statuses
        ):
            raise EppFault(2304, "update prohibited")
        restore = extension.find(q(RGP, "update")) if extension is not None else None  # RFC 3915
        if restore is not None:
            if RGP not in session.extensions:
                raise EppFault(2103)
            operation = restore.find(q(RGP, "restore"))
            if operation is None or operation.get("op") != "request":
                raise EppFault(2102)
            if domain.rgp != "redemptionPeriod":
                raise EppFault(2304, "the domain is not in its redemption period")
        # Validate everything before changing anything: an EPP command is all or nothing.
        hosts = list(domain.hosts)
        contacts = {kind: list(handles) for kind, handles in domain.contacts.items()}
        statuses = set(domain.statuses)
        for part, adding in ((rem, False), (add, True)):
            if part is None:
                continue
            for host in [(item.text or "").strip() for item in part.iter(q(DOMAIN, "hostObj"))]:
                if adding:
                    if host not in self.hosts:
                        raise EppFault(2303, f"host {host} does not exist")
                    if host in hosts:
                        raise EppFault(2302, f"host {host} is already a name server")
                    hosts.append(host)
                else:
                    if host not in hosts:
                        raise EppFault(2303, f"host {host} is not a name server")
                    hosts.remove(host)
            for item in part.findall(q(DOMAIN, "contact")):
                kind, handle = item.get("type", ""), (item.text or "").strip()
                if adding:
                    if handle not in self.contacts:
                        raise EppFault(2303, f"contact {handle} does not exist")
                    contacts.setdefault(kind, []).append(handle)
                else:
                    if handle not in contacts.get(kind, []):
                        raise EppFault(2303, f"contact {handle} is not {kind}")
                    contacts[kind].remove(handle)
            for item in part.findall(q(DOMAIN, "status")):
                status = item.get("s", "")
                if status not in CLIENT_STATUSES:
                    raise EppFault(2306, f"status {status} is not a client status")
                if adding == (status in statuses):
                    raise EppFault(2306, f"status {status} is {'already' if adding else 'not'} set")
                statuses = statuses | {status} if adding else statuses - {status}
        registrant = domain.registrant
        auth = domain.auth
        if chg is not None:
            if chg.find(q(DOMAIN, "registrant")) is not None:
                registrant = _text(chg, DOMAIN, "registrant")
                if registrant not in self.contacts:
                    raise EppFault(2303, f"contact {registrant} does not exist")
            auth = _text(chg.find(q(DOMAIN, "authInfo")), DOMAIN, "pw") or auth
        ds = list(domain.ds)
        if extension is not None and extension.find(q(SECDNS, "update")) is not None:
            if SECDNS not in session.extensions:
                raise EppFault(2103)
            secdns = extension.find(q(SECDNS, "update"))
            removal = secdns.find(q(SECDNS, "rem"))
            if removal is not None and _text(removal, SECDNS, "all") == "true":
                ds = []
            else:
                for record in self._ds_list(session, extension, "update", "rem"):
                    if record not in ds:
                        raise EppFault(2303, f"DS {record[0]} is not present")
                    ds.remove(record)
            for record in self._ds_list(session, extension, "update", "add"):
                if record in ds:
                    raise EppFault(2302, f"DS {record[0]} is present")
                ds.append(record)
        domain.hosts = hosts
        domain.contacts = contacts
        domain.statuses = (statuses - {"ok"}) or {"ok"}
        domain.registrant = registrant
        domain.auth = auth
        domain.ds = ds
        domain.updated = dt.datetime.now(dt.UTC)
        if restore is not None:
            domain.rgp = ""
            domain.statuses = (domain.statuses - {"pendingDelete"}) or {"ok"}
        return self._response(1000, cl_trid)

    def _cmd_delete(self, session, verb, target, extension, cl_trid):
        name = _text(target, DOMAIN, "name")
        domain = self._own(session, name)
        if domain.statuses & {"clientDeleteProhibited", "serverDeleteProhibited", "pendingDelete"}:
            raise EppFault(2304)
        domain.statuses = {"pendingDelete"}
        domain.rgp = "redemptionPeriod"
        return self._response(1000, cl_trid)

    def _cmd_poll(self, session, verb, target, extension, cl_trid):
        queue = self.queues.setdefault(session.client_id, [])
        operation = verb.get("op")
        if operation == "ack":
            message_id = verb.get("msgID", "")
            match = next((message for message in queue if message.id == message_id), None)
            if match is None:
                raise EppFault(2303, f"no message {message_id}")
            queue.remove(match)
            counter = None
            if queue:
                counter = etree.Element(q(EPP, "msgQ"), count=str(len(queue)), id=queue[0].id)
            return self._response(1000, cl_trid, queue=counter)
        if operation != "req":
            raise EppFault(2005, "op")
        if not queue:
            return self._response(1300, cl_trid)
        message = queue[0]
        counter = etree.Element(q(EPP, "msgQ"), count=str(len(queue)), id=message.id)
        etree.SubElement(counter, q(EPP, "qDate")).text = _stamp(message.queued)
        etree.SubElement(counter, q(EPP, "msg")).text = message.text
        payload = etree.fromstring(message.payload, parser=_PARSER)
        return self._response(1301, cl_trid, res_data=payload, queue=counter)


def _object_name(target) -> str:
    if target is None:
        return ""
    for namespace, tag in ((DOMAIN, "name"), (CONTACT, "id"), (HOST, "name")):
        found = target.find(q(namespace, tag))
        if found is not None:
            return (found.text or "").strip()
    return ""


def _period(target, default: int | None = None) -> int:
    period = target.find(q(DOMAIN, "period"))
    if period is None:
        if default is not None:
            return default
        return 1
    if period.get("unit") != "y":
        raise EppFault(2004, "period unit")
    try:
        years = int((period.text or "").strip())
    except ValueError:
        raise EppFault(2005, "period") from None
    if not 1 <= years <= 10:
        raise EppFault(2004, "period")
    return years


def _is_e164(value: str) -> bool:
    if not value.startswith("+") or "." not in value:
        return False
    country, _, number = value[1:].partition(".")
    return country.isdigit() and 1 <= len(country) <= 3 and number.isdigit()
