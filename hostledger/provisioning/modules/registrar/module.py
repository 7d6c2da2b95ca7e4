"""The ``registrar`` module: domain services registered, renewed and deleted through the
registrar that sells the domain's zone (PRV-01, DOM-02, DOM-03).

The service's domain (its name, years, contacts) is the domains app's
:class:`~hostledger.domains.models.Domain`, recorded with the order; the registrar is the one
the zone's rule names (:mod:`hostledger.domains.registrars.registry`). Every call the module
makes of a registry carries a key that stays the same when the job is retried, so a call
delivered twice acts once; what the registry answers is stored on the domain through the
domains actions.

* ``create`` creates the contacts at the registry, then registers the domain for the years
  ordered (or requests the transfer of a domain ordered as a transfer in). The service
  becomes active only when the registry reports the domain registered (annex 1 §2.1): a
  registration or transfer the registry holds pending leaves the call waiting, and the domain
  poll job finishes it when a poll message or ``info`` says registered.
* ``renew`` (queued by the billing run once a renewal period is paid) first asks ``info``: if
  the expiry has already moved past the expiry the renewal started from, the renewal is done
  without renewing again; otherwise it renews from the registry's current expiry
  (annex 1 §2.2), restoring a domain in redemption first.
* ``suspend`` and ``resume`` change nothing at the registry: an unpaid domain is simply not
  renewed and lapses at its expiry. ``change_plan`` changes nothing there either.
* ``terminate`` deletes the domain at the registry (a domain still pending is only released).

Errors keep the registry's result code and words, and whether a retry can help.
"""

from __future__ import annotations

from datetime import date

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.domains import conf as domains_conf
from hostledger.domains.actions import (
    domain_contact_handle_set,
    domain_registration_started,
    domain_registry_state_store,
    domain_release,
    registry_operation_begin,
    registry_operation_finish,
)
from hostledger.domains.models import (
    AT_REGISTRY_STATUSES,
    Domain,
    DomainContact,
    DomainStatus,
    RegistryOperation,
)
from hostledger.domains.registrars.interface import Contact, DomainInfo, RegistrarError
from hostledger.domains.registrars.registry import get_registrar
from hostledger.domains.selectors import domain_for_service, years_of, zone_rule
from hostledger.provisioning.modules.interface import (
    ModuleError,
    ModuleResult,
    ServiceRequest,
)

REDEMPTION_STATUSES = frozenset({"redemptionPeriod", "pendingDelete", "pendingRestore"})
NOT_THERE_CODES = frozenset({"2303"})  # object does not exist
NOT_OURS_CODES = frozenset({"2201"})  # authorization error: another registrar's
OBJECT_EXISTS_CODES = frozenset({"2302"})
CONTACT_KEY = "contact:{public_id}"


def _failure(registrar, error: RegistrarError, doing: str) -> ModuleResult:
    return ModuleResult.failed(
        f"{registrar.label} refused to {doing}: {error.code} {error.message}",
        retry_can_help=error.retry_can_help,
    )


def registry_contact(contact: DomainContact) -> Contact:
    """A stored domain contact as the registry is sent it."""
    return Contact(
        handle="",
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        organisation=contact.organisation,
        street=contact.street,
        city=contact.city,
        postal_code=contact.postal_code,
        country=contact.country,
        ident=contact.ident,
        ident_type=contact.ident_type,
        ident_country=contact.ident_country,
    )


def default_name_servers() -> tuple[str, ...]:
    raw = str(setting_value(domains_conf.DEFAULT_NAME_SERVERS))
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


def _done(domain: Domain, message: str) -> ModuleResult:
    data = {"registrar": domain.registrar_name}
    if domain.expires_on is not None:
        data["expires_on"] = domain.expires_on.isoformat()
    return ModuleResult.done(message, module_service_id=domain.public_id, module_data=data)


