"""An EPP client session (RFC 5730) over TLS with a client certificate (RFC 5734).

On the wire every EPP data unit is one frame: a 4-byte big-endian length that counts itself
and the XML after it. The server speaks first with a ``<greeting>``; the client logs in
naming the object and extension services it will use, sends commands that each carry a
client transaction id (``clTRID``), and ends with ``<logout>``.

:class:`EppClient` keeps one session: it connects and logs in on first use, says ``<hello>``
before a command when the session has been idle longer than ``keepalive_seconds`` (and opens a
new session when that fails), and closes the connection after anything that leaves the
session in doubt: a timeout, a broken frame, or a 25xx result after which the server closes
its side. Every failure is a :class:`~hostledger.domains.registrars.interface.RegistrarError`
whose ``code`` is the registry's result code (``"2400"``) or one of ``timeout``,
``connection_failed``, ``tls_refused``, ``tls_untrusted``, ``protocol_error``,
``configuration``, and whose ``retry_can_help`` says whether the same call may succeed later.

XML is built and read with lxml. Incoming XML is parsed without entity expansion, without DTD
loading and without network access, and a document that declares a DTD at all is refused:
EPP never carries one.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from lxml import etree

from hostledger.domains.registrars.interface import RegistrarError

EPP_NS = "urn:ietf:params:xml:ns:epp-1.0"
DOMAIN_NS = "urn:ietf:params:xml:ns:domain-1.0"
CONTACT_NS = "urn:ietf:params:xml:ns:contact-1.0"
HOST_NS = "urn:ietf:params:xml:ns:host-1.0"
SECDNS_NS = "urn:ietf:params:xml:ns:secDNS-1.1"
RGP_NS = "urn:ietf:params:xml:ns:rgp-1.0"

OBJECT_URIS = (DOMAIN_NS, CONTACT_NS, HOST_NS)
EXTENSION_URIS = (SECDNS_NS, RGP_NS)

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 16 * 1024 * 1024
"""The largest frame accepted from a registry; a header claiming more is refused unread."""

CL_TRID_MAX = 64
"""RFC 5730 trIDStringType: a clTRID is a token of 3 to 64 characters."""

# Result codes after which the server closes the connection (RFC 5730 §3); the same command
# may succeed on a new session.
SESSION_ENDING_CODES = frozenset({2500, 2501, 2502})
# Other failures that say nothing against the command itself: the registry could not do it now.
TEMPORARY_CODES = frozenset({2400}) | SESSION_ENDING_CODES

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=True,
)


def parse_xml(data: bytes) -> etree._Element:
    """Parse one EPP document safely, or raise ValueError saying why not."""
    try:
        tree = etree.fromstring(data, parser=_PARSER).getroottree()
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not well-formed XML: {error}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ValueError("the document declares a DTD, which EPP never does")
    return tree.getroot()


def qn(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def sub(parent: etree._Element, namespace: str, tag: str, text=None, **attributes):
    element = etree.SubElement(
        parent, qn(namespace, tag), {k: str(v) for k, v in attributes.items()}
    )
    if text is not None:
        element.text = str(text)
    return element


def element(namespace: str, tag: str, *, nsmap_prefix: str | None = None, **attributes):
    """A command's top element (``domain:info`` …) declaring its namespace with a prefix."""
    nsmap = {nsmap_prefix: namespace} if nsmap_prefix else None
    return etree.Element(
        qn(namespace, tag), {k: str(v) for k, v in attributes.items()}, nsmap=nsmap
    )


def text_of(parent: etree._Element | None, namespace: str, tag: str) -> str:
    if parent is None:
        return ""
    found = parent.find(qn(namespace, tag))
    return "".join(found.itertext()).strip() if found is not None else ""


_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?$"
)


def parse_epp_date(value: str) -> date | None:
    """The calendar date of an EPP dateTime as the registry wrote it (``2027-04-03T22:00:00.0Z``
    → 2027-04-03). Registries compare ``curExpDate`` with that same date, so it is taken as
    written, not moved to another time zone."""
    value = value.strip()
    if not value:
        return None
    match = _DATETIME.match(value)
    if match is None:
        return None
    return date.fromisoformat(match.group(1))


