"""The EPC QR code of a SEPA credit transfer (EPC069-12 version 002), read back by a decoder
(zxing-cpp) as a banking app reads it (BIL-06)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import zxingcpp

from hostledger.core.money import Money
from hostledger.ledger.epc_qr import epc_qr_matrix, epc_qr_payload, epc_qr_svg
from hostledger.ledger.references import creditor_reference_from_base
from tests.qr_decoding import decoded_svg, svg_matrix

IBAN = "EE382200221020145685"
REFERENCE = "1012"  # prefix 10, client 1, 7-3-1 check digit 2
RF = creditor_reference_from_base(REFERENCE)


def test_the_guidelines_own_example_has_the_field_layout_of_version_002__BIL_06():
    """EPC069-12's sample (Red Cross of Belgium), element by element."""
    payload = epc_qr_payload(
        bic="BPOTBEB1",
        beneficiary_name="Red Cross of Belgium",
        iban="BE72000000001616",
        amount=Money.of("1"),
        purpose="CHAR",
        remittance_text="Urgency fund",
        beneficiary_note="Sample EPC QR code",
    )
    assert payload.split("\n") == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        "BPOTBEB1",  # BIC
        "Red Cross of Belgium",  # beneficiary
        "BE72000000001616",  # IBAN
        "EUR1.00",  # amount
        "CHAR",  # purpose
        "",  # structured remittance: none, the text is used
        "Urgency fund",  # unstructured remittance
        "Sample EPC QR code",  # beneficiary to originator information
    ]


def test_a_proforma_carries_the_clients_rf_reference_in_the_structured_field__BIL_06():
    payload = epc_qr_payload(
        beneficiary_name="SmartApe OÜ",
        iban="ee38 2200 2210 2014 5685",
        bic="habaee2x",
        amount=Money.of("136.39"),
        creditor_reference=RF,
    )
    assert payload == f"BCD\n002\n1\nSCT\nHABAEE2X\nSmartApe OÜ\n{IBAN}\nEUR136.39\n\n{RF}"
    assert RF.startswith("RF") and RF.endswith(REFERENCE)


def test_without_bic_and_amount_the_fields_stay_empty_and_trailing_ones_are_left_out__BIL_06():
    payload = epc_qr_payload(beneficiary_name="SmartApe OÜ", iban=IBAN, creditor_reference=RF)
    assert payload == f"BCD\n002\n1\nSCT\n\nSmartApe OÜ\n{IBAN}\n\n\n{RF}"


def test_line_breaks_in_a_field_cannot_shift_the_elements__BIL_06():
    payload = epc_qr_payload(
        beneficiary_name="SmartApe\nOÜ", iban=IBAN, remittance_text="arve\r\n1012"
    )
    assert payload.split("\n")[5] == "SmartApe OÜ"
    assert payload.split("\n")[10] == "arve 1012"


def test_the_beneficiary_name_is_cut_to_70_characters__BIL_06():
    payload = epc_qr_payload(beneficiary_name="A" * 69 + "BC", iban=IBAN)
    assert payload.split("\n")[5] == "A" * 69 + "B"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"beneficiary_name": "  "}, "name is required"),
        ({"iban": "EE382200221020145686"}, "not a valid IBAN"),
        ({"bic": "HABAEE2"}, "not a valid BIC"),
        ({"amount": Money.of("0")}, "0.01 to 999999999.99"),
        ({"amount": Money.of("1000000000.00")}, "0.01 to 999999999.99"),
        ({"amount": Money.of("10", "USD")}, "euros only"),
        ({"creditor_reference": "RF19" + REFERENCE}, "not an RF creditor reference"),
        ({"creditor_reference": RF, "remittance_text": "1012"}, "not both"),
        ({"remittance_text": "x" * 141}, "at most 140"),
        ({"beneficiary_note": "x" * 71}, "at most 70"),
        ({"purpose": "CHARITY"}, "four letters"),
        # 70 two-byte letters and 140 three-byte signs: 560 bytes in all, over the limit.
        ({"beneficiary_name": "Ö" * 70, "remittance_text": "€" * 140}, "at most 331 bytes"),
    ],
)
def test_what_cannot_be_put_in_the_code_is_refused_by_name__BIL_06(overrides, problem):
    fields = {"beneficiary_name": "SmartApe OÜ", "iban": IBAN, **overrides}
    with pytest.raises(ValueError, match=re.escape(problem)):
        epc_qr_payload(**fields)


def test_the_largest_amount_fits__BIL_06():
    payload = epc_qr_payload(
        beneficiary_name="SmartApe OÜ", iban=IBAN, amount=Money.of(Decimal("999999999.99"))
    )
    assert payload.split("\n")[7] == "EUR999999999.99"


def test_the_svg_decodes_to_the_payload_at_error_correction_m__BIL_06():
    payload = epc_qr_payload(
        beneficiary_name="SmartApe OÜ",
        iban=IBAN,
        bic="HABAEE2X",
        amount=Money.of("136.39"),
        creditor_reference=RF,
    )
    svg = epc_qr_svg(payload, label="Pay €136.39 to SmartApe OÜ")

    assert svg_matrix(svg) == epc_qr_matrix(payload)
    result = decoded_svg(svg)
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.text == payload
    assert result.ec_level == "M"


def test_a_payload_of_exactly_331_bytes_is_made_and_decodes__BIL_06():
    fields = {
        "beneficiary_name": "Ö" * 70,
        "iban": IBAN,
        "bic": "HABAEE2XXXX",
        "amount": Money.of("999999999.99"),
    }
    short = epc_qr_payload(**fields, remittance_text="x")
    text = "x" * (1 + 331 - len(short.encode("utf-8")))
    payload = epc_qr_payload(**fields, remittance_text=text)
    assert len(payload.encode("utf-8")) == 331
    assert decoded_svg(epc_qr_svg(payload, label="Pay")).text == payload
    with pytest.raises(ValueError, match="needs 332"):
        epc_qr_payload(**fields, remittance_text=text + "x")


def test_the_svg_is_an_image_with_a_text_alternative__BIL_06():
    svg = epc_qr_svg(epc_qr_payload(beneficiary_name="A & B", iban=IBAN), label='Pay "A & B"')
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')
    assert 'role="img" aria-label="Pay &quot;A &amp; B&quot;"' in svg
    assert "<title>Pay &quot;A &amp; B&quot;</title>" in svg
