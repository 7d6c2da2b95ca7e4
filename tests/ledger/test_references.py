"""Payment references: Estonian 7-3-1 reference numbers and RF creditor references (BIL-06)."""

from __future__ import annotations

import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.models import ClientPaymentReference
from hostledger.ledger.references import (
    creditor_reference_from_base,
    is_valid_creditor_reference,
    is_valid_reference_number,
    reference_check_digit,
    reference_number_from_base,
    references_in_text,
)


@pytest.mark.parametrize(
    ("base", "check"),
    [
        # 6·7 + 5·3 + 4·1 + 3·7 + 2·3 + 1·1 = 89 → 1
        ("123456", 1),
        # 7·7 + 6·3 + 5·1 + 4·7 + 3·3 + 2·1 + 1·7 = 118 → 2
        ("1234567", 2),
        # 5·7 + 4·3 + 3·1 + 2·7 + 1·3 = 67 → 3
        ("12345", 3),
        # 1·7 = 7 → 3
        ("1", 3),
        # 0·7 + 1·3 + 1·1 = 4 → 6
        ("110", 6),
        # 9·7 + 9·3 + 9·1 = 99 → 1
        ("999", 1),
    ],
)
def test_check_digit_by_weights_7_3_1_from_the_right__BIL_06(base, check):
    assert reference_check_digit(base) == check
    assert is_valid_reference_number(base + str(check))


def test_check_digit_zero_when_the_sum_is_a_multiple_of_ten__BIL_06():
    # 5·7 + 5·3 = 50 → 0
    assert reference_check_digit("55") == 0
    assert reference_number_from_base("55") == "550"


def test_known_valid_reference_numbers__BIL_06():
    for number in ("1234561", "12345672", "123453", "13", "1106", "9991", "550"):
        assert is_valid_reference_number(number), number
    assert is_valid_reference_number("1234 561")  # banks print groups
    for number in ("1234562", "12345671", "1", "", "12a4561", "1" * 21 + "0"):
        assert not is_valid_reference_number(number), number


def test_rf_creditor_reference_iso_11649__BIL_06():
    assert creditor_reference_from_base("539007547034") == "RF18539007547034"
    assert is_valid_creditor_reference("RF18 5390 0754 7034")
    assert not is_valid_creditor_reference("RF19539007547034")
    reference = creditor_reference_from_base("1234561")
    assert reference.startswith("RF") and is_valid_creditor_reference(reference)


def test_references_found_in_free_text__BIL_06():
    assert references_in_text("arve 1234561 tasumine") == ["1234561"]
    assert references_in_text("viitenumber 1234 561") == ["1234561"]
    assert references_in_text("RF18 5390 0754 7034, also 12345672") == [
        "RF18539007547034",
        "12345672",
    ]
    assert references_in_text("invoice 1234562 of 2026-11-20") == []
    assert references_in_text("1009 1012") == ["10091012", "1009", "1012"]
    assert references_in_text("") == []


def test_client_reference_from_prefix_and_client_id_is_made_once__BIL_06(client_record):
    reference = client_payment_reference_ensure(client=client_record)
    assert reference.reference_number == reference_number_from_base(f"10{client_record.pk}")
    assert is_valid_reference_number(reference.reference_number)
    assert reference.creditor_reference == creditor_reference_from_base(reference.reference_number)
    # The prefix changing later does not change a reference given out.
    provider_setting_change(key="ledger.reference_number_prefix", raw_value="77")
    assert client_payment_reference_ensure(client=client_record) == reference
    assert ClientPaymentReference.objects.count() == 1
