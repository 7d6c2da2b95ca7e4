"""Who may open every staff catalog and money page and send every form (ACC-09, ACC-11).

The actors and their world are those of tests/web/test_authorization_matrix.py: anonymous
visitors (sent to sign in), client A, client B and a read-only trusted user of A (403: the
staff area is for staff), and a staff member of each default role with two-factor sign-in.
Catalog pages need ``catalog.manage`` (administrators), money pages ``billing.manage``
(billing and administrators). Every refused POST leaves the database as it was; every
allowed one changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hostledger.catalog import actions as catalog_actions
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import bank_statement_import
from hostledger.ledger.models import BankStatementImport, Payment, PaymentReversal
from tests.api.money_factories import waiting_reversal
from tests.ledger.camt import Line, camt053
from tests.web.staff_money_helpers import (
    VPS_SPECS,
    announce,
    cloud_metered_item,
    final_invoice,
    money_state,
    os_image,
    proforma,
    reference_of,
    vps_add_on,
    vps_tariff,
)
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    database_state,
    staff_page,
)

CATALOG_ROLES = ("administrator",)
BILLING_ROLES = ("billing", "administrator")
TOKEN = "0123456789abcdef0123456789abcdef"


@dataclass
class MoneyWorld:
    """The actors' world with a catalog, payments, an import and invoices of client A."""

    base: World
    tariff: object
    add_on: object
    metered_item: object
    image: object
    price_change: object
    draft_tariff: object
    draft_price_change: object
    unmatched: Payment
    waiting_reversal: PaymentReversal
    statement_import: BankStatementImport
    invoice: Invoice
    proforma: Invoice

    @property
    def client_a(self):
        return self.base.client_a

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _statement(reference: str, prefix: str) -> bytes:
    return camt053(
        [
            Line("40.00", f"{prefix}1", structured_reference=reference),
            Line("7.00", f"{prefix}2", text="no reference at all"),
        ]
    )


@pytest.fixture(scope="module")
def built_money_world(built_world) -> MoneyWorld:  # noqa: F811  (the imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    return build_money_world(built_world)


@pytest.fixture
def money_world(built_money_world, db) -> MoneyWorld:
    return built_money_world


def build_money_world(world: World) -> MoneyWorld:
    admin = world.staff["administrator"]
    tariff = vps_tariff()
    imported = bank_statement_import(
        content=_statement(reference_of(world.client_a), "WORLD"), actor=admin
    )
    return MoneyWorld(
        base=world,
        tariff=tariff,
        add_on=vps_add_on(),
        metered_item=cloud_metered_item(),
        image=os_image(),
        price_change=announce(tariff, actor=admin),
        draft_tariff=catalog_actions.tariff_create(
            family=tariff.family,
            code="vps-draft",
            name="VPS Draft",
            monthly_fee="12.90",
            specs=VPS_SPECS,
        ),
        draft_price_change=catalog_actions.price_version_create(
            tariff=tariff, new_fee="11.90", effective_from=timezone.localdate() + timedelta(days=90)
        ),
        unmatched=Payment.objects.get(status=Payment.Status.UNMATCHED),
        waiting_reversal=waiting_reversal("7.00", "WORLD-REVERSAL"),
        statement_import=imported,
        invoice=final_invoice(world.client_a, actor=admin),
        proforma=proforma(world.client_a),
    )


def state() -> dict:
    """Everything a page can change; the audit trail counted with personal-data reads too,
    because a refused request must not even show a page."""
    return {**money_state(), **database_state()}


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[MoneyWorld], list] = lambda mw: []
    method: str = "GET"
    data: Callable[[MoneyWorld], dict] = lambda mw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, mw: MoneyWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(mw))


def catalog_page(granted: int = 200) -> dict[str, int]:
    return staff_page(*CATALOG_ROLES, granted=granted)


def billing_page(granted: int = 200) -> dict[str, int]:
    return staff_page(*BILLING_ROLES, granted=granted)


def catalog_write(name: str, args, data) -> Endpoint:
    return Endpoint(name, catalog_page(302), args, "POST", data, frozenset(CATALOG_ROLES))


