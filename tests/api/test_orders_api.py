"""Orders through API v1: placing, reading and withdrawing them, and the staff list (ORD-01,
ORD-03, CAT-04). The clock stands at Monday 2 March 2026, 10:00 in Tallinn (VAT 24 %)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hostledger.accounts import actions as accounts
from hostledger.catalog import actions as catalog
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import client_payments_apply
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import eur, money

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)
MONDAY_UTC = "2026-03-02T08:00:00Z"
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)


@pytest.fixture
def account(client_a):
    return client_a.client


@pytest.fixture
def payer(client_a, account):
    return accounts.payer_create(client=account, actor=client_a, data=COMPANY)


@pytest.fixture
def shop(db):
    """VPS Start 9.90, Extra IPv4 2.00, Debian 12 (free), Windows Server 2022 (25.00)."""
    return factories.make_catalog()


def vps_order(shop, payer, **changes) -> dict:
    body = {
        "tariff": shop["tariff"].public_id,
        "payer": payer.public_id,
        "period_months": 1,
        "os_image": shop["os_image"].public_id,
        "start_at_once": True,  # the consumer asks for an early start (ORD-07)
    }
    body.update(changes)
    return body


# ----------------------------------------------------------------------------- clients


def test_an_order_records_what_was_asked_at_its_prices_and_is_paid_from_the_balance__ORD_01_ORD_03(
    client_a, account, payer, shop
):
    factories.record_payment(account, None, "200.00", "B-1")
    body = vps_order(
        shop,
        payer,
        period_months=3,
        os_image=shop["paid_os_image"].public_id,
        add_ons=[{"add_on": shop["add_on"].public_id, "quantity": 2}],
        start_at_once=True,
    )

    response = api_by_token(client_a).post("/orders", body)

    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "paid"
    assert order["family"] == "vps"
    assert (order["period_starts_on"], order["period_ends_on"]) == ("2026-03-02", "2026-06-01")
    assert (order["is_trial"], order["start_at_once"]) == (False, True)
    assert order["tariff_specs"] == {"cpu": 2, "ram_gb": 4, "disk_gb": 80}
    assert [
        tuple(
            item[name] for name in ("kind", "name", "monthly_fee", "quantity", "months", "amount")
        )
        for item in order["items"]
    ] == [
        ("tariff", "VPS Start", money("9.90"), 1, 3, money("29.70")),
        ("add_on", "Extra IPv4", money("2.00"), 2, 3, money("12.00")),
        ("os_licence", "Windows Server 2022 licence", money("25.00"), 1, 3, money("75.00")),
    ]
    assert order["net"] == money("116.70")
    # 29.70 + 12.00 + 75.00 net, 7.13 + 2.88 + 18.00 VAT at 24 % per line: 144.71 gross
    assert balance_of(account) == eur("55.29")
    invoice = api_by_token(client_a).get(f"/invoices/{order['proforma_id']}").json()
    assert (invoice["kind"], invoice["gross"]) == ("final", money("144.71"))
    service = api_by_token(client_a).get(f"/services/{order['service_id']}").json()
    assert service["status"] == "provisioning"
    assert service["add_ons"] == [
        {
            "add_on_id": shop["add_on"].public_id,
            "code": "extra-ipv4",
            "name": "Extra IPv4",
            "quantity": 2,
        }
    ]


def test_the_fees_stay_as_ordered_after_the_catalog_changes__ORD_01(client_a, account, payer, shop):
    api = api_by_token(client_a)
    order_id = api.post("/orders", vps_order(shop, payer)).json()["id"]
    catalog.tariff_update(tariff=shop["tariff"], data={"name": "VPS Start 2"}, actor=None)

    order = api.get(f"/orders/{order_id}").json()

    assert [(item["name"], item["monthly_fee"]) for item in order["items"]] == [
        ("VPS Start", money("9.90"))
    ]


def test_an_order_the_balance_does_not_cover_waits_and_nothing_is_provisioned__ORD_03(
    client_a, account, payer, shop
):
    api = api_by_token(client_a)

    placed = api.post("/orders", vps_order(shop, payer)).json()
    waiting = api.get(f"/services/{placed['service_id']}").json()
    proforma = api.get(f"/invoices/{placed['proforma_id']}").json()
    factories.record_payment(account, None, "12.28", "B-1")
    client_payments_apply(client=account)
    paid = api.get(f"/orders/{placed['id']}").json()
    started = api.get(f"/services/{placed['service_id']}").json()

    assert (placed["status"], waiting["status"], waiting["periods"]) == ("placed", "pending", [])
    assert (proforma["status"], proforma["gross"]) == ("issued", money("12.28"))
    assert (paid["status"], paid["paid_at"]) == ("paid", MONDAY_UTC)
    assert started["status"] == "provisioning"
    assert started["periods"] == [
        {
            "starts_on": "2026-03-02",
            "ends_on": "2026-04-01",
            "amount": money("9.90"),
            "invoice_id": placed["proforma_id"],
        }
    ]
    assert balance_of(account) == eur("0.00")


def test_every_bad_field_of_an_order_is_named_and_nothing_is_written__ORD_01(client_a, payer, shop):
    api = api_by_token(client_a)
    before = database_state()

    refused = api.post("/orders", vps_order(shop, payer, period_months=2, os_image=None))
    unknown = api.post(
        "/orders", vps_order(shop, payer, add_ons=[{"add_on": "add_0000000000000000"}])
    )

    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {
        "period_months": "Choose a period of 1, 3, 6, 12 months.",
        "os_image": "Choose the operating system of the Virtual server (VPS).",
    }
    assert unknown.status_code == 400
    assert error_of(unknown)["fields"] == {"add_ons[0].add_on": "No such add-on."}
    assert database_state() == before


def test_another_clients_payer_cannot_pay_an_order__ORD_01(client_a, client_b, shop):
    payer_b = accounts.payer_create(client=client_b.client, actor=client_b, data=COMPANY)
    api = api_by_token(client_a)
    before = database_state()

    response = api.post("/orders", vps_order(shop, payer_b))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"payer": "No such payer."}
    assert database_state() == before


def test_a_free_trial_bills_nothing_and_the_service_is_on_trial__ORD_01_ORD_02(
    client_a, payer, shop
):
    api = api_by_token(client_a)

    order = api.post("/orders", vps_order(shop, payer, trial=True)).json()
    service = api.get(f"/services/{order['service_id']}").json()

    assert (order["status"], order["is_trial"], order["trial_days"]) == ("free_trial", True, 10)
    assert (order["net"], order["proforma_id"]) == (money("0.00"), None)
    assert (service["status"], service["trial_ends_on"]) == ("trial", "2026-03-11")


def test_orders_list_newest_first_and_are_the_clients_own__ORD_01(
    client_a, client_b, payer, shop, time_machine
):
    api = api_by_token(client_a)
    first = api.post("/orders", vps_order(shop, payer)).json()["id"]
    time_machine.move_to(datetime(2026, 3, 2, 11, 0, tzinfo=TALLINN), tick=False)
    second = api.post("/orders", vps_order(shop, payer, period_months=6)).json()["id"]

    everything = api.get("/orders").json()
    paid = api.get("/orders?status=paid").json()
    other = api_by_token(client_b).get(f"/orders/{first}")

    assert [item["id"] for item in everything["items"]] == [second, first]
    assert everything["count"] == 2
    assert paid["items"] == []
    assert other.status_code == 404
    assert error_of(other) == {"code": "not_found", "message": "No such order.", "fields": {}}


def test_a_read_only_trusted_user_reads_orders_but_places_none__ACC_06_ORD_01(
    client_a, trusted_reader, account, payer, shop
):
    order_id = api_by_token(client_a).post("/orders", vps_order(shop, payer)).json()["id"]
    reader = api_by_token(trusted_reader)
    before = database_state()

    listed = reader.get(f"/orders?client={account.public_id}")
    placed = reader.post(f"/orders?client={account.public_id}", vps_order(shop, payer))
    cancelled = reader.post(f"/orders/{order_id}/cancel?client={account.public_id}", {})

    assert [item["id"] for item in listed.json()["items"]] == [order_id]
    assert (placed.status_code, cancelled.status_code) == (403, 403)
    assert error_of(placed)["code"] == "permission_denied"
    assert database_state() == before


def test_an_unpaid_order_is_withdrawn_with_its_proforma_and_service__ORD_01(
    client_a, account, payer, shop
):
    api = api_by_token(client_a)
    placed = api.post("/orders", vps_order(shop, payer)).json()

    response = api.post(f"/orders/{placed['id']}/cancel", {"reason": "Ordered by mistake"})
    again = api.post(f"/orders/{placed['id']}/cancel", {})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancelled_at"]) == (
        "cancelled",
        MONDAY_UTC,
    )
    assert api.get(f"/invoices/{placed['proforma_id']}").json()["status"] == "cancelled"
    history = api.get(f"/services/{placed['service_id']}").json()["history"]
    assert [(change["to_status"], change["reason"]) for change in history] == [
        ("pending", f"Order {placed['number']} placed."),
        ("terminated", "Ordered by mistake"),
    ]
    assert again.status_code == 400
    assert error_of(again)["code"] == "order_not_open"


def test_a_paid_order_is_not_withdrawn_and_nothing_changes__ORD_01(client_a, account, payer, shop):
    factories.record_payment(account, None, "12.28", "B-1")
    api = api_by_token(client_a)
    order_id = api.post("/orders", vps_order(shop, payer)).json()["id"]
    before = database_state()

    response = api.post(f"/orders/{order_id}/cancel", {})

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "order_not_open",
        "message": "The order is paid; only an unpaid order can be withdrawn.",
        "fields": {"order": "status is paid"},
    }
    assert database_state() == before


# ----------------------------------------------------------------------------- staff


def test_staff_list_orders_of_every_client_by_status_family_and_client__ORD_01(
    client_a, client_b, account, payer, shop
):
    payer_b = accounts.payer_create(client=client_b.client, actor=client_b, data=COMPANY)
    factories.record_payment(account, None, "12.28", "B-1")
    paid = api_by_token(client_a).post("/orders", vps_order(shop, payer)).json()["id"]
    waiting = api_by_token(client_b).post("/orders", vps_order(shop, payer_b)).json()["id"]
    staff = api_by_token(make_staff_user("abuse"))

    everything = staff.get("/staff/orders").json()
    of_a = staff.get(f"/staff/orders?client={account.public_id}").json()
    placed = staff.get("/staff/orders?status=placed&family=vps").json()
    cloud = staff.get("/staff/orders?family=cloud").json()
    detail = staff.get(f"/staff/orders/{paid}").json()

    assert {item["id"] for item in everything["items"]} == {paid, waiting}
    assert [(item["id"], item["client_id"]) for item in of_a["items"]] == [
        (paid, account.public_id)
    ]
    assert [item["id"] for item in placed["items"]] == [waiting]
    assert cloud["items"] == []
    assert (detail["client_id"], detail["net"]) == (account.public_id, money("9.90"))


def test_clients_cannot_list_the_orders_of_all_clients__ORD_01_ACC_11(client_a):
    response = api_by_token(client_a).get("/staff/orders")

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
