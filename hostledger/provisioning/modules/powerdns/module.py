"""The ``powerdns`` module: DNS hosting on PowerDNS Authoritative (PRV-01, DOM-04).

A service provisioned by this module is a DNS hosting service: its zone is named by the
service's host name (the domain, set in the order or by staff) and kept in PowerDNS under the
*account* of the service's public id, so every zone of the service can be found again from
the server itself.

* ``create`` creates the zone (kind, name servers and SOA from the provider settings) unless
  it exists already for this service — it is looked up first, so a call delivered twice
  creates it once; a zone of that name kept for another account is refused. Until staff set
  the host name the call fails with a retry, and succeeds on the next attempt after that.
* ``suspend`` keeps the zone served: a suspension takes away the client's changes (the DNS
  app refuses record edits of a suspended service), not the answers that the client's mail
  and other providers' services depend on; see docs/decisions/0032-dns-hosting.md.
* ``resume`` makes sure the zone is there again (as ``create``).
* ``terminate`` deletes every zone kept for the service; a zone already gone stays gone.
* ``change_plan`` has nothing to change: a plan does not change a zone.

Records are not written here: the DNS app pushes them (``hostledger.dns``) through the same
client, :mod:`hostledger.provisioning.modules.powerdns.client`. Messages of this module name
no zone (a domain may name a person); only PowerDNS's own words about a refusal may.
"""

from __future__ import annotations

from functools import wraps

import idna
from django.utils import timezone

from hostledger.provisioning.modules.interface import ModuleError, ModuleResult, ServiceRequest
from hostledger.provisioning.modules.powerdns.client import (
    PowerDnsClient,
    PowerDnsError,
    ZoneDefaults,
    canonical,
)


def answers_failures(call):
    """A call that fails answers a failed result saying whether a retry can help, with
    PowerDNS's own words when it refused."""

    @wraps(call)
    def answer(self, request: ServiceRequest) -> ModuleResult:
        try:
            return call(self, request)
        except ModuleError as error:
            return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)

    return answer


def first_serial() -> int:
    """The SOA serial of a new zone: today's date with a two-digit counter (RFC 1912)."""
    return int(timezone.localdate().strftime("%Y%m%d")) * 100


def zone_name_of(request: ServiceRequest) -> str:
    """The zone a service hosts: its host name, internationalised names in their ASCII form,
    with the final dot. PowerDNS itself judges a name that is not a valid DNS name."""
    host_name = (request.host_name or "").strip().lower().rstrip(".")
    if not host_name:
        raise PowerDnsError(
            "The service has no host name yet: staff set the domain to host as the service's "
            "host name, and the call is tried again.",
            retry_can_help=True,
        )
    if not host_name.isascii():
        try:
            host_name = idna.encode(host_name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as error:
            raise PowerDnsError(
                f"The host name is not a valid domain name: {error}.", retry_can_help=False
            ) from None
    return canonical(host_name)


def account_of(request: ServiceRequest) -> str:
    """The PowerDNS account the zones of the service are kept under."""
    return request.module_service_id or request.service_id


class PowerDnsModule:
    """Hosts one DNS zone per service on PowerDNS (see the module's docstring)."""

    name = "powerdns"
    label = "PowerDNS (DNS hosting)"

    def _ensure(self, request: ServiceRequest, verb: str) -> ModuleResult:
        zone = zone_name_of(request)
        account = account_of(request)
        client = PowerDnsClient()
        _found, created = client.zone_ensure(
            zone, account=account, defaults=ZoneDefaults.from_settings(), serial=first_serial()
        )
        what = "created" if created else "already served"
        return ModuleResult.done(
            f"{verb}: the service's zone is {what} by PowerDNS.",
            module_service_id=account,
            module_data={"server_id": client.connection.server_id},
        )

    @answers_failures
    def create(self, request: ServiceRequest) -> ModuleResult:
        return self._ensure(request, "Created")

    @answers_failures
    def suspend(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done(
            "Suspended: the zone keeps being served; its records cannot be changed until the "
            "service is resumed."
        )

    @answers_failures
    def resume(self, request: ServiceRequest) -> ModuleResult:
        if not (request.host_name or "").strip():
            return ModuleResult.done("Resumed: the service names no zone.")
        return self._ensure(request, "Resumed")

    @answers_failures
    def terminate(self, request: ServiceRequest) -> ModuleResult:
        client = PowerDnsClient()
        account = account_of(request)
        removed = sum(
            1 for item in client.zones_of_account(account) if client.zone_delete(item["name"])
        )
        if not removed:
            return ModuleResult.done("Terminated: PowerDNS holds no zone of the service.")
        return ModuleResult.done(f"Terminated: deleted {removed} zone(s) of the service.")

    @answers_failures
    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done("A plan change changes nothing in the zone.")


powerdns_module = PowerDnsModule()
