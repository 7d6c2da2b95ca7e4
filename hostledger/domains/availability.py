"""Whether a name can be registered (or transferred in), asked of the registrar that sells its
zone (DOM-01, DOM-02). Called by an order before its transaction opens, so a slow registry
holds no lock; the order's checks then use the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostledger.core.errors import DomainError
from hostledger.domains.names import parse_name
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.domains.registrars.registry import get_registrar
from hostledger.domains.selectors import zone_rule_for


@dataclass(frozen=True)
class RegistryAnswer:
    """What the registry said of a name: ``available`` (None when it could not be asked),
    its ``reason``, and ``problem``, what to tell the client when it could not be asked."""

    name: str
    available: bool | None
    reason: str = ""
    problem: str = ""


def registry_availability(host_name: str) -> RegistryAnswer | None:
    """Ask the registrar of ``host_name``'s zone whether the name is free; None when the name
    is not one to ask about (not a valid name, no zone sold: the order's checks say so)."""
    try:
        name = parse_name(host_name)
    except DomainError:
        return None
    rule = zone_rule_for(name)
    if rule is None:
        return None
    try:
        registrar = get_registrar(rule.registrar_name)
        (answer,) = registrar.check([name.ascii])
    except DomainError as error:
        return RegistryAnswer(
            name.ascii,
            None,
            problem=f"Domains in .{rule.zone} cannot be ordered now: {error.message}",
        )
    except RegistrarError as error:
        if error.retry_can_help:
            problem = (
                f"The .{rule.zone} registry did not answer in time ({error.message}); try "
                "again in a few minutes."
            )
        else:
            problem = (
                f"Domains in .{rule.zone} cannot be ordered now: the registry answered "
                f"{error.code} {error.message}."
            )
        return RegistryAnswer(name.ascii, None, problem=problem)
    return RegistryAnswer(name.ascii, bool(answer.available), reason=answer.reason)