class RegistrarModule:
    """Provisions domain services at the registrar of each domain's zone."""

    name = "registrar"
    label = "Domain registrar"

    # -- helpers -----------------------------------------------------------------------------

    def _domain(self, request: ServiceRequest) -> Domain | None:
        return domain_for_service(request.service_id)

    def _registrar(self, domain: Domain):
        try:
            return get_registrar(domain.registrar_name)
        except DomainError as error:
            raise ModuleError(error.message, retry_can_help=False) from None

    def _contact_handle(self, registrar, contact: DomainContact) -> str:
        if contact.handle:
            return contact.handle
        handle = registrar.contact_create(
            registry_contact(contact), operation_key=CONTACT_KEY.format(public_id=contact.public_id)
        )
        return domain_contact_handle_set(contact=contact, handle=handle).handle

    def _is_ours(self, domain: Domain, info: DomainInfo) -> bool:
        """Whether the registry holds ``info``'s domain for us: it shows its transfer code
        only to the sponsoring registrar (RFC 5731 §3.1.2), and our registrant."""
        registrant = domain.registrant.handle if domain.registrant_id else ""
        return bool(info.registered and info.auth_code) and (
            not registrant or not info.registrant or info.registrant == registrant
        )

    # -- the life of a service ---------------------------------------------------------------

    def create(self, request: ServiceRequest) -> ModuleResult:
        domain = self._domain(request)
        if domain is None:
            return ModuleResult.failed(
                "The service has no domain to register.", retry_can_help=False
            )
        if domain.status in AT_REGISTRY_STATUSES:
            return _done(domain, "The registry reports the domain registered.")
        if domain.status == DomainStatus.DELETED:
            return ModuleResult.failed(
                "The domain was deleted; it cannot be registered under this service.",
                retry_can_help=False,
            )
        registrar = self._registrar(domain)
        domain = domain_registration_started(domain=domain)
        try:
            if domain.is_transfer:
                return self._transfer_in(registrar, domain, request)
            return self._register(registrar, domain, request)
        except RegistrarError as error:
            return _failure(registrar, error, f"register {domain.name_unicode}")

    def _register(self, registrar, domain: Domain, request: ServiceRequest) -> ModuleResult:
        registrant = self._contact_handle(registrar, domain.registrant)
        admin = self._contact_handle(registrar, domain.admin)
        tech = self._contact_handle(registrar, domain.tech)
        operation = registry_operation_begin(
            domain=domain,
            kind=RegistryOperation.Kind.CREATE,
            key=request.operation_key,
            years=domain.years,
        )
        try:
            info = registrar.create(
                domain.name_ascii,
                years=domain.years,
                registrant=registrant,
                admin=admin,
                tech=tech,
                name_servers=tuple(domain.name_servers) or default_name_servers(),
                operation_key=request.operation_key,
            )
        except RegistrarError as error:
            if error.code not in OBJECT_EXISTS_CODES:
                registry_operation_finish(
                    operation=operation, succeeded=False, message=f"{error.code} {error.message}"
                )
                raise
            info = registrar.info(domain.name_ascii)  # a first attempt may have registered it
            if not self._is_ours(domain, info):
                registry_operation_finish(
                    operation=operation, succeeded=False, message=f"{error.code} {error.message}"
                )
                return ModuleResult.failed(
                    f"{registrar.label}: {error.code} {error.message} "
                    f"{domain.name_unicode} is registered to someone else.",
                    retry_can_help=False,
                )
        domain = domain_registry_state_store(domain=domain, info=info)
        if domain.status in AT_REGISTRY_STATUSES:
            registry_operation_finish(operation=operation, succeeded=True)
            return _done(domain, f"Registered until {domain.expires_on}.")
        statuses = ", ".join(info.statuses) or "pending"
        return ModuleResult.waiting(
            f"The registry holds the registration pending ({statuses}); the service starts "
            "when it reports the domain registered."
        )

    def _transfer_in(self, registrar, domain: Domain, request: ServiceRequest) -> ModuleResult:
        operation = registry_operation_begin(
            domain=domain,
            kind=RegistryOperation.Kind.TRANSFER,
            key=request.operation_key,
            years=domain.years,
        )
        try:
            answer = registrar.transfer(
                domain.name_ascii,
                auth_code=domain.auth_code,
                years=domain.years,
                operation_key=request.operation_key,
            )
        except RegistrarError as error:
            registry_operation_finish(
                operation=operation, succeeded=False, message=f"{error.code} {error.message}"
            )
            raise
        domain = domain_registry_state_store(domain=domain, info=registrar.info(domain.name_ascii))
        if domain.status in AT_REGISTRY_STATUSES:
            registry_operation_finish(operation=operation, succeeded=True, message=answer)
            return _done(domain, f"Transferred in; registered until {domain.expires_on}.")
        return ModuleResult.waiting(
            f"Transfer requested; the registry answered {answer!r}. The service starts when "
            "the losing registrar has released the domain and the registry reports it ours."
        )

    def renew(self, request: ServiceRequest) -> ModuleResult:
        """Renew the domain for the paid period ``changes`` describes (DOM-02, AUT-01):
        ``months`` of it, from ``current_expiry`` — the expiry known when the period was
        paid. Done without a second renewal when the registry's expiry is already past it."""
        domain = self._domain(request)
        if domain is None:
            return ModuleResult.failed("The service has no domain to renew.", retry_can_help=False)
        if domain.status == DomainStatus.DELETED:
            return ModuleResult.failed(
                "The domain was deleted at the registry; it cannot be renewed.",
                retry_can_help=False,
            )
        if domain.status not in AT_REGISTRY_STATUSES:
            return ModuleResult.failed(
                "The domain is not registered yet; the renewal waits for the registration.",
                retry_can_help=True,
            )
        registrar = self._registrar(domain)
        rule = zone_rule(domain.zone)
        changes = request.changes or {}
        try:
            info = registrar.info(domain.name_ascii)
            domain = domain_registry_state_store(domain=domain, info=info)
            if rule is not None and not rule.sells_years:
                return _done(
                    domain,
                    f"The .{domain.zone} registry renews its domains itself while the "
                    "registrar keeps them; nothing was sent.",
                )
            known = changes.get("current_expiry")
            operation = registry_operation_begin(
                domain=domain,
                kind=RegistryOperation.Kind.RENEW,
                key=request.operation_key,
                current_expiry=date.fromisoformat(known) if known else info.expires_on,
                years=years_of(int(changes.get("months") or 12)),
            )
            if (
                operation.current_expiry is not None
                and info.expires_on is not None
                and info.expires_on > operation.current_expiry
            ):
                registry_operation_finish(
                    operation=operation,
                    succeeded=True,
                    message=f"Already renewed: expiry {info.expires_on.isoformat()}.",
                )
                return _done(domain, f"Already renewed until {info.expires_on}.")
            if set(info.statuses) & REDEMPTION_STATUSES:
                registrar.restore(
                    domain.name_ascii, operation_key=f"{request.operation_key}:restore"
                )
                info = registrar.info(domain.name_ascii)
            renewed = registrar.renew(
                domain.name_ascii,
                years=operation.years,
                current_expiry=info.expires_on,
                operation_key=request.operation_key,
            )
        except RegistrarError as error:
            return _failure(registrar, error, f"renew {domain.name_unicode}")
        domain = domain_registry_state_store(domain=domain, info=renewed)
        registry_operation_finish(
            operation=operation,
            succeeded=True,
            message=f"Renewed for {operation.years} year(s) until {renewed.expires_on}.",
        )
        return _done(domain, f"Renewed until {renewed.expires_on}.")

    def suspend(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done(
            "Nothing is changed at the registry: an unpaid domain is not renewed and lapses "
            "at its expiry."
        )

    def resume(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done("Nothing was changed at the registry while suspended.")

    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done("A new tariff changes nothing at the registry.")

    def terminate(self, request: ServiceRequest) -> ModuleResult:
        domain = self._domain(request)
        if domain is None or domain.status == DomainStatus.DELETED:
            return ModuleResult.done("No domain at the registry to delete.")
        if domain.status in (DomainStatus.PENDING, DomainStatus.TRANSFERRING):
            domain_release(domain=domain)
            return ModuleResult.done("The domain was never ours at the registry; released.")
        registrar = self._registrar(domain)
        operation = registry_operation_begin(
            domain=domain, kind=RegistryOperation.Kind.DELETE, key=request.operation_key
        )
        try:
            if domain.locked:
                registrar.lock(
                    domain.name_ascii, locked=False, operation_key=f"{request.operation_key}:unlock"
                )
            registrar.delete(domain.name_ascii, operation_key=request.operation_key)
        except RegistrarError as error:
            registry_operation_finish(
                operation=operation, succeeded=False, message=f"{error.code} {error.message}"
            )
            if error.code in NOT_THERE_CODES | NOT_OURS_CODES:
                domain_release(domain=domain)
                return ModuleResult.done(
                    f"The domain is no longer with this registrar ({error.code} {error.message})."
                )
            return _failure(registrar, error, f"delete {domain.name_unicode}")
        registry_operation_finish(operation=operation, succeeded=True)
        info = registrar.info(domain.name_ascii)
        if info.registered:
            domain_registry_state_store(domain=domain, info=info)
        else:
            domain_release(domain=domain)
        return ModuleResult.done("Deleted at the registry.")


registrar_module = RegistrarModule()
