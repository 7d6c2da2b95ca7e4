"""The catalog through API v1: clients browse what is offered with the fees in force and the
announced changes; staff with catalog.manage change it (CAT-01 … CAT-06)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hostledger.catalog import actions as catalog
from hostledger.catalog.models import AddOn, MeteredItem, OsImage, PriceVersion, Tariff
from hostledger.core.models import AuditEvent
from tests.api import money_factories as factories
from tests.api.conftest import api_by_session, api_by_token, error_of, make_staff_user
from tests.api.money_factories import money
from tests.catalog.conftest import catalog_state

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)


@pytest.fixture
def offered(db):
    """VPS Start 9.90 with Extra IPv4 2.00, Traffic 0.0043/GB, Debian and Windows images."""
    return factories.make_catalog()


@pytest.fixture
def administrator(db):
    return make_staff_user("administrator")


def _family(body: dict, code: str) -> dict:
    return next(family for family in body["items"] if family["code"] == code)


# ----------------------------------------------------------------------------- browsing


def test_clients_browse_fees_in_force_and_the_next_change__CAT_01_CAT_02_CAT_06(client_a, offered):
    with time_machine.travel(MONDAY, tick=False):
        catalog.price_change_announce(
            tariff=offered["tariff"], new_fee="10.90", effective_from=date(2026, 4, 15)
        )
        response = api_by_token(client_a).get("/catalog/families")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 8
    assert [family["code"] for family in body["items"]] == [
        "domain",
        "shared_hosting",
        "cms_hosting",
        "vps",
        "cloud",
        "dedicated",
        "colocation",
        "licence",
    ]
    vps = _family(body, "vps")
    tariff, metered, add_on = (
        offered["tariff"],
        offered["metered_item"],
        offered["add_on"],
    )
    assert vps["tariffs"] == [
        {
            "id": tariff.public_id,
            "family": "vps",
            "code": "vps-start",
            "name": "VPS Start",
            "description": "",
            "specs": {"cpu": 2, "ram_gb": 4, "disk_gb": 80},
            "monthly_fee": {"amount": "9.90", "currency": "EUR"},
            "next_change": {
                "monthly_fee": {"amount": "10.90", "currency": "EUR"},
                "effective_from": "2026-04-15",
            },
            "add_ons": [
                {
                    "id": add_on.public_id,
                    "code": "extra-ipv4",
                    "name": "Extra IPv4",
                    "description": "",
                    "tariff_id": None,
                    "max_quantity": 16,
                    "monthly_fee": {"amount": "2.00", "currency": "EUR"},
                    "next_change": None,
                }
            ],
            "metered_items": [
                {
                    "id": metered.public_id,
                    "code": "vps-traffic",
                    "name": "Traffic",
                    "unit": "GB",
                    "unit_price": {"amount": "0.004300", "currency": "EUR"},
                    "included_quantity": "100.000000",
                    "tariff_id": tariff.public_id,
                }
            ],
        }
    ]


def test_families_carry_their_terms_trial_and_os_images__CAT_03_CAT_04_CAT_05(client_a, offered):
    body = api_by_token(client_a).get("/catalog/families").json()

    vps, domain, licence = (_family(body, code) for code in ("vps", "domain", "licence"))
    assert (vps["minimum_service_months"], vps["commencement_working_days"]) == (1, 1)
    assert domain["commencement_working_days"] == 5
    assert vps["trial"] == {"max_days": 10, "once_per_client": True}
    assert licence["trial"] == {"max_days": 30, "once_per_client": True}
    assert domain["trial"] is None
    assert vps["os_images"] == [
        {
            "id": offered["os_image"].public_id,
            "code": "debian-12",
            "name": "Debian 12",
            "requires_paid_licence": False,
            "licence_monthly_fee": None,
        },
        {
            "id": offered["paid_os_image"].public_id,
            "code": "windows-2022",
            "name": "Windows Server 2022",
            "requires_paid_licence": True,
            "licence_monthly_fee": {"amount": "25.00", "currency": "EUR"},
        },
    ]
    assert [image["code"] for image in _family(body, "cloud")["os_images"]] == ["debian-12"]
    assert domain["os_images"] == []


def test_browsing_is_paged_like_every_list__CAT_01(client_a, offered):
    body = api_by_token(client_a).get("/catalog/families?limit=2&offset=3").json()

    assert [family["code"] for family in body["items"]] == ["vps", "cloud"]
    assert (body["count"], body["limit"], body["offset"]) == (8, 2, 3)


def test_a_tariff_reads_with_its_family_terms_and_images__CAT_02_CAT_05(client_a, offered):
    tariff = offered["tariff"]

    response = api_by_token(client_a).get(f"/catalog/tariffs/{tariff.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["monthly_fee"] == {"amount": "9.90", "currency": "EUR"}
    assert body["trial"] == {"max_days": 10, "once_per_client": True}
    assert [image["code"] for image in body["os_images"]] == ["debian-12", "windows-2022"]
    assert [item["code"] for item in body["add_ons"]] == ["extra-ipv4"]


def test_a_tariff_no_longer_offered_is_not_found__CAT_02(client_a, offered):
    catalog.tariff_deactivate(tariff=offered["tariff"])

    response = api_by_token(client_a).get(f"/catalog/tariffs/{offered['tariff'].public_id}")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such tariff.", "fields": {}}
    vps = _family(api_by_token(client_a).get("/catalog/families").json(), "vps")
    assert vps["tariffs"] == []


def test_announced_changes_are_listed_soonest_first__CAT_06(client_a, offered):
    with time_machine.travel(MONDAY, tick=False):
        late = catalog.price_change_announce(
            tariff=offered["tariff"],
            new_fee="10.90",
            effective_from=date(2026, 5, 1),
            note="New hardware",
        )
        soon = catalog.price_change_announce(
            add_on=offered["add_on"], new_fee="2.50", effective_from=date(2026, 4, 1)
        )
        body = api_by_token(client_a).get("/catalog/price-changes").json()

    assert [item["id"] for item in body["items"]] == [soon.public_id, late.public_id]
    assert body["items"][0] == {
        "id": soon.public_id,
        "tariff_id": None,
        "add_on_id": offered["add_on"].public_id,
        "family": "vps",
        "code": "extra-ipv4",
        "name": "Extra IPv4",
        "monthly_fee": {"amount": "2.50", "currency": "EUR"},
        "effective_from": "2026-04-01",
        "announced_at": "2026-03-02T08:00:00Z",
        "note": "",
    }
    assert body["items"][1]["note"] == "New hardware"


# ----------------------------------------------------------------------------- staff


def test_staff_create_a_tariff_with_an_exact_fee__CAT_02(administrator):
    response = api_by_token(administrator).post(
        "/staff/catalog/tariffs",
        {
            "family": "vps",
            "code": "vps-pro",
            "name": "VPS Pro",
            "monthly_fee": money("19.90"),
            "specs": {"cpu": 4, "ram_gb": 8, "disk_gb": 160},
            "sort_order": 2,
        },
    )

    assert response.status_code == 201
    body = response.json()
    tariff = Tariff.objects.get(code="vps-pro")
    assert (tariff.monthly_fee_minor, tariff.currency, tariff.family.code) == (1990, "EUR", "vps")
    assert body["id"] == tariff.public_id
    assert body["monthly_fee"] == {"amount": "19.90", "currency": "EUR"}
    assert (body["is_active"], body["sort_order"]) == (True, 2)
    event = AuditEvent.objects.get(action="catalog.tariff.created")
    assert (event.actor_id, event.data["monthly_fee"]) == (administrator.pk, "19.90 EUR")


@pytest.mark.parametrize(
    ("fee", "field", "problem"),
    [
        (money("19.999"), "monthly_fee", "at most 2 decimals"),
        (money("19.90", "USD"), "monthly_fee", "must be in EUR"),
        (money("19.90", "XXY"), "monthly_fee", "not an ISO 4217 currency code"),
        ({"amount": 19.9, "currency": "EUR"}, "monthly_fee.amount", "Must be a string."),
        (money("-1.00"), "monthly_fee.amount", "String should match pattern"),
    ],
)
def test_a_fee_that_is_not_exact_euros_is_refused_naming_the_field__CAT_02_BIL_02(
    administrator, fee, field, problem
):
    api = api_by_token(administrator)
    before = catalog_state()

    response = api.post(
        "/staff/catalog/tariffs",
        {"family": "colocation", "code": "rack-u", "name": "1U", "monthly_fee": fee},
    )

    assert response.status_code == 400
    assert problem in error_of(response)["fields"][field]
    assert catalog_state() == before


def test_a_vps_tariff_must_state_its_resources__CAT_02(administrator):
    api = api_by_token(administrator)
    before = catalog_state()

    response = api.post(
        "/staff/catalog/tariffs",
        {"family": "vps", "code": "vps-x", "name": "VPS X", "monthly_fee": money("5.00")},
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "specs": "Virtual server (VPS) tariffs state cpu as a positive number."
    }
    assert catalog_state() == before


def test_the_fee_of_a_tariff_changes_only_by_an_announcement__CAT_06(administrator, offered):
    tariff = offered["tariff"]
    api = api_by_token(administrator)
    before = catalog_state()

    refused = api.patch(
        f"/staff/catalog/tariffs/{tariff.public_id}", {"monthly_fee": money("1.00")}
    )

    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {
        "monthly_fee": "Announce a price change instead; it applies from the next period (CAT-06)."
    }
    assert catalog_state() == before
    changed = api.patch(
        f"/staff/catalog/tariffs/{tariff.public_id}", {"name": "VPS Start 2", "sort_order": 5}
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["sort_order"]) == ("VPS Start 2", 5)
    assert changed.json()["monthly_fee"] == {"amount": "9.90", "currency": "EUR"}


def test_staff_stop_and_resume_offering_a_tariff__CAT_02(administrator, client_a, offered):
    tariff_id = offered["tariff"].public_id
    api = api_by_token(administrator)

    stopped = api.post(f"/staff/catalog/tariffs/{tariff_id}/deactivate")

    assert (stopped.status_code, stopped.json()["is_active"]) == (200, False)
    assert api_by_token(client_a).get(f"/catalog/tariffs/{tariff_id}").status_code == 404
    listed = api.get("/staff/catalog/tariffs?family=vps").json()
    assert [(item["code"], item["is_active"]) for item in listed["items"]] == [("vps-start", False)]
    resumed = api.post(f"/staff/catalog/tariffs/{tariff_id}/activate")
    assert (resumed.status_code, resumed.json()["is_active"]) == (200, True)
    assert api_by_token(client_a).get(f"/catalog/tariffs/{tariff_id}").status_code == 200


def test_the_staff_list_filters_by_family_and_shows_fees_in_force__CAT_06(administrator, offered):
    with time_machine.travel(MONDAY, tick=False):
        catalog.price_change_announce(
            tariff=offered["tariff"], new_fee="10.90", effective_from=date(2026, 4, 15)
        )
    with time_machine.travel(datetime(2026, 4, 15, 9, tzinfo=TALLINN), tick=False):
        body = api_by_token(administrator).get("/staff/catalog/tariffs").json()
        cloud = api_by_token(administrator).get("/staff/catalog/tariffs?family=cloud").json()

    assert [(item["code"], item["monthly_fee"]["amount"]) for item in body["items"]] == [
        ("vps-start", "10.90")
    ]
    assert cloud == {"items": [], "count": 0, "limit": 50, "offset": 0}


def test_an_add_on_may_be_limited_to_a_tariff_of_its_family__CAT_02(administrator, offered):
    api = api_by_token(administrator)
    tariff_id = offered["tariff"].public_id

    created = api.post(
        "/staff/catalog/add-ons",
        {
            "family": "vps",
            "tariff": tariff_id,
            "code": "snapshots",
            "name": "Snapshots",
            "monthly_fee": money("1.50"),
            "max_quantity": 4,
        },
    )

    assert created.status_code == 201
    assert created.json()["tariff_id"] == tariff_id
    assert created.json()["monthly_fee"] == {"amount": "1.50", "currency": "EUR"}
    assert AddOn.objects.get(code="snapshots").monthly_fee_minor == 150
    before = catalog_state()
    of_another_family = api.post(
        "/staff/catalog/add-ons",
        {
            "family": "cloud",
            "tariff": tariff_id,
            "code": "cloud-ip",
            "name": "IP",
            "monthly_fee": money("1.00"),
        },
    )
    assert of_another_family.status_code == 400
    assert error_of(of_another_family)["fields"] == {
        "tariff": "The tariff is not one of Cloud data center."
    }
    unknown = api.post(
        "/staff/catalog/add-ons",
        {
            "family": "vps",
            "tariff": "trf_0000000000000000",
            "code": "cloud-ip",
            "name": "IP",
            "monthly_fee": money("1.00"),
        },
    )
    assert unknown.status_code == 400
    assert error_of(unknown)["fields"] == {"tariff": "No such tariff."}
    assert catalog_state() == before


def test_staff_change_stop_and_resume_an_add_on__CAT_02(administrator, offered):
    api = api_by_token(administrator)
    add_on_id = offered["add_on"].public_id

    changed = api.patch(f"/staff/catalog/add-ons/{add_on_id}", {"max_quantity": 8})
    stopped = api.post(f"/staff/catalog/add-ons/{add_on_id}/deactivate")
    resumed = api.post(f"/staff/catalog/add-ons/{add_on_id}/activate")

    assert changed.json()["max_quantity"] == 8
    assert stopped.json()["is_active"] is False
    assert resumed.json()["is_active"] is True


def test_a_metered_unit_price_is_exact_to_six_decimals__CAT_02_BIL_02(administrator):
    api = api_by_token(administrator)

    created = api.post(
        "/staff/catalog/metered-items",
        {
            "family": "cloud",
            "code": "disk-gb-hour",
            "name": "Cloud disk",
            "unit": "GB-hour",
            "unit_price": "0.000125",
            "included_quantity": "720.5",
        },
    )

    assert created.status_code == 201
    body = created.json()
    assert body["unit_price"] == {"amount": "0.000125", "currency": "EUR"}
    assert (body["included_quantity"], body["family"], body["tariff_id"]) == (
        "720.500000",
        "cloud",
        None,
    )
    item = MeteredItem.objects.get(code="disk-gb-hour")
    assert (item.unit_price_micro, item.included_quantity_micro) == (125, 720_500_000)
    before = catalog_state()
    too_fine = api.post(
        "/staff/catalog/metered-items",
        {
            "family": "cloud",
            "code": "ram-gb-hour",
            "name": "RAM",
            "unit": "GB-hour",
            "unit_price": "0.0000001",
        },
    )
    assert too_fine.status_code == 400
    assert list(error_of(too_fine)["fields"]) == ["unit_price"]
    assert catalog_state() == before


def test_the_unit_price_of_a_metered_item_is_fixed_once_offered__CAT_06(administrator, offered):
    item_id = offered["metered_item"].public_id
    api = api_by_token(administrator)
    before = catalog_state()

    refused = api.patch(f"/staff/catalog/metered-items/{item_id}", {"unit_price": "0.01"})

    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"unit_price": "Unknown field."}
    assert catalog_state() == before
    changed = api.patch(f"/staff/catalog/metered-items/{item_id}", {"included_quantity": "200"})
    assert changed.json()["included_quantity"] == "200.000000"
    assert api.post(f"/staff/catalog/metered-items/{item_id}/deactivate").json()["is_active"] is (
        False
    )
    assert api.post(f"/staff/catalog/metered-items/{item_id}/activate").json()["is_active"]


def test_an_image_needing_a_paid_licence_carries_its_fee__CAT_05(administrator):
    api = api_by_token(administrator)
    before = catalog_state()

    without_fee = api.post(
        "/staff/catalog/os-images",
        {
            "code": "cpanel",
            "name": "AlmaLinux with cPanel",
            "families": ["vps"],
            "requires_paid_licence": True,
        },
    )
    for_domains = api.post(
        "/staff/catalog/os-images", {"code": "x", "name": "X", "families": ["domain"]}
    )

    assert without_fee.status_code == 400
    assert list(error_of(without_fee)["fields"]) == ["licence_monthly_fee"]
    assert for_domains.status_code == 400
    assert list(error_of(for_domains)["fields"]) == ["families.0"]
    assert catalog_state() == before
    created = api.post(
        "/staff/catalog/os-images",
        {
            "code": "cpanel",
            "name": "AlmaLinux with cPanel",
            "families": ["dedicated", "vps"],
            "requires_paid_licence": True,
            "licence_monthly_fee": money("15.99"),
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["licence_monthly_fee"] == {"amount": "15.99", "currency": "EUR"}
    assert body["families"] == ["dedicated", "vps"]
    assert OsImage.objects.get(code="cpanel").licence_monthly_fee_minor == 1599


def test_an_image_turned_free_drops_its_licence_fee__CAT_05(administrator, offered):
    image_id = offered["paid_os_image"].public_id
    api = api_by_token(administrator)

    changed = api.patch(
        f"/staff/catalog/os-images/{image_id}",
        {"requires_paid_licence": False, "families": ["vps", "cloud"]},
    )

    assert changed.status_code == 200
    assert changed.json()["licence_monthly_fee"] is None
    assert changed.json()["families"] == ["cloud", "vps"]
    assert OsImage.objects.get(code="windows-2022").licence_monthly_fee_minor == 0
    assert api.post(f"/staff/catalog/os-images/{image_id}/deactivate").json()["is_active"] is (
        False
    )
    assert api.post(f"/staff/catalog/os-images/{image_id}/activate").json()["is_active"]


def test_a_price_change_needs_the_notice_period__CAT_06(administrator, offered):
    tariff_id = offered["tariff"].public_id
    api = api_by_token(administrator)
    before = catalog_state()

    with time_machine.travel(MONDAY, tick=False):
        too_soon = api.post(
            "/staff/catalog/price-versions",
            {"tariff": tariff_id, "new_fee": money("10.90"), "effective_from": "2026-03-31"},
        )
        announced = api.post(
            "/staff/catalog/price-versions",
            {
                "tariff": tariff_id,
                "new_fee": money("10.90"),
                "effective_from": "2026-04-01",
                "note": "New hardware",
            },
        )
        listed = api.get(f"/staff/catalog/price-versions?tariff={tariff_id}")

    assert too_soon.status_code == 400
    assert error_of(too_soon)["code"] == "price_change_notice_too_short"
    assert error_of(too_soon)["fields"] == {"effective_from": "on or after 2026-04-01"}
    assert announced.status_code == 201
    version = PriceVersion.objects.get()
    assert (version.monthly_fee_minor, version.announced_by_id) == (1090, administrator.pk)
    assert announced.json() == {
        "id": version.public_id,
        "tariff_id": tariff_id,
        "add_on_id": None,
        "monthly_fee": {"amount": "10.90", "currency": "EUR"},
        "effective_from": "2026-04-01",
        "announced_at": "2026-03-02T08:00:00Z",
        "status": "draft",
        "note": "New hardware",
        "withdrawn_at": None,
    }
    assert [item["id"] for item in listed.json()["items"]] == [version.public_id]
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        late = api.post(f"/staff/catalog/price-versions/{version.public_id}/publish")
    assert (late.status_code, error_of(late)["code"]) == (400, "price_change_notice_too_short")
    with time_machine.travel(MONDAY, tick=False):
        published = api.post(f"/staff/catalog/price-versions/{version.public_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert len(catalog_state()["catalog.PriceVersion"]) == len(before["catalog.PriceVersion"]) + 1


def test_a_price_change_names_one_tariff_or_add_on__CAT_06(administrator, offered):
    api = api_by_token(administrator)
    before = catalog_state()

    both = api.post(
        "/staff/catalog/price-versions",
        {
            "tariff": offered["tariff"].public_id,
            "add_on": offered["add_on"].public_id,
            "new_fee": money("3.00"),
            "effective_from": factories.in_days(60),
        },
    )
    neither = api.get("/staff/catalog/price-versions")
    for_add_on = api.post(
        "/staff/catalog/price-versions",
        {
            "add_on": offered["add_on"].public_id,
            "new_fee": money("2.50"),
            "effective_from": factories.in_days(60),
        },
    )

    assert both.status_code == neither.status_code == 400
    assert error_of(both)["code"] == error_of(neither)["code"] == "invalid_price_target"
    assert for_add_on.status_code == 201
    assert for_add_on.json()["add_on_id"] == offered["add_on"].public_id
    assert len(catalog_state()["catalog.PriceVersion"]) == len(before["catalog.PriceVersion"]) + 1


@pytest.mark.parametrize("role", ["support", "billing"])
def test_staff_without_catalog_manage_change_nothing__CAT_02_ACC_11(role, offered):
    member = make_staff_user(role)
    by_session, by_token = api_by_session(member), api_by_token(member)
    before = catalog_state()

    responses = [
        by_session.post(
            "/staff/catalog/tariffs",
            {"family": "licence", "code": "m365", "name": "M365", "monthly_fee": money("5.00")},
        ),
        by_token.post(f"/staff/catalog/tariffs/{offered['tariff'].public_id}/deactivate"),
    ]

    assert [response.status_code for response in responses] == [403, 403]
    assert catalog_state() == before


def test_staff_list_every_item_offered_or_not__CAT_02_CAT_05(administrator, offered):
    retired = factories.make_retired_catalog()
    api = api_by_token(administrator)

    add_ons = api.get("/staff/catalog/add-ons?family=vps").json()
    metered = api.get("/staff/catalog/metered-items?family=vps").json()
    images = api.get("/staff/catalog/os-images").json()
    no_family = api.get("/staff/catalog/add-ons")

    assert [(item["code"], item["is_active"]) for item in add_ons["items"]] == [
        ("old-backup", False),
        ("extra-ipv4", True),
    ]
    assert add_ons["items"][1]["monthly_fee"] == money("2.00")
    assert [(item["code"], item["tariff_id"]) for item in metered["items"]] == [
        ("vps-traffic", offered["tariff"].public_id),
        ("old-traffic", None),
    ]
    assert metered["items"][0]["unit_price"] == {"amount": "0.004300", "currency": "EUR"}
    assert [(item["code"], item["is_active"]) for item in images["items"]] == [
        ("centos-7", False),
        ("debian-12", True),
        ("windows-2022", True),
    ]
    assert images["items"][1]["families"] == ["cloud", "vps"]
    assert retired["old_os_image"].public_id == images["items"][0]["id"]
    assert no_family.status_code == 400
    assert error_of(no_family)["fields"] == {"family": "This field is required."}
    assert api.get("/staff/catalog/metered-items?family=cloud").json()["count"] == 0
