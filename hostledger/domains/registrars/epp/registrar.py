"""The EPP registrar (DOM-02): every call of the registrar interface as EPP commands to one
registry — domain check/info/create/renew/transfer/update/delete (RFC 5731), contact create
(RFC 5733), host objects for name servers (RFC 5732), DS records (RFC 5910 secDNS-1.1),
restore from the redemption period (RFC 3915 rgp-1.0) and the poll queue (RFC 5730).

Names travel in their ASCII form: a Unicode name is turned into A-labels (IDNA 2008, UTS #46
mapping) before it is sent, and every answer names domains as the registry does, in A-labels.

A mutating call sends its ``operation_key`` as the clTRID and is safe to deliver twice:
update calls compute the difference from the registry's current data and send nothing when
there is none; a renewal first reads the expiry and returns without renewing when it already
moved past ``current_expiry``; a repeated create, contact create, transfer or delete that the
registry refuses as already done is checked against the registry (info, transfer query) and
answered as done when the earlier call took effect for this registrar.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

import idna
import phonenumbers
from lxml import etree

from hostledger.core.registry import current_values
from hostledger.domains.registrars.epp import conf
from hostledger.domains.registrars.epp.client import (
    CONTACT_NS,
    DOMAIN_NS,
    EPP_NS,
    HOST_NS,
    RGP_NS,
    SECDNS_NS,
    EppClient,
    EppConfig,
    EppResponse,
    cl_trid_for,
    fresh_cl_trid,
    parse_epp_date,
    qn,
    sub,
    text_of,
)
from hostledger.domains.registrars.interface import (
    Availability,
    Contact,
    DomainInfo,
    DsRecord,
    PollMessage,
    RegistrarError,
)

DEFAULT_LOCK_STATUSES = (
    "clientTransferProhibited",
    "clientDeleteProhibited",
    "clientUpdateProhibited",
)
POLL_LIMIT = 200
"""Messages read and acknowledged by one poll call at most; the rest wait for the next."""

_AUTH_GROUPS = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@_")


@dataclass(frozen=True)
class EppSettings:
    """What the registrar needs to work: the connection and the registry's business data."""

    config: EppConfig
    zones: tuple[str, ...]
    check_batch: int = 5
    lock_statuses: tuple[str, ...] = DEFAULT_LOCK_STATUSES


def epp_settings_from_provider_settings() -> EppSettings:
    """The EPP settings in force (provider settings, one query) and the password from
    ``HOSTLEDGER_EPP_PASSWORD``."""
    values = current_values()
    return EppSettings(
        config=EppConfig(
            host=values[conf.HOST],
            port=values[conf.PORT],
            client_id=values[conf.LOGIN_ID],
            password=os.environ.get(conf.PASSWORD_ENV, ""),
            cert_file=values[conf.CERT_FILE],
            key_file=values[conf.KEY_FILE],
            ca_file=values[conf.CA_FILE],
            connect_timeout=float(values[conf.CONNECT_TIMEOUT_SECONDS]),
            read_timeout=float(values[conf.READ_TIMEOUT_SECONDS]),
            keepalive_seconds=float(values[conf.KEEPALIVE_SECONDS]),
        ),
        zones=conf.zone_list(values[conf.ZONES]),
        check_batch=values[conf.CHECK_BATCH],
        lock_statuses=conf.status_list(values[conf.LOCK_STATUSES]),
    )


def new_auth_code(length: int = 16) -> str:
    """A transfer code with lower- and upper-case letters, digits and a sign, as registries'
    password policies ask."""
    alphabet = "".join(_AUTH_GROUPS)
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(char in group for char in code) for group in _AUTH_GROUPS):
            return code


