"""A second provider entity, opened through the flow the staff page calls."""

from __future__ import annotations

from hostledger.flows.provider_entities import provider_entity_open

TELEPHONY = {
    "legal_name": "SmartApe Telecom OÜ",
    "brand_name": "ApeTel",
    "registry_code": "16999990",
    "vat_number": "EE102329731",
    "street": "Tartu mnt 80",
    "city": "Tallinn",
    "postal_code": "10112",
    "country": "EE",
    "email": "billing@apetel.example",
    "iban": "EE287700771001234567",
    "bic": "LHVBEE22",
    "bank_name": "LHV Pank",
    "invoice_series_prefix": "TEL",
}


def telephony_entity():
    return provider_entity_open(code="telephony", details=TELEPHONY)
