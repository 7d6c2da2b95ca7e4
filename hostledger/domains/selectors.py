"""Reads of domains and zone rules for the web pages, the API, the order checks, the registrar
module and the jobs (DOM-01, DOM-02, DOM-03).

Client reads take the client and return only its rows, so another client's domain is not
found (habit 6).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from hostledger.core.errors import NotFound
from hostledger.domains.models import (
    LIVE_DOMAIN_STATUSES,
    Domain,
    DomainContact,
    DomainStatus,
    IdentType,
    RegistryOperation,
    ZoneRule,
)
from hostledger.domains.names import DomainName

STAFF_LIST_LIMIT = 200
MONTHS_PER_YEAR = 12


# Zone rules -----------------------------------------------------------------------------------


def zone_rule_for(name: DomainName) -> ZoneRule | None:
    """The active rule of the longest zone ``name`` ends in (``com.ee`` before ``ee``), or
    None when no zone the provider sells takes it."""
    labels = name.labels
    suffixes = [".".join(labels[index:]) for index in range(1, len(labels))]
    rules = {rule.zone: rule for rule in ZoneRule.objects.filter(zone__in=suffixes, is_active=True)}
    for suffix in suffixes:
        if suffix in rules:
            return rules[suffix]
    return None


def zone_rule(zone: str) -> ZoneRule | None:
    """The active rule of ``zone`` (ASCII, without the leading dot), or None."""
    return ZoneRule.objects.filter(zone=(zone or "").strip().lower(), is_active=True).first()


def zone_rules() -> QuerySet[ZoneRule]:
    return ZoneRule.objects.all()


def zone_periods(rule: ZoneRule | None, offered: Iterable[int]) -> tuple[int, ...]:
    """The order periods, in months, that may be ordered for a domain of ``rule``'s zone
    (DOM-03): where the registry sells whole years, only whole years from its fewest to its
    most; elsewhere every period offered."""
    offered = tuple(offered)
    if rule is None or not rule.sells_years:
        return offered
    return tuple(
        months
        for months in offered
        if months % MONTHS_PER_YEAR == 0
        and rule.min_years <= months // MONTHS_PER_YEAR <= rule.max_years
    )


def years_of(months: int) -> int:
    """Whole registration years of a period of ``months`` months (at least one)."""
    return max(months // MONTHS_PER_YEAR, 1)


# Domains --------------------------------------------------------------------------------------


def _domains() -> QuerySet[Domain]:
    return Domain.objects.select_related("service__tariff", "service__family", "client")


def live_domain_named(ascii_name: str) -> Domain | None:
    """The live domain row holding ``ascii_name`` (any client's), or None."""
    index = Domain._meta.get_field("name_index").index_of(ascii_name)
    return (
        Domain.objects.select_related("service")
        .filter(name_index=index, status__in=LIVE_DOMAIN_STATUSES)
        .first()
    )


def domain_for_service(service_public_id: str) -> Domain | None:
    """The domain of the service with ``service_public_id``, or None."""
    return (
        _domains()
        .select_related("registrant", "admin", "tech")
        .filter(service__public_id=service_public_id)
        .first()
    )


def client_domains(client) -> QuerySet[Domain]:
    """The client's domains, live ones first by expiry (DOM-02)."""
    return _domains().filter(client=client).order_by("expires_on", "id")


def client_domain(client, public_id: str) -> Domain:
    """One of the client's domains; another client's is not found (habit 6)."""
    domain = client_domains(client).filter(public_id=public_id).first()
    if domain is None:
        raise NotFound("domain")
    return domain


def domains_for_staff(*, status: str = "", zone: str = "") -> QuerySet[Domain]:
    """Every client's domains for the staff list, soonest expiry first."""
    domains = _domains().order_by("expires_on", "id")
    if status:
        domains = domains.filter(status=status)
    if zone:
        domains = domains.filter(zone=zone.strip().lower().lstrip("."))
    return domains


def staff_domain(public_id: str) -> Domain:
    domain = _domains().filter(public_id=public_id).first()
    if domain is None:
        raise NotFound("domain")
    return domain


def domains_to_check(*, checked_before, limit: int) -> list[Domain]:
    """Domains whose registry state may have moved on its own: a registration or transfer
    pending, or an expiry passed; those asked about longest ago first."""
    waiting = (DomainStatus.REGISTERING, DomainStatus.TRANSFERRING)
    lapsing = (
        DomainStatus.REGISTERED,
        DomainStatus.EXPIRED,
        DomainStatus.GRACE,
        DomainStatus.REDEMPTION,
    )
    due = Q(status__in=waiting) | Q(status__in=lapsing, expires_on__lt=checked_before.date())
    stale = Q(checked_at__isnull=True) | Q(checked_at__lt=checked_before)
    candidates = Domain.objects.filter(due & stale)
    return list(candidates.select_related("service").order_by("checked_at", "id")[:limit])


def registrar_names_in_use() -> list[str]:
    """The registrars that hold live domains or sell a zone: those whose poll queues are
    read."""
    held = Domain.objects.filter(status__in=LIVE_DOMAIN_STATUSES).values_list(
        "registrar_name", flat=True
    )
    selling = ZoneRule.objects.filter(is_active=True).values_list("registrar_name", flat=True)
    return sorted(set(held) | set(selling))


# Contacts -------------------------------------------------------------------------------------


def client_domain_contacts(client, *, registrar_name: str) -> QuerySet[DomainContact]:
    return DomainContact.objects.filter(client=client, registrar_name=registrar_name).order_by(
        "-created_at", "-id"
    )


def ident_accepted(rule: ZoneRule, *, ident: str, ident_type: str, ident_country: str) -> bool:
    """Whether a contact identified so meets the administrator rule of ``rule``'s zone
    (DOM-03); a zone that demands none accepts any contact."""
    accepted = rule.admin_idents or []
    if not accepted:
        return True
    if not (ident or "").strip():
        return False
    return any(
        item.get("type") == ident_type
        and (not item.get("country") or item.get("country") == (ident_country or "").upper())
        for item in accepted
    )


def accepted_idents_text(rule: ZoneRule) -> str:
    """The identifications ``rule`` accepts, in words, for a message to the client."""
    labels = {value: str(label).lower() for value, label in IdentType.choices}
    parts = []
    for item in rule.admin_idents or []:
        label = labels.get(item.get("type", ""), item.get("type", ""))
        country = item.get("country") or ""
        parts.append(f"{label} ({item.get('type')}{', ' + country if country else ''})")
    return " or ".join(parts)


# Registry operations --------------------------------------------------------------------------


def registry_operation(domain: Domain, key: str) -> RegistryOperation | None:
    return RegistryOperation.objects.filter(domain=domain, key=key).first()


def domain_operations(domain: Domain, *, limit: int = 20) -> list[RegistryOperation]:
    return list(domain.operations.order_by("-created_at", "-id")[:limit])
