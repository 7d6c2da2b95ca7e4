"""Staff pages of the catalog: families and their terms (CAT-01, CAT-03), tariffs, add-ons and
metered items (CAT-02), OS images (CAT-05) and announced price changes (CAT-06).

Each form is shown to work and to refuse bad input naming the field with nothing written;
staff without ``catalog.manage`` get 403 (ACC-11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hostledger.catalog.models import AddOn, MeteredItem, OsImage, PriceVersion, Tariff
from hostledger.core.registry import provider_setting_change
from tests.web.conftest import login, make_staff_user
from tests.web.staff_money_helpers import (
    announce,
    cloud_metered_item,
    family,
    money_state,
    os_image,
    vps_add_on,
    vps_tariff,
)

ROWS = 12


@pytest.fixture
def admin(client, db):
    member = make_staff_user("administrator")
    login(client, member)
    return member


def _html(response) -> str:
    return response.content.decode()


# ----------------------------------------------------------------------------- families


def test_catalog_lists_the_eight_families_with_their_terms__CAT_01_CAT_03(admin, client):
    vps_tariff()
    response = client.get(reverse("web:staff_catalog"))
    rows = response.context["overviews"]
    assert [row.family.code for row in rows] == [
        "domain",
        "shared_hosting",
        "cms_hosting",
        "vps",
        "cloud",
        "dedicated",
        "colocation",
        "licence",
    ]
    html = _html(response)
    for name in ("Domain registration", "Virtual server (VPS)", "Microsoft licence rental"):
        assert name in html
    assert html.count('1 month<span class="sub">provider setting</span>') == 8
    assert "5 working days" in html  # domains start within 5 working days (CAT-03)
    assert [row.active_tariffs for row in rows if row.family.code == "vps"] == [1]


def test_family_sets_its_own_minimum_period_and_commencement_term__CAT_03(admin, client):
    url = reverse("web:staff_catalog_family", args=["vps"])
    response = client.post(
        url,
        {
            "name": "Virtual server (VPS)",
            "minimum_service_months": "3",
            "commencement_working_days": "2",
            "sort_order": "4",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    vps = family("vps")
    assert (vps.minimum_service_months, vps.commencement_working_days) == (3, 2)
    html = _html(client.get(url))
    assert "run at least 3 months" in html and "within 2 working days" in html

    client.post(url, {"name": "Virtual server (VPS)", "sort_order": "4", "is_active": "on"})
    vps.refresh_from_db()
    assert vps.minimum_service_months is None  # empty: the provider setting again


def test_family_term_out_of_range_is_refused_naming_the_field__CAT_03(admin, client):
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_family", args=["vps"]),
        {"name": "VPS", "minimum_service_months": "99", "sort_order": "0", "is_active": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"minimum_service_months": ["Between 0 and 36."]}
    assert money_state() == before


def test_unknown_family_is_404(admin, client):
    assert client.get(reverse("web:staff_catalog_family", args=["spaceships"])).status_code == 404


# ----------------------------------------------------------------------------- tariffs


def test_tariff_is_created_with_its_fee_and_resources__CAT_02(admin, client):
    response = client.post(
        reverse("web:staff_catalog_tariff_create", args=["vps"]),
        {
            "code": "vps-m",
            "name": "VPS M",
            "monthly_fee": "19.90",
            "specs": "cpu = 4\nram_gb = 8\ndisk_gb = 160\nlocation: Tallinn",
            "sort_order": "2",
            "is_active": "on",
        },
    )
    tariff = Tariff.objects.get(code="vps-m")
    assert response["Location"] == reverse("web:staff_catalog_tariff", args=[tariff.public_id])
    assert tariff.monthly_fee_minor == 1990 and tariff.family.code == "vps"
    assert tariff.specs == {"cpu": 4, "ram_gb": 8, "disk_gb": 160, "location": "Tallinn"}
    html = _html(client.get(reverse("web:staff_catalog_family", args=["vps"])))
    assert "VPS M" in html and "€19.90" in html


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"monthly_fee": "9.999"}, "monthly_fee", "at most 2 decimals"),
        ({"monthly_fee": "-1"}, "monthly_fee", "cannot be negative"),
        ({"specs": "cpu = 2"}, "specs", "Virtual server (VPS) tariffs state ram_gb"),
        ({"code": "VPS M!"}, "code", "Lower-case letters"),
    ],
)
def test_bad_tariff_input_is_refused_naming_the_field__CAT_02(
    admin, client, changes, field, problem
):
    vps_tariff("vps-taken")
    before = money_state()
    data = {
        "code": "vps-new",
        "name": "VPS New",
        "monthly_fee": "9.90",
        "specs": "cpu = 2\nram_gb = 4\ndisk_gb = 80",
        "sort_order": "0",
        **changes,
    }
    response = client.post(reverse("web:staff_catalog_tariff_create", args=["vps"]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and problem in errors[field][0]
    assert money_state() == before


def test_tariff_edit_changes_details_but_never_the_fee__CAT_02_CAT_06(admin, client):
    tariff = vps_tariff()
    url = reverse("web:staff_catalog_tariff", args=[tariff.public_id])
    page = client.get(url)
    assert "monthly_fee" not in page.context["form"].fields
    response = client.post(
        url,
        {
            "name": "VPS Start+",
            "specs": "cpu = 2\nram_gb = 4\ndisk_gb = 100",
            "sort_order": "1",
            "monthly_fee": "1.00",
        },
    )
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert tariff.name == "VPS Start+" and tariff.specs["disk_gb"] == 100
    assert tariff.monthly_fee_minor == 990


def test_tariff_is_withdrawn_from_new_orders_and_offered_again__CAT_02(admin, client):
    tariff = vps_tariff()
    url = reverse("web:staff_catalog_availability", args=["tariffs", tariff.public_id])
    assert client.post(url, {"offered": "no"}).status_code == 302
    tariff.refresh_from_db()
    assert tariff.is_active is False
    client.post(url, {"offered": "yes"})
    tariff.refresh_from_db()
    assert tariff.is_active is True


def test_tariff_of_a_hidden_family_cannot_be_offered_and_nothing_changes__CAT_02(admin, client):
    tariff = vps_tariff(is_active=False)
    client.post(
        reverse("web:staff_catalog_family", args=["vps"]),
        {"name": "Virtual server (VPS)", "sort_order": "4"},
    )
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_availability", args=["tariffs", tariff.public_id]),
        {"offered": "yes"},
        follow=True,
    )
    assert "activate the family first" in _html(response)
    assert money_state() == before


def test_availability_of_an_unknown_kind_is_404(admin, client):
    tariff = vps_tariff()
    url = reverse("web:staff_catalog_availability", args=["spaceships", tariff.public_id])
    assert client.post(url, {"offered": "no"}).status_code == 404


# ----------------------------------------------------------------------------- add-ons, metered


def test_add_on_of_one_tariff_is_created_and_edited__CAT_02(admin, client):
    tariff = vps_tariff()
    response = client.post(
        reverse("web:staff_catalog_add_on_create", args=["vps"]),
        {
            "tariff": tariff.public_id,
            "code": "backup",
            "name": "Daily backup",
            "monthly_fee": "2.40",
            "max_quantity": "1",
            "sort_order": "0",
        },
    )
    add_on = AddOn.objects.get(code="backup")
    assert response.status_code == 302
    assert (add_on.tariff, add_on.monthly_fee_minor) == (tariff, 240)
    url = reverse("web:staff_catalog_add_on", args=[add_on.public_id])
    client.post(url, {"name": "Daily backups", "max_quantity": "2", "sort_order": "0"})
    add_on.refresh_from_db()
    assert (add_on.name, add_on.max_quantity, add_on.monthly_fee_minor) == ("Daily backups", 2, 240)
    html = _html(client.get(reverse("web:staff_catalog_family", args=["vps"])))
    assert "Daily backups" in html and "€2.40" in html


def test_add_on_quantity_of_zero_is_refused_naming_the_field__CAT_02(admin, client):
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_add_on_create", args=["vps"]),
        {"code": "x", "name": "X", "monthly_fee": "1", "max_quantity": "0", "sort_order": "0"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["max_quantity"]
    assert money_state() == before


def test_metered_item_is_priced_finer_than_a_cent__CAT_02(admin, client):
    response = client.post(
        reverse("web:staff_catalog_metered_item_create", args=["cloud"]),
        {
            "code": "ram-gb-hour",
            "name": "RAM",
            "unit": "GB-hour",
            "unit_price": "0.0043",
            "included_quantity": "720",
            "sort_order": "0",
        },
    )
    item = MeteredItem.objects.get(code="ram-gb-hour")
    assert response.status_code == 302
    assert (item.unit_price_micro, item.included_quantity_micro) == (4300, 720_000_000)
    html = _html(client.get(reverse("web:staff_catalog_family", args=["cloud"])))
    assert "€0.0043" in html and "720 GB-hour" in html


def test_metered_price_with_seven_decimals_is_refused_naming_the_field__CAT_02(admin, client):
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_metered_item_create", args=["cloud"]),
        {
            "code": "ram-gb-hour",
            "name": "RAM",
            "unit": "GB-hour",
            "unit_price": "0.0000001",
            "included_quantity": "0",
            "sort_order": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"unit_price": ["at most 6 decimals"]}
    assert money_state() == before


def test_metered_item_edit_keeps_its_unit_price__CAT_02(admin, client):
    item = cloud_metered_item()
    url = reverse("web:staff_catalog_metered_item", args=[item.public_id])
    response = client.post(
        url, {"name": "Disk space", "unit": "GB-hour", "included_quantity": "50", "sort_order": "1"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.included_quantity_micro, item.unit_price_micro) == (
        "Disk space",
        50_000_000,
        4300,
    )


# ----------------------------------------------------------------------------- OS images


def test_os_image_with_a_paid_licence_is_marked__CAT_05(admin, client):
    response = client.post(
        reverse("web:staff_catalog_os_images"),
        {
            "code": "windows-2025",
            "name": "Windows Server 2025",
            "families": ["vps", "dedicated"],
            "requires_paid_licence": "on",
            "licence_monthly_fee": "24.50",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302
    image = OsImage.objects.get(code="windows-2025")
    assert (image.requires_paid_licence, image.licence_monthly_fee_minor) == (True, 2450)
    assert sorted(image.families.values_list("code", flat=True)) == ["dedicated", "vps"]
    html = _html(client.get(reverse("web:staff_catalog_os_images")))
    assert "Paid licence" in html and "€24.50 a month" in html


def test_paid_licence_without_a_fee_is_refused_naming_the_field__CAT_05(admin, client):
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_os_images"),
        {
            "code": "windows-2025",
            "name": "Windows Server 2025",
            "families": ["vps"],
            "requires_paid_licence": "on",
            "licence_monthly_fee": "0",
            "sort_order": "0",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["licence_monthly_fee"]
    assert money_state() == before


def test_os_image_becomes_free_when_the_licence_flag_is_cleared__CAT_05(admin, client):
    image = os_image("cpanel-alma", paid=True, fee="15.00")
    response = client.post(
        reverse("web:staff_catalog_os_image", args=[image.public_id]),
        {"name": "AlmaLinux", "families": ["vps"], "sort_order": "0"},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.requires_paid_licence, image.licence_monthly_fee_minor) == (False, 0)


# ----------------------------------------------------------------------------- price changes


def test_price_change_is_announced_with_the_notice_of_the_terms__CAT_06(admin, client):
    tariff = vps_tariff()
    effective = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("web:staff_catalog_price_change_announce", args=["tariffs", tariff.public_id]),
        {"new_fee": "12.90", "effective_from": effective.isoformat(), "note": "Energy costs"},
    )
    assert response.status_code == 302
    version = PriceVersion.objects.get(tariff=tariff)
    assert (version.monthly_fee_minor, version.effective_from, version.announced_by) == (
        1290,
        effective,
        admin,
    )
    assert version.status == "draft"
    draft_page = _html(client.get(reverse("web:staff_catalog_tariff", args=[tariff.public_id])))
    assert "€12.90 from" not in draft_page and "Draft" in draft_page
    publish = reverse(
        "web:staff_catalog_price_change_publish",
        args=["tariffs", tariff.public_id, version.public_id],
    )
    assert client.post(publish).status_code == 302
    version.refresh_from_db()
    assert version.status == "published"
    html = _html(client.get(reverse("web:staff_catalog_price_changes")))
    assert "€12.90" in html and tariff.name in html
    page = _html(client.get(reverse("web:staff_catalog_tariff", args=[tariff.public_id])))
    assert "€9.90 a month, €12.90 from" in page


def test_price_change_with_too_short_notice_is_refused_naming_the_date__CAT_06(admin, client):
    tariff = vps_tariff()
    provider_setting_change(key="catalog.price_change_notice_days", raw_value="60")
    before = money_state()
    too_soon = timezone.localdate() + timedelta(days=59)
    response = client.post(
        reverse("web:staff_catalog_price_change_announce", args=["tariffs", tariff.public_id]),
        {"new_fee": "12.90", "effective_from": too_soon.isoformat()},
    )
    assert response.status_code == 400
    earliest = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert response.context["price_form"].errors == {"effective_from": [f"on or after {earliest}"]}
    assert money_state() == before


def test_add_on_price_change_is_announced__CAT_06(admin, client):
    add_on = vps_add_on()
    effective = timezone.localdate() + timedelta(days=40)
    client.post(
        reverse("web:staff_catalog_price_change_announce", args=["add-ons", add_on.public_id]),
        {"new_fee": "1.75", "effective_from": effective.isoformat()},
    )
    assert PriceVersion.objects.get(add_on=add_on).monthly_fee_minor == 175


def test_announced_change_is_withdrawn_before_it_applies__CAT_06(admin, client):
    tariff = vps_tariff()
    version = announce(tariff)
    url = reverse(
        "web:staff_catalog_price_change_withdraw",
        args=["tariffs", tariff.public_id, version.public_id],
    )
    assert client.post(url, {"back": "list"})["Location"] == reverse(
        "web:staff_catalog_price_changes"
    )
    version.refresh_from_db()
    assert version.withdrawn_at is not None
    assert "No price changes announced" in _html(
        client.get(reverse("web:staff_catalog_price_changes"))
    )


def test_change_in_force_cannot_be_withdrawn_and_nothing_changes__CAT_06(admin, client):
    tariff = vps_tariff()
    version = announce(tariff, days_ahead=31)
    url = reverse(
        "web:staff_catalog_price_change_withdraw",
        args=["tariffs", tariff.public_id, version.public_id],
    )
    with time_machine.travel(timezone.now() + timedelta(days=32), tick=False):
        login(client, admin)  # the earlier session has expired by then
        before = money_state()
        response = client.post(url, follow=True)
        assert "already in force" in _html(response)
        assert money_state() == before


def test_version_of_another_tariff_is_404__CAT_06(admin, client):
    first, second = vps_tariff("vps-a"), vps_tariff("vps-b")
    version = announce(first)
    url = reverse(
        "web:staff_catalog_price_change_withdraw",
        args=["tariffs", second.public_id, version.public_id],
    )
    assert client.post(url).status_code == 404
    version.refresh_from_db()
    assert version.withdrawn_at is None


# ----------------------------------------------------------------------------- access


def test_staff_without_catalog_manage_get_403_and_nothing_changes__ACC_11(client, db):
    tariff = vps_tariff()
    login(client, make_staff_user("billing"))
    before = money_state()
    assert client.get(reverse("web:staff_catalog")).status_code == 403
    response = client.post(
        reverse("web:staff_catalog_availability", args=["tariffs", tariff.public_id]),
        {"offered": "no"},
    )
    assert response.status_code == 403
    assert money_state() == before
    assert reverse("web:staff_catalog") not in _html(client.get(reverse("web:staff_home")))


# ----------------------------------------------------------------------------- query counts


@pytest.fixture
def busy_catalog(admin, client):
    for number in range(ROWS):
        tariff = vps_tariff(f"vps-{number}", fee=f"{number + 5}.90")
        announce(tariff, days_ahead=40 + number)
        vps_add_on(f"add-on-{number}", tariff=tariff if number % 2 else None)
        cloud_metered_item(f"metered-{number}")
        os_image(f"image-{number}", paid=number % 3 == 0, fee="9.00" if number % 3 == 0 else None)
    return client


CATALOG_LIST_PAGES = [
    ("web:staff_catalog", [], 7),
    ("web:staff_catalog_family", ["vps"], 10),
    ("web:staff_catalog_family", ["cloud"], 10),
    ("web:staff_catalog_os_images", [], 6),
    ("web:staff_catalog_price_changes", [], 7),
]


@pytest.mark.parametrize(("url_name", "args", "most"), CATALOG_LIST_PAGES)
def test_catalog_list_pages_have_a_fixed_query_count(
    busy_catalog, url_name, args, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_catalog.get(reverse(url_name, args=args))
    assert response.status_code == 200
