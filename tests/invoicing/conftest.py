"""Fixtures of the invoicing tests: clients with payers in and outside the EU, money helpers."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from hostledger.accounts.models import Client, Payer, User
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.lines import LineInput

VALID_DE_VAT = "DE136695976"
VALID_EL_VAT = "EL094259216"
VALID_EE_VAT = "EE102329731"
BAD_CHECK_DIGIT_DE_VAT = "DE136695977"

PAYER_DEFAULTS = {
    "street": "Hauptstraße 1",
    "city": "Berlin",
    "postal_code": "10115",
    "invoice_email": "billing@example.com",
}


def eur(amount: str) -> Money:
    return Money.of(amount)


def line(description: str = "VPS Start, one month", quantity="1", price="10.00", **extra):
    return LineInput(description=description, quantity=quantity, unit_price=eur(price), **extra)


def make_client(email: str, *, kind: str = "natural", country: str = "EE") -> Client:
    """A client with an owner user, written directly: these tests are about invoicing."""
    user = User.objects.create_user(email=email, password=None)
    return Client.objects.create(
        owner=user,
        kind=kind,
        first_name="Mari" if kind == "natural" else "",
        last_name="Maasikas" if kind == "natural" else "",
        company_name="Firma GmbH" if kind == "legal" else "",
        street="Pikk 1",
        city="Tallinn",
        country=country,
    )


def make_payer(
    client: Client, *, kind: str = "natural", country: str = "EE", vat_number: str = "", **data
) -> Payer:
    fields = {
        **PAYER_DEFAULTS,
        "kind": kind,
        "name": "Firma GmbH" if kind == "legal" else "Mari Maasikas",
        "registry_code": "HRB 12345" if kind == "legal" else "",
        "country": country,
        "vat_number": vat_number,
        "vat_number_format_valid": bool(vat_number),
        "is_default": True,
    }
    fields.update(data)
    return Payer.objects.create(client=client, **fields)


@pytest.fixture
def seeded_tables(transactional_db):
    """The seeded VAT rates and series again: a transactional test empties every table."""
    seed_module = importlib.import_module(
        "hostledger.invoicing.migrations.0002_vat_rates_and_series"
    )
    seed_module.seed(django_apps, None)


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(email="accountant@example.com", password=None, is_staff=True)


@pytest.fixture
def estonian_client(db) -> Client:
    return make_client("mari@example.com")


@pytest.fixture
def estonian_payer(estonian_client) -> Payer:
    return make_payer(estonian_client)


@pytest.fixture
def german_company(db) -> Client:
    return make_client("firma@example.de", kind="legal", country="DE")


@pytest.fixture
def german_company_payer(german_company) -> Payer:
    return make_payer(german_company, kind="legal", country="DE", vat_number=VALID_DE_VAT)


@pytest.fixture
def vies_enabled(db):
    provider_setting_change(key="invoicing.vies_check_enabled", raw_value="true")


@pytest.fixture
def vies_disabled(db):
    """The provider switched VIES look-ups off: a valid format is enough (BIL-05)."""
    provider_setting_change(key="invoicing.vies_check_enabled", raw_value="false")


ISSUED_ON_22_PERCENT = date(2024, 5, 2)
RATE_22 = Decimal("22.00")
