"""The demo world: a provider a visitor can explore, with no empty page.

:func:`demo_world_seed` makes clients of four kinds (Estonian people, Estonian companies, EU
companies, people outside the EU) and lets a few months of their lives happen through the same
actions and flows as real use: they register, order services of every product family, pay by
bank transfer or not at all, get their services started by staff, and the billing run then
walks the calendar week by week to today, renewing, invoicing, charging, suspending for debt
and proposing terminations as it would have. Then, as of today: tickets answered by staff,
credit notes, staff notes, usage of the cloud pools, orders waiting for payment, free trials
and services the clients ended themselves.

Everything written passes every rule a real client's data passes; nothing is inserted around
the owning apps. The world is made once: a second call finds its clients and does nothing.
Names and addresses are invented; the e-mail addresses are under ``demo.hostledger.test``,
a reserved name that reaches nobody.
"""

from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import Client
from hostledger.automation.run import billing_run
from hostledger.catalog.models import FamilyCode, MeteredItem, OsImage, PublicationStatus, Tariff
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.flows.registration import client_registered
from hostledger.invoicing.actions import credit_note_issue
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import payment_record
from hostledger.metering.actions import usage_record
from hostledger.subscriptions.actions import (
    client_payments_apply,
    order_place,
    service_activate,
    service_terminate,
)
from hostledger.subscriptions.models import Service, ServiceStatus
from hostledger.support import selectors as support
from hostledger.support.actions import ticket_open, ticket_staff_reply
from hostledger.support.models import Ticket

DEMO_WORLD_DOMAIN = "world.demo.hostledger.test"
"""The clients of the world sign in (after "forgot password") under this reserved domain."""

HISTORY_DAYS = 120
"""How far back the world's story starts."""

FIRST_NAMES = (
    "Mari", "Jaan", "Kati", "Toomas", "Liis", "Andres", "Kadri", "Peeter", "Triin", "Margus",
    "Anu", "Rein", "Helen", "Urmas", "Piret", "Indrek", "Kristi", "Tarmo", "Eva", "Siim",
)  # fmt: skip
LAST_NAMES = (
    "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel",
    "Lepik", "Kallas", "Org", "Luik", "Raud", "Vaher", "Kuusk", "Lill", "Põld", "Karu",
)  # fmt: skip
COMPANY_WORDS = (
    "Päike", "Meri", "Kivi", "Mets", "Tuul", "Laine", "Kuusk", "Rand", "Sild", "Täht",
)  # fmt: skip
EE_CITIES = (("Tallinn", "10151"), ("Tartu", "51003"), ("Pärnu", "80010"), ("Narva", "20308"))
ABROAD = (
    ("DE", "GmbH", "Berlin", "10115", "Friedrichstraße 12", "+49 30 901820"),
    ("FI", "Oy", "Helsinki", "00100", "Mannerheimintie 5", "+358 9 3101 1111"),
    ("LV", "SIA", "Rīga", "LV-1050", "Brīvības iela 33", "+371 6700 0000"),
    ("FR", "SARL", "Lyon", "69002", "12 rue de la République", "+33 4 72 00 00 00"),
)
OUTSIDE_EU = (
    ("NO", "Oslo", "0150", "Karl Johans gate 7", "+47 22 00 00 00"),
    ("GB", "London", "SW1A 1AA", "10 Whitehall", "+44 20 7946 0000"),
    ("US", "Austin", "78701", "500 Congress Ave", "+1 512 555 0100"),
    ("CH", "Zürich", "8001", "Bahnhofstrasse 10", "+41 44 000 00 00"),
)

FAMILIES_SOLD = (
    FamilyCode.SHARED_HOSTING,
    FamilyCode.CMS_HOSTING,
    FamilyCode.VPS,
    FamilyCode.CLOUD,
    FamilyCode.DEDICATED,
    FamilyCode.LICENCE,
)
"""What the world's clients order. Domains need a registrant contact per zone and colocation
a rack application: both are ordered by hand in the demo, by the visitor."""

TICKETS = (
    ("Site is slow in the evenings", "Since Monday our pages take several seconds to load."),
    ("Invoice address", "Please put our new address on the next invoices."),
    ("Reverse DNS for our server", "Could you set the PTR record of our IPv4 address?"),
    ("Backup restore", "I deleted a folder by mistake yesterday. Can it be restored?"),
)
REPLIES = (
    "Thank you, we have looked into it and made the change. Please check and let us know.",
    "Done. The change is in effect; the next invoice will show it.",
)


@dataclass
class Story:
    """What happens to one client: whether it keeps money on its balance (and renewals are
    paid) and how many services it orders."""

    pays: bool
    services: int
    first_family: str


