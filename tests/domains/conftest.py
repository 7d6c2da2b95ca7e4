"""Fixtures of the domain tests: those of the orders tests, a fresh in-memory local registry
switched on in place of the installation's, domain tariffs, and a helper that orders a
domain."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hostledger.catalog.models import FamilyCode, ProductFamily, Tariff
from hostledger.core.registry import provider_setting_change
from hostledger.domains.registrars import registry as registrars
from hostledger.domains.registrars.local import LocalRegistrar
from hostledger.domains.registrars.local.store import MemoryStore
from tests.catalog_helpers import create_published_tariff
from tests.domain_helpers import ESTONIAN_ADMIN, PERSONAL_CODE  # noqa: F401  (used by tests)
from tests.subscriptions.conftest import (  # noqa: F401  (fixtures shared with these tests)
    _frozen_clock,
    _immediate_tasks,
    apply_payments,
    client_record,
    other_client,
    payer,
    place,
    run_hooks,
    shop,
    staff,
    staff_without_permission,
)
from tests.subscriptions.factories import fund


def use_local_registry(monkeypatch, registrar: LocalRegistrar) -> LocalRegistrar:
    """Put ``registrar`` in place of the installation's ``local`` registrar for one test."""
    registrars.registrar_names()  # the built-in registrars first
    monkeypatch.setattr(registrars, "_REGISTRARS", dict(registrars._REGISTRARS))
    registrars._REGISTRARS[registrar.name] = registrar
    return registrar


@pytest.fixture
def registry(monkeypatch, db):
    """A fresh in-memory local registry, switched on; the domain family runs on the
    registrar module."""
    local = use_local_registry(monkeypatch, LocalRegistrar(MemoryStore()))
    provider_setting_change(key="domains.local_registrar_enabled", raw_value=True)
    provider_setting_change(key="provisioning.family_modules", raw_value="domain=registrar")
    return local


@dataclass
class DomainTariffs:
    ee: Tariff
    ru: Tariff
    com: Tariff
    any_zone: Tariff


@pytest.fixture
def domain_tariffs(db) -> DomainTariffs:
    family = ProductFamily.objects.get(code=FamilyCode.DOMAIN)

    def tariff(code, name, fee, zone):
        specs = {"zone": zone} if zone else {}
        return create_published_tariff(
            family=family, code=code, name=name, monthly_fee=fee, specs=specs
        )

    return DomainTariffs(
        ee=tariff("domain-ee", ".ee domain", "1.25", "ee"),
        ru=tariff("domain-ru", ".ru domain", "0.99", "ru"),
        com=tariff("domain-com", ".com domain", "1.15", "com"),
        any_zone=tariff("domain-any", "Domain", "1.50", ""),
    )


@pytest.fixture
def order_domain(place, registry, domain_tariffs, client_record):  # noqa: F811
    """Order (and, with money on the balance, pay) a domain; the registrar's create runs as
    the commit would run it."""

    def _order(name: str, *, tariff=None, funded: str = "100.00", **values):
        if funded:
            fund(client_record, funded)
        values.setdefault("period_months", 12)
        values.setdefault("os_image", None)
        if (tariff or domain_tariffs.ee) == domain_tariffs.ee:
            values.setdefault("domain_admin", ESTONIAN_ADMIN)
        return place(tariff=tariff or domain_tariffs.ee, host_name=name, **values)

    return _order
