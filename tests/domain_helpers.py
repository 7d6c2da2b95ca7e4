"""Domains for tests that build a world of their own (the authorization matrices): an
in-memory local registry standing in for the installation's, and a registered .ee domain
ordered, paid and provisioned through the real order and registrar module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from hostledger.catalog.models import FamilyCode, ProductFamily, Tariff
from hostledger.core.registry import provider_setting_change
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import Domain, DomainStatus
from hostledger.domains.registrars import registry as registrars
from hostledger.domains.registrars.local import LocalRegistrar
from hostledger.domains.registrars.local.store import MemoryStore
from hostledger.provisioning.actions import provisioning_operation_run
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import order_place
from tests.catalog_helpers import create_published_tariff
from tests.subscriptions.factories import fund

PERSONAL_CODE = "37605030299"
"""A valid Estonian personal identification code (its check digit is right)."""
ESTONIAN_ADMIN = AdminContactInput(ident=PERSONAL_CODE, ident_type="priv", ident_country="EE")


@contextmanager
def local_registry_in_memory() -> Iterator[LocalRegistrar]:
    """A fresh in-memory local registry in place of the installation's while the block
    runs; the registrars as they were afterwards."""
    registrars.registrar_names()  # the built-in registrars first
    previous = dict(registrars._REGISTRARS)
    local = LocalRegistrar(MemoryStore())
    registrars._REGISTRARS["local"] = local
    try:
        yield local
    finally:
        registrars._REGISTRARS.clear()
        registrars._REGISTRARS.update(previous)


def ee_domain_tariff() -> Tariff:
    existing = Tariff.objects.filter(code="domain-ee").first()
    return existing or create_published_tariff(
        family=ProductFamily.objects.get(code=FamilyCode.DOMAIN),
        code="domain-ee",
        name=".ee domain",
        monthly_fee="1.25",
        specs={"zone": "ee"},
    )


def registered_domain(client, *, payer, name: str) -> Domain:
    """A .ee domain of ``client`` registered for a year at the local registry: domains sold
    through it, the order paid from a payment of the order's amount, the create call run
    here (a test's transaction commits nothing, so no worker would)."""
    provider_setting_change(key="domains.local_registrar_enabled", raw_value=True)
    provider_setting_change(key="provisioning.family_modules", raw_value="domain=registrar")
    fund(client, "18.60", on=timezone.localdate())  # twelve months of 1.25 with 24 % VAT
    order = order_place(
        client=client,
        payer=payer,
        tariff=ee_domain_tariff(),
        period_months=12,
        actor=client.owner,
        start_at_once=True,
        host_name=name,
        domain_admin=ESTONIAN_ADMIN,
    )
    service = order.services.get()
    for operation in ProvisioningOperation.objects.filter(
        service=service, operation="create", status=ProvisioningOperation.Status.QUEUED
    ):
        provisioning_operation_run(operation_id=operation.pk)
    domain = Domain.objects.get(service=service)
    assert domain.status == DomainStatus.REGISTERED, domain.status
    return domain