def parse_epp_datetime(value: str) -> datetime | None:
    """An EPP dateTime as an aware datetime (UTC when the registry names no offset)."""
    match = _DATETIME.match(value.strip())
    if match is None:
        return None
    day, hour, minute, second, fraction, offset = match.groups()
    moment = datetime.fromisoformat(day).replace(
        hour=int(hour or 0),
        minute=int(minute or 0),
        second=int(second or 0),
        microsecond=int((fraction or "0")[:6].ljust(6, "0")),
    )
    if not offset or offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.replace(tzinfo=timezone(sign * delta))


def cl_trid_for(operation_key: str) -> str:
    """The clTRID sent for an operation key: the key itself when it fits EPP's 3 to 64 character
    token, else its start and a digest of the whole key, so the same key always gives the
    same clTRID."""
    key = " ".join(operation_key.split())
    if 3 <= len(key) <= CL_TRID_MAX:
        return key
    digest = hashlib.sha256(operation_key.encode()).hexdigest()[:40]
    head = key[: CL_TRID_MAX - len(digest) - 1].strip()
    return f"{head}-{digest}" if head else f"hl-{digest}"


def fresh_cl_trid() -> str:
    """A clTRID for a command without an operation key (check, info, poll, login)."""
    return f"hl-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class EppConfig:
    """How to reach and log in to one registry's EPP server."""

    host: str
    port: int
    client_id: str
    password: str = field(repr=False)
    cert_file: str = ""
    key_file: str = ""
    ca_file: str = ""
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    keepalive_seconds: float = 300.0
    lang: str = "en"
    max_frame_bytes: int = MAX_FRAME_BYTES


@dataclass(frozen=True)
class Greeting:
    server_id: str
    server_date: datetime | None
    versions: tuple[str, ...]
    languages: tuple[str, ...]
    object_uris: tuple[str, ...]
    extension_uris: tuple[str, ...]


@dataclass(frozen=True)
class EppResponse:
    """One ``<response>``: its first result, message queue data, payload and transaction ids."""

    code: int
    message: str
    reasons: tuple[str, ...]
    res_data: etree._Element | None
    extension: etree._Element | None
    queue_count: int | None
    queue_id: str
    queue_date: datetime | None
    queue_message: str
    cl_trid: str
    sv_trid: str

    @property
    def pending(self) -> bool:
        return self.code == 1001

    def data(self, namespace: str, tag: str) -> etree._Element | None:
        """The element ``namespace:tag`` inside ``<resData>``, if the response has one."""
        if self.res_data is None:
            return None
        return self.res_data.find(qn(namespace, tag))

    def ext(self, namespace: str, tag: str) -> etree._Element | None:
        if self.extension is None:
            return None
        return self.extension.find(qn(namespace, tag))


def registry_error(response: EppResponse, *, action: str = "") -> RegistrarError:
    """The RegistrarError for a 2xxx result, with the registry's own code and words."""
    words = response.message or f"result {response.code}"
    if response.reasons:
        words = f"{words} ({'; '.join(response.reasons)})"
    if action:
        words = f"{action}: {words}"
    return RegistrarError(
        words, retry_can_help=response.code in TEMPORARY_CODES, code=str(response.code)
    )


def parse_greeting(root: etree._Element) -> Greeting:
    greeting = root.find(qn(EPP_NS, "greeting"))
    if greeting is None:
        raise ValueError("the server's first frame is not a <greeting>")
    menu = greeting.find(qn(EPP_NS, "svcMenu"))
    if menu is None:
        raise ValueError("the greeting has no <svcMenu>")

    def texts(parent, tag):
        if parent is None:
            return ()
        return tuple((item.text or "").strip() for item in parent.findall(qn(EPP_NS, tag)))

    return Greeting(
        server_id=text_of(greeting, EPP_NS, "svID"),
        server_date=parse_epp_datetime(text_of(greeting, EPP_NS, "svDate")),
        versions=texts(menu, "version"),
        languages=texts(menu, "lang"),
        object_uris=texts(menu, "objURI"),
        extension_uris=texts(menu.find(qn(EPP_NS, "svcExtension")), "extURI"),
    )