def demo_world_seed(*, operator, clients_per_kind: int = 24, today: date | None = None) -> int:
    """Make the demo world (see the module); return the number of clients made, 0 when the
    world exists. ``operator`` is the staff member who starts services and answers tickets.

    Three steps, each safe to repeat: the clients and their first orders (one transaction),
    the billing runs up to today (each resumable, as any run), and today's events (one
    transaction). A seed stopped half-way goes on where it stopped when run again."""
    today = today or timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS)
    rng = random.Random(20261207)  # noqa: S311 - invented data, the same every time
    catalog = _catalog()
    families = list(catalog.tariffs)
    made = 0
    if not _world_clients().exists():
        with transaction.atomic():
            for kind in ("person", "company", "eu_company", "abroad"):
                for number in range(clients_per_kind):
                    # Four in five keep money on their balance; the first service of each
                    # client goes round the families, so every family is sold.
                    story = Story(
                        pays=made % 5 != 4,
                        services=1 + rng.randrange(3),
                        first_family=families[made % len(families)],
                    )
                    client = _register(kind, number, rng)
                    _orders(client, story, catalog, rng, start, operator)
                    made += 1
    if Ticket.objects.filter(client__in=_world_clients()).exists():
        return made
    day = start
    while day < today:
        day = min(day + timedelta(days=7), today)
        billing_run(as_of=timezone.make_aware(datetime.combine(day, time(6))))
    with transaction.atomic():
        for index, client in enumerate(_world_clients().order_by("id")):
            _today(client, index, catalog, rng, today, operator)
    return made


def _world_clients():
    return Client.objects.filter(owner__email__endswith="@" + DEMO_WORLD_DOMAIN)


@dataclass
class Catalog:
    tariffs: dict[str, list[Tariff]]
    images: dict[str, OsImage | None]
    metered: list[MeteredItem]


def _catalog() -> Catalog:
    tariffs: dict[str, list[Tariff]] = {}
    images: dict[str, OsImage | None] = {}
    for family in FAMILIES_SOLD:
        tariffs[family] = list(
            Tariff.objects.filter(
                family__code=family, status=PublicationStatus.PUBLISHED, is_active=True
            ).order_by("sort_order", "id")
        )
        images[family] = (
            None
            if family not in IMAGE_FAMILIES
            else OsImage.objects.filter(
                families__code=family, is_active=True, requires_paid_licence=False
            )
            .order_by("sort_order", "id")
            .first()
        )
    metered = list(MeteredItem.objects.filter(family__code=FamilyCode.CLOUD, is_active=True))
    return Catalog(tariffs={k: v for k, v in tariffs.items() if v}, images=images, metered=metered)


def _register(kind: str, number: int, rng: random.Random) -> Client:
    first = FIRST_NAMES[(number + len(kind)) % len(FIRST_NAMES)]
    last = LAST_NAMES[(number * 7 + len(kind)) % len(LAST_NAMES)]
    email = f"{kind.replace('_', '-')}-{number + 1:02d}@{DEMO_WORLD_DOMAIN}"
    user = get_user_model().objects.create_user(email=email, password=None)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    city, postal_code = EE_CITIES[number % len(EE_CITIES)]
    data = {
        "kind": "natural",
        "first_name": first,
        "last_name": last,
        "street": f"{('Pikk', 'Lai', 'Vana', 'Uus')[number % 4]} {number + 1}",
        "city": city,
        "postal_code": postal_code,
        "country": "EE",
        "phone": f"+372 5{number % 10}{rng.randrange(100000, 999999)}",
    }
    if kind == "company":
        word = COMPANY_WORDS[number % len(COMPANY_WORDS)]
        data.update(
            kind="legal",
            company_name=f"{word} {last} OÜ",
            registry_code=str(10000000 + number * 7919 % 89999999),
        )
    elif kind == "eu_company":
        country, form, city, postal_code, street, phone = ABROAD[number % len(ABROAD)]
        data.update(
            kind="legal",
            company_name=f"{last} {COMPANY_WORDS[number % len(COMPANY_WORDS)]} {form}",
            registry_code=f"HR{100000 + number}",
            country=country,
            city=city,
            postal_code=postal_code,
            street=street,
            phone=phone,
        )
    elif kind == "abroad":
        country, city, postal_code, street, phone = OUTSIDE_EU[number % len(OUTSIDE_EU)]
        data.update(country=country, city=city, postal_code=postal_code, street=street, phone=phone)
    client = client_registered(
        user=user, data=data, declared_old_enough=True, accepted_policies=True, ip_address=None
    )
    # The number is confirmed with the code of the SMS, as a client does before a free trial.
    _, code = accounts.phone_confirmation_create(client=client, actor=user)
    return accounts.phone_confirmation_check(client=client, code=code, actor=user)


