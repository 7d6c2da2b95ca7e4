"""What a client does with its domain (DOM-02): ask the registry again, change the name
servers, lock or unlock transfers, reveal the transfer code. Web pages and the API call these.

Each change is a keyed registry call recorded before it is made
(:class:`~hostledger.domains.models.RegistryOperation`); the registry is called outside any
transaction and what it answers is stored on the domain. A registry that refuses answers a
DomainError ``registry_refused`` with its code and words; one that does not answer in time,
``registry_unavailable`` saying to try again — never a server error.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.ids import new_public_id
from hostledger.domains.actions import (
    audit,
    domain_auth_code_reveal,
    domain_registry_state_store,
    registry_operation_begin,
    registry_operation_finish,
)
from hostledger.domains.models import AT_REGISTRY_STATUSES, Domain, RegistryOperation
from hostledger.domains.names import parse_name
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.domains.registrars.registry import get_registrar
from hostledger.flows.domain_registry import domain_refresh

MAX_NAME_SERVERS = 13


def registry_error(error: RegistrarError, *, field: str = "domain") -> DomainError:
    """A registrar's failure as the client is told it: its code and words, and whether to try
    again later."""
    if error.retry_can_help:
        return DomainError(
            "registry_unavailable",
            _("The registry did not answer (%(message)s); try again in a few minutes.")
            % {"message": error.message},
            fields={field: "The registry did not answer; try again in a few minutes."},
            status=503,
        )
    return DomainError(
        "registry_refused",
        _("The registry refused: %(code)s %(message)s")
        % {"code": error.code, "message": error.message},
        fields={field: f"The registry refused: {error.code} {error.message}"},
        status=409,
    )


def _at_registry(domain: Domain, field: str = "domain") -> None:
    if domain.status not in AT_REGISTRY_STATUSES:
        raise DomainError(
            "domain_not_registered",
            _("The domain is %(state)s, not registered.")
            % {"state": domain.get_status_display().lower()},
            fields={field: "Only a registered domain can be changed."},
            status=409,
        )


def _registrar(domain: Domain):
    try:
        return get_registrar(domain.registrar_name)
    except DomainError as error:
        raise DomainError(
            "registry_unavailable", error.message, fields={"domain": error.message}, status=503
        ) from None


def domain_check_now(*, domain: Domain) -> Domain:
    """Ask the registry about ``domain`` now and store what it says (DOM-02)."""
    try:
        return domain_refresh(domain, registrar=_registrar(domain))
    except RegistrarError as error:
        raise registry_error(error) from None


def clean_name_servers(values) -> tuple[str, ...]:
    """Host names of name servers, each checked by the label rule (DOM-01), in their ASCII
    form, without repeats, at most 13; DomainError naming ``name_servers`` otherwise."""
    if isinstance(values, str):
        values = values.replace(",", "\n").splitlines()
    if not isinstance(values, list | tuple):
        raise DomainError(
            "invalid_input", _("name_servers: give a list."), fields={"name_servers": "a list"}
        )
    names: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            name = parse_name(value, field="name_servers").ascii
        except DomainError as refused:
            problem = f"{value.strip()[:80]}: {refused.fields['name_servers']}"
            raise DomainError(
                "invalid_input",
                _("name_servers: %(problem)s") % {"problem": problem},
                fields={"name_servers": problem},
            ) from None
        if name not in names:
            names.append(name)
    if len(names) > MAX_NAME_SERVERS:
        raise DomainError(
            "invalid_input",
            _("name_servers: at most %(max_name_servers)s.")
            % {"max_name_servers": MAX_NAME_SERVERS},
            fields={"name_servers": f"At most {MAX_NAME_SERVERS} name servers."},
        )
    return tuple(names)


def _call(domain: Domain, *, kind: str, actor, call, field: str) -> Domain:
    """Record the registry call ``kind``, make it (``call(registrar, key)`` answering the
    registry's DomainInfo), store the answer; the refusal otherwise, recorded too."""
    registrar = _registrar(domain)
    operation = registry_operation_begin(
        domain=domain, kind=kind, key=new_public_id("rcl"), actor=actor
    )
    try:
        info = call(registrar, operation.key)
    except RegistrarError as error:
        registry_operation_finish(
            operation=operation, succeeded=False, message=f"{error.code} {error.message}"
        )
        raise registry_error(error, field=field) from None
    with transaction.atomic():
        domain = domain_registry_state_store(domain=domain, info=info)
        registry_operation_finish(operation=operation, succeeded=True)
    return domain


def domain_name_servers_change(*, domain: Domain, name_servers, actor) -> Domain:
    """Delegate ``domain`` to ``name_servers`` at its registry (DOM-02). A domain locked
    against changes must be unlocked first, as its registry demands."""
    servers = clean_name_servers(name_servers)
    _at_registry(domain, "name_servers")
    if domain.locked:
        raise DomainError(
            "domain_locked",
            _("The domain is locked against changes; unlock it first."),
            fields={"name_servers": "Unlock the domain first."},
            status=409,
        )
    domain = _call(
        domain,
        kind=RegistryOperation.Kind.NAME_SERVERS,
        actor=actor,
        field="name_servers",
        call=lambda registrar, key: registrar.update_name_servers(
            domain.name_ascii, name_servers=servers, operation_key=key
        ),
    )
    audit("name_servers_changed", actor=actor, domain=domain, data={"count": len(servers)})
    return domain


def domain_lock_set(*, domain: Domain, locked: bool, actor) -> Domain:
    """Lock ``domain`` against transfer, deletion and changes, or unlock it (DOM-02)."""
    if not isinstance(locked, bool):
        raise DomainError("invalid_input", _("locked: true or false."), fields={"invoice": "bool"})
    _at_registry(domain, "locked")
    domain = _call(
        domain,
        kind=RegistryOperation.Kind.LOCK,
        actor=actor,
        field="locked",
        call=lambda registrar, key: registrar.lock(
            domain.name_ascii, locked=locked, operation_key=key
        ),
    )
    audit("lock_set", actor=actor, domain=domain, data={"invoice": locked})
    return domain


def domain_auth_code_show(*, domain: Domain, actor) -> str:
    """The domain's transfer code for its client, asked of the registry when none is kept
    yet; each reveal is in the audit trail."""
    _at_registry(domain)
    if not domain.auth_code:
        domain = domain_check_now(domain=domain)
    return domain_auth_code_reveal(domain=domain, actor=actor)
