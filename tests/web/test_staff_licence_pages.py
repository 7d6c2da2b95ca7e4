"""The staff area's licence pages: upload keys pasted or as a file (a refusal names each
line and adds nothing), the pool per product with the tariffs drawing from it, retiring a
key, and the monthly usage report with its CSV (CAT-01, PRV-01; seed 003, annex 9)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceKey, LicenceKeyStatus, LicenceProduct
from tests.subscriptions.factories import NOW, build_catalog
from tests.web.conftest import login, make_staff_user

pytestmark = pytest.mark.django_db
KEYS = ["VK7JG-NPHTM-C97JM-9MPGT-3V66T", "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"]


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    """Monday 1 March 2027, 10:00 in Tallinn."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def support(client):
    """A member of the support role: clients.view and services.manage."""
    return login(client, make_staff_user("support"))


def _keys() -> list[tuple]:
    return list(LicenceKey.objects.order_by("id").values_list("key_index", "status", "product"))


def test_pasted_keys_are_added_and_the_product_page_opens__CAT_01(support):
    response = support.post(
        reverse("web:staff_licence_keys_upload"),
        {
            "product": "windows-server-std",
            "product_name": "Windows Server Standard",
            "keys": "\n".join(KEYS),
        },
    )

    product = LicenceProduct.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_licence_product", args=[product.public_id])
    page = support.get(response["Location"]).content.decode()
    assert "2 keys added to windows-server-std." in page
    assert "…3V66T" in page and "…KHKQY" in page
    assert KEYS[0] not in page


def test_a_csv_file_is_uploaded_too__CAT_01(support):
    upload = SimpleUploadedFile(
        "keys.csv", ("Product Key,Order\n" + "\n".join(f"{k},PO-7" for k in KEYS)).encode()
    )
    response = support.post(
        reverse("web:staff_licence_keys_upload"),
        {"product": "windows-server-std", "keys_file": upload},
    )
    assert response.status_code == 302
    product = LicenceProduct.objects.get()
    assert [key.key_text for key in selectors.product_keys(product)] == KEYS


def test_a_refused_upload_names_the_lines_and_adds_nothing__CAT_01(support):
    actions.keys_upload(
        actor=make_staff_user("administrator", email="admin@provider.example"),
        product_code="windows-server-std",
        text=KEYS[0],
    )
    before = _keys()

    response = support.post(
        reverse("web:staff_licence_keys_upload"),
        {"product": "windows-server-std", "keys": f"{KEYS[1]}\nnot a key\n{KEYS[0]}"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "line 2: not a licence key" in body
    assert "line 3: this key is already in the pool (windows-server-std, available)" in body
    assert _keys() == before


def test_a_file_and_pasted_keys_together_are_refused__CAT_01(support):
    response = support.post(
        reverse("web:staff_licence_keys_upload"),
        {
            "product": "windows-server-std",
            "keys": KEYS[0],
            "keys_file": SimpleUploadedFile("keys.txt", KEYS[1].encode()),
        },
    )
    assert response.status_code == 400
    assert "Paste the keys or choose a file, not both." in response.content.decode()
    assert _keys() == []


def test_the_pool_warns_of_a_tariff_whose_product_has_no_keys__CAT_01(support):
    build_catalog()  # the licence tariff windows-server-std
    before = support.get(reverse("web:staff_licences")).content.decode()
    assert "no keys uploaded: its orders cannot be provisioned" in before

    actions.keys_upload(
        actor=make_staff_user("administrator", email="admin@provider.example"),
        product_code="windows-server-std",
        text="\n".join(KEYS),
    )
    actions.key_allocate(product_code="windows-server-std", service_id="svc_one")
    after = support.get(reverse("web:staff_licences")).content.decode()

    assert "no keys uploaded" not in after
    (pool,) = selectors.pool_counts()
    assert (pool.available, pool.allocated, pool.retired) == (1, 1, 0)
    assert pool.tariffs == ("windows-server-std",)


def test_the_pool_page_reads_in_a_fixed_number_of_queries__CAT_01(support):
    build_catalog()
    admin = make_staff_user("administrator", email="admin@provider.example")
    actions.keys_upload(actor=admin, product_code="windows-server-std", text=KEYS[0])
    support.get(reverse("web:staff_licences"))
    with CaptureQueriesContext(connection) as few:
        support.get(reverse("web:staff_licences"))
    for number in range(5):
        actions.keys_upload(
            actor=admin, product_code=f"product-{number}", text=f"PRODK-{number:05d}-AAAAA"
        )
    with CaptureQueriesContext(connection) as many:
        support.get(reverse("web:staff_licences"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_retiring_a_key_on_its_product_page__CAT_01(support):
    admin = make_staff_user("administrator", email="admin@provider.example")
    actions.keys_upload(actor=admin, product_code="windows-server-std", text=KEYS[0])
    key = LicenceKey.objects.get()

    refused = support.post(
        reverse("web:staff_licence_key_retire", args=[key.public_id]),
        {f"{key.public_id}-reason": ""},
    )
    done = support.post(
        reverse("web:staff_licence_key_retire", args=[key.public_id]),
        {f"{key.public_id}-reason": "Revoked by the licensor."},
    )

    assert refused.status_code == 400
    assert done.status_code == 302
    key.refresh_from_db()
    assert key.status == LicenceKeyStatus.RETIRED


def test_the_usage_report_and_its_csv__CAT_01(support):
    admin = make_staff_user("administrator", email="admin@provider.example")
    actions.keys_upload(actor=admin, product_code="windows-server-std", text="\n".join(KEYS))
    actions.key_allocate(product_code="windows-server-std", service_id="svc_one", client_id="cli_a")

    page = support.get(reverse("web:staff_licence_usage"), {"month": "2027-03"})
    download = support.get(reverse("web:staff_licence_usage_csv"), {"month": "2027-03"})

    assert page.status_code == 200
    assert "svc_one" in page.content.decode()
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="licence-usage-2027-03.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[1:] == [
        ["2027-03", "product", "windows-server-std", "windows-server-std", "", "", "1", "1"],
        [
            "2027-03",
            "service",
            "windows-server-std",
            "windows-server-std",
            "cli_a",
            "svc_one",
            "1",
            "1",
        ],
    ]


@pytest.mark.parametrize("month", ["2027-04", "13-2027", "x" * 40])
def test_a_month_not_begun_or_malformed_is_a_400__CAT_01(support, month):
    assert support.get(reverse("web:staff_licence_usage"), {"month": month}).status_code == 400
    csv_answer = support.get(reverse("web:staff_licence_usage_csv"), {"month": month})
    assert csv_answer.status_code == 400
