"""Helpers of the staff catalog and money page tests: catalog items, invoices, payments and
snapshots of every row those pages can change. Everything is made through the actions."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from hostledger.catalog import actions as catalog_actions
from hostledger.catalog.models import ProductFamily
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.invoicing.actions import client_proformas_settle, proforma_create
from hostledger.invoicing.lines import LineInput
from hostledger.ledger.actions import client_payment_reference_ensure, payment_record
from tests.catalog_helpers import create_published_tariff

VPS_SPECS = {"cpu": 2, "ram_gb": 4, "disk_gb": 80}


def eur(amount: str) -> Money:
    return Money.of(amount)


def family(code: str) -> ProductFamily:
    return ProductFamily.objects.get(code=code)


def vps_tariff(code: str = "vps-start", fee: str = "9.90", **extra):
    return create_published_tariff(
        family=family("vps"),
        code=code,
        name=code.replace("-", " ").title(),
        monthly_fee=fee,
        specs=VPS_SPECS,
        **extra,
    )


def vps_add_on(code: str = "extra-ipv4", fee: str = "1.50", tariff=None):
    return catalog_actions.add_on_create(
        family=family("vps"),
        code=code,
        name="Extra IPv4",
        monthly_fee=fee,
        tariff=tariff,
        max_quantity=16,
    )


def cloud_metered_item(code: str = "disk-gb-hour", price: str = "0.0043"):
    return catalog_actions.metered_item_create(
        family=family("cloud"),
        code=code,
        name="Disk",
        unit="GB-hour",
        unit_price=price,
        included_quantity="100",
    )


def os_image(code: str = "debian-13", *, paid: bool = False, fee=None):
    return catalog_actions.os_image_create(
        code=code,
        name=code.replace("-", " ").title(),
        families=["vps", "cloud"],
        requires_paid_licence=paid,
        licence_monthly_fee=fee,
    )


def announce(tariff, fee: str = "11.90", *, days_ahead: int = 45, actor=None):
    return catalog_actions.price_change_announce(
        tariff=tariff,
        new_fee=fee,
        effective_from=timezone.localdate() + timedelta(days=days_ahead),
        actor=actor,
    )


def proforma(client, lines=(("VPS Start, one month", "1", "10.00"),)):
    """An issued proforma of the client's default payer; lines are (text, quantity, price)."""
    return proforma_create(
        client=client,
        payer=client.payers.get(is_default=True),
        lines=[LineInput(text, quantity, eur(price)) for text, quantity, price in lines],
    )


def pay(client, amount: str, reference: str, actor=None):
    """Record a bank payment for the client, as a staff member does."""
    return payment_record(
        client=client,
        amount=eur(amount),
        value_date=timezone.localdate(),
        reference=reference,
        actor=actor,
    )


def final_invoice(client, lines=(("VPS Start, one month", "1", "10.00"),), actor=None):
    """A proforma paid from the balance: the client pays its gross amount first."""
    invoice = proforma(client, lines)
    pay(client, str(invoice.gross.amount), f"PAY-{invoice.public_id}", actor)
    [paid] = client_proformas_settle(client=client, actor=actor)
    return paid


def reference_of(client) -> str:
    return client_payment_reference_ensure(client=client).reference_number


def money_state() -> dict:
    """Every row of the catalog, the ledger and invoicing, and the audit events of changes.

    Showing a page again records who read personal data on it (GDPR-12); such reads are not
    changes and are left out."""
    state = {
        "audit_events": list(
            AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).values_list("pk", flat=True)
        )
    }
    for label in ("catalog", "ledger", "invoicing"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            state[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return state