def parse_response(root: etree._Element) -> EppResponse:
    response = root.find(qn(EPP_NS, "response"))
    if response is None:
        raise ValueError("expected a <response>")
    result = response.find(qn(EPP_NS, "result"))
    if result is None:
        raise ValueError("the response has no <result>")
    try:
        code = int(result.get("code", ""))
    except ValueError:
        raise ValueError(f"the result code {result.get('code')!r} is not a number") from None
    reasons = tuple(
        text
        for ext_value in result.findall(qn(EPP_NS, "extValue"))
        if (text := text_of(ext_value, EPP_NS, "reason"))
    )
    queue = response.find(qn(EPP_NS, "msgQ"))
    queue_count: int | None = None
    if queue is not None and queue.get("count", "").isdigit():
        queue_count = int(queue.get("count"))
    trid = response.find(qn(EPP_NS, "trID"))
    return EppResponse(
        code=code,
        message=text_of(result, EPP_NS, "msg"),
        reasons=reasons,
        res_data=response.find(qn(EPP_NS, "resData")),
        extension=response.find(qn(EPP_NS, "extension")),
        queue_count=queue_count,
        queue_id=queue.get("id", "") if queue is not None else "",
        queue_date=parse_epp_datetime(text_of(queue, EPP_NS, "qDate"))
        if queue is not None
        else None,
        queue_message=text_of(queue, EPP_NS, "msg"),
        cl_trid=text_of(trid, EPP_NS, "clTRID"),
        sv_trid=text_of(trid, EPP_NS, "svTRID"),
    )


def frame(document: etree._Element) -> bytes:
    payload = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=False)
    return HEADER.pack(len(payload) + HEADER.size) + payload


def epp_document(*children: etree._Element) -> etree._Element:
    root = etree.Element(qn(EPP_NS, "epp"), nsmap={None: EPP_NS})
    for child in children:
        root.append(child)
    return root


