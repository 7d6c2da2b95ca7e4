"""Usage through API v1 (BIL-08, CAT-02): staff with services.manage deliver usage records in
batches, stored once per source and external id (habit 2); a client and its trusted users
read a service's usage of a month with what is included and billable; another client's
service is a 404 (habit 6)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.metering.actions import usage_bill_period, usage_records_ingest
from hostledger.metering.models import UsageRecord
from tests.api.conftest import api_by_session, api_by_token, database_state, error_of
from tests.metering.factories import (
    APRIL_FIRST,
    APRIL_NOW,
    MARCH_END,
    MARCH_START,
    add_metered_items,
    at,
    paid_vps,
    usage,
)
from tests.subscriptions.factories import NOW, build_catalog, fund, new_payer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client_a, time_machine):
    """Client A's VPS Start, ordered and paid on 1 March 2027; the clock then at 1 April."""
    time_machine.move_to(NOW, tick=True)
    shop = build_catalog()
    items = add_metered_items(shop)
    account = client_a.client
    payer = new_payer(account)
    service = paid_vps(account, payer, shop)
    time_machine.move_to(APRIL_NOW, tick=True)
    return {"service": service, "items": items, "account": account, "payer": payer}


def row(service, item, quantity: str, start, **fields) -> dict:
    """One record as the API takes it."""
    values = usage(service, item, quantity, start, **fields)
    return {
        **values,
        "service": service.public_id,
        "metered_item": item.public_id,
        "window_start": values["window_start"].isoformat(),
        "window_end": values["window_end"].isoformat(),
    }


def march_rows(world) -> list[dict]:
    service, items = world["service"], world["items"]
    return [
        row(service, items.traffic, "600", at(MARCH_START, 10), external_id="t-1"),
        row(service, items.traffic, "534.5", at(date(2027, 3, 15), 10), external_id="t-2"),
        row(service, items.cpu, "10", at(date(2027, 3, 2), 9), external_id="c-1"),
    ]


def test_staff_deliver_a_batch_once__BIL_08(world, staff):
    api = api_by_token(staff["support"])

    response = api.post("/staff/usage-records", {"rows": march_rows(world)})

    assert response.status_code == 200, response.json()
    assert response.json() == {"received": 3, "created": 3, "duplicates": 0}
    assert sorted(UsageRecord.objects.values_list("external_id", "quantity_micro")) == [
        ("c-1", 10_000_000),
        ("t-1", 600_000_000),
        ("t-2", 534_500_000),
    ]
    assert set(UsageRecord.objects.values_list("service_id", flat=True)) == {world["service"].pk}
    before = database_state()

    again = api.post("/staff/usage-records", {"rows": march_rows(world)})

    assert again.status_code == 200
    assert again.json() == {"received": 3, "created": 0, "duplicates": 3}
    assert database_state() == before


def test_a_redelivery_with_another_quantity_answers_400_and_stores_nothing__BIL_08(world, staff):
    api = api_by_token(staff["administrator"])
    api.post("/staff/usage-records", {"rows": march_rows(world)})
    before = database_state()
    changed = march_rows(world)
    changed[1]["quantity"] = "534.6"
    changed.append(
        row(world["service"], world["items"].cpu, "1", at(date(2027, 3, 20), 9), external_id="n")
    )

    response = api.post("/staff/usage-records", {"rows": changed})

    assert response.status_code == 400
    assert error_of(response)["code"] == "usage_record_conflict"
    assert error_of(response)["fields"] == {
        "rows[1].external_id": "already recorded with other figures"
    }
    assert database_state() == before


def test_bad_rows_answer_400_naming_the_row_and_field__BIL_08_CAT_02(world, staff):
    api = api_by_token(staff["support"])
    rows = march_rows(world)
    rows[0]["metered_item"] = world["items"].cloud_disk.public_id
    rows[2]["window_end"] = at(date(2027, 3, 2), 8).isoformat()
    rows.append(row(world["service"], world["items"].cpu, "1", at(MARCH_START, 1)))
    rows[3]["service"] = "svc_0000000000000000"
    before = database_state()

    response = api.post("/staff/usage-records", {"rows": rows})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "rows[0].metered_item": "Not a metered item of the service's tariff.",
        "rows[2].window_end": "The window ends before it starts.",
        "rows[3].service": "No such service.",
    }
    assert database_state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "-1"}, "rows.0.quantity"),
        ({"quantity": 1.5}, "rows.0.quantity"),
        ({"window_start": "2027-03-01T10:00:00"}, "rows.0.window_start"),
        ({"window_end": "0001-01-01T00:00:00+00:00"}, "rows.0.window_end"),
        ({"surplus": "x"}, "rows.0.surplus"),
    ],
    ids=["negative quantity", "number quantity", "no offset", "year one", "unknown field"],
)
def test_input_outside_the_schema_answers_400_naming_the_field(world, staff, change, field):
    api = api_by_token(staff["support"])
    rows = march_rows(world)[:1]
    rows[0].update(change)

    response = api.post("/staff/usage-records", {"rows": rows})

    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not UsageRecord.objects.exists()


def test_an_empty_batch_answers_400(world, staff):
    response = api_by_token(staff["support"]).post("/staff/usage-records", {"rows": []})

    assert response.status_code == 400
    assert "rows" in error_of(response)["fields"]


