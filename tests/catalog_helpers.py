"""Catalog fixtures shared by the suite: tariffs are created as drafts and published (CAT-02)."""

from __future__ import annotations

from hostledger.catalog import actions as catalog_actions


def create_published_tariff(**values):
    """A tariff made by staff and published, as clients can see and order it."""
    tariff = catalog_actions.tariff_create(**values)
    return catalog_actions.tariff_publish(tariff=tariff, actor=values.get("actor"))
