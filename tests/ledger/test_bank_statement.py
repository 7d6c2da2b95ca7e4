"""Import of camt.053 bank statements: each credit line a payment once (BIL-06)."""

from __future__ import annotations

import re

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import bank_statement_import, client_payment_reference_ensure
from hostledger.ledger.gateways.bank_statement.camt import parse_bank_file
from hostledger.ledger.models import BankStatementImport, Payment
from hostledger.ledger.selectors import balance_of, unmatched_payments, verify_balances
from tests.ledger.camt import PROVIDER_IBAN, Line, camt053
from tests.ledger.helpers import eur, ledger_snapshot


@pytest.fixture
def two_clients(make_client):
    first, second = make_client(), make_client()
    return (
        (first, client_payment_reference_ensure(client=first)),
        (second, client_payment_reference_ensure(client=second)),
    )


def _statement(first_ref, second_ref, **options) -> bytes:
    return camt053(
        [
            Line("100.00", "2026112000001", structured_reference=first_ref.reference_number),
            Line("12.34", "2026112000002", text=f"arve tasumine {second_ref.creditor_reference}"),
            Line("7.00", "2026112000003", text="for hosting, thanks"),
            Line("55.50", "2026112000004", direction="DBIT", text="office rent"),
            Line("9.99", "2026112000005", booked=False, text=first_ref.reference_number),
        ],
        **options,
    )


def test_same_file_imported_twice_gives_one_payment_per_line__BIL_06(two_clients, staff):
    (first, first_ref), (second, second_ref) = two_clients
    content = _statement(first_ref, second_ref)

    imported = bank_statement_import(content=content, actor=staff, file_name="swed.xml")
    assert (
        imported.credit_lines,
        imported.payments_recorded,
        imported.matched,
        imported.unmatched,
        imported.duplicates,
        imported.debit_lines_skipped,
        imported.not_booked_skipped,
    ) == (3, 3, 2, 1, 0, 1, 1)
    assert imported.account_iban == PROVIDER_IBAN and imported.schema_version == "001.02"
    assert balance_of(first) == eur("100.00")
    assert balance_of(second) == eur("12.34")
    [waiting] = unmatched_payments()
    assert waiting.amount == eur("7.00") and waiting.review_note == "no payment reference"
    assert waiting.payer_name == "MARI TAMM"

    before = ledger_snapshot()
    again = bank_statement_import(content=content, actor=staff, file_name="swed.xml")
    assert (again.payments_recorded, again.duplicates, again.matched, again.unmatched) == (
        0,
        3,
        0,
        0,
    )
    assert ledger_snapshot() == before
    assert Payment.objects.count() == 3
    assert BankStatementImport.objects.count() == 2
    assert again.file_sha256 == imported.file_sha256
    assert verify_balances() == []


def test_daily_and_monthly_statement_with_the_same_transfer_record_it_once__BIL_06(
    two_clients, staff
):
    (first, first_ref), _ = two_clients
    line = Line("40.00", "2026112000042", structured_reference=first_ref.creditor_reference)
    bank_statement_import(content=camt053([line], statement_id="D-1120"), actor=staff)
    monthly = camt053(
        [line, Line("1.00", "2026112500001", structured_reference=first_ref.reference_number)],
        statement_id="M-2026-11",
    )
    result = bank_statement_import(content=monthly, actor=staff)
    assert (result.payments_recorded, result.duplicates) == (1, 1)
    assert balance_of(first) == eur("41.00")


@pytest.mark.parametrize("bank", ["swedbank", "seb", "lhv"])
def test_statements_of_estonian_banks_and_schema_versions__BIL_06(two_clients, staff, bank):
    (first, first_ref), (_second, second_ref) = two_clients
    imported = bank_statement_import(
        content=_statement(first_ref, second_ref, bank=bank), actor=staff
    )
    assert (imported.payments_recorded, imported.matched) == (3, 2)
    assert imported.schema_version == ("001.08" if bank == "lhv" else "001.02")
    assert balance_of(first) == eur("100.00")


