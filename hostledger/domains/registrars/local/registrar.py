"""The ``local`` registrar: a registry inside HostLedger, for development, demonstrations and
tests (DOM-02). Nothing is registered anywhere real.

It answers every call of the registrar interface the way an EPP registry does (RFC 5731,
RFC 3915), on its own state: a registration lasts the years asked from the day it is made; a
renewal must name the current expiry (``curExpDate``) and extends it by the years asked from
that expiry, never from today (seed 003, annex 1 §2.2); a repeated operation key answers the
first call's effect without acting again; after an unrenewed expiry a domain is ``expired``
for ``grace_days``, then in ``redemptionPeriod`` (restorable) for ``redemption_days``, then
purged; a transfer in waits for the losing registrar for ``transfer_days``; the registry's
messages (a transfer done, a domain purged) wait in a poll queue. ``authInfo`` is returned
only to the sponsoring registrar, as RFC 5731 §3.1.2 has it.

The state lives in a :class:`~hostledger.domains.registrars.local.store.FileStore` at
``$HOSTLEDGER_LOCAL_REGISTRAR_STATE`` (default ``<var dir>/local_registrar.json``), shared by
every process of the installation, or in a
:class:`~hostledger.domains.registrars.local.store.MemoryStore` given to the constructor.
Zones are sold through it only while the provider setting ``domains.local_registrar_enabled``
is on.

Tests may make the registry misbehave: :meth:`LocalRegistrar.fail_next` makes the next call
raise a given error (a timeout, a refusal), ``hold_creates`` leaves new registrations
``pendingCreate`` until :meth:`LocalRegistrar.release`, and
:meth:`LocalRegistrar.register_elsewhere` puts a name in the registry under another registrar.
"""

from __future__ import annotations

import calendar
import os
import secrets
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from hostledger.core.registry import setting_value
from hostledger.domains import conf
from hostledger.domains.registrars.interface import (
    Availability,
    Contact,
    DomainInfo,
    DsRecord,
    PollMessage,
    RegistrarError,
)
from hostledger.domains.registrars.local.store import FileStore

