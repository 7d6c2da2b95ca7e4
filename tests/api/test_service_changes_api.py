"""API v1 of plan changes, cancellations, withdrawals and contract notices of services:
prices to the cent, every refusal with its status, code and field, another client's service
a 404, trusted readers read but never write, and a refused call changes nothing (ORD-04,
ORD-06, ORD-07, ORD-08, CAT-03, ACC-06, ACC-11).

``make_service_changes`` builds the objects the rows of tests/api/test_authorization_matrix.py
need for these endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.catalog import actions as catalog
from hostledger.catalog.models import ProductFamily
from hostledger.core.money import Money
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    AddOnChoice,
    order_place,
    service_cancellation_request,
    service_plan_change,
)
from hostledger.subscriptions.models import ServiceCancellation, ServiceChange, ServiceStatus
from tests.api.conftest import (
    api_by_session,
    api_by_token,
    database_state,
    error_of,
    make_client_user,
)
from tests.catalog_helpers import create_published_tariff
from tests.subscriptions.factories import NOW, TODAY, build_catalog, fund

pytestmark = pytest.mark.django_db

MARCH_10 = datetime(2027, 3, 10, 8, 0, tzinfo=UTC)  # 22 of March's 31 days are left


def make_service_changes(client, services: dict) -> dict:
    """What the authorization matrix's rows of the service change endpoints act on, in A's
    world of tests/api/test_authorization_matrix.py (call it right after ``make_services``,
    while the balance is 0.00): a larger cloud tariff to upgrade the pool to, an extra IPv4
    address added to the provisioning VPS that waits for its payment, and a cancellation of
    that VPS due today."""
    large_pool = create_published_tariff(
        family=ProductFamily.objects.get(code="cloud"),
        code="cloud-pool-large",
        name="Cloud Pool Large",
        monthly_fee=Money.of("120.00"),
        specs={"cpu": 16, "ram_gb": 32, "disk_gb": 400},
    )
    vps = services["provisioning_service"]
    add_on = catalog.add_on_create(
        family=vps.family,
        code="matrix-ipv4",
        name="Matrix IPv4",
        monthly_fee=Money.of("2.00"),
        max_quantity=4,
    )
    service_plan_change(service=vps, add_ons=[AddOnChoice(add_on, 1)], actor=client.owner)
    today = timezone.localdate()
    due = service_cancellation_request(
        service=vps, effective_on=today, actor=client.owner, today=today - timedelta(days=30)
    )
    return {"large_pool_tariff": large_pool, "due_cancellation": due}


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    """Monday 1 March 2027, 10:00 in Tallinn; Estonian VAT is 24 %."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def owner(client_a):
    return api_by_token(client_a)


def place(user, shop, *, tariff=None, months=1, add_ons=(), **extra):
    client = user.client
    payer = client.payers.filter(is_default=True).first() or accounts.payer_create(
        client=client,
        actor=user,
        data={
            "kind": "natural",
            "name": "Mari Maasikas",
            "street": "Ahtri 12",
            "city": "Tallinn",
            "country": "EE",
        },
    )
    return order_place(
        client=client,
        payer=payer,
        tariff=tariff or shop.vps_start,
        period_months=months,
        os_image=shop.debian,
        add_ons=list(add_ons),
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        actor=user,
        today=TODAY,
        **extra,
    ).services.get()


def money(amount: str) -> dict:
    return {"amount": amount, "currency": "EUR"}


def path(service, suffix: str = "") -> str:
    return f"/services/{service.public_id}{suffix}"


# ----------------------------------------------------------------------------- plan change


def test_preview_prorates_an_upgrade_to_the_day__ORD_04(owner, client_a, shop, time_machine):
    fund(client_a.client, "30.00")
    service = place(client_a, shop)  # 12.28 paid, 17.72 left
    time_machine.move_to(MARCH_10, tick=False)
    before = database_state()

    response = owner.get(path(service, f"/plan-change/preview?tariff={shop.vps_large.public_id}"))

    assert response.status_code == 200
    # (24.00 - 9.90) * 22 / 31 = 10.00645 -> 10.01 net; 24 % VAT 2.40
    assert response.json() == {
        "service_id": service.public_id,
        "to_tariff_id": shop.vps_large.public_id,
        "direction": "upgrade",
        "lines": [
            {
                "starts_on": "2027-03-01",
                "ends_on": "2027-03-31",
                "first": "2027-03-10",
                "days": 22,
                "period_days": 31,
                "period_delta": money("14.10"),
                "amount": money("10.01"),
            }
        ],
        "net": money("10.01"),
        "vat": money("2.40"),
        "gross": money("12.41"),
        "vat_rate": "24",
        "balance": money("17.72"),
        "paid_from_balance": True,
        "problem": "",
        "fields": {},
    }
    assert database_state() == before


