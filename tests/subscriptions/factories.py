"""Builders shared by the subscriptions and provisioning tests: a small catalog, clients with
payers and money, staff, a snapshot of everything an order writes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, Payer, User
from hostledger.catalog import actions as catalog
from hostledger.catalog.models import AddOn, FamilyCode, OsImage, ProductFamily, Tariff
from hostledger.core.money import Money
from hostledger.ledger.actions import payment_record
from tests.catalog_helpers import create_published_tariff

TODAY = date(2027, 3, 1)
"""A Monday; the clock of these tests is frozen at 10:00 Tallinn time on it."""
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)

_numbers = itertools.count(1)


def eur(amount: str) -> Money:
    return Money.of(amount)


@dataclass
class Catalog:
    vps: ProductFamily
    cloud: ProductFamily
    hosting: ProductFamily
    licence: ProductFamily
    vps_start: Tariff
    vps_large: Tariff
    cloud_pool: Tariff
    hosting_start: Tariff
    windows_licence: Tariff
    extra_ipv4: AddOn
    backups: AddOn
    cloud_backups: AddOn
    debian: OsImage
    windows: OsImage


def build_catalog(staff: User | None = None) -> Catalog:
    """Tariffs, add-ons and OS images of four families, made through the catalog actions."""
    families = {family.code: family for family in ProductFamily.objects.all()}
    vps, cloud = families[FamilyCode.VPS], families[FamilyCode.CLOUD]
    hosting, licence = families[FamilyCode.SHARED_HOSTING], families[FamilyCode.LICENCE]
    vps_start = create_published_tariff(
        family=vps,
        code="vps-start",
        name="VPS Start",
        monthly_fee="9.90",
        specs={"cpu": 2, "ram_gb": 4, "disk_gb": 80},
        actor=staff,
    )
    vps_large = create_published_tariff(
        family=vps,
        code="vps-large",
        name="VPS Large",
        monthly_fee="24.00",
        specs={"cpu": 8, "ram_gb": 16, "disk_gb": 320},
        actor=staff,
    )
    cloud_pool = create_published_tariff(
        family=cloud,
        code="cloud-pool",
        name="Cloud Pool",
        monthly_fee="60.00",
        specs={"cpu": 8, "ram_gb": 16, "disk_gb": 200},
        actor=staff,
    )
    hosting_start = create_published_tariff(
        family=hosting,
        code="hosting-start",
        name="Hosting Start",
        monthly_fee="2.49",
        specs={"sites": 3},
        actor=staff,
    )
    windows_licence = create_published_tariff(
        family=licence,
        code="windows-server-std",
        name="Windows Server Standard",
        monthly_fee="14.00",
        actor=staff,
    )
    extra_ipv4 = catalog.add_on_create(
        family=vps,
        code="vps-extra-ipv4",
        name="Extra IPv4 address",
        monthly_fee="2.00",
        max_quantity=16,
        actor=staff,
    )
    backups = catalog.add_on_create(
        family=vps, code="vps-backups", name="Daily backups", monthly_fee="3.49", actor=staff
    )
    cloud_backups = catalog.add_on_create(
        family=cloud, code="cloud-backups", name="Pool backups", monthly_fee="5.00", actor=staff
    )
    debian = catalog.os_image_create(
        code="debian-12", name="Debian 12", families=[vps, cloud], actor=staff
    )
    windows = catalog.os_image_create(
        code="windows-2022",
        name="Windows Server 2022",
        families=[vps, cloud],
        requires_paid_licence=True,
        licence_monthly_fee="12.35",
        actor=staff,
    )
    return Catalog(
        vps=vps,
        cloud=cloud,
        hosting=hosting,
        licence=licence,
        vps_start=vps_start,
        vps_large=vps_large,
        cloud_pool=cloud_pool,
        hosting_start=hosting_start,
        windows_licence=windows_licence,
        extra_ipv4=extra_ipv4,
        backups=backups,
        cloud_backups=cloud_backups,
        debian=debian,
        windows=windows,
    )


def new_client(*, contacts_confirmed: bool = True, **overrides) -> Client:
    """A natural-person client in Estonia with an owner user of its own; unless
    ``contacts_confirmed`` is False, the owner has confirmed the e-mail address and the
    client confirmed its phone number (what a free trial needs, CAT-04)."""
    number = next(_numbers)
    owner = User.objects.create_user(f"orderer{number}@example.com", None)
    fields = {
        "owner": owner,
        "kind": "natural",
        "first_name": "Mari",
        "last_name": f"Tamm {number}",
        "street": "Pikk 1",
        "city": "Tallinn",
        "country": "EE",
    }
    if contacts_confirmed:
        fields["phone"] = f"+372 5{number:07d}"
        fields["phone_confirmed_at"] = timezone.now()
        EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    fields.update(overrides)
    return Client.objects.create(**fields)


def new_payer(client: Client, **overrides) -> Payer:
    """The client's default payer: a natural person in Estonia (24 % VAT from 2025-07-01)."""
    fields = {
        "kind": "natural",
        "name": "Mari Tamm",
        "street": "Pikk 1",
        "city": "Tallinn",
        "postal_code": "10123",
        "country": "EE",
        "invoice_email": "mari@example.com",
        "is_default": True,
    }
    fields.update(overrides)
    return Payer.objects.create(client=client, **fields)


def new_staff(*codes: str, email: str | None = None) -> User:
    """A member of staff holding exactly the given permission codes."""
    number = next(_numbers)
    return User.objects.create_user(
        email or f"staff{number}@provider.example",
        None,
        is_staff=True,
        extra_permissions=list(codes),
    )


def services_staff() -> User:
    return new_staff(perms.SERVICES_MANAGE)


def fund(client: Client, amount: str, *, reference: str | None = None, on: date = TODAY):
    """Record a bank payment that tops up the client's balance."""
    return payment_record(
        client=client,
        amount=eur(amount),
        value_date=on,
        reference=reference or f"BANK-{next(_numbers)}",
        actor=None,
    )


WRITTEN_BY_ORDERS = [
    ("subscriptions", "Order"),
    ("subscriptions", "OrderItem"),
    ("subscriptions", "Service"),
    ("subscriptions", "ServiceAddOn"),
    ("subscriptions", "ServicePeriod"),
    ("subscriptions", "ServiceStatusChange"),
    ("subscriptions", "PoolServer"),
    ("subscriptions", "ServiceChange"),
    ("subscriptions", "ServiceCancellation"),
    ("subscriptions", "ServiceCredit"),
    ("provisioning", "ProvisioningOperation"),
    ("invoicing", "Invoice"),
    ("invoicing", "InvoiceLine"),
    ("invoicing", "CreditNote"),
    ("ledger", "LedgerTransaction"),
    ("ledger", "Entry"),
    ("core", "AuditEvent"),
]


def written_rows() -> dict[str, list]:
    """Every row an order, a payment or a service change may write, to show nothing did."""
    state = {}
    for app_label, name in WRITTEN_BY_ORDERS:
        model = apps.get_model(app_label, name)
        state[f"{app_label}.{name}"] = list(model._base_manager.order_by("pk").values())
    return state


def balance_entries(client: Client) -> list[tuple[str, int]]:
    """The client's balance-account entries, oldest first: (transaction kind, signed cents)."""
    from hostledger.ledger.models import Entry, LedgerAccount

    return list(
        Entry.objects.filter(client=client, account__kind=LedgerAccount.Kind.CLIENT_BALANCE)
        .order_by("id")
        .values_list("transaction__kind", "amount_minor")
    )