@pytest.mark.parametrize("who", ["billing", "abuse", "privacy_officer", "client_a"])
def test_delivering_usage_needs_services_manage(world, staff, client_a, who):
    api = api_by_token(client_a if who == "client_a" else staff[who])
    before = database_state()

    response = api.post("/staff/usage-records", {"rows": march_rows(world)})

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert database_state() == before


def test_delivering_usage_needs_a_credential(world, anonymous):
    response = anonymous.post("/staff/usage-records", {"rows": march_rows(world)})

    assert response.status_code == 401
    assert not UsageRecord.objects.exists()


def test_the_client_reads_the_months_usage_with_included_and_billable__BIL_08_CAT_02(
    world, client_a
):
    usage_records_ingest(
        rows=[
            usage(world["service"], world["items"].traffic, "600", at(MARCH_START, 10)),
            usage(world["service"], world["items"].traffic, "534.5", at(MARCH_END, 10)),
            usage(world["service"], world["items"].cpu, "10", at(MARCH_END, 11)),
        ]
    )
    items = world["items"]

    response = api_by_token(client_a, ("read",)).get(
        f"/services/{world['service'].public_id}/usage?period=2027-03"
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "service_id": world["service"].public_id,
        "period": "2027-03",
        "period_start": "2027-03-01",
        "period_end": "2027-03-31",
        "billed": False,
        "items": [
            {
                "metered_item_id": items.traffic.public_id,
                "code": "vps-traffic",
                "name": "Traffic",
                "unit": "GB",
                "unit_price": {"amount": "0.004300", "currency": "EUR"},
                "used": "1134.500000",
                "included": "100.000000",
                "billable": "1034.500000",
                "amount": {"amount": "4.45", "currency": "EUR"},  # 4.44835
                "billed": False,
                "invoice_id": None,
            },
            {
                "metered_item_id": items.cpu.public_id,
                "code": "vps-cpu-hours",
                "name": "CPU time",
                "unit": "vCPU-hour",
                "unit_price": {"amount": "0.012500", "currency": "EUR"},
                "used": "10.000000",
                "included": "0.000000",
                "billable": "10.000000",
                "amount": {"amount": "0.13", "currency": "EUR"},  # 0.125, half up
                "billed": False,
                "invoice_id": None,
            },
        ],
        "total": {"amount": "4.58", "currency": "EUR"},
    }


def test_a_billed_month_shows_the_figures_billed_and_the_invoice__BIL_08(world, client_a):
    service, items = world["service"], world["items"]
    usage_records_ingest(rows=[usage(service, items.traffic, "1100", at(MARCH_START, 10))])
    fund(world["account"], "10.00", on=APRIL_FIRST)
    bill = usage_bill_period(
        service=service, period_start=MARCH_START, period_end=MARCH_END, today=APRIL_FIRST
    )

    body = api_by_session(client_a).get(f"/services/{service.public_id}/usage?period=2027-03")

    assert body.status_code == 200
    data = body.json()
    assert data["billed"] is True
    assert [(item["code"], item["billed"], item["invoice_id"]) for item in data["items"]] == [
        ("vps-traffic", True, bill.invoice.public_id),
        ("vps-cpu-hours", False, None),
    ]
    assert data["total"] == {"amount": "4.30", "currency": "EUR"}  # 1000 GB x 0.0043


def test_without_a_period_the_current_month_is_shown__BIL_08(world, client_a):
    usage_records_ingest(
        rows=[usage(world["service"], world["items"].cpu, "3", at(APRIL_FIRST, 1))]
    )

    response = api_by_token(client_a).get(f"/services/{world['service'].public_id}/usage")

    assert response.status_code == 200
    data = response.json()
    assert (data["period"], data["period_start"], data["period_end"]) == (
        "2027-04",
        "2027-04-01",
        "2027-04-30",
    )
    assert [item["used"] for item in data["items"]] == ["0.000000", "3.000000"]


def test_a_trusted_reader_reads_the_usage_of_the_account_that_granted_access__BIL_08(
    world, trusted_reader
):
    path = f"/services/{world['service'].public_id}/usage?client={world['account'].public_id}"

    response = api_by_token(trusted_reader, ("read",)).get(path)

    assert response.status_code == 200
    assert response.json()["service_id"] == world["service"].public_id


@pytest.mark.parametrize("acting_in_a", [False, True])
def test_another_clients_service_answers_404(world, client_b, acting_in_a):
    path = f"/services/{world['service'].public_id}/usage"
    if acting_in_a:
        path += f"?client={world['account'].public_id}"

    response = api_by_token(client_b).get(path)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_staff_without_a_client_account_get_404_on_the_client_path(world, staff):
    path = f"/services/{world['service'].public_id}/usage?client={world['account'].public_id}"

    response = api_by_token(staff["administrator"]).get(path)

    assert response.status_code == 404


@pytest.mark.parametrize("period", ["2027-13", "27-03", "2027-3", "3000-01"])
def test_a_malformed_period_answers_400_naming_it(world, client_a, period):
    response = api_by_token(client_a).get(
        f"/services/{world['service'].public_id}/usage?period={period}"
    )

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"period"}


def test_the_usage_operations_are_documented(world, anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]

    read = paths["/api/v1/services/{service_id}/usage"]["get"]
    ingest = paths["/api/v1/staff/usage-records"]["post"]

    assert set(read["responses"]) == {"200", "400", "401", "403", "404"}
    assert set(ingest["responses"]) == {"200", "400", "401", "403", "413"}
    assert read["tags"] == ["Usage"]
    assert ingest["tags"] == ["Staff: usage"]
