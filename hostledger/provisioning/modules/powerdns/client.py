"""A small client of the PowerDNS Authoritative HTTP API (``/api/v1``), for the ``powerdns``
module and for the DNS app's pushes of zones (DOM-04, PRV-02).

It speaks the API as PowerDNS 4.x documents it: zones are listed, read, created and deleted
under ``/servers/<server id>/zones``, and records change with one ``PATCH`` of RRsets whose
``changetype`` is ``REPLACE`` or ``DELETE``. Every call has the timeout of the provider
setting ``powerdns.timeout_seconds``. A failure raises :class:`PowerDnsError`, which says
whether a retry can help: a timeout, a refused connection or a 5xx answer may pass; a 4xx
answer (PowerDNS refusing the zone or a record, a wrong API key) will not, and carries
PowerDNS's own words for staff. The API key is read from the environment at call time and
travels only in the ``X-API-Key`` header; it is never logged or put in a message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import requests

from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import ModuleError
from hostledger.provisioning.modules.powerdns import conf

MESSAGE_MAX_CHARS = 500


class PowerDnsError(ModuleError):
    """A call of the PowerDNS API failed; ``status`` is the HTTP status when it answered."""

    def __init__(self, message: str, *, retry_can_help: bool, status: int | None = None):
        super().__init__(message, retry_can_help=retry_can_help, code="powerdns_error")
        self.status = status


@dataclass(frozen=True)
class Connection:
    """Where the API is and how long a call may take, read from the settings at call time."""

    api_url: str
    server_id: str
    api_key: str
    timeout_seconds: int

    @classmethod
    def from_settings(cls) -> Connection:
        api_key = os.environ.get(conf.API_KEY_VARIABLE, "")
        if not api_key:
            raise PowerDnsError(
                f"PowerDNS: the environment variable {conf.API_KEY_VARIABLE} is not set; "
                "set it to the api-key of pdns.conf.",
                retry_can_help=False,
            )
        return cls(
            api_url=str(setting_value(conf.API_URL)).rstrip("/"),
            server_id=str(setting_value(conf.SERVER_ID)),
            api_key=api_key,
            timeout_seconds=int(setting_value(conf.TIMEOUT_SECONDS)),
        )


@dataclass(frozen=True)
class ZoneDefaults:
    """What every hosted zone gets: its kind, name servers and SOA values (the settings)."""

    kind: str
    nameservers: tuple[str, ...]
    hostmaster: str
    refresh: int
    retry: int
    expire: int
    minimum: int
    ttl: int

    @classmethod
    def from_settings(cls) -> ZoneDefaults:
        return cls(
            kind=str(setting_value(conf.ZONE_KIND)),
            nameservers=tuple(
                part for part in str(setting_value(conf.NAMESERVERS)).split(",") if part
            ),
            hostmaster=str(setting_value(conf.SOA_HOSTMASTER)),
            refresh=int(setting_value(conf.SOA_REFRESH)),
            retry=int(setting_value(conf.SOA_RETRY)),
            expire=int(setting_value(conf.SOA_EXPIRE)),
            minimum=int(setting_value(conf.SOA_MINIMUM)),
            ttl=int(setting_value(conf.SOA_TTL)),
        )

    def soa_content(self, serial: int) -> str:
        """The SOA record: primary name server, mailbox, serial and the four timers."""
        return (
            f"{self.nameservers[0]} {self.hostmaster} {int(serial)} "
            f"{self.refresh} {self.retry} {self.expire} {self.minimum}"
        )

    def apex_rrsets(self, zone: str, serial: int) -> list[dict]:
        """The SOA and NS RRsets every hosted zone carries at its apex."""
        return [
            rrset(zone, "SOA", self.ttl, [self.soa_content(serial)]),
            rrset(zone, "NS", self.ttl, list(self.nameservers)),
        ]


def canonical(name: str) -> str:
    """A DNS name as PowerDNS names zones and RRsets: lower case, with the final dot."""
    return name.strip().lower().rstrip(".") + "."


def rrset(name: str, rtype: str, ttl: int, contents: Iterable[str], *, disabled=False) -> dict:
    """One RRset in the API's shape, to REPLACE (the records are given in full)."""
    return {
        "name": canonical(name),
        "type": rtype,
        "ttl": int(ttl),
        "changetype": "REPLACE",
        "records": [{"content": content, "disabled": disabled} for content in contents],
    }