def _orders(client: Client, story: Story, catalog: Catalog, rng, start: date, operator) -> None:
    """The client's first orders, ``start`` days ago, paid by bank transfer and started."""
    payer = client.payers.get(is_default=True)
    families = list(catalog.tariffs)
    placed = []
    for number in range(story.services):
        order = _order(
            client,
            payer,
            story.first_family if number == 0 else rng.choice(families),
            catalog,
            rng,
            start,
            period_months=rng.choice((1, 1, 3, 12)),
            start_at_once=True,
        )
        placed.append(order)
    due = sum((order.proforma.gross for order in placed), Money.zero("EUR"))
    # Those who pay keep about half a year of their services on the balance.
    amount = sum([due] * 6, Money.zero("EUR")) if story.pays else due
    payment_record(
        client=client,
        amount=amount,
        value_date=start,
        reference=f"DEMO-{client.public_id}",
        actor=None,
    )
    for service in client_payments_apply(client=client, today=start):
        if service.status == ServiceStatus.PROVISIONING:
            service_activate(service=service, actor=operator, today=start)


HOSTED_FAMILIES = (FamilyCode.SHARED_HOSTING, FamilyCode.CMS_HOSTING)
IMAGE_FAMILIES = (FamilyCode.VPS, FamilyCode.DEDICATED)
"""Families whose order names an operating system (a cloud pool's servers choose theirs)."""


def _order(client, payer, family, catalog: Catalog, rng, today: date, **options):
    """An order of a tariff of ``family`` as the client places it on the order form."""
    host_name = ""
    if family in HOSTED_FAMILIES:
        host_name = f"site-{client.pk}-{rng.randrange(1000, 9999)}.ee"
    return order_place(
        client=client,
        payer=payer,
        tariff=rng.choice(catalog.tariffs[family]),
        period_months=options.pop("period_months", 1),
        os_image=catalog.images.get(family),
        host_name=host_name,
        actor=client.owner,
        today=today,
        **options,
    )


def _today(client: Client, index: int, catalog: Catalog, rng, today, operator):
    """What is going on today: tickets, corrections, usage, new orders, ended services."""
    services = list(client.services.order_by("id"))
    if index % 3 == 0:
        subject, body = TICKETS[index % len(TICKETS)]
        ticket = ticket_open(
            client=client,
            department=support.department_by_slug("support") or _first_department(),
            subject=subject,
            body=body,
            author=client.owner,
        )
        if index % 2 == 0:
            ticket_staff_reply(ticket=ticket, body=REPLIES[index % len(REPLIES)], author=operator)
    if index % 7 == 0:
        invoice = (
            Invoice.objects.filter(client=client, kind=Invoice.Kind.FINAL).order_by("-id").first()
        )
        if invoice is not None:
            credit_note_issue(
                invoice=invoice,
                reason="Goodwill for the interruption of the last week",
                full=True,
                actor=operator,
            )
    if index % 5 == 0:
        accounts.staff_note_add(
            client=client,
            actor=operator,
            text="Prefers to be called in the morning; asked about a yearly plan.",
        )
    for service in services:
        if service.tariff.family.code == FamilyCode.CLOUD and service.status in (
            ServiceStatus.ACTIVE,
        ):
            _usage(service, catalog, rng, today)
    payer = client.payers.get(is_default=True)
    if index % 6 == 1:
        _order(client, payer, rng.choice(list(catalog.tariffs)), catalog, rng, today)
    if index % 8 == 2 and FamilyCode.VPS in catalog.tariffs:
        _order(client, payer, FamilyCode.VPS, catalog, rng, today, trial=True)
    if index % 11 == 4 and services:
        # A service in a state that cannot end now stays as it is.
        with suppress(DomainError):
            service_terminate(
                service=services[0], actor=None, reason="The client moved the site elsewhere."
            )


def _usage(service: Service, catalog: Catalog, rng, today: date) -> None:
    """A week of hourly burst usage of a cloud pool, as a metering agent reports it."""
    start = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(0)))
    for item in catalog.metered:
        for day in range(7):
            window_start = start + timedelta(days=day)
            usage_record(
                service=service,
                metered_item=item,
                quantity=Decimal(rng.randrange(1, 400)) / Decimal(10),
                window_start=window_start,
                window_end=window_start + timedelta(days=1),
                source="demo",
                external_id=f"demo-{service.public_id}-{item.code}-{day}",
            )


def _first_department():
    return support.active_departments().first()