def billing_write(name: str, args, data) -> Endpoint:
    return Endpoint(name, billing_page(302), args, "POST", data, frozenset(BILLING_ROLES))


def vps(mw):
    return ["vps"]


def tariff_id(mw):
    return [mw.tariff.public_id]


def client_a_id(mw):
    return [mw.client_a.public_id]


def invoice_id(mw):
    return [mw.invoice.public_id]


def later(days: int = 60) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


ENDPOINTS = [
    # ---- catalog pages (CAT-01 … CAT-06)
    Endpoint("staff_catalog", catalog_page()),
    Endpoint("staff_catalog_family", catalog_page(), vps),
    Endpoint("staff_catalog_tariff_create", catalog_page(), vps),
    Endpoint("staff_catalog_add_on_create", catalog_page(), vps),
    Endpoint("staff_catalog_metered_item_create", catalog_page(), lambda mw: ["cloud"]),
    Endpoint("staff_catalog_tariff", catalog_page(), tariff_id),
    Endpoint("staff_catalog_add_on", catalog_page(), lambda mw: [mw.add_on.public_id]),
    Endpoint(
        "staff_catalog_metered_item",
        catalog_page(),
        lambda mw: [mw.metered_item.public_id],
    ),
    Endpoint("staff_catalog_os_images", catalog_page()),
    Endpoint("staff_catalog_os_image", catalog_page(), lambda mw: [mw.image.public_id]),
    Endpoint("staff_catalog_price_changes", catalog_page()),
    # ---- catalog writes
    catalog_write(
        "staff_catalog_family",
        vps,
        lambda mw: {
            "name": "Virtual servers",
            "minimum_service_months": "3",
            "sort_order": "4",
            "is_active": "on",
        },
    ),
    catalog_write(
        "staff_catalog_tariff_create",
        vps,
        lambda mw: {
            "code": "vps-xl",
            "name": "VPS XL",
            "monthly_fee": "49.00",
            "specs": "cpu = 8\nram_gb = 32\ndisk_gb = 640",
            "sort_order": "9",
            "is_active": "on",
        },
    ),
    catalog_write(
        "staff_catalog_add_on_create",
        vps,
        lambda mw: {
            "code": "backup",
            "name": "Backup",
            "monthly_fee": "2.00",
            "max_quantity": "1",
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_metered_item_create",
        lambda mw: ["cloud"],
        lambda mw: {
            "code": "egress-gb",
            "name": "Traffic",
            "unit": "GB",
            "unit_price": "0.0125",
            "included_quantity": "0",
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_tariff",
        tariff_id,
        lambda mw: {
            "name": "VPS Start 2",
            "specs": "cpu = 2\nram_gb = 4\ndisk_gb = 80",
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_add_on",
        lambda mw: [mw.add_on.public_id],
        lambda mw: {"name": "Extra IPv4 address", "max_quantity": "8", "sort_order": "0"},
    ),
    catalog_write(
        "staff_catalog_metered_item",
        lambda mw: [mw.metered_item.public_id],
        lambda mw: {
            "name": "Disk space",
            "unit": "GB-hour",
            "included_quantity": "0",
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_os_images",
        lambda mw: [],
        lambda mw: {
            "code": "ubuntu-2604",
            "name": "Ubuntu 26.04",
            "families": ["vps"],
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_os_image",
        lambda mw: [mw.image.public_id],
        lambda mw: {
            "name": "Debian 13",
            "families": ["vps", "cloud", "dedicated"],
            "requires_paid_licence": "on",
            "licence_monthly_fee": "5.00",
            "sort_order": "0",
        },
    ),
    catalog_write(
        "staff_catalog_availability",
        lambda mw: ["tariffs", mw.tariff.public_id],
        lambda mw: {"offered": "no"},
    ),
    catalog_write(
        "staff_catalog_price_change_announce",
        lambda mw: ["tariffs", mw.tariff.public_id],
        lambda mw: {"new_fee": "10.90", "effective_from": later()},
    ),
    catalog_write(
        "staff_catalog_price_change_publish",
        lambda mw: ["tariffs", mw.tariff.public_id, mw.draft_price_change.public_id],
        lambda mw: {},
    ),
    catalog_write(
        "staff_catalog_tariff_publish",
        lambda mw: [mw.draft_tariff.public_id],
        lambda mw: {},
    ),
    catalog_write(
        "staff_catalog_price_change_withdraw",
        lambda mw: ["tariffs", mw.tariff.public_id, mw.price_change.public_id],
        lambda mw: {},
    ),
    # ---- money pages (BIL-01, BIL-03, BIL-04, BIL-06)
    Endpoint("staff_payments", billing_page()),
    Endpoint("staff_payment_record", billing_page()),
    Endpoint("staff_payments_unmatched", billing_page()),
    Endpoint("staff_payment_statements", billing_page()),
    Endpoint(
        "staff_payment_import",
        billing_page(),
        lambda mw: [mw.statement_import.public_id],
    ),
    Endpoint("staff_payment_reverse", billing_page(), lambda mw: [mw.unmatched.public_id]),
    Endpoint("staff_client_balance", billing_page(), client_a_id),
    Endpoint("staff_invoices", billing_page()),
    Endpoint("staff_invoice", billing_page(), invoice_id),
    Endpoint("staff_invoice_credit_note", billing_page(), invoice_id),
    # ---- money writes
    billing_write(
        "staff_payment_record",
        lambda mw: [],
        lambda mw: {
            "client": mw.client_a.public_id,
            "amount": "15.00",
            "value_date": timezone.localdate().isoformat(),
            "reference": "CASH-1",
            "received_into": "cash",
        },
    ),
    billing_write(
        "staff_payment_assign",
        lambda mw: [mw.unmatched.public_id],
        lambda mw: {"client": mw.client_a.public_id},
    ),
    billing_write(
        "staff_reversal_resolve",
        lambda mw: [mw.waiting_reversal.public_id],
        lambda mw: {"payment": mw.unmatched.public_id},
    ),
    billing_write(
        "staff_payment_reverse",
        lambda mw: [mw.unmatched.public_id],
        lambda mw: {"reason": "Recorded by mistake"},
    ),
    billing_write(
        "staff_payment_statements",
        lambda mw: [],
        lambda mw: {
            "file": SimpleUploadedFile(
                "lhv.xml", _statement(reference_of(mw.client_a), "NEW"), "application/xml"
            )
        },
    ),
    billing_write(
        "staff_client_refund",
        client_a_id,
        lambda mw: {"refund-amount": "5.00", "refund-memo": "Asked", "refund-token": TOKEN},
    ),
    billing_write(
        "staff_client_credit",
        client_a_id,
        lambda mw: {"credit-amount": "5.00", "credit-memo": "Outage", "credit-token": TOKEN},
    ),
    billing_write(
        "staff_client_correction",
        client_a_id,
        lambda mw: {
            "correction-direction": "increase",
            "correction-amount": "1.00",
            "correction-memo": "Typo",
            "correction-token": TOKEN,
        },
    ),
    billing_write(
        "staff_invoice_credit_note",
        invoice_id,
        lambda mw: {"mode": "full", "reason": "Cancelled order"},
    ),
    billing_write(
        "staff_invoice_cancel",
        lambda mw: [mw.proforma.public_id],
        lambda mw: {"reason": "Ordered twice"},
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_staff_money_page_and_endpoint_is_in_the_table():
    """A new URL of the staff catalog or money pages fails here until this matrix names it."""
    from hostledger.web import urls_staff_money

    assert {pattern.name for pattern in urls_staff_money.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
        assert set(endpoint.expect.values()) <= {200, 302, 403}, endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_staff_money_matrix__ACC_09_ACC_11_CAT_02_BIL_01_BIL_04_BIL_06(
    endpoint: Endpoint, actor: str, money_world: MoneyWorld, client
):
    http = money_world.sign_in(client, actor)
    url = endpoint.url(money_world)
    before = state() if endpoint.method == "POST" else None

    response = (
        http.post(url, endpoint.data(money_world)) if endpoint.method == "POST" else http.get(url)
    )

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused request changed data"