STATE_ENVIRONMENT = "HOSTLEDGER_LOCAL_REGISTRAR_STATE"
US = "us"
OTHER = "other"
LOCK_STATUSES = ("clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited")
MAX_YEARS = 10
MAX_NAME_SERVERS = 13
ADD_GRACE_DAYS = 5


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` years on; 29 February becomes 28 February in other years."""
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _error(code: str, message: str, *, retry_can_help: bool = False) -> RegistrarError:
    return RegistrarError(message, code=code, retry_can_help=retry_can_help)


class LocalRegistrar:
    """A registry kept by HostLedger itself (see the module's description)."""

    name = "local"
    label = "Local test registry (no real registrations)"

    def __init__(
        self,
        store=None,
        *,
        zones: tuple[str, ...] = (),
        grace_days: int = 30,
        redemption_days: int = 30,
        transfer_days: int = 0,
        require_enabled: bool = True,
    ):
        self._store = store
        self._zones = zones
        self.grace_days = grace_days
        self.redemption_days = redemption_days
        self.transfer_days = transfer_days
        self.require_enabled = require_enabled
        self.hold_creates = False
        self._faults: list[RegistrarError] = []
        self._faults_lock = threading.Lock()

    # -- set-up for development and tests ----------------------------------------------------

    @property
    def store(self):
        if self._store is not None:
            return self._store
        path = os.environ.get(STATE_ENVIRONMENT) or str(
            Path(settings.VAR_DIR) / "local_registrar.json"
        )
        return FileStore(path)

    def fail_next(self, error: RegistrarError) -> None:
        """Make the next call raise ``error`` (once)."""
        with self._faults_lock:
            self._faults.append(error)

    def take_faults(self) -> list[RegistrarError]:
        """Remove and return the faults not raised yet (to put back with ``fail_next``)."""
        with self._faults_lock:
            faults, self._faults = self._faults, []
            return faults

    def register_elsewhere(
        self, name: str, *, expires_on: date, auth_code: str = "", created_on: date | None = None
    ) -> None:
        """Put ``name`` in the registry, sponsored by another registrar."""
        with self.store.transaction() as state:
            state["domains"][name] = self._new_domain(
                created_on=created_on or self._today(),
                expires_on=expires_on,
                sponsor=OTHER,
                auth_code=auth_code or secrets.token_urlsafe(12),
            )

    def release(self, name: str) -> None:
        """Finish a registration held ``pendingCreate`` and queue the registry's message."""
        with self.store.transaction() as state:
            record = state["domains"].get(name)
            if record is None or "pendingCreate" not in record["statuses"]:
                return
            record["statuses"].remove("pendingCreate")
            self._message(state, f"Domain {name} created.", name, record["expires_on"])

    def renewals(self, name: str | None = None) -> list[dict]:
        """Every renewal the registry carried out (of ``name``), oldest first."""
        history = self.store.snapshot()["renewals"]
        return [item for item in history if name is None or item["name"] == name]

    def sponsored(self) -> list[str]:
        """The names this installation sponsors that are not on their way out (pending
        deletion)."""
        with self.store.transaction() as state:
            self._advance(state)
            return sorted(
                name
                for name, record in state["domains"].items()
                if record["sponsor"] == US and "pendingDelete" not in record["statuses"]
            )

    # -- the registrar interface ---------------------------------------------------------------

    def zones(self) -> tuple[str, ...]:
        return self._zones

    def check(self, names: list[str]) -> list[Availability]:
        with self._call() as state:
            return [
                Availability(
                    name,
                    name not in state["domains"],
                    "" if name not in state["domains"] else "In use",
                )
                for name in names
            ]

    def info(self, name: str) -> DomainInfo:
        with self._call() as state:
            return self._info(state, name)

    def contact_create(self, contact: Contact, *, operation_key: str) -> str:
        with self._call() as state:
            done = state["operations"].get(operation_key)
            if done is not None:
                return done["handle"]
            if not contact.name or not contact.email:
                raise _error("2003", "Required parameter missing: name and email.")
            handle = contact.handle or f"LOC-{self._next(state)}"
            if handle in state["contacts"]:
                raise _error("2302", f"Object exists: contact {handle}.")
            state["contacts"][handle] = {
                "name": contact.name,
                "email": contact.email,
                "ident": contact.ident,
                "ident_type": contact.ident_type,
                "ident_country": contact.ident_country,
                "country": contact.country,
            }
            state["operations"][operation_key] = {"call": "contact_create", "handle": handle}
            return handle

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
        with self._call() as state:
            done = state["operations"].get(operation_key)
            if done is not None:
                return self._info(state, done["name"])
            if name in state["domains"]:
                raise _error("2302", f"Object exists: {name} is registered.")
            if not 1 <= years <= MAX_YEARS:
                raise _error("2004", f"Parameter value range error: {years} years.")
            for handle in (registrant, admin, tech):
                if handle not in state["contacts"]:
                    raise _error("2303", f"Object does not exist: contact {handle!r}.")
            self._check_name_servers(name_servers)
            today = self._today()
            record = self._new_domain(
                created_on=today,
                expires_on=add_years(today, years),
                sponsor=US,
                auth_code=secrets.token_urlsafe(12),
            )
            record.update(
                registrant=registrant,
                admin=admin,
                tech=tech,
                name_servers=list(name_servers),
                ds=[[d.key_tag, d.algorithm, d.digest_type, d.digest] for d in ds_records],
            )
            if self.hold_creates:
                record["statuses"].append("pendingCreate")
            state["domains"][name] = record
            state["operations"][operation_key] = {"call": "create", "name": name}
            return self._info(state, name)

    def renew(
        self, name: str, *, years: int, current_expiry: date, operation_key: str
    ) -> DomainInfo:
        with self._call() as state:
            done = state["operations"].get(operation_key)
            if done is not None:
                return self._info(state, done["name"])
            record = self._ours(state, name)
            expires_on = date.fromisoformat(record["expires_on"])
            if current_expiry != expires_on:
                raise _error(
                    "2306",
                    f"Parameter value policy error: the current expiry of {name} is "
                    f"{expires_on.isoformat()}, not {current_expiry.isoformat()}.",
                )
            if "redemptionPeriod" in record["statuses"]:
                raise _error("2304", f"Object status prohibits operation: {name} is in redemption.")
            if not 1 <= years <= MAX_YEARS:
                raise _error("2004", f"Parameter value range error: {years} years.")
            renewed = add_years(expires_on, years)
            if renewed > add_years(self._today(), MAX_YEARS):
                raise _error(
                    "2306",
                    f"Parameter value policy error: a registration ends at most {MAX_YEARS} "
                    "years from today.",
                )
            record["expires_on"] = renewed.isoformat()
            record["lapse_from"] = None
            state["renewals"].append(
                {
                    "name": name,
                    "key": operation_key,
                    "years": years,
                    "from": expires_on.isoformat(),
                    "to": renewed.isoformat(),
                }
            )
            state["operations"][operation_key] = {"call": "renew", "name": name}
            return self._info(state, name)

    def transfer(self, name: str, *, auth_code: str, years: int, operation_key: str) -> str:
        with self._call() as state:
            done = state["operations"].get(operation_key)
            if done is not None:
                record = state["domains"].get(name)
                if record is not None and record["sponsor"] == US:
                    return "serverApproved"
                return "pending" if record is not None and record.get("transfer") else "cancelled"
            record = state["domains"].get(name)
            if record is None:
                raise _error("2303", f"Object does not exist: {name}.")
            if record["sponsor"] == US:
                raise _error(
                    "2106", f"Object is not eligible for transfer: {name} is already ours."
                )
            if "clientTransferProhibited" in record["statuses"]:
                raise _error("2304", f"Object status prohibits operation: {name} is locked.")
            if not auth_code or not secrets.compare_digest(auth_code, record["auth_code"]):
                raise _error("2202", "Invalid authorization information.")
            record["transfer"] = {"requested_on": self._today().isoformat(), "years": years}
            record["statuses"].append("pendingTransfer")
            state["operations"][operation_key] = {"call": "transfer", "name": name}
            return "pending"

    def update_name_servers(
        self, name: str, *, name_servers: tuple[str, ...], operation_key: str
    ) -> DomainInfo:
        with self._call() as state:
            record = self._ours(state, name)
            if operation_key not in state["operations"]:
                self._refuse_if(record, "clientUpdateProhibited", name)
                self._check_name_servers(name_servers)
                record["name_servers"] = list(name_servers)
                state["operations"][operation_key] = {"call": "name_servers", "name": name}
            return self._info(state, name)

    def update_contacts(
        self, name: str, *, registrant: str, admin: str, tech: str, operation_key: str
    ) -> DomainInfo:
        with self._call() as state:
            record = self._ours(state, name)
            if operation_key not in state["operations"]:
                self._refuse_if(record, "clientUpdateProhibited", name)
                for handle in (registrant, admin, tech):
                    if handle not in state["contacts"]:
                        raise _error("2303", f"Object does not exist: contact {handle!r}.")
                record.update(registrant=registrant, admin=admin, tech=tech)
                state["operations"][operation_key] = {"call": "contacts", "name": name}
            return self._info(state, name)

    def update_ds_records(
        self, name: str, *, ds_records: tuple[DsRecord, ...], operation_key: str
    ) -> DomainInfo:
        with self._call() as state:
            record = self._ours(state, name)
            if operation_key not in state["operations"]:
                self._refuse_if(record, "clientUpdateProhibited", name)
                record["ds"] = [
                    [d.key_tag, d.algorithm, d.digest_type, d.digest] for d in ds_records
                ]
                state["operations"][operation_key] = {"call": "ds", "name": name}
            return self._info(state, name)

    def lock(self, name: str, *, locked: bool, operation_key: str) -> DomainInfo:
        with self._call() as state:
            record = self._ours(state, name)
            others = [status for status in record["statuses"] if status not in LOCK_STATUSES]
            record["statuses"] = others + (list(LOCK_STATUSES) if locked else [])
            state["operations"][operation_key] = {"call": "lock", "name": name}
            return self._info(state, name)

    def restore(self, name: str, *, operation_key: str) -> DomainInfo:
        with self._call() as state:
            done = state["operations"].get(operation_key)
            if done is not None:
                return self._info(state, name)
            record = self._ours(state, name)
            if "redemptionPeriod" not in record["statuses"]:
                raise _error(
                    "2304", f"Object status prohibits operation: {name} is not in redemption."
                )
            record["statuses"] = [
                status
                for status in record["statuses"]
                if status not in ("redemptionPeriod", "pendingDelete")
            ]
            record["deleted_on"] = None
            record["lapse_from"] = self._today().isoformat()
            state["operations"][operation_key] = {"call": "restore", "name": name}
            return self._info(state, name)

    def delete(self, name: str, *, operation_key: str) -> None:
        with self._call() as state:
            if operation_key in state["operations"]:
                return
            record = self._ours(state, name)
            self._refuse_if(record, "clientDeleteProhibited", name)
            today = self._today()
            if today <= date.fromisoformat(record["created_on"]) + timedelta(days=ADD_GRACE_DAYS):
                del state["domains"][name]
            else:
                record["statuses"] = [
                    status for status in record["statuses"] if status not in LOCK_STATUSES
                ] + ["redemptionPeriod", "pendingDelete"]
                record["deleted_on"] = today.isoformat()
            state["operations"][operation_key] = {"call": "delete", "name": name}

    def poll(self) -> list[PollMessage]:
        with self._call() as state:
            waiting, state["messages"] = state["messages"], []
            return [
                PollMessage(
                    message_id=str(item["id"]),
                    queued_at=datetime.fromisoformat(item["queued_at"]),
                    text=item["text"],
                    domain=item["domain"],
                    expires_on=date.fromisoformat(item["expires_on"])
                    if item["expires_on"]
                    else None,
                )
                for item in waiting
            ]

    # -- the registry's own bookkeeping --------------------------------------------------------

    def _call(self):
        """The state for one call, after the days that passed have had their effect; refused
        while the provider has the local registry switched off."""
        with self._faults_lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            raise fault
        if self.require_enabled and not setting_value(conf.LOCAL_REGISTRAR_ENABLED):
            raise _error(
                "2400",
                "The local test registry is switched off (domains.local_registrar_enabled).",
            )
        return _Advanced(self)

    def _today(self) -> date:
        return timezone.localdate()

    def _next(self, state: dict) -> int:
        state["sequence"] = state.get("sequence", 0) + 1
        return state["sequence"]

    def _new_domain(self, *, created_on, expires_on, sponsor, auth_code) -> dict:
        return {
            "created_on": created_on.isoformat(),
            "expires_on": expires_on.isoformat(),
            "statuses": [],
            "name_servers": [],
            "registrant": "",
            "admin": "",
            "tech": "",
            "auth_code": auth_code,
            "ds": [],
            "sponsor": sponsor,
            "transfer": None,
            "deleted_on": None,
            "lapse_from": None,
        }

    def _message(self, state: dict, text: str, name: str, expires_on: str | None) -> None:
        state["messages"].append(
            {
                "id": self._next(state),
                "queued_at": timezone.now().isoformat(),
                "text": text,
                "domain": name,
                "expires_on": expires_on,
            }
        )

    def _ours(self, state: dict, name: str) -> dict:
        record = state["domains"].get(name)
        if record is None:
            raise _error("2303", f"Object does not exist: {name}.")
        if record["sponsor"] != US:
            raise _error("2201", f"Authorization error: {name} is sponsored by another registrar.")
        return record

    def _refuse_if(self, record: dict, status: str, name: str) -> None:
        if status in record["statuses"]:
            raise _error("2304", f"Object status prohibits operation: {name} has {status}.")

    def _check_name_servers(self, name_servers) -> None:
        if len(name_servers) > MAX_NAME_SERVERS or len(set(name_servers)) != len(name_servers):
            raise _error("2004", "Parameter value range error: name servers.")

    def _statuses(self, record: dict) -> list[str]:
        statuses = list(record["statuses"])
        expires_on = date.fromisoformat(record["expires_on"])
        today = self._today()
        if expires_on < today and "redemptionPeriod" not in statuses:
            statuses.append("expired")
        return statuses or ["ok"]

    def _info(self, state: dict, name: str) -> DomainInfo:
        record = state["domains"].get(name)
        if record is None:
            return DomainInfo(name=name, registered=False)
        statuses = self._statuses(record)
        ours = record["sponsor"] == US
        return DomainInfo(
            name=name,
            registered="pendingCreate" not in statuses,
            expires_on=date.fromisoformat(record["expires_on"]),
            created_on=date.fromisoformat(record["created_on"]),
            statuses=tuple(statuses),
            name_servers=tuple(record["name_servers"]),
            registrant=record["registrant"] if ours else "",
            admin=record["admin"] if ours else "",
            tech=record["tech"] if ours else "",
            auth_code=record["auth_code"] if ours else "",
            ds_records=tuple(DsRecord(*item) for item in record["ds"]) if ours else (),
        )

    def _advance(self, state: dict) -> None:
        """Let the days that passed take effect: transfers approved by the losing registrar,
        unrenewed domains moved into redemption after their grace, purged after it."""
        today = self._today()
        for name in list(state["domains"]):
            record = state["domains"][name]
            transfer = record.get("transfer")
            if transfer and today >= date.fromisoformat(transfer["requested_on"]) + timedelta(
                days=self.transfer_days
            ):
                expires_on = date.fromisoformat(record["expires_on"])
                years = max(int(transfer.get("years") or 0), 0)
                record.update(
                    sponsor=US,
                    transfer=None,
                    expires_on=add_years(expires_on, years).isoformat(),
                    auth_code=secrets.token_urlsafe(12),
                )
                record["statuses"] = [s for s in record["statuses"] if s != "pendingTransfer"]
                self._message(
                    state,
                    f"Transfer of {name} approved (serverApproved).",
                    name,
                    record["expires_on"],
                )
            deleted_on = record.get("deleted_on")
            lapse_from = max(
                date.fromisoformat(record["expires_on"]),
                date.fromisoformat(record["lapse_from"]) if record.get("lapse_from") else date.min,
            )
            if deleted_on is None and today > lapse_from + timedelta(days=self.grace_days):
                record["statuses"] = [
                    status for status in record["statuses"] if status not in LOCK_STATUSES
                ] + ["redemptionPeriod"]
                deleted_on = record["deleted_on"] = (
                    lapse_from + timedelta(days=self.grace_days)
                ).isoformat()
            if deleted_on is not None and today > date.fromisoformat(deleted_on) + timedelta(
                days=self.redemption_days
            ):
                sponsor = record["sponsor"]
                del state["domains"][name]
                if sponsor == US:
                    self._message(state, f"Domain {name} deleted by the registry.", name, None)


class _Advanced:
    """A store transaction whose state has been advanced to today on entry."""

    def __init__(self, registrar: LocalRegistrar):
        self.registrar = registrar
        self._context = registrar.store.transaction()

    def __enter__(self) -> dict:
        state = self._context.__enter__()
        self.registrar._advance(state)
        return state

    def __exit__(self, *exc_info):
        return self._context.__exit__(*exc_info)
