"""Services through API v1: their life with status history and paid periods (ORD-02, ORD-03),
the staff's activation queue and moves, and servers inside a cloud pool (ORD-05). The clock
stands at Monday 2 March 2026, 10:00 in Tallinn (VAT 24 %)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hostledger.accounts import actions as accounts
from hostledger.subscriptions.models import PoolServer
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import money

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)
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
    """VPS Start 9.90 (Debian 12 free) and Cloud Pool 60.00 (8 vCPU, 16 GB, 200 GB)."""
    return {**factories.make_catalog(), "cloud": factories.make_cloud_tariff()}


@pytest.fixture
def support(db):
    """A support member: clients.view and services.manage."""
    return api_by_token(make_staff_user("support"))


def place(client_user, payer, shop, *, cloud=False, fund: str | None = None) -> dict:
    """Place a one-month order through the API, paying ``fund`` in first."""
    if fund:
        factories.record_payment(client_user.client, None, fund, f"FUND-{fund}")
    body = {
        "tariff": shop["tariff"].public_id,
        "payer": payer.public_id,
        "period_months": 1,
        "start_at_once": True,  # the consumer asks for an early start (ORD-07)
    }
    if cloud:
        body["tariff"] = shop["cloud"].public_id
    else:
        body["os_image"] = shop["os_image"].public_id
    response = api_by_token(client_user).post("/orders", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def pool(client_a, payer, shop, support) -> str:
    """An active cloud pool of 8 vCPU, 16 GB memory and 200 GB disk (74.40 paid)."""
    service_id = place(client_a, payer, shop, cloud=True, fund="74.40")["service_id"]
    assert support.post(f"/staff/services/{service_id}/activate", {}).status_code == 200
    return service_id


def server_body(shop, name: str, cpu: int, ram_gb: int, disk_gb: int) -> dict:
    return {
        "name": name,
        "cpu": cpu,
        "ram_gb": ram_gb,
        "disk_gb": disk_gb,
        "os_image": shop["os_image"].public_id,
    }


# ----------------------------------------------------------------------------- life


def test_a_service_shows_every_move_with_reason_actor_and_time__ORD_02_ORD_03(
    client_a, payer, shop, support
):
    placed = place(client_a, payer, shop, fund="12.28")
    service_id = placed["service_id"]
    support.post(f"/staff/services/{service_id}/activate", {"note": "Built on hv-3."})
    support.post(f"/staff/services/{service_id}/suspend", {"reason": "Abuse report 42"})
    support.post(f"/staff/services/{service_id}/resume", {"reason": "Abuse handled"})

    service = api_by_token(client_a).get(f"/services/{service_id}").json()

    assert service["status"] == "active"
    assert service["commencement_deadline"] == "2026-03-03"
    assert [
        (change["from_status"], change["to_status"], change["reason"], change["changed_by"])
        for change in service["history"]
    ] == [
        (None, "pending", f"Order {placed['number']} placed.", "client"),
        ("pending", "provisioning", "Period paid on 2026-03-02; provisioning started.", "system"),
        (
            "provisioning",
            "active",
            "Activated by staff on 2026-03-02; commencement deadline 2026-03-03 (met). "
            "Built on hv-3.",
            "staff",
        ),
        ("active", "suspended", "Abuse report 42", "staff"),
        ("suspended", "active", "Abuse handled", "staff"),
    ]
    assert {change["changed_at"] for change in service["history"]} == {"2026-03-02T08:00:00Z"}
    assert service["periods"] == [
        {
            "starts_on": "2026-03-02",
            "ends_on": "2026-04-01",
            "amount": money("9.90"),
            "invoice_id": placed["proforma_id"],
        }
    ]
    assert service["pool"] is None


def test_a_move_the_lifecycle_does_not_allow_is_refused_and_nothing_changes__ORD_02(
    client_a, payer, shop, support
):
    service_id = place(client_a, payer, shop, fund="12.28")["service_id"]
    before = database_state()

    resumed = support.post(f"/staff/services/{service_id}/resume", {"reason": "Why not"})
    suspended = support.post(f"/staff/services/{service_id}/suspend", {"reason": "Abuse"})

    assert resumed.status_code == 400
    assert error_of(resumed) == {
        "code": "illegal_transition",
        "message": "A service that is provisioning cannot become active.",
        "fields": {"status": "is provisioning, cannot become active"},
    }
    assert suspended.status_code == 400
    assert database_state() == before


def test_a_move_needs_a_reason__ORD_02(client_a, payer, shop, support):
    service_id = place(client_a, payer, shop, fund="12.28")["service_id"]
    before = database_state()

    response = support.post(f"/staff/services/{service_id}/terminate", {"reason": "   "})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"reason": "This field is required."}
    assert database_state() == before


@pytest.mark.parametrize("role", ["billing", "abuse", "privacy_officer"])
def test_staff_without_services_manage_move_no_service__ORD_02_ACC_11(client_a, payer, shop, role):
    service_id = place(client_a, payer, shop, fund="12.28")["service_id"]
    api = api_by_token(make_staff_user(role))
    before = database_state()

    answers = [
        api.post(f"/staff/services/{service_id}/activate", {}),
        api.post(f"/staff/services/{service_id}/terminate", {"reason": "Contract ended"}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert api.get(f"/staff/services/{service_id}").json()["status"] == "provisioning"
    assert database_state() == before


def test_termination_withdraws_the_unpaid_order_with_its_proforma__ORD_02(
    client_a, payer, shop, support
):
    placed = place(client_a, payer, shop)

    response = support.post(
        f"/staff/services/{placed['service_id']}/terminate", {"reason": "Never paid"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["terminated_at"]) == (
        "terminated",
        "2026-03-02T08:00:00Z",
    )
    order = api_by_token(client_a).get(f"/orders/{placed['id']}").json()
    assert order["status"] == "cancelled"
    proforma = api_by_token(client_a).get(f"/invoices/{placed['proforma_id']}").json()
    assert proforma["status"] == "cancelled"


def test_only_paid_services_wait_for_activation_deadline_first__ORD_03_CAT_03(
    client_a, payer, shop, support
):
    paid = place(client_a, payer, shop, fund="12.28")["service_id"]
    place(client_a, payer, shop)  # not paid: not provisioned, not in the queue

    queue = support.get("/staff/services/activation-queue").json()

    assert [
        (
            row["service"]["id"],
            row["service"]["client_id"],
            row["commencement_deadline"],
            row["working_days_left"],
            row["is_overdue"],
        )
        for row in queue["items"]
    ] == [(paid, client_a.client.public_id, "2026-03-03", 1, False)]


def test_staff_list_services_by_status_family_and_client__ORD_02(
    client_a, client_b, payer, shop, support, pool
):
    payer_b = accounts.payer_create(client=client_b.client, actor=client_b, data=COMPANY)
    vps_of_b = place(client_b, payer_b, shop)["service_id"]

    everything = support.get("/staff/services").json()
    active_cloud = support.get("/staff/services?status=active&family=cloud").json()
    of_b = support.get(f"/staff/services?client={client_b.client.public_id}").json()
    detail = support.get(f"/staff/services/{pool}").json()

    assert [item["id"] for item in everything["items"]] == [vps_of_b, pool]
    assert [item["id"] for item in active_cloud["items"]] == [pool]
    assert [(item["id"], item["status"]) for item in of_b["items"]] == [(vps_of_b, "pending")]
    assert (detail["client_id"], detail["module_name"]) == (client_a.client.public_id, "manual")


def test_clients_see_their_own_services_only__ORD_02(client_a, client_b, payer, shop):
    service_id = place(client_a, payer, shop)["service_id"]

    own = api_by_token(client_a).get("/services?status=pending").json()
    other = api_by_token(client_b).get(f"/services/{service_id}")

    assert [item["id"] for item in own["items"]] == [service_id]
    assert other.status_code == 404
    assert error_of(other)["message"] == "No such service."


def test_a_free_trial_continued_by_a_paid_order_stays_a_trial_for_its_free_days__ORD_02_CAT_04(
    client_a, account, payer, shop
):
    api = api_by_token(client_a)
    trial = api.post(
        "/orders",
        {
            "tariff": shop["tariff"].public_id,
            "payer": payer.public_id,
            "period_months": 1,
            "os_image": shop["os_image"].public_id,
            "trial": True,
        },
    ).json()
    factories.record_payment(account, None, "12.28", "B-1")

    response = api.post(
        f"/services/{trial['service_id']}/trial-continuation",
        {"payer": payer.public_id, "period_months": 1},
    )

    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["status"], order["trial_service_id"], order["service_id"]) == (
        "paid",
        trial["service_id"],
        trial["service_id"],
    )
    assert (order["period_starts_on"], order["net"]) == ("2026-03-12", money("9.90"))
    service = api.get(f"/services/{trial['service_id']}").json()
    # Active only once the paid period begins, on 12 March (the billing run moves it).
    assert service["status"] == "trial"
    assert [change["to_status"] for change in service["history"]] == ["pending", "trial"]


# ----------------------------------------------------------------------------- cloud pools


def test_servers_fill_the_pool_and_no_further__ORD_05(client_a, shop, pool):
    api = api_by_token(client_a)
    web = api.post(f"/services/{pool}/servers", server_body(shop, "Web-1", 4, 8, 100))
    db = api.post(f"/services/{pool}/servers", server_body(shop, "db-1", 2, 8, 60))
    before = database_state()

    too_big = api.post(f"/services/{pool}/servers", server_body(shop, "cache-1", 3, 1, 50))

    assert (web.status_code, db.status_code) == (201, 201)
    assert web.json()["name"] == "web-1"
    assert too_big.status_code == 400
    assert error_of(too_big) == {
        "code": "pool_exceeded",
        "message": "cpu: Only 2 vCPU left in the pool.; ram_gb: Only 0 GB of memory left in "
        "the pool.; disk_gb: Only 40 GB of disk left in the pool.",
        "fields": {
            "cpu": "Only 2 vCPU left in the pool.",
            "ram_gb": "Only 0 GB of memory left in the pool.",
            "disk_gb": "Only 40 GB of disk left in the pool.",
        },
    }
    assert database_state() == before
    usage = api.get(f"/services/{pool}").json()["pool"]
    assert usage == {
        "capacity": {"cpu": 8, "ram_gb": 16, "disk_gb": 200},
        "used": {"cpu": 6, "ram_gb": 16, "disk_gb": 160},
        "free": {"cpu": 2, "ram_gb": 0, "disk_gb": 40},
    }
    listed = api.get(f"/services/{pool}/servers").json()
    assert [(item["name"], item["cpu"]) for item in listed["items"]] == [("db-1", 2), ("web-1", 4)]


def test_a_resize_beyond_the_pool_is_refused_and_a_delete_frees_the_resources__ORD_05(
    client_a, shop, pool
):
    api = api_by_token(client_a)
    web = api.post(f"/services/{pool}/servers", server_body(shop, "web-1", 4, 8, 100)).json()
    db = api.post(f"/services/{pool}/servers", server_body(shop, "db-1", 4, 8, 100)).json()
    before = database_state()

    refused = api.patch(f"/services/{pool}/servers/{web['id']}", {"cpu": 5})
    assert database_state() == before
    deleted = api.delete(f"/services/{pool}/servers/{db['id']}")
    resized = api.patch(f"/services/{pool}/servers/{web['id']}", {"cpu": 8, "disk_gb": 200})

    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"cpu": "Only 4 vCPU left in the pool."}
    assert deleted.status_code == 200
    assert deleted.json()["deleted_at"] == "2026-03-02T08:00:00Z"
    assert resized.status_code == 200
    assert (resized.json()["cpu"], resized.json()["ram_gb"], resized.json()["disk_gb"]) == (
        8,
        8,
        200,
    )
    assert [item["id"] for item in api.get(f"/services/{pool}/servers").json()["items"]] == [
        web["id"]
    ]


def test_another_clients_pool_and_servers_are_not_found__ORD_05(client_a, client_b, shop, pool):
    server = api_by_token(client_a).post(
        f"/services/{pool}/servers", server_body(shop, "web-1", 1, 1, 10)
    )
    server_id = server.json()["id"]
    other = api_by_token(client_b)
    before = database_state()

    answers = [
        other.get(f"/services/{pool}/servers"),
        other.post(f"/services/{pool}/servers", server_body(shop, "evil-1", 1, 1, 10)),
        other.patch(f"/services/{pool}/servers/{server_id}", {"cpu": 2}),
        other.delete(f"/services/{pool}/servers/{server_id}"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert database_state() == before


def test_a_server_is_addressed_through_its_own_pool_only__ORD_05(client_a, payer, shop, pool):
    api = api_by_token(client_a)
    server_id = api.post(f"/services/{pool}/servers", server_body(shop, "web-1", 1, 1, 10)).json()[
        "id"
    ]
    vps = place(client_a, payer, shop)["service_id"]

    response = api.patch(f"/services/{vps}/servers/{server_id}", {"cpu": 2})

    assert response.status_code == 404
    assert PoolServer.objects.get(public_id=server_id).cpu == 1


def test_a_pool_that_is_not_active_takes_no_server__ORD_05(client_a, payer, shop, support, pool):
    support.post(f"/staff/services/{pool}/suspend", {"reason": "Unpaid"})
    api = api_by_token(client_a)
    vps = place(client_a, payer, shop)["service_id"]
    before = database_state()

    suspended = api.post(f"/services/{pool}/servers", server_body(shop, "web-1", 1, 1, 10))
    not_a_pool = api.post(f"/services/{vps}/servers", server_body(shop, "web-1", 1, 1, 10))

    assert suspended.status_code == 400
    assert error_of(suspended)["code"] == "pool_not_active"
    assert not_a_pool.status_code == 400
    assert error_of(not_a_pool)["code"] == "not_a_pool"
    assert database_state() == before


def test_a_read_only_trusted_user_sees_the_pool_but_changes_no_server__ACC_06_ORD_05(
    client_a, trusted_reader, shop, pool
):
    server_id = (
        api_by_token(client_a)
        .post(f"/services/{pool}/servers", server_body(shop, "web-1", 1, 1, 10))
        .json()["id"]
    )
    reader = api_by_token(trusted_reader)
    acting = f"?client={client_a.client.public_id}"
    before = database_state()

    listed = reader.get(f"/services/{pool}/servers{acting}")
    created = reader.post(f"/services/{pool}/servers{acting}", server_body(shop, "x-1", 1, 1, 1))
    deleted = reader.delete(f"/services/{pool}/servers/{server_id}{acting}")

    assert [item["id"] for item in listed.json()["items"]] == [server_id]
    assert (created.status_code, deleted.status_code) == (403, 403)
    assert database_state() == before