def test_later_namespace_versions_are_read__BIL_06(two_clients, staff):
    (first, first_ref), _ = two_clients
    for number, version in enumerate(["04", "10", "13"]):
        content = camt053(
            [Line("1.00", f"V{number}", text=f"viitenumber {first_ref.reference_number}")],
            version=version,
        )
        assert parse_bank_file(content).schema_version == f"001.{version}"
        bank_statement_import(content=content, actor=staff)
    assert balance_of(first) == eur("3.00")


def test_batched_entry_gives_one_payment_per_transfer__BIL_06(two_clients, staff):
    (first, first_ref), (second, second_ref) = two_clients
    batch = Line(
        "30.00",
        "BATCH-1",
        transfers=[
            Line("10.00", "BATCH-1-A", structured_reference=first_ref.reference_number),
            Line("20.00", "BATCH-1-B", structured_reference=second_ref.reference_number),
        ],
    )
    imported = bank_statement_import(content=camt053([batch], bank="lhv"), actor=staff)
    assert (imported.credit_lines, imported.matched) == (2, 2)
    assert balance_of(first) == eur("10.00") and balance_of(second) == eur("20.00")
    assert sorted(Payment.objects.values_list("bank_references", flat=True)) == [
        "AcctSvcrRef=BATCH-1-A;",
        "AcctSvcrRef=BATCH-1-B;",
    ]
    assert {key.split(":")[0] for key in Payment.objects.values_list("external_id", flat=True)} == {
        PROVIDER_IBAN
    }


def test_unknown_ambiguous_and_foreign_currency_lines_go_to_the_queue__BIL_06(two_clients, staff):
    (first, first_ref), (_second, second_ref) = two_clients
    content = camt053(
        [
            Line("1.00", "U1", structured_reference="1234561"),
            Line("2.00", "U2", text=f"{first_ref.reference_number} {second_ref.reference_number}"),
            Line("3.00", "U3", structured_reference=first_ref.reference_number, currency="USD"),
        ]
    )
    imported = bank_statement_import(content=content, actor=staff)
    assert (imported.matched, imported.unmatched) == (0, 3)
    notes = dict(unmatched_payments().values_list("amount_minor", "review_note"))
    assert notes == {
        100: "reference belongs to no client",
        200: "references of more than one client",
        300: "paid in USD, not EUR",
    }
    assert balance_of(first) == eur("0.00")


def test_hostile_or_foreign_files_are_refused_and_nothing_recorded__BIL_06(staff):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>'
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>'
    )
    pain = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>'
    for content in (bomb, external, pain, b"not xml", b""):
        with pytest.raises(DomainError) as refused:
            bank_statement_import(content=content, actor=staff)
        assert "file" in refused.value.fields
    provider_setting_change(key="ledger.bank_statement_max_bytes", raw_value="10000")
    with pytest.raises(DomainError) as refused:
        bank_statement_import(content=camt053([Line("1.00", "X")] * 40), actor=staff)
    assert refused.value.code == "file_too_large"
    assert BankStatementImport.objects.count() == 0
    assert Payment.objects.count() == 0


def test_lines_without_bank_reference_get_a_stable_content_id__BIL_06(two_clients, staff):
    (first, first_ref), _ = two_clients
    same = Line("5.00", "REMOVED", structured_reference=first_ref.reference_number)
    content = re.sub(rb"<AcctSvcrRef>REMOVED</AcctSvcrRef>", b"", camt053([same, same]))
    ids = [line.key for line in parse_bank_file(content).credit_lines]
    assert len(set(ids)) == 2  # two equal transfers stay two payments
    assert ids == [line.key for line in parse_bank_file(content).credit_lines]
    bank_statement_import(content=content, actor=staff)
    bank_statement_import(content=content, actor=staff)
    assert balance_of(first) == eur("10.00")
    assert Payment.objects.count() == 2
