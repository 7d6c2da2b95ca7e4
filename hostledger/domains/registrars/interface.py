"""What a registrar module provides (DOM-02, DOM-03): the calls HostLedger makes of a domain
registry, behind one interface, so a provider can switch from one registry connection to
another (EPP to a registry, a reseller API) without touching billing.

A registrar answers with plain dataclasses; it never writes HostLedger's tables. It raises
:class:`RegistrarError` for a failure, saying whether the same call may succeed later
(``retry_can_help``: a timeout, the registry busy, EPP 2400 "command failed") or never will
(EPP 2302 "object exists", 2201 "authorization error", 2502 "session limit exceeded" is
temporary). ``code`` carries the registry's own result code and ``message`` its own words, so
staff see what the registry said.

Every mutating call gets an ``operation_key`` unique per (domain, call): a call delivered twice
(a retry after a timeout) must not act twice — a module sends it as the EPP client transaction
id (clTRID) and, before repeating a create or a renewal, asks the registry (info) whether the
first one took effect (for a renewal: whether the expiry already moved past
``current_expiry``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable


class RegistrarError(Exception):
    def __init__(self, message: str, *, retry_can_help: bool, code: str = "registrar_error"):
        super().__init__(message)
        self.message = message
        self.retry_can_help = retry_can_help
        self.code = code


@dataclass(frozen=True)
class Contact:
    """A domain contact as the registry stores it (RFC 5733). ``ident`` and ``ident_type``
    carry what a registry demands of a contact, e.g. for .ee an Estonian personal code
    (``priv``) or registry code (``org``) with its country (``ident_country``)."""

    handle: str
    name: str
    email: str
    phone: str = ""
    organisation: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    ident: str = ""
    ident_type: str = ""
    ident_country: str = ""


@dataclass(frozen=True)
class DsRecord:
    """A DNSSEC delegation signer record (RFC 5910 dsData)."""

    key_tag: int
    algorithm: int
    digest_type: int
    digest: str


@dataclass(frozen=True)
class DomainInfo:
    """What the registry says of a domain (RFC 5731 info). ``statuses`` are its EPP statuses
    (``ok``, ``clientTransferProhibited``, ``redemptionPeriod`` …, RFC 3915 rgpStatus
    included)."""

    name: str
    registered: bool
    expires_on: date | None = None
    created_on: date | None = None
    statuses: tuple[str, ...] = ()
    name_servers: tuple[str, ...] = ()
    registrant: str = ""
    admin: str = ""
    tech: str = ""
    auth_code: str = field(default="", repr=False)
    ds_records: tuple[DsRecord, ...] = ()


@dataclass(frozen=True)
class Availability:
    name: str
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class PollMessage:
    """One message of the registry's poll queue (RFC 5730 §2.9.2.3): a transfer finished, a
    domain deleted, an expiry reached. ``domain`` and ``expires_on`` are filled when the
    message names them."""

    message_id: str
    queued_at: datetime | None
    text: str
    domain: str = ""
    expires_on: date | None = None


@runtime_checkable
class Registrar(Protocol):
    """A connection to one registry (or a reseller). ``zones`` are the suffixes it sells
    (``"ee"``, ``"com"``, ``"xn--p1ai"``)."""

    name: str
    label: str

    def zones(self) -> tuple[str, ...]: ...

    def check(self, names: list[str]) -> list[Availability]: ...

    def info(self, name: str) -> DomainInfo: ...

    def contact_create(self, contact: Contact, *, operation_key: str) -> str: ...

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
    ) -> DomainInfo: ...

    def renew(
        self, name: str, *, years: int, current_expiry: date, operation_key: str
    ) -> DomainInfo: ...

    def transfer(self, name: str, *, auth_code: str, years: int, operation_key: str) -> str:
        """Request a transfer in; answers the registry's transfer status (``pending``,
        ``serverApproved`` …)."""
        ...

    def update_name_servers(
        self, name: str, *, name_servers: tuple[str, ...], operation_key: str
    ) -> DomainInfo: ...

    def update_contacts(
        self, name: str, *, registrant: str, admin: str, tech: str, operation_key: str
    ) -> DomainInfo: ...

    def update_ds_records(
        self, name: str, *, ds_records: tuple[DsRecord, ...], operation_key: str
    ) -> DomainInfo: ...

    def lock(self, name: str, *, locked: bool, operation_key: str) -> DomainInfo:
        """Set or clear clientTransferProhibited/clientDeleteProhibited/clientUpdateProhibited."""
        ...

    def restore(self, name: str, *, operation_key: str) -> DomainInfo:
        """Restore a domain in its redemption period (RFC 3915 rgp restore request)."""
        ...

    def delete(self, name: str, *, operation_key: str) -> None: ...

    def poll(self) -> list[PollMessage]:
        """Read and acknowledge the waiting poll messages, oldest first."""
        ...
