"""Reads of provider entities shared by web, API, invoicing, ledger and the billing run."""

from __future__ import annotations

from django.db.models import QuerySet

from hostledger.core.errors import NotFound
from hostledger.providers.models import ProviderEntity, default_entity_id


def provider_entities() -> QuerySet[ProviderEntity]:
    """Every entity, the default first."""
    return ProviderEntity.objects.all()


def default_entity() -> ProviderEntity:
    """The entity described by the provider settings; made on first use."""
    return ProviderEntity.objects.get(pk=default_entity_id())


def entity_by_public_id(public_id: str) -> ProviderEntity:
    entity = ProviderEntity.objects.filter(public_id=public_id).first()
    if entity is None:
        raise NotFound("provider entity")
    return entity


def entity_for_account(iban: str) -> ProviderEntity | None:
    """The entity paid on ``iban`` (normalised, no spaces), or None if no entity names it."""
    if not iban:
        return None
    return ProviderEntity.objects.filter(iban=iban).first()


def several_entities() -> bool:
    """True when the installation serves more than one entity (pages then show one balance
    and one series per entity)."""
    return ProviderEntity.objects.count() > 1