class EppClient:
    """One EPP session with one registry. Thread-safe: commands are sent one at a time."""

    def __init__(
        self,
        config: EppConfig,
        *,
        object_uris: Iterable[str] = OBJECT_URIS,
        extension_uris: Iterable[str] = EXTENSION_URIS,
    ):
        self.config = config
        self.wanted_objects = tuple(object_uris)
        self.wanted_extensions = tuple(extension_uris)
        self.greeting: Greeting | None = None
        self.extensions: tuple[str, ...] = ()
        self.objects: tuple[str, ...] = ()
        self._socket: ssl.SSLSocket | None = None
        self._last_used = 0.0
        self._lock = threading.RLock()

    # --- session ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._socket is not None

    def offers(self, uri: str) -> bool:
        """Whether the logged-in session uses this object or extension service."""
        return uri in self.extensions or uri in self.objects

    def ensure_session(self) -> None:
        """Connect and log in unless a live session exists; say hello first when idle long."""
        with self._lock:
            if self._socket is not None:
                idle = time.monotonic() - self._last_used
                if idle < self.config.keepalive_seconds:
                    return
                try:
                    self.hello()
                    return
                except RegistrarError:
                    self.close()
            self._connect()
            self._login()

    def hello(self) -> Greeting:
        """Send ``<hello/>``; the server answers with a fresh greeting (keeps the session alive)."""
        with self._lock:
            self._send(epp_document(etree.Element(qn(EPP_NS, "hello"))))
            root = self._receive()
            try:
                self.greeting = parse_greeting(root)
            except ValueError as error:
                self.close()
                raise RegistrarError(
                    f"The registry answered <hello> oddly: {error}.",
                    retry_can_help=True,
                    code="protocol_error",
                ) from None
            return self.greeting

    def logout(self) -> None:
        """End the session politely (``<logout>``, result 1500) and close the connection."""
        with self._lock:
            if self._socket is None:
                return
            try:
                command = etree.Element(qn(EPP_NS, "command"))
                etree.SubElement(command, qn(EPP_NS, "logout"))
                sub(command, EPP_NS, "clTRID", fresh_cl_trid())
                self._send(epp_document(command))
                self._receive()
            except RegistrarError:
                pass
            finally:
                self.close()

    def close(self) -> None:
        """Drop the connection without logging out (after a failure)."""
        with self._lock:
            sock, self._socket = self._socket, None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()

    # --- commands -----------------------------------------------------------------------

    def execute(
        self,
        body: etree._Element,
        *,
        cl_trid: str,
        extensions: Iterable[etree._Element] = (),
        action: str = "",
    ) -> EppResponse:
        """Send one command (``body`` is e.g. ``<check>`` wrapping ``<domain:check>``) and
        return its response; a 2xxx result raises RegistrarError with the registry's words."""
        with self._lock:
            self.ensure_session()
            response = self._exchange(body, cl_trid=cl_trid, extensions=extensions)
            if response.code >= 2000:
                if response.code in SESSION_ENDING_CODES:
                    self.close()
                raise registry_error(response, action=action)
            return response

    def _exchange(self, body, *, cl_trid, extensions=()) -> EppResponse:
        command = etree.Element(qn(EPP_NS, "command"))
        command.append(body)
        extensions = list(extensions)
        if extensions:
            holder = etree.SubElement(command, qn(EPP_NS, "extension"))
            for item in extensions:
                holder.append(item)
        sub(command, EPP_NS, "clTRID", cl_trid)
        self._send(epp_document(command))
        root = self._receive()
        try:
            response = parse_response(root)
        except ValueError as error:
            self.close()
            raise RegistrarError(
                f"The registry's answer could not be read: {error}.",
                retry_can_help=True,
                code="protocol_error",
            ) from None
        if response.cl_trid and response.cl_trid != cl_trid:
            # An answer to another command: the stream is out of step, never trust it.
            self.close()
            raise RegistrarError(
                f"The registry answered transaction {response.cl_trid!r} to {cl_trid!r}.",
                retry_can_help=True,
                code="protocol_error",
            )
        return response

    # --- connection and framing -----------------------------------------------------------

    def _tls_context(self) -> ssl.SSLContext:
        config = self.config
        try:
            context = ssl.create_default_context(cafile=config.ca_file or None)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if config.cert_file:
                context.load_cert_chain(config.cert_file, config.key_file or None)
        except (OSError, ssl.SSLError) as error:
            raise RegistrarError(
                "The EPP certificate files could not be loaded "
                f"(client certificate {config.cert_file or '-'}, key {config.key_file or '-'}, "
                f"CA {config.ca_file or 'system'}): {error}.",
                retry_can_help=False,
                code="configuration",
            ) from None
        return context

    def _connect(self) -> None:
        config = self.config
        if not config.host or not config.client_id:
            raise RegistrarError(
                "The EPP registry host and login id are not set.",
                retry_can_help=False,
                code="configuration",
            )
        context = self._tls_context()
        try:
            raw = socket.create_connection(
                (config.host, config.port), timeout=config.connect_timeout
            )
        except TimeoutError:
            raise RegistrarError(
                f"Connecting to the registry {config.host}:{config.port} timed out "
                f"after {config.connect_timeout:g} s.",
                retry_can_help=True,
                code="timeout",
            ) from None
        except OSError as error:
            raise RegistrarError(
                f"Could not connect to the registry {config.host}:{config.port}: {error}.",
                retry_can_help=True,
                code="connection_failed",
            ) from None
        try:
            raw.settimeout(config.connect_timeout)
            self._socket = context.wrap_socket(raw, server_hostname=config.host)
        except OSError as error:
            raw.close()
            raise self._transport_error(error, "the TLS handshake") from None
        self._last_used = time.monotonic()
        root = self._receive(what="the greeting")
        try:
            self.greeting = parse_greeting(root)
        except ValueError as error:
            self.close()
            raise RegistrarError(
                f"The registry's greeting could not be read: {error}.",
                retry_can_help=True,
                code="protocol_error",
            ) from None

    def _login(self) -> None:
        greeting = self.greeting
        assert greeting is not None
        if DOMAIN_NS not in greeting.object_uris:
            self.close()
            raise RegistrarError(
                f"The registry {greeting.server_id or self.config.host} does not offer the "
                "domain service (urn:ietf:params:xml:ns:domain-1.0).",
                retry_can_help=False,
                code="protocol_error",
            )
        self.objects = tuple(uri for uri in self.wanted_objects if uri in greeting.object_uris)
        self.extensions = tuple(
            uri for uri in self.wanted_extensions if uri in greeting.extension_uris
        )
        login = etree.Element(qn(EPP_NS, "login"))
        sub(login, EPP_NS, "clID", self.config.client_id)
        sub(login, EPP_NS, "pw", self.config.password)
        options = sub(login, EPP_NS, "options")
        sub(options, EPP_NS, "version", "1.0")
        language = self.config.lang if self.config.lang in greeting.languages else "en"
        sub(options, EPP_NS, "lang", language)
        services = sub(login, EPP_NS, "svcs")
        for uri in self.objects:
            sub(services, EPP_NS, "objURI", uri)
        if self.extensions:
            holder = sub(services, EPP_NS, "svcExtension")
            for uri in self.extensions:
                sub(holder, EPP_NS, "extURI", uri)
        response = self._exchange(login, cl_trid=fresh_cl_trid())
        if response.code >= 2000:
            self.close()
            raise registry_error(
                response,
                action=f"The registry refused the login of {self.config.client_id!r}",
            )

    def _send(self, document: etree._Element) -> None:
        if self._socket is None:
            raise RegistrarError(
                "The EPP session is closed.", retry_can_help=True, code="connection_failed"
            )
        data = frame(document)
        try:
            self._socket.settimeout(self.config.read_timeout)
            self._socket.sendall(data)
        except OSError as error:
            self.close()
            raise self._transport_error(error, "sending a command") from None
        self._last_used = time.monotonic()

    def _receive(self, *, what: str = "the answer") -> etree._Element:
        """Read one whole frame within ``read_timeout`` and parse it."""
        deadline = time.monotonic() + self.config.read_timeout
        try:
            header = self._read_exactly(HEADER.size, deadline)
            (length,) = HEADER.unpack(header)
            if length <= HEADER.size or length > self.config.max_frame_bytes:
                raise _FrameError(
                    f"the frame header announces {length} bytes (allowed: "
                    f"{HEADER.size + 1} to {self.config.max_frame_bytes})"
                )
            payload = self._read_exactly(length - HEADER.size, deadline)
        except _ClosedError as error:
            self.close()
            raise RegistrarError(
                f"The registry {self.config.host}:{self.config.port} closed the connection "
                f"while HostLedger was reading {what} ({error}).",
                retry_can_help=True,
                code="connection_failed",
            ) from None
        except _FrameError as error:
            self.close()
            raise RegistrarError(
                f"The registry sent a broken frame while HostLedger was reading {what}: {error}.",
                retry_can_help=True,
                code="protocol_error",
            ) from None
        except OSError as error:
            self.close()
            raise self._transport_error(error, f"reading {what}") from None
        self._last_used = time.monotonic()
        try:
            return parse_xml(payload)
        except ValueError as error:
            self.close()
            raise RegistrarError(
                f"The registry sent unreadable XML as {what}: {error}.",
                retry_can_help=True,
                code="protocol_error",
            ) from None

    def _read_exactly(self, count: int, deadline: float) -> bytes:
        sock = self._socket
        if sock is None:
            raise _ClosedError("the session was closed")
        chunks: list[bytes] = []
        remaining = count
        while remaining:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = sock.recv(min(remaining, 65536))
            if not chunk:
                raise _ClosedError(f"after {count - remaining} of {count} bytes")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _transport_error(self, error: OSError, doing: str) -> RegistrarError:
        where = f"{self.config.host}:{self.config.port}"
        if isinstance(error, TimeoutError):
            return RegistrarError(
                f"The registry {where} did not answer within "
                f"{self.config.read_timeout:g} s while {doing}.",
                retry_can_help=True,
                code="timeout",
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return RegistrarError(
                f"The registry {where} presented a certificate that is not trusted "
                f"({error.verify_message}); check the CA file.",
                retry_can_help=False,
                code="tls_untrusted",
            )
        if isinstance(error, ssl.SSLError) and _is_certificate_alert(error):
            return RegistrarError(
                f"The registry {where} refused the TLS connection ({error.reason}); check "
                "the client certificate and key.",
                retry_can_help=False,
                code="tls_refused",
            )
        return RegistrarError(
            f"The connection to the registry {where} failed while {doing}: {error}.",
            retry_can_help=True,
            code="connection_failed",
        )


class _FrameError(Exception):
    pass


class _ClosedError(Exception):
    pass


def _is_certificate_alert(error: ssl.SSLError) -> bool:
    reason = (error.reason or "").upper()
    return any(
        word in reason
        for word in ("CERTIFICATE", "UNKNOWN_CA", "ACCESS_DENIED", "HANDSHAKE_FAILURE")
    )
