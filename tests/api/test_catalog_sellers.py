"""The sellers of the catalog: each provider entity with the details its documents print
and the product families it sells."""

from __future__ import annotations

import pytest

from hostledger.catalog.models import ProductFamily
from tests.api.conftest import api_by_token
from tests.invoicing.entity_factories import TELEPHONY, telephony_entity

pytestmark = pytest.mark.django_db


def test_sellers_list_each_entity_with_its_families(client_a):
    telephony = telephony_entity()
    ProductFamily.objects.filter(code="vps").update(entity=telephony)

    body = api_by_token(client_a).get("/catalog/sellers").json()

    default, second = body["items"]
    assert (default["id"], default["legal_name"]) == ("ent_default", "SmartApe OÜ")
    assert "vps" not in default["families"]
    assert second["id"] == telephony.public_id
    assert (second["legal_name"], second["registry_code"], second["families"]) == (
        TELEPHONY["legal_name"],
        TELEPHONY["registry_code"],
        ["vps"],
    )
