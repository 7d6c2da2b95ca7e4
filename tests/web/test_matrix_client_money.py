"""Who may open every money page of the client area and send its forms (ACC-06, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in, client B gets 404 for A's top-ups and documents, a read-only
trusted user of A reads everything and writes nothing (403), staff without a client account
are sent to the staff area. The gateway webhook needs no sign-in at all: the signature is
the proof. Every refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from hostledger.core.money import Money
from hostledger.invoicing.actions import (
    credit_note_issue,
    invoice_finalise,
    invoice_pay_from_balance,
    proforma_create,
)
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import CreditNote, Invoice
from hostledger.ledger.actions import top_up_start
from hostledger.ledger.models import GatewayTopUp
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    client_page,
    database_state,
)
from tests.web.test_client_money_pages import (
    bank_payment,
    enable_local_gateway,
    issue_proforma,
    money_state,
    signed_notification,
)


@dataclass
class MoneyWorld:
    """The World of the main matrix, plus client A's money: €50.00 paid in, a proforma the
    balance covers, a paid invoice with a credit note, a company's paid invoice with a credit
    note (their Peppol UBL exists), and a pending local top-up."""

    world: World
    proforma: Invoice
    final_invoice: Invoice
    credit_note: CreditNote
    top_up: GatewayTopUp
    company_invoice: Invoice
    company_credit_note: CreditNote

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_money_world(built_world) -> Iterator[MoneyWorld]:  # noqa: F811  (imported fixture)
    """Built once for the module, in the transaction of ``built_world``; the local gateway's
    key stays set until the module is done."""
    with override_settings():
        enable_local_gateway(settings)
        yield build_money_world(built_world)


@pytest.fixture
def money_world(built_money_world, db) -> MoneyWorld:
    return built_money_world


def build_money_world(world: World) -> MoneyWorld:
    client_a = world.client_a
    today = timezone.localdate()
    bank_payment(client_a, "50.00", reference="MATRIX-0001")
    final_invoice = invoice_pay_from_balance(
        proforma=issue_proforma(client_a, issued_on=today), actor=world.owner_a
    )
    credit_note = credit_note_issue(invoice=final_invoice, full=True, reason="Goodwill")
    proforma = issue_proforma(client_a, issued_on=today)
    top_up = top_up_start(
        client=client_a, gateway_name="local", amount=Money.of("15.00"), actor=world.owner_a
    )
    company_invoice = invoice_finalise(
        proforma=proforma_create(
            client=client_a,
            payer=world.payer_a,
            lines=[LineInput(description="VPS M", quantity="1", unit_price=Money.of("10.00"))],
            issued_on=today,
        ),
        paid_on=today,
    )
    company_credit_note = credit_note_issue(invoice=company_invoice, full=True, reason="Goodwill")
    return MoneyWorld(
        world, proforma, final_invoice, credit_note, top_up, company_invoice, company_credit_note
    )


def state() -> dict:
    return {**database_state(), **money_state()}


def top_up_id(money):
    return [money.top_up.public_id]


def proforma_id(money):
    return [money.proforma.public_id]


def final_id(money):
    return [money.final_invoice.public_id]


def credit_note_id(money):
    return [money.credit_note.public_id]


def company_invoice_id(money):
    return [money.company_invoice.public_id]


def company_credit_note_id(money):
    return [money.company_credit_note.public_id]


def webhook_body(money) -> dict:
    notification = signed_notification(money.top_up)
    return {"body": notification.body, "headers": dict(notification.headers)}


READ_BY_ALL = client_page(owner_a=200, owner_b=200, readonly_a=200)
A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)

ENDPOINTS = [
    # ---- pages
    Endpoint("catalog", READ_BY_ALL),
    Endpoint("billing", READ_BY_ALL),
    Endpoint("statement_csv", READ_BY_ALL),
    Endpoint("top_up", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("top_up_done", A_ONLY_READ, top_up_id),
    Endpoint("local_gateway_pay", A_ONLY_READ, top_up_id),
    Endpoint("invoice_list", READ_BY_ALL),
    Endpoint("invoice_detail", A_ONLY_READ, proforma_id),
    Endpoint("invoice_pdf", A_ONLY_READ, final_id),
    Endpoint("invoice_xml", A_ONLY_READ, final_id),
    Endpoint("invoice_ubl", A_ONLY_READ, company_invoice_id),
    Endpoint("credit_note_detail", A_ONLY_READ, credit_note_id),
    Endpoint("credit_note_pdf", A_ONLY_READ, credit_note_id),
    Endpoint("credit_note_xml", A_ONLY_READ, credit_note_id),
    Endpoint("credit_note_ubl", A_ONLY_READ, company_credit_note_id),
    # ---- writes
    Endpoint(
        "top_up",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda money: {"amount": "10.00", "gateway": "local"},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "local_gateway_pay",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        top_up_id,
        method="POST",
        data=lambda money: {"outcome": "pay"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "invoice_pay",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        proforma_id,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    # A gateway's server calls this: no sign-in and no CSRF token, whoever is signed in.
    Endpoint(
        "gateway_webhook",
        dict.fromkeys(ACTORS, 200),
        lambda money: ["local"],
        method="POST",
        data=webhook_body,
        writers=frozenset(ACTORS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_money_page_of_the_client_area_is_in_the_table():
    """A new URL in urls_client_money fails here until this matrix names it."""
    from hostledger.web import urls_client_money

    assert {pattern.name for pattern in urls_client_money.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


def _send(http, endpoint: Endpoint, money: MoneyWorld):
    url = endpoint.url(money)
    if endpoint.method == "GET":
        return http.get(url)
    if endpoint.name == "gateway_webhook":
        sent = endpoint.data(money)
        return http.post(
            url, data=sent["body"], content_type="application/json", headers=sent["headers"]
        )
    return http.post(url, endpoint.data(money))


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_money_pages_authorization_matrix__ACC_06_BIL_06(
    endpoint: Endpoint, actor: str, money_world: MoneyWorld, client
):
    http = money_world.sign_in(client, actor)
    before = state() if endpoint.method == "POST" else None

    response = _send(http, endpoint, money_world)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES:
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
