"""The licence rental API: staff list each product's keys by state and upload keys, all or
none, a refusal naming each line; no answer carries a key (CAT-01, PRV-01; ACC-11)."""

from __future__ import annotations

import pytest

from hostledger.licences import actions
from hostledger.licences.models import LicenceKey, LicenceProduct
from tests.api.conftest import api_by_token, error_of, make_staff_user
from tests.subscriptions.factories import build_catalog

pytestmark = pytest.mark.django_db
KEYS = ["VK7JG-NPHTM-C97JM-9MPGT-3V66T", "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"]


def test_staff_upload_keys_and_list_the_pool_by_product__CAT_01_PRV_01():
    build_catalog()  # the licence tariff windows-server-std
    support = api_by_token(make_staff_user("support"))

    uploaded = support.post(
        "/staff/licences/keys",
        {
            "product": "windows-server-std",
            "product_name": "Windows Server Standard",
            "keys": "Product Key\n" + "\n".join(KEYS),
        },
    )
    actions.key_allocate(product_code="windows-server-std", service_id="svc_api")
    listed = api_by_token(make_staff_user("billing")).get("/staff/licences")

    assert uploaded.status_code == 201, uploaded.content
    product = LicenceProduct.objects.get()
    assert uploaded.json() == {
        "pool": {
            "id": product.public_id,
            "product": "windows-server-std",
            "name": "Windows Server Standard",
            "available": 2,
            "allocated": 0,
            "retired": 0,
            "tariffs": ["windows-server-std"],
        },
        "added": 2,
        "product_created": True,
    }
    assert listed.status_code == 200
    assert listed.json()["items"] == [{**uploaded.json()["pool"], "available": 1, "allocated": 1}]
    for answer in (uploaded, listed):
        assert KEYS[0] not in answer.content.decode()


def test_a_refused_upload_names_each_line_and_adds_nothing__PRV_01():
    support = api_by_token(make_staff_user("support"))
    support.post("/staff/licences/keys", {"product": "windows-server-std", "keys": KEYS[0]})

    refused = support.post(
        "/staff/licences/keys",
        {"product": "windows-server-dc", "keys": f"{KEYS[1]}\n{KEYS[1]}\n{KEYS[0]}\nnope"},
    )

    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "invalid_keys"
    assert error["fields"] == {
        "keys": "line 2: the same key as line 1; "
        "line 3: this key is already in the pool (windows-server-std, available); "
        "line 4: not a licence key (a licence key is 5-200 letters, digits and . _ + / = -)."
    }
    assert KEYS[0] not in refused.content.decode()
    assert LicenceKey.objects.count() == 1
    assert not LicenceProduct.objects.filter(code="windows-server-dc").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product": "Windows Server", "keys": KEYS[0]}, "product"),
        ({"product": "windows-server-std", "keys": ""}, "keys"),
        ({"product": "windows-server-std"}, "keys"),
        ({"product": "windows-server-std", "keys": KEYS[0], "price": "1"}, "price"),
        (
            {"product": "windows-server-std", "keys": KEYS[0], "product_name": "a\u0007b"},
            "product_name",
        ),
    ],
)
def test_bad_input_answers_400_naming_the_field__PRV_01(body, field):
    answer = api_by_token(make_staff_user("administrator")).post("/staff/licences/keys", body)
    assert answer.status_code == 400, answer.content
    assert field in error_of(answer)["fields"]
    assert LicenceKey.objects.count() == 0


def test_uploading_needs_services_manage__ACC_11():
    answer = api_by_token(make_staff_user("billing")).post(
        "/staff/licences/keys", {"product": "windows-server-std", "keys": KEYS[0]}
    )
    assert answer.status_code == 403
    assert LicenceKey.objects.count() == 0