class PowerDnsClient:
    """The calls HostLedger makes of one PowerDNS server."""

    def __init__(self, connection: Connection | None = None):
        self.connection = connection or Connection.from_settings()

    # -- transport ------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        server = quote(self.connection.server_id, safe="")
        return f"{self.connection.api_url}/api/v1/servers/{server}{path}"

    def _call(self, method: str, path: str, *, body=None, params=None, missing_ok=False):
        try:
            answer = requests.request(
                method,
                self._url(path),
                json=body,
                params=params,
                headers={"X-API-Key": self.connection.api_key, "Accept": "application/json"},
                timeout=self.connection.timeout_seconds,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise PowerDnsError(
                f"PowerDNS did not answer within {self.connection.timeout_seconds} s "
                f"({method} {path}).",
                retry_can_help=True,
            ) from None
        except requests.RequestException as error:
            raise PowerDnsError(
                f"PowerDNS could not be reached ({method} {path}): {type(error).__name__}.",
                retry_can_help=True,
            ) from None
        if answer.status_code == 404 and missing_ok:
            return None
        if answer.status_code >= 400:
            raise PowerDnsError(
                f"PowerDNS refused {method} {path} with {answer.status_code}: {_said(answer)}",
                retry_can_help=answer.status_code >= 500 or answer.status_code in (408, 429),
                status=answer.status_code,
            )
        if answer.status_code == 204 or not answer.content:
            return {}
        try:
            return answer.json()
        except ValueError:
            raise PowerDnsError(
                f"PowerDNS answered {method} {path} with something that is not JSON.",
                retry_can_help=True,
                status=answer.status_code,
            ) from None

    @staticmethod
    def _zone_path(zone: str) -> str:
        return "/zones/" + quote(canonical(zone), safe="")

    # -- zones ----------------------------------------------------------------------------

    def zones(self) -> list[dict]:
        """Every zone of the server, without its records."""
        return list(self._call("GET", "/zones") or [])

    def zone_summary(self, zone: str) -> dict | None:
        """The zone called ``zone`` (its name, kind, account, serial), or None."""
        found = self._call("GET", "/zones", params={"zone": canonical(zone)}) or []
        return next((item for item in found if item.get("name") == canonical(zone)), None)

    def zone(self, zone: str) -> dict | None:
        """The zone with its RRsets, or None when the server has no such zone."""
        return self._call("GET", self._zone_path(zone), missing_ok=True)

    def zone_ensure(
        self, zone: str, *, account: str, defaults: ZoneDefaults, serial: int
    ) -> tuple[dict, bool]:
        """The zone, created with the name servers and SOA of ``defaults`` unless it exists
        (looked up first, so a call delivered twice creates it once); ``(zone, created)``.
        A zone of that name kept for another account is refused: it is not ours to take."""
        existing = self.zone_summary(zone)
        if existing is not None:
            if (existing.get("account") or "") != account:
                raise PowerDnsError(
                    f"PowerDNS already hosts the zone {canonical(zone)} for another account "
                    f"('{existing.get('account') or ''}').",
                    retry_can_help=False,
                    status=409,
                )
            return existing, False
        body = {
            "name": canonical(zone),
            "kind": defaults.kind,
            "account": account,
            # HostLedger keeps the serial itself (each change raises it): PowerDNS must not.
            "soa_edit_api": "",
            "nameservers": list(defaults.nameservers),
            "rrsets": [rrset(zone, "SOA", defaults.ttl, [defaults.soa_content(serial)])],
        }
        for item in body["rrsets"]:
            item.pop("changetype")
        try:
            created = self._call("POST", "/zones", body=body)
        except PowerDnsError as error:
            raced = self.zone_summary(zone) if error.status == 409 else None
            if raced is None or (raced.get("account") or "") != account:
                raise
            return raced, False  # created by a call that ran at the same time, for us
        return created, True

    def zones_of_account(self, account: str) -> list[dict]:
        """The zones kept for ``account`` (a service)."""
        return [item for item in self.zones() if (item.get("account") or "") == account]

    def zone_delete(self, zone: str) -> bool:
        """Delete the zone; False when the server had no such zone (already gone)."""
        return self._call("DELETE", self._zone_path(zone), missing_ok=True) is not None

    # -- records --------------------------------------------------------------------------

    def rrsets_patch(self, zone: str, rrsets: list[dict]) -> None:
        """Change RRsets of the zone in one ``PATCH``: each ``REPLACE`` gives its records in
        full, each ``DELETE`` removes every record of its name and type."""
        if rrsets:
            self._call("PATCH", self._zone_path(zone), body={"rrsets": rrsets})

    def rrsets_sync(self, zone: str, wanted: list[dict]) -> None:
        """Make the zone hold exactly the RRsets ``wanted`` (each ``REPLACE``d) and no other:
        an RRset the server has that is not wanted is deleted, in the same PATCH. Sending
        the same state twice changes nothing."""
        current = self.zone(zone)
        if current is None:
            raise PowerDnsError(
                f"PowerDNS has no zone {canonical(zone)} to update.",
                retry_can_help=True,
                status=404,
            )
        keep = {(item["name"], item["type"]) for item in wanted}
        removals = [
            {"name": item["name"], "type": item["type"], "changetype": "DELETE"}
            for item in current.get("rrsets", [])
            if (item["name"], item["type"]) not in keep
        ]
        self.rrsets_patch(zone, [*wanted, *removals])


def _said(answer: requests.Response) -> str:
    """What PowerDNS said: the ``error`` of its JSON answer, or the start of its text."""
    try:
        said = answer.json().get("error", "")
    except (ValueError, AttributeError):
        said = ""
    said = said or answer.text.strip() or answer.reason or ""
    return said[:MESSAGE_MAX_CHARS]
