"""Staff upload licence keys to the pool of a product: one per line or CSV, all or none, every
line at fault named, the keys kept encrypted (CAT-01, PRV-01; seed 003, annex 9)."""

from __future__ import annotations

import pytest
from django.db import connection

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceKey, LicenceKeyStatus, LicenceProduct
from tests.licences.conftest import licence_keys
from tests.subscriptions.factories import new_staff

pytestmark = pytest.mark.django_db


def _pool_rows() -> list[tuple]:
    return list(
        LicenceKey.objects.order_by("id").values_list("product__code", "key_index", "status")
    ) + list(LicenceProduct.objects.order_by("id").values_list("code", "name", "public_id"))


def test_a_pasted_list_creates_the_product_and_adds_every_key__CAT_01(key_manager):
    keys = licence_keys(3)
    text = f"\n  {keys[0]}  \n\n# bought 2027-02-28\n{keys[1]}\r\n{keys[2]}\n"

    uploaded = actions.keys_upload(
        actor=key_manager,
        product_code="windows-server-std",
        product_name="Windows Server Standard",
        text=text,
    )

    assert (uploaded.added, uploaded.product_created) == (3, True)
    assert uploaded.product.name == "Windows Server Standard"
    stored = list(selectors.product_keys(uploaded.product))
    assert [key.key_text for key in stored] == keys
    assert {key.status for key in stored} == {LicenceKeyStatus.AVAILABLE}
    assert {key.uploaded_by for key in stored} == {key_manager}
    pool = selectors.pool_counts_of(uploaded.product)
    assert (pool.available, pool.allocated, pool.retired, pool.total) == (3, 0, 0, 3)


def test_a_csv_file_gives_its_first_column_and_may_have_a_header__CAT_01(key_manager):
    keys = licence_keys(3)
    text = (
        "Product Key,Order,Note\n"
        f'"{keys[0]}",PO-1,"first, batch"\n'
        f"{keys[1]};PO-1;second\n"
        f"{keys[2]}\tPO-2\tthird\n"
    )

    uploaded = actions.keys_upload(actor=key_manager, product_code="office-std", text=text)

    assert uploaded.added == 3
    assert uploaded.product.name == "office-std"  # no name given: named after its code
    assert [key.key_text for key in selectors.product_keys(uploaded.product)] == keys


def test_keys_are_stored_encrypted_and_never_written_to_the_audit_trail__GDPR_11(key_manager):
    key = licence_keys(1)[0]
    actions.keys_upload(actor=key_manager, product_code="windows-server-std", text=key)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key_text, key_index FROM {LicenceKey._meta.db_table}")
        (stored, index), *_ = cursor.fetchall()
    assert key not in stored and stored.startswith("enc")
    assert index == LicenceKey._meta.get_field("key_index").index_of(key)
    event = AuditEvent.objects.get(action="licences.keys_uploaded")
    assert event.actor == key_manager
    assert event.data == {"product": "windows-server-std", "keys": 1, "product_created": True}
    assert key not in str(event.data)


def test_a_key_twice_in_the_upload_refuses_it_naming_both_lines__CAT_01(key_manager):
    first, second = licence_keys(2)
    text = f"{first}\n{second}\n\n{first}\n"

    with pytest.raises(DomainError) as refused:
        actions.keys_upload(actor=key_manager, product_code="windows-server-std", text=text)

    assert refused.value.fields == {"keys": "line 4: the same key as line 1."}
    assert first not in refused.value.message
    assert _pool_rows() == []


def test_a_key_already_in_the_pool_refuses_the_upload_naming_the_line__CAT_01(key_manager):
    old = licence_keys(2)
    actions.keys_upload(actor=key_manager, product_code="windows-server-std", text="\n".join(old))
    before = _pool_rows()
    new = licence_keys(1)[0]

    with pytest.raises(DomainError) as refused:
        actions.keys_upload(
            actor=key_manager, product_code="windows-server-dc", text=f"{new}\n{old[1]}\n"
        )

    assert refused.value.code == "invalid_keys"
    assert refused.value.fields == {
        "keys": "line 2: this key is already in the pool (windows-server-std, available)."
    }
    assert _pool_rows() == before  # not even the new product


def test_lines_that_hold_no_key_are_each_named_and_nothing_is_added__CAT_01(key_manager):
    good = licence_keys(1)[0]
    text = f"{good}\nABC\nkey with spaces\n=HYPERLINK(evil)\n"

    with pytest.raises(DomainError) as refused:
        actions.keys_upload(actor=key_manager, product_code="windows-server-std", text=text)

    problem = refused.value.fields["keys"]
    for line in (2, 3, 4):
        assert f"line {line}: not a licence key" in problem
    assert "line 1" not in problem and "HYPERLINK" not in problem
    assert _pool_rows() == []


def test_only_ten_problems_are_listed_with_a_count_of_the_rest__CAT_01(key_manager):
    text = "\n".join(["bad!"] * 13)
    with pytest.raises(DomainError) as refused:
        actions.keys_upload(actor=key_manager, product_code="windows-server-std", text=text)
    assert refused.value.fields["keys"].endswith(
        "line 10: not a licence key "
        "(a licence key is 5-200 letters, digits and . _ + / = -); and 3 more lines."
    )


@pytest.mark.parametrize(
    ("text", "product", "field"),
    [
        ("", "windows-server-std", "keys"),
        ("\n# only a comment\n", "windows-server-std", "keys"),
        ("key\n", "windows-server-std", "keys"),
        ("VK7JG-NPHTM-C97JM", "", "product"),
        ("VK7JG-NPHTM-C97JM", "Windows Server", "product"),
        ("VK7JG-NPHTM-C97JM", "windows--server", "product"),
        ("VK7JG-NPHTM-C97JM", "x" * 61, "product"),
        (None, "windows-server-std", "keys"),
    ],
)
def test_bad_input_is_refused_naming_the_field__CAT_01(key_manager, text, product, field):
    with pytest.raises(DomainError) as refused:
        actions.keys_upload(actor=key_manager, product_code=product, text=text)
    assert field in refused.value.fields
    assert _pool_rows() == []


def test_more_keys_than_one_upload_takes_are_refused__CAT_01(key_manager):
    text = "\n".join(f"KEY{number:06d}" for number in range(actions.UPLOAD_MAX_KEYS + 1))
    with pytest.raises(DomainError) as refused:
        actions.keys_upload(actor=key_manager, product_code="windows-server-std", text=text)
    assert refused.value.fields == {
        "keys": f"At most {actions.UPLOAD_MAX_KEYS} keys at once; split the list."
    }
    assert _pool_rows() == []


def test_a_later_upload_adds_to_the_product_and_may_rename_it__CAT_01(key_manager):
    actions.keys_upload(
        actor=key_manager, product_code="windows-server-std", text="\n".join(licence_keys(2))
    )
    again = actions.keys_upload(
        actor=key_manager,
        product_code="windows-server-std",
        product_name="Windows Server 2022 Standard",
        text="\n".join(licence_keys(3)),
    )
    assert (again.added, again.product_created) == (3, False)
    product = LicenceProduct.objects.get()
    assert product.name == "Windows Server 2022 Standard"
    assert selectors.pool_counts_of(product).available == 5


def test_uploading_needs_services_manage__ACC_11(db):
    for actor in (None, new_staff("clients.view")):
        with pytest.raises(PermissionDenied):
            actions.keys_upload(
                actor=actor, product_code="windows-server-std", text=licence_keys(1)[0]
            )
    assert _pool_rows() == []
    assert not AuditEvent.objects.filter(action__startswith="licences.").exists()
