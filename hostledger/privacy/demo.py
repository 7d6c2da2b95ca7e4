"""The demo provider's privacy data, loaded by ``hostledger demo``: the terms of service and
the privacy policy (Markdown files in ``texts/``, filled with the provider's details from the
settings) and the register of processors, after the source documents' business-partner lists
(000 §business partners) adapted to what HostLedger uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from string import Template

from hostledger.accounts.validation import COUNTRY_NAMES
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf as invoicing
from hostledger.privacy.models import PolicyDocument, Processor, TransferSafeguard
from hostledger.privacy.processors import processor_create

TEXTS = Path(__file__).parent / "texts"

DEMO_POLICIES = (
    (PolicyDocument.Kind.TERMS, "Terms of service", "terms.md"),
    (PolicyDocument.Kind.PRIVACY, "Privacy policy", "privacy.md"),
)

DEMO_PROCESSORS = (
    {
        "name": "Eesti Interneti SA",
        "function": "Registry of .ee domains",
        "country": "EE",
    },
    {
        "name": "EnVers Group, SIA",
        "function": "SSL certificate reseller",
        "country": "LV",
    },
    {
        "name": "Danesco Trading Ltd.",
        "function": "Domain registrar of generic top-level domains",
        "country": "CY",
    },
    {
        "name": "P.D.R. Solutions (U.S.) LLC",
        "function": "Domain registrar of generic top-level domains",
        "country": "US",
        "transfer_safeguard": TransferSafeguard.SCC,
    },
    {
        "name": "ISPsystem LTD",
        "function": "Server control panel software",
        "country": "CY",
    },
    {
        "name": "Stripe Payments Europe, Ltd.",
        "function": "Card payments",
        "country": "IE",
    },
    {
        "name": "Google Ireland Ltd.",
        "function": "Web analytics, only with the visitor's consent to analytics cookies",
        "country": "IE",
    },
)


def _provider_details() -> dict[str, str]:
    email = setting_value(invoicing.PROVIDER_EMAIL)
    domain = email.partition("@")[2] or "provider.example"
    street = setting_value(invoicing.PROVIDER_STREET)
    city = setting_value(invoicing.PROVIDER_CITY)
    postal_code = setting_value(invoicing.PROVIDER_POSTAL_CODE)
    country_code = setting_value(invoicing.PROVIDER_COUNTRY)
    country = COUNTRY_NAMES.get(country_code, country_code)
    return {
        "provider_name": setting_value(invoicing.PROVIDER_LEGAL_NAME),
        "registry_code": setting_value(invoicing.PROVIDER_REGISTRY_CODE),
        "vat_number": setting_value(invoicing.PROVIDER_VAT_NUMBER),
        "address": f"{street}, {postal_code} {city}, {country}",
        "website": setting_value(invoicing.PROVIDER_WEBSITE),
        "billing_email": email,
        "support_email": f"support@{domain}",
        "general_email": f"info@{domain}",
        "privacy_email": setting_value("privacy.controller_contact"),
    }


def demo_policy_texts() -> list[tuple[str, str, str]]:
    """(kind, title, Markdown body) of the demo terms and privacy policy, with the provider's
    details from the settings."""
    details = _provider_details()
    return [
        (kind, title, Template((TEXTS / name).read_text(encoding="utf-8")).substitute(details))
        for kind, title, name in DEMO_POLICIES
    ]


def seed_demo_processors(*, signed_on: date) -> int:
    """Add the demo processors when the register is empty; returns how many were added."""
    if Processor.objects.exists():
        return 0
    for entry in DEMO_PROCESSORS:
        processor_create(data={"transfer_safeguard": "", "agreement_signed_on": signed_on, **entry})
    return len(DEMO_PROCESSORS)