def test_preview_of_add_on_quantities_and_of_a_refused_change__ORD_04(
    owner, client_a, shop, time_machine
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    time_machine.move_to(MARCH_10, tick=False)

    three = owner.get(path(service, f"/plan-change/preview?add_ons={shop.extra_ipv4.public_id}:3"))
    same = owner.get(path(service, "/plan-change/preview"))
    none = owner.get(path(service, "/plan-change/preview?add_ons="))
    bad = owner.get(path(service, "/plan-change/preview?add_ons=three"))
    unknown = owner.get(path(service, "/plan-change/preview?add_ons=add_0000000000000000"))

    # 3 x 2.00 = 6.00 a month more: 6.00 * 22 / 31 = 4.258 -> 4.26 net, 1.02 VAT
    body = three.json()
    assert (body["net"], body["vat"], body["gross"]) == (
        money("4.26"),
        money("1.02"),
        money("5.28"),
    )
    assert body["paid_from_balance"] is False
    assert same.status_code == 200
    assert (same.json()["problem"], same.json()["fields"]) == (
        "The new plan is the same as the current one.",
        {"tariff": "nothing changes"},
    )
    assert none.json()["problem"] == "The new plan is the same as the current one."
    assert bad.status_code == 400 and "add_ons" in error_of(bad)["fields"]
    assert unknown.status_code == 400
    assert error_of(unknown)["fields"] == {"add_ons[0].add_on": "No such add-on."}


def test_an_upgrade_the_balance_covers_applies_at_once__ORD_04(owner, client_a, shop, time_machine):
    fund(client_a.client, "30.00")
    service = place(client_a, shop)
    time_machine.move_to(MARCH_10, tick=False)

    response = owner.post(path(service, "/plan-change"), {"tariff": shop.vps_large.public_id})

    assert response.status_code == 201
    body = response.json()
    assert (body["direction"], body["state"], body["amount"]) == (
        "upgrade",
        "applied",
        money("10.01"),
    )
    assert (body["from_tariff_id"], body["to_tariff_id"]) == (
        shop.vps_start.public_id,
        shop.vps_large.public_id,
    )
    assert body["invoice_id"] == ServiceChange.objects.get().invoice.public_id
    assert balance_of(client_a.client) == Money.of("5.31")


def test_an_unpaid_upgrade_waits_and_is_withdrawn_once__ORD_04_ORD_03(
    owner, client_a, shop, time_machine
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    time_machine.move_to(MARCH_10, tick=False)
    body = {"add_ons": [{"add_on": shop.extra_ipv4.public_id, "quantity": 2}]}

    made = owner.post(path(service, "/plan-change"), body)
    again = owner.post(path(service, "/plan-change"), body)

    assert made.status_code == 201
    assert (made.json()["state"], made.json()["to_add_ons"]) == ("pending", {"vps-extra-ipv4": 2})
    assert again.status_code == 400
    assert error_of(again)["fields"] == {
        "service": "Another change of this service awaits payment."
    }

    withdrawn = owner.post(path(service, "/plan-change/withdraw"))
    before = database_state()
    nothing = owner.post(path(service, "/plan-change/withdraw"))

    assert (withdrawn.status_code, withdrawn.json()["state"]) == (200, "cancelled")
    assert nothing.status_code == 400
    assert error_of(nothing)["code"] == "change_not_pending"
    assert database_state() == before


def test_a_downgrade_credits_the_difference_and_is_listed_with_its_credit__ORD_04(
    owner, client_a, shop, time_machine
):
    fund(client_a.client, "40.00")
    service = place(
        client_a, shop, tariff=shop.vps_large, add_ons=[AddOnChoice(shop.extra_ipv4, 2)]
    )
    time_machine.move_to(MARCH_10, tick=False)

    response = owner.post(
        path(service, "/plan-change"),
        {
            "tariff": shop.vps_start.public_id,
            "add_ons": [{"add_on": shop.extra_ipv4.public_id, "quantity": 1}],
        },
    )

    # (11.90 - 28.00) * 22 / 31 = -11.4258 -> -11.43 net; 14.17 with VAT back
    assert response.status_code == 201
    assert (response.json()["direction"], response.json()["amount"]) == (
        "downgrade",
        money("-11.43"),
    )
    assert balance_of(client_a.client) == Money.of("19.45")
    changes = owner.get(path(service, "/changes")).json()
    assert [credit["net"] for credit in changes["credits"]] == [money("11.43")]
    assert changes["credits"][0]["change_id"] == response.json()["id"]


def test_a_tariff_of_another_family_is_refused_and_changes_nothing__ORD_04(owner, client_a, shop):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    before = database_state()

    response = owner.post(path(service, "/plan-change"), {"tariff": shop.cloud_pool.public_id})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"tariff": "Cloud Pool is a tariff of another product."}
    assert database_state() == before


# ----------------------------------------------------------------------------- cancellation


def test_a_cancellation_needs_the_notice_period_and_is_withdrawn_once__ORD_06(
    owner, client_a, shop
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    before = database_state()

    early = owner.post(path(service, "/cancellation"), {"effective_on": "2027-03-12"})

    assert early.status_code == 400
    assert error_of(early)["fields"] == {"effective_on": "on or after 2027-03-15"}
    assert database_state() == before

    filed = owner.post(path(service, "/cancellation"), {"effective_on": "2027-03-15"})
    twice = owner.post(path(service, "/cancellation"), {"effective_on": "2027-04-15"})

    assert filed.status_code == 201
    assert {key: filed.json()[key] for key in ("kind", "party", "state", "effective_on")} == {
        "kind": "cancellation",
        "party": "client",
        "state": "requested",
        "effective_on": "2027-03-15",
    }
    assert (twice.status_code, error_of(twice)["code"]) == (400, "cancellation_already_requested")

    withdrawn = owner.post(path(service, "/cancellation/withdraw"))
    nothing = owner.post(path(service, "/cancellation/withdraw"))

    assert (withdrawn.status_code, withdrawn.json()["state"]) == (200, "withdrawn")
    assert (nothing.status_code, error_of(nothing)["code"]) == (400, "cancellation_not_open")


# ----------------------------------------------------------------------------- withdrawal


def test_a_consumer_withdraws_within_the_period_and_gets_the_money_back__ORD_07(
    owner, client_a, shop
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)

    response = owner.post(path(service, "/withdrawal"))

    assert response.status_code == 201
    # The balance gets the whole 12.28 back (9.90 + 24 % VAT): that is the refund.
    assert {key: response.json()[key] for key in ("kind", "state", "refund", "refund_net")} == {
        "kind": "withdrawal",
        "state": "carried_out",
        "refund": money("12.28"),
        "refund_net": money("9.90"),
    }
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    assert balance_of(client_a.client) == Money.of("12.28")


def test_withdrawal_after_the_period_or_by_a_company_is_refused__ORD_07(
    owner, client_a, shop, policies, time_machine
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    firm = make_client_user(
        "firm@example.com",
        kind="legal",
        first_name="",
        last_name="",
        company_name="Pilv OÜ",
        registry_code="12345678",
    )
    fund(firm.client, "12.28")
    firm_service = place(firm, shop)
    firm_api = api_by_token(firm)
    time_machine.move_to(datetime(2027, 3, 16, 8, 0, tzinfo=UTC), tick=False)
    before = database_state()

    late = owner.post(path(service, "/withdrawal"))
    company = firm_api.post(path(firm_service, "/withdrawal"))

    assert (late.status_code, error_of(late)["code"]) == (400, "withdrawal_period_over")
    assert error_of(late)["fields"] == {"service": "withdrawal period ended on 2027-03-15"}
    assert (company.status_code, error_of(company)["code"]) == (400, "withdrawal_not_available")
    assert database_state() == before


# ----------------------------------------------------------------------------- contract


def test_contract_notices_take_effect_on_the_days_shown__ORD_08(owner, client_a, shop):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)

    contract = owner.get(path(service, "/changes")).json()["contract"]
    notice = owner.post(path(service, "/contract-notice"), {"kind": "non_renewal"})

    assert contract == {
        "started_on": "2027-03-01",
        "term_ends_on": "2028-02-29",
        "renewal_notice_by": "2028-01-30",
        "non_renewal_effective_on": "2028-03-01",
        "termination_effective_on": "2027-04-01",
        "notice_kind": None,
        "notice_party": None,
        "notice_effective_on": None,
    }
    assert notice.status_code == 201
    assert (notice.json()["kind"], notice.json()["effective_on"]) == (
        "contract_notice",
        "2028-03-01",
    )
    after = owner.get(path(service, "/changes")).json()["contract"]
    assert (after["notice_kind"], after["notice_party"], after["notice_effective_on"]) == (
        "non_renewal",
        "client",
        "2028-03-01",
    )


def test_a_client_cannot_give_the_providers_notice__ORD_08(owner, client_a, shop):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    before = database_state()

    response = owner.post(
        path(service, "/contract-notice"), {"kind": "termination", "party": "provider"}
    )

    assert (response.status_code, error_of(response)["code"]) == (403, "permission_denied")
    assert database_state() == before


# ----------------------------------------------------------------------------- access


def test_another_clients_service_is_not_found_and_a_reader_cannot_write__ACC_06(
    client_a, client_b, trusted_reader, shop
):
    fund(client_a.client, "12.28")
    service = place(client_a, shop)
    query = f"?client={client_a.client.public_id}"
    other = api_by_token(client_b)
    reader = api_by_session(trusted_reader)
    assert reader.get(path(service, "/changes") + query).status_code == 200
    before = database_state()

    assert other.get(path(service, "/changes")).status_code == 404
    assert other.post(path(service, "/withdrawal")).status_code == 404
    refused = reader.post(path(service, "/contract-notice") + query, {"kind": "termination"})
    assert (refused.status_code, error_of(refused)["code"]) == (403, "permission_denied")
    assert database_state() == before


# ----------------------------------------------------------------------------- staff


def test_staff_list_open_requests_due_first_and_carry_out_a_due_one__ORD_06_CAT_03(
    client_a, shop, staff, time_machine
):
    fund(client_a.client, "40.00")
    service = place(client_a, shop, months=3)  # 29.70 net for 1 March to 31 May
    later = place(client_a, shop)  # 3.17 left does not pay it: pending, not cancellable
    assert later.status == ServiceStatus.PENDING
    fund(client_a.client, "9.11")
    from hostledger.subscriptions.actions import client_payments_apply

    client_payments_apply(client=client_a.client, today=TODAY)
    service_cancellation_request(
        service=service, effective_on=date(2027, 4, 15), actor=client_a, today=TODAY
    )
    service_cancellation_request(
        service=later, effective_on=date(2027, 5, 3), actor=client_a, today=TODAY
    )
    support, billing = api_by_token(staff["support"]), api_by_token(staff["billing"])
    time_machine.move_to(datetime(2027, 4, 20, 8, 0, tzinfo=UTC), tick=False)

    listed = support.get("/staff/cancellations").json()
    due = support.get("/staff/cancellations?due=true").json()

    assert [(item["service_id"], item["is_due"]) for item in listed["items"]] == [
        (service.public_id, True),
        (later.public_id, False),
    ]
    assert [item["service_id"] for item in due["items"]] == [service.public_id]

    cancellation = ServiceCancellation.objects.get(service=service)
    not_due = ServiceCancellation.objects.get(service=later)
    before = database_state()
    denied = billing.post(f"/staff/cancellations/{cancellation.public_id}/carry-out")
    early = support.post(f"/staff/cancellations/{not_due.public_id}/carry-out")
    assert (denied.status_code, error_of(denied)["code"]) == (403, "permission_denied")
    assert (early.status_code, error_of(early)["code"]) == (400, "cancellation_not_due")
    assert database_state() == before

    balance_before = balance_of(service.client)
    done = support.post(f"/staff/cancellations/{cancellation.public_id}/carry-out")

    # 15 April to 31 May: 47 of 92 days: 29.70 * 47 / 92 = 15.17 net back; the balance
    # receives the credit notes' gross, and that is what ``refund`` says.
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["refund_net"]) == ("carried_out", money("15.17"))
    received = balance_of(service.client) - balance_before
    assert done.json()["refund"] == money(str(received.amount))
    assert received > Money.of("15.17")
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED


def test_the_matrix_objects_are_what_its_rows_need(client_a, shop):
    """``make_service_changes`` leaves an upgrade awaiting payment and a due cancellation."""
    fund(client_a.client, "12.28")
    vps = place(client_a, shop)
    built = make_service_changes(client_a.client, {"provisioning_service": vps})

    assert ServiceChange.objects.get(service=vps).state == ServiceChange.State.PENDING
    assert built["due_cancellation"].effective_on == timezone.localdate()
    assert built["large_pool_tariff"].family.code == "cloud"