def ascii_name(name: str, *, what: str = "domain name") -> str:
    """A host or domain name in lower-case A-labels, or RegistrarError when it is none."""
    cleaned = name.strip().rstrip(".").lower()
    try:
        result = idna.encode(cleaned, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise RegistrarError(
            f"'{name}' is not a valid {what}: {error}.", retry_can_help=False, code="invalid_name"
        ) from None
    if "." not in result:
        raise RegistrarError(
            f"'{name}' is not a valid {what}: it has no zone.",
            retry_can_help=False,
            code="invalid_name",
        )
    return result


def epp_phone(phone: str, country: str) -> str:
    """A phone number in EPP's e164 form, ``+372.5551234`` (RFC 5733 §2.5)."""
    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise RegistrarError(
            f"The contact's phone '{phone}' is not a phone number: {error}.",
            retry_can_help=False,
            code="invalid_contact",
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise RegistrarError(
            f"The contact's phone '{phone}' is not a possible phone number.",
            retry_can_help=False,
            code="invalid_contact",
        )
    return f"+{number.country_code}.{number.national_number}"


def _domain_command(verb: str, tag: str, name: str, **verb_attributes):
    """``<verb><domain:tag><domain:name>name</domain:name>…`` and the inner element."""
    outer = etree.Element(qn(EPP_NS, verb), {k: str(v) for k, v in verb_attributes.items()})
    inner = etree.SubElement(outer, qn(DOMAIN_NS, tag), nsmap={"domain": DOMAIN_NS})
    sub(inner, DOMAIN_NS, "name", name)
    return outer, inner


def _object_command(verb: str, namespace: str, prefix: str, tag: str):
    outer = etree.Element(qn(EPP_NS, verb))
    inner = etree.SubElement(outer, qn(namespace, tag), nsmap={prefix: namespace})
    return outer, inner


def _extension(namespace: str, prefix: str, tag: str, **attributes):
    return etree.Element(
        qn(namespace, tag), {k: str(v) for k, v in attributes.items()}, nsmap={prefix: namespace}
    )


def _ds_element(parent: etree._Element, record: DsRecord) -> None:
    data = sub(parent, SECDNS_NS, "dsData")
    sub(data, SECDNS_NS, "keyTag", record.key_tag)
    sub(data, SECDNS_NS, "alg", record.algorithm)
    sub(data, SECDNS_NS, "digestType", record.digest_type)
    sub(data, SECDNS_NS, "digest", record.digest)


def _normal_ds(record: DsRecord) -> DsRecord:
    return DsRecord(
        key_tag=int(record.key_tag),
        algorithm=int(record.algorithm),
        digest_type=int(record.digest_type),
        digest="".join(record.digest.split()).upper(),
    )


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true"}


@dataclass(frozen=True)
class _Held:
    """A domain's info and the registrar that sponsors it (EPP ``clID``)."""

    info: DomainInfo
    sponsor: str


class EppRegistrar:
    """A registrar module speaking EPP to one registry, configured by provider settings.

    ``settings_loader`` gives the settings in force; it is called on every call, and a change
    of connection settings opens a new session on the next call.
    """

    name = "epp"
    label = "EPP registry (RFC 5730-5734)"

    def __init__(
        self,
        *,
        settings_loader: Callable[[], EppSettings] = epp_settings_from_provider_settings,
    ):
        self._load = settings_loader
        self._client: EppClient | None = None
        self._lock = threading.RLock()

    # --- plumbing ---------------------------------------------------------------------------

    def _session(self) -> tuple[EppSettings, EppClient]:
        settings = self._load()
        if self._client is None or self._client.config != settings.config:
            if self._client is not None:
                self._client.logout()
            self._client = EppClient(settings.config)
        return settings, self._client

    def close(self) -> None:
        """Log out and close the connection (a new session opens on the next call)."""
        with self._lock:
            if self._client is not None:
                self._client.logout()

    def _domain_name(self, name: str, settings: EppSettings) -> str:
        ascii_domain = ascii_name(name)
        if not any(ascii_domain.endswith(f".{zone}") for zone in settings.zones):
            raise RegistrarError(
                f"{ascii_domain} is not in a zone this registrar sells "
                f"({', '.join(settings.zones) or 'no zones set'}).",
                retry_can_help=False,
                code="zone_not_sold",
            )
        return ascii_domain

    @staticmethod
    def _host_names(name_servers: Iterable[str]) -> tuple[str, ...]:
        hosts: list[str] = []
        for server in name_servers:
            host = ascii_name(server, what="name server")
            if host not in hosts:
                hosts.append(host)
        return tuple(hosts)

    @staticmethod
    def _need(client: EppClient, uri: str, what: str) -> None:
        if not client.offers(uri):
            raise RegistrarError(
                f"The registry does not offer {uri}, needed for {what}.",
                retry_can_help=False,
                code="unsupported",
            )

    # --- reading ----------------------------------------------------------------------------

    def zones(self) -> tuple[str, ...]:
        return self._load().zones

    def check(self, names: list[str]) -> list[Availability]:
        with self._lock:
            settings, client = self._session()
            verdicts: dict[str, Availability] = {}
            wanted: list[str] = []
            ascii_names: list[str | Availability] = []
            for name in names:
                try:
                    ascii_domain = self._domain_name(name, settings)
                except RegistrarError as error:
                    ascii_names.append(
                        Availability(name=name, available=False, reason=error.message)
                    )
                    continue
                ascii_names.append(ascii_domain)
                if ascii_domain not in wanted:
                    wanted.append(ascii_domain)
            batch = max(1, settings.check_batch)
            for start in range(0, len(wanted), batch):
                outer, inner = _object_command("check", DOMAIN_NS, "domain", "check")
                for name in wanted[start : start + batch]:
                    sub(inner, DOMAIN_NS, "name", name)
                response = client.execute(outer, cl_trid=fresh_cl_trid(), action="Domain check")
                data = response.data(DOMAIN_NS, "chkData")
                for item in data.findall(qn(DOMAIN_NS, "cd")) if data is not None else ():
                    name_element = item.find(qn(DOMAIN_NS, "name"))
                    if name_element is None:
                        continue
                    found = (name_element.text or "").strip().lower()
                    verdicts[found] = Availability(
                        name=found,
                        available=_is_true(name_element.get("avail")),
                        reason=text_of(item, DOMAIN_NS, "reason"),
                    )
            answers: list[Availability] = []
            for item in ascii_names:
                if isinstance(item, Availability):
                    answers.append(item)
                elif item in verdicts:
                    answers.append(verdicts[item])
                else:
                    raise RegistrarError(
                        f"The registry's check answer does not mention {item}.",
                        retry_can_help=True,
                        code="protocol_error",
                    )
            return answers

    def info(self, name: str) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            return self._held(client, self._domain_name(name, settings)).info

    def _held(self, client: EppClient, name: str, *, auth_code: str = "") -> _Held:
        outer, inner = _domain_command("info", "info", name)
        inner.find(qn(DOMAIN_NS, "name")).set("hosts", "all")
        if auth_code:
            sub(sub(inner, DOMAIN_NS, "authInfo"), DOMAIN_NS, "pw", auth_code)
        try:
            response = client.execute(outer, cl_trid=fresh_cl_trid(), action=f"Info of {name}")
        except RegistrarError as error:
            if error.code == "2303":
                return _Held(DomainInfo(name=name, registered=False), sponsor="")
            raise
        return _parse_info(response, name)

    # --- contacts ---------------------------------------------------------------------------

    def contact_create(self, contact: Contact, *, operation_key: str) -> str:
        """Create the contact at the registry and answer its handle. A contact without a
        handle gets one derived from ``operation_key`` (EPP lets the client choose contact
        ids, RFC 5733 §3.2.1), so a call delivered twice asks for the same id."""
        if not contact.handle.strip():
            digest = hashlib.sha256(operation_key.encode()).hexdigest()[:14].upper()
            contact = replace(contact, handle=f"HL{digest}")
        missing = [
            label
            for label, value in (
                ("handle", contact.handle),
                ("name", contact.name),
                ("email", contact.email),
                ("city", contact.city),
                ("country", contact.country),
            )
            if not value.strip()
        ]
        if missing:
            raise RegistrarError(
                f"A registry contact needs {', '.join(missing)} (RFC 5733).",
                retry_can_help=False,
                code="invalid_contact",
            )
        with self._lock:
            _, client = self._session()
            outer, inner = _object_command("create", CONTACT_NS, "contact", "create")
            sub(inner, CONTACT_NS, "id", contact.handle)
            texts = (contact.name, contact.organisation, contact.street, contact.city)
            postal_type = "int" if all(text.isascii() for text in texts) else "loc"
            postal = sub(inner, CONTACT_NS, "postalInfo", type=postal_type)
            sub(postal, CONTACT_NS, "name", contact.name)
            if contact.organisation:
                sub(postal, CONTACT_NS, "org", contact.organisation)
            address = sub(postal, CONTACT_NS, "addr")
            for line in [line for line in contact.street.splitlines() if line.strip()][:3]:
                sub(address, CONTACT_NS, "street", line.strip())
            sub(address, CONTACT_NS, "city", contact.city)
            if contact.postal_code:
                sub(address, CONTACT_NS, "pc", contact.postal_code)
            sub(address, CONTACT_NS, "cc", contact.country.upper())
            if contact.phone:
                sub(inner, CONTACT_NS, "voice", epp_phone(contact.phone, contact.country))
            sub(inner, CONTACT_NS, "email", contact.email)
            sub(sub(inner, CONTACT_NS, "authInfo"), CONTACT_NS, "pw", new_auth_code())
            try:
                response = client.execute(
                    outer,
                    cl_trid=cl_trid_for(operation_key),
                    action=f"Contact create {contact.handle}",
                )
            except RegistrarError as error:
                if error.code == "2302" and self._contact_sponsor(client, contact.handle) == (
                    client.config.client_id
                ):
                    return contact.handle
                raise
            data = response.data(CONTACT_NS, "creData")
            return text_of(data, CONTACT_NS, "id") or contact.handle

    def _contact_sponsor(self, client: EppClient, handle: str) -> str:
        outer, inner = _object_command("info", CONTACT_NS, "contact", "info")
        sub(inner, CONTACT_NS, "id", handle)
        response = client.execute(outer, cl_trid=fresh_cl_trid(), action=f"Contact info {handle}")
        return text_of(response.data(CONTACT_NS, "infData"), CONTACT_NS, "clID")

    # --- domains ----------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        years: int,
        registrant: str,
        admin: str,
        tech: str,
        name_servers: tuple[str, ...],
        operation_key: str,
        ds_records: tuple[DsRecord, ...] = (),
    ) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            hosts = self._host_names(name_servers)
            if ds_records:
                self._need(client, SECDNS_NS, "DS records")
            self._ensure_hosts(client, settings, hosts, operation_key)
            outer, inner = _domain_command("create", "create", domain)
            sub(inner, DOMAIN_NS, "period", years, unit="y")
            if hosts:
                servers = sub(inner, DOMAIN_NS, "ns")
                for host in hosts:
                    sub(servers, DOMAIN_NS, "hostObj", host)
            sub(inner, DOMAIN_NS, "registrant", registrant)
            for kind, handle in (("admin", admin), ("tech", tech)):
                if handle:
                    sub(inner, DOMAIN_NS, "contact", handle, type=kind)
            sub(sub(inner, DOMAIN_NS, "authInfo"), DOMAIN_NS, "pw", new_auth_code())
            extensions = []
            if ds_records:
                secdns = _extension(SECDNS_NS, "secDNS", "create")
                for record in ds_records:
                    _ds_element(secdns, _normal_ds(record))
                extensions.append(secdns)
            try:
                client.execute(
                    outer,
                    cl_trid=cl_trid_for(operation_key),
                    extensions=extensions,
                    action=f"Create of {domain}",
                )
            except RegistrarError as error:
                if error.code == "2302":
                    held = self._held(client, domain)
                    if held.sponsor == client.config.client_id:
                        return held.info
                raise
            return self._held(client, domain).info

    def _ensure_hosts(
        self, client: EppClient, settings: EppSettings, hosts: tuple[str, ...], key: str
    ) -> None:
        """Create the host objects (RFC 5732) of name servers the registry does not know yet;
        a registry without the host service takes name servers as they are."""
        if not hosts or not client.offers(HOST_NS):
            return
        unknown: list[str] = []
        batch = max(1, settings.check_batch)
        for start in range(0, len(hosts), batch):
            outer, inner = _object_command("check", HOST_NS, "host", "check")
            for host in hosts[start : start + batch]:
                sub(inner, HOST_NS, "name", host)
            response = client.execute(outer, cl_trid=fresh_cl_trid(), action="Host check")
            data = response.data(HOST_NS, "chkData")
            for item in data.findall(qn(HOST_NS, "cd")) if data is not None else ():
                name_element = item.find(qn(HOST_NS, "name"))
                if name_element is not None and _is_true(name_element.get("avail")):
                    unknown.append((name_element.text or "").strip().lower())
        for host in unknown:
            outer, inner = _object_command("create", HOST_NS, "host", "create")
            sub(inner, HOST_NS, "name", host)
            try:
                client.execute(
                    outer, cl_trid=cl_trid_for(f"{key}/host/{host}"), action=f"Host create {host}"
                )
            except RegistrarError as error:
                if error.code != "2302":  # created meanwhile: what we wanted
                    raise

    def renew(
        self, name: str, *, years: int, current_expiry: date, operation_key: str
    ) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            before = self._held(client, domain).info
            if before.expires_on is not None and before.expires_on > current_expiry:
                # An earlier delivery of this renewal already moved the expiry.
                return before
            outer, inner = _domain_command("renew", "renew", domain)
            sub(inner, DOMAIN_NS, "curExpDate", current_expiry.isoformat())
            sub(inner, DOMAIN_NS, "period", years, unit="y")
            client.execute(outer, cl_trid=cl_trid_for(operation_key), action=f"Renewal of {domain}")
            return self._held(client, domain).info

    def transfer(self, name: str, *, auth_code: str, years: int, operation_key: str) -> str:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            outer, inner = _domain_command("transfer", "transfer", domain, op="request")
            sub(inner, DOMAIN_NS, "period", years, unit="y")
            sub(sub(inner, DOMAIN_NS, "authInfo"), DOMAIN_NS, "pw", auth_code)
            try:
                response = client.execute(
                    outer, cl_trid=cl_trid_for(operation_key), action=f"Transfer of {domain}"
                )
            except RegistrarError as error:
                if error.code in {"2002", "2106", "2300", "2304"}:
                    status = self._own_transfer_status(client, domain, auth_code)
                    if status:
                        return status
                raise
            status = text_of(response.data(DOMAIN_NS, "trnData"), DOMAIN_NS, "trStatus")
            return status or ("pending" if response.pending else "serverApproved")

    def _own_transfer_status(self, client: EppClient, domain: str, auth_code: str) -> str:
        """The status of the latest transfer of ``domain`` if this registrar requested it."""
        outer, inner = _domain_command("transfer", "transfer", domain, op="query")
        sub(sub(inner, DOMAIN_NS, "authInfo"), DOMAIN_NS, "pw", auth_code)
        try:
            response = client.execute(
                outer, cl_trid=fresh_cl_trid(), action=f"Transfer query of {domain}"
            )
        except RegistrarError as error:
            if error.retry_can_help:
                raise
            return ""
        data = response.data(DOMAIN_NS, "trnData")
        if text_of(data, DOMAIN_NS, "reID") != client.config.client_id:
            return ""
        return text_of(data, DOMAIN_NS, "trStatus")

    def _update(
        self,
        client: EppClient,
        domain: str,
        *,
        operation_key: str,
        add: Callable[[etree._Element], None] | None = None,
        rem: Callable[[etree._Element], None] | None = None,
        chg: Callable[[etree._Element], None] | None = None,
        extensions: Iterable[etree._Element] = (),
        empty_chg: bool = False,
        action: str,
    ) -> None:
        outer, inner = _domain_command("update", "update", domain)
        for tag, fill in (("add", add), ("rem", rem), ("chg", chg)):
            if fill is not None:
                fill(sub(inner, DOMAIN_NS, tag))
        if empty_chg and chg is None:
            sub(inner, DOMAIN_NS, "chg")
        client.execute(
            outer,
            cl_trid=cl_trid_for(operation_key),
            extensions=extensions,
            action=f"{action} of {domain}",
        )

    def update_name_servers(
        self, name: str, *, name_servers: tuple[str, ...], operation_key: str
    ) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            wanted = self._host_names(name_servers)
            current = self._held(client, domain).info
            adding = [host for host in wanted if host not in current.name_servers]
            removing = [host for host in current.name_servers if host not in wanted]
            if not adding and not removing:
                return current
            self._ensure_hosts(client, settings, tuple(adding), operation_key)

            def servers(hosts):
                def fill(parent):
                    holder = sub(parent, DOMAIN_NS, "ns")
                    for host in hosts:
                        sub(holder, DOMAIN_NS, "hostObj", host)

                return fill

            self._update(
                client,
                domain,
                operation_key=operation_key,
                add=servers(adding) if adding else None,
                rem=servers(removing) if removing else None,
                action="Name server update",
            )
            return self._held(client, domain).info

    def update_contacts(
        self, name: str, *, registrant: str, admin: str, tech: str, operation_key: str
    ) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            current = self._held(client, domain).info
            adding = [
                (kind, handle)
                for kind, handle, now in (
                    ("admin", admin, current.admin),
                    ("tech", tech, current.tech),
                )
                if handle and handle != now
            ]
            removing = [
                (kind, now)
                for kind, handle, now in (
                    ("admin", admin, current.admin),
                    ("tech", tech, current.tech),
                )
                if now and handle != now
            ]
            new_registrant = registrant if registrant and registrant != current.registrant else ""
            if not adding and not removing and not new_registrant:
                return current

            def contacts(pairs):
                def fill(parent):
                    for kind, handle in pairs:
                        sub(parent, DOMAIN_NS, "contact", handle, type=kind)

                return fill

            def change(parent):
                sub(parent, DOMAIN_NS, "registrant", new_registrant)

            self._update(
                client,
                domain,
                operation_key=operation_key,
                add=contacts(adding) if adding else None,
                rem=contacts(removing) if removing else None,
                chg=change if new_registrant else None,
                action="Contact update",
            )
            return self._held(client, domain).info

    def update_ds_records(
        self, name: str, *, ds_records: tuple[DsRecord, ...], operation_key: str
    ) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            self._need(client, SECDNS_NS, "DS records")
            current = self._held(client, domain).info
            wanted = []
            for record in ds_records:
                normal = _normal_ds(record)
                if normal not in wanted:
                    wanted.append(normal)
            present = [_normal_ds(record) for record in current.ds_records]
            adding = [record for record in wanted if record not in present]
            removing = [record for record in present if record not in wanted]
            if not adding and not removing:
                return current
            secdns = _extension(SECDNS_NS, "secDNS", "update")
            if removing:
                holder = sub(secdns, SECDNS_NS, "rem")
                for record in removing:
                    _ds_element(holder, record)
            if adding:
                holder = sub(secdns, SECDNS_NS, "add")
                for record in adding:
                    _ds_element(holder, record)
            self._update(
                client,
                domain,
                operation_key=operation_key,
                extensions=[secdns],
                action="DS record update",
            )
            return self._held(client, domain).info

    def lock(self, name: str, *, locked: bool, operation_key: str) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            current = self._held(client, domain).info
            if locked:
                changing = [s for s in settings.lock_statuses if s not in current.statuses]
            else:
                changing = [s for s in settings.lock_statuses if s in current.statuses]
            if not changing:
                return current

            def statuses(parent):
                for status in changing:
                    sub(parent, DOMAIN_NS, "status", s=status)

            self._update(
                client,
                domain,
                operation_key=operation_key,
                add=statuses if locked else None,
                rem=None if locked else statuses,
                action="Lock" if locked else "Unlock",
            )
            return self._held(client, domain).info

    def restore(self, name: str, *, operation_key: str) -> DomainInfo:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            self._need(client, RGP_NS, "a restore")
            current = self._held(client, domain).info
            if "redemptionPeriod" not in current.statuses and (
                "pendingRestore" in current.statuses
                or (current.registered and "pendingDelete" not in current.statuses)
            ):
                # Restored (or being restored) already: an earlier delivery of this call.
                return current
            restore = _extension(RGP_NS, "rgp", "update")
            sub(restore, RGP_NS, "restore", op="request")
            self._update(
                client,
                domain,
                operation_key=operation_key,
                extensions=[restore],
                empty_chg=True,
                action="Restore",
            )
            return self._held(client, domain).info

    def delete(self, name: str, *, operation_key: str) -> None:
        with self._lock:
            settings, client = self._session()
            domain = self._domain_name(name, settings)
            outer, _ = _domain_command("delete", "delete", domain)
            try:
                client.execute(
                    outer, cl_trid=cl_trid_for(operation_key), action=f"Delete of {domain}"
                )
            except RegistrarError as error:
                if error.code == "2303":
                    return  # gone already
                if (
                    error.code == "2304"
                    and "pendingDelete" in self._held(client, domain).info.statuses
                ):
                    return  # an earlier delivery of this delete took effect
                raise

    # --- poll -------------------------------------------------------------------------------

    def poll(self) -> list[PollMessage]:
        with self._lock:
            _, client = self._session()
            messages: list[PollMessage] = []
            while len(messages) < POLL_LIMIT:
                try:
                    request = etree.Element(qn(EPP_NS, "poll"), op="req")
                    response = client.execute(request, cl_trid=fresh_cl_trid(), action="Poll")
                    if response.code == 1300 or not response.queue_id:
                        break
                    message = _poll_message(response)
                    ack = etree.Element(qn(EPP_NS, "poll"), op="ack", msgID=response.queue_id)
                    client.execute(ack, cl_trid=fresh_cl_trid(), action="Poll acknowledgement")
                except RegistrarError:
                    if messages:
                        # The acknowledged ones are off the registry's queue: hand them over;
                        # the unacknowledged one comes again on the next poll.
                        break
                    raise
                messages.append(message)
            return messages


def _parse_info(response: EppResponse, name: str) -> _Held:
    data = response.data(DOMAIN_NS, "infData")
    if data is None:
        raise RegistrarError(
            f"The registry's info answer for {name} has no domain data.",
            retry_can_help=True,
            code="protocol_error",
        )
    statuses = [item.get("s", "") for item in data.findall(qn(DOMAIN_NS, "status"))]
    rgp = response.ext(RGP_NS, "infData")
    if rgp is not None:
        statuses += [item.get("s", "") for item in rgp.findall(qn(RGP_NS, "rgpStatus"))]
    statuses = list(dict.fromkeys(status for status in statuses if status))
    contacts: dict[str, str] = {}
    for item in data.findall(qn(DOMAIN_NS, "contact")):
        contacts.setdefault(item.get("type", ""), (item.text or "").strip())
    servers: list[str] = []
    holder = data.find(qn(DOMAIN_NS, "ns"))
    if holder is not None:
        for item in holder:
            if item.tag == qn(DOMAIN_NS, "hostObj"):
                servers.append((item.text or "").strip().lower())
            elif item.tag == qn(DOMAIN_NS, "hostAttr"):
                servers.append(text_of(item, DOMAIN_NS, "hostName").lower())
    records: list[DsRecord] = []
    secdns = response.ext(SECDNS_NS, "infData")
    for item in secdns.findall(qn(SECDNS_NS, "dsData")) if secdns is not None else ():
        try:
            records.append(
                DsRecord(
                    key_tag=int(text_of(item, SECDNS_NS, "keyTag")),
                    algorithm=int(text_of(item, SECDNS_NS, "alg")),
                    digest_type=int(text_of(item, SECDNS_NS, "digestType")),
                    digest=text_of(item, SECDNS_NS, "digest").upper(),
                )
            )
        except ValueError:
            raise RegistrarError(
                f"The registry's DS data for {name} is not numeric where it must be.",
                retry_can_help=True,
                code="protocol_error",
            ) from None
    auth = data.find(qn(DOMAIN_NS, "authInfo"))
    info = DomainInfo(
        name=(text_of(data, DOMAIN_NS, "name") or name).lower(),
        registered="pendingCreate" not in statuses,
        expires_on=parse_epp_date(text_of(data, DOMAIN_NS, "exDate")),
        created_on=parse_epp_date(text_of(data, DOMAIN_NS, "crDate")),
        statuses=tuple(statuses),
        name_servers=tuple(servers),
        registrant=text_of(data, DOMAIN_NS, "registrant"),
        admin=contacts.get("admin", ""),
        tech=contacts.get("tech", ""),
        auth_code=text_of(auth, DOMAIN_NS, "pw") if auth is not None else "",
        ds_records=tuple(records),
    )
    return _Held(info=info, sponsor=text_of(data, DOMAIN_NS, "clID"))


def _poll_message(response: EppResponse) -> PollMessage:
    domain = ""
    expires_on = None
    parts = [response.queue_message] if response.queue_message else []
    if response.res_data is not None:
        name_element = next(response.res_data.iter(qn(DOMAIN_NS, "name")), None)
        if name_element is not None:
            domain = (name_element.text or "").strip().lower()
        expiry = next(response.res_data.iter(qn(DOMAIN_NS, "exDate")), None)
        if expiry is not None:
            expires_on = parse_epp_date(expiry.text or "")
        transfer = response.data(DOMAIN_NS, "trnData")
        if transfer is not None:
            parts.append(
                f"transfer {text_of(transfer, DOMAIN_NS, 'trStatus')}, requested by "
                f"{text_of(transfer, DOMAIN_NS, 'reID')}"
            )
        pending = response.data(DOMAIN_NS, "panData")
        if pending is not None and name_element is not None:
            verdict = "approved" if _is_true(name_element.get("paResult")) else "declined"
            parts.append(f"pending action {verdict}")
    return PollMessage(
        message_id=response.queue_id,
        queued_at=response.queue_date,
        text="; ".join(parts),
        domain=domain,
        expires_on=expires_on,
    )


def epp_registrar_from_settings() -> EppRegistrar:
    """The EPP registrar configured by the provider settings ``domains.epp_*``."""
    return EppRegistrar()
