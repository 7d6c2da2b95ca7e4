"""Bank files as banks really send them (BIL-06): credits sharing a bank reference, dates
with offsets, files of several accounts, camt.052 and camt.054, reversals, currencies, and
refusals that name the line and record nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.flows.payments import bank_file_import
from hostledger.ledger.actions import (
    bank_statement_import,
    charge_post,
    client_payment_reference_ensure,
    credit_post,
    payment_record,
    payment_reversal_resolve,
    payment_reverse,
    refund_post,
)
from hostledger.ledger.gateways.bank_statement.camt import parse_bank_file
from hostledger.ledger.models import BankStatementImport, Payment, PaymentReversal
from hostledger.ledger.selectors import balance_of, verify_balances
from hostledger.notifications.models import Notification
from tests.ledger.camt import PROVIDER_IBAN, Line, as_message, camt053
from tests.ledger.helpers import eur, ledger_snapshot

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bank"


def _corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _own_accounts(*accounts: str) -> None:
    provider_setting_change(key="ledger.provider_bank_accounts", raw_value=" ".join(accounts))


@pytest.fixture
def referenced_client(make_client):
    client = make_client()
    return client, client_payment_reference_ensure(client=client)


def _nothing_stored() -> dict:
    return {
        "ledger": ledger_snapshot(),
        "imports": BankStatementImport.objects.count(),
        "reversals": PaymentReversal.objects.count(),
    }


# ----------------------------------------------------------------------------- item 1


def test_batch_of_two_transfers_sharing_the_entry_reference_records_both__BIL_06(staff):
    """OCA's fixture: one entry, two TxDtls (2,187.00 + 1,296.00 CHF), one AcctSvcrRef."""
    _own_accounts("CH1111000000123456789")
    content = _corpus("oca-test-camt053-txdtls.xml")
    imported = bank_statement_import(content=content, actor=staff)
    amounts = sorted(Payment.objects.values_list("amount_minor", "currency"))
    assert amounts == [(129600, "CHF"), (218700, "CHF")]
    assert (imported.payments_recorded, imported.duplicates) == (2, 0)
    assert set(Payment.objects.values_list("review_note", flat=True)) == {"paid in CHF, not EUR"}


def test_two_credits_under_one_bank_reference_are_two_payments__BIL_06(staff):
    """PostFinance's statement: 1,537.00 and 1,692.22 CHF share one bank reference."""
    content = _corpus("moov-postfinance-camt.053_P_CH2909000000250094239_2020112503071366.xml")
    _own_accounts("CH2909000000250094239")
    imported = bank_statement_import(content=content, actor=staff)
    amounts = set(Payment.objects.values_list("amount_minor", flat=True))
    assert {153700, 169222} <= amounts
    assert imported.duplicates == 0
    assert not [row for row in imported.not_recorded if "duplicate" in row["reason"]]


def test_synthetic_batch_and_repeated_reference_stay_distinct__BIL_06(referenced_client, staff):
    client, reference = referenced_client
    batch = Line(
        "34.83",
        "SHARED-1",
        transfers=[
            Line("21.87", "SHARED-1", structured_reference=reference.reference_number),
            Line("12.96", "SHARED-1", structured_reference=reference.reference_number),
        ],
    )
    again = Line("15.37", "SHARED-1", structured_reference=reference.reference_number)
    other = Line("16.92", "SHARED-1", structured_reference=reference.reference_number)
    imported = bank_statement_import(
        content=camt053([batch, again, other], bank="lhv"), actor=staff
    )
    assert (imported.payments_recorded, imported.duplicates) == (4, 0)
    assert balance_of(client) == eur("67.12")


def test_overlapping_statement_records_nothing_twice_and_names_the_import__BIL_06(
    referenced_client, staff
):
    client, reference = referenced_client
    first = Line("10.00", "D-1", structured_reference=reference.reference_number)
    second = Line("20.00", "D-2", structured_reference=reference.reference_number)
    daily = bank_statement_import(content=camt053([first], statement_id="DAY"), actor=staff)
    monthly = bank_statement_import(
        content=camt053([first, second], statement_id="MONTH"), actor=staff
    )
    assert (monthly.payments_recorded, monthly.duplicates) == (1, 1)
    [duplicate] = [row for row in monthly.not_recorded if "duplicate" in row["reason"]]
    assert daily.public_id in duplicate["reason"]
    assert duplicate["line"] == "statement MONTH, entry 1 (reference D-1)"
    assert balance_of(client) == eur("30.00")


def test_every_line_not_recorded_is_listed_with_its_reason__BIL_06(referenced_client, staff):
    _, reference = referenced_client
    content = camt053(
        [
            Line("1.00", "C-1", structured_reference=reference.reference_number),
            Line("2.00", "C-2", direction="DBIT"),
            Line("3.00", "C-3", booked=False),
        ]
    )
    imported = bank_statement_import(content=content, actor=staff)
    assert [(row["line"], row["amount"], row["reason"]) for row in imported.not_recorded] == [
        ("statement 2026-11-20-1, entry 2 (reference C-2)", "2.00", "outgoing payment (debit)"),
        ("statement 2026-11-20-1, entry 3 (reference C-3)", "3.00", "not booked yet (status PDNG)"),
    ]


# ----------------------------------------------------------------------------- item 2


@pytest.mark.parametrize(
    "booking",
    [
        "<Dt>2026-11-20+02:00</Dt>",
        "<Dt>2026-11-20Z</Dt>",
        "<Dt>2026-11-20-05:00</Dt>",
        "<DtTm>2026-11-20T10:15:00</DtTm>",
        "<DtTm>2026-11-20T10:15:00.123+02:00</DtTm>",
        "<DtTm>2026-11-20T10:15:00Z</DtTm>",
    ],
)
def test_every_iso_date_form_is_read__BIL_06(referenced_client, staff, booking):
    client, reference = referenced_client
    content = camt053([Line("4.00", "DATE-1", structured_reference=reference.reference_number)])
    content = content.replace(
        b"<BookgDt><Dt>2026-11-20</Dt></BookgDt>", f"<BookgDt>{booking}</BookgDt>".encode()
    )
    bank_statement_import(content=content, actor=staff)
    [payment] = Payment.objects.all()
    assert payment.booking_date == date(2026, 11, 20)
    assert balance_of(client) == eur("4.00")


def test_a_date_that_is_not_one_is_refused_naming_the_line__BIL_06(referenced_client, staff):
    _, reference = referenced_client
    content = camt053([Line("4.00", "BAD-DATE", structured_reference=reference.reference_number)])
    content = content.replace(b"<BookgDt><Dt>2026-11-20</Dt>", b"<BookgDt><Dt>2026-13-40</Dt>")
    before = _nothing_stored()
    with pytest.raises(DomainError) as refused:
        bank_statement_import(content=content, actor=staff)
    assert "statement 2026-11-20-1, entry 1 (reference BAD-DATE)" in refused.value.message
    assert _nothing_stored() == before


# ----------------------------------------------------------------------------- item 3


def test_statements_of_other_accounts_are_skipped_with_the_account__BIL_06(staff):
    """Handelsbanken's statement of several accounts: only the provider's one is imported."""
    content = _corpus("handelsbanken-camt053-swedish-account-statement.xml")
    parsed_all = parse_bank_file(content)
    own = parsed_all.accounts[0]
    _own_accounts(own)
    imported = bank_statement_import(content=content, actor=staff)
    assert imported.accounts == [own]
    skipped = [row for row in imported.not_recorded if "not one of the provider's" in row["reason"]]
    assert len(skipped) == len(parsed_all.accounts) - 1
    for account in parsed_all.accounts[1:]:
        assert any(account in row["reason"] for row in skipped)
    own_lines = [line for line in parsed_all.credit_lines if line.account == own]
    assert Payment.objects.count() == len(own_lines)


def test_default_provider_account_is_the_printed_iban__BIL_06(referenced_client, staff):
    client, reference = referenced_client
    mine = Line("5.00", "MINE", structured_reference=reference.reference_number)
    bank_statement_import(content=camt053([mine]), actor=staff)
    theirs = camt053([mine], iban="EE471000001020145685", statement_id="OTHER")
    imported = bank_statement_import(content=theirs, actor=staff)
    assert imported.payments_recorded == 0
    assert imported.not_recorded[0]["reason"] == (
        "account EE471000001020145685 is not one of the provider's bank accounts"
    )
    assert balance_of(client) == eur("5.00")


# ----------------------------------------------------------------------------- item 4


def test_same_transfer_in_a_052_a_054_and_the_053_is_recorded_once__BIL_06(
    referenced_client, staff
):
    client, reference = referenced_client
    line = Line("42.00", "ONE-TRANSFER", structured_reference=reference.reference_number)
    statement = camt053([line])
    report = bank_statement_import(content=as_message(statement, "052"), actor=staff)
    notice = bank_statement_import(content=as_message(statement, "054"), actor=staff)
    final = bank_statement_import(content=statement, actor=staff)
    assert (report.message_type, notice.message_type, final.message_type) == (
        "camt.052",
        "camt.054",
        "camt.053",
    )
    assert (report.payments_recorded, notice.duplicates, final.duplicates) == (1, 1, 1)
    assert balance_of(client) == eur("42.00")
    assert Payment.objects.count() == 1


def test_one_postfinance_notification_in_two_schema_versions_is_recorded_once__BIL_06(staff):
    _own_accounts("CH2909000000250094239")
    first = bank_statement_import(
        content=_corpus("moov-postfinance-camt.054_P_CH2909000000250094239_1111091335_v2009.xml"),
        actor=staff,
    )
    second = bank_statement_import(
        content=_corpus("dvbern-postfinance-camt.054_P_CH2909000000250094239_1111091335_v2019.xml"),
        actor=staff,
    )
    assert (first.schema_version, second.schema_version) == ("001.04", "001.08")
    assert first.payments_recorded == 2
    assert (second.payments_recorded, second.duplicates) == (0, 2)


# ----------------------------------------------------------------------------- item 5


def test_bank_reversal_reverses_the_payment_and_tells_the_client__BIL_06(referenced_client, staff):
    client, reference = referenced_client
    paid = Line(
        "50.00",
        "IN-1",
        structured_reference=reference.reference_number,
        end_to_end_id="E2E-CLIENT-1",
    )
    bank_file_import(content=camt053([paid], statement_id="S1"), actor=staff)
    [payment] = Payment.objects.all()
    assert balance_of(client) == eur("50.00")

    back = Line("50.00", "OUT-9", direction="DBIT", reversal=True, end_to_end_id="E2E-CLIENT-1")
    imported = bank_file_import(content=camt053([back], statement_id="S2", bank="lhv"), actor=staff)

    assert (imported.reversals_applied, imported.reversals_waiting) == (1, 0)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED
    [reversal] = PaymentReversal.objects.all()
    assert reversal.payment == payment and reversal.ledger_transaction.kind == "correction"
    assert balance_of(client) == eur("0.00")
    [message] = Notification.objects.filter(client=client, event="payment_reversed")
    assert message.amount_minor == 5000
    assert verify_balances() == []
    again = bank_file_import(content=camt053([back], statement_id="S2", bank="lhv"), actor=staff)
    assert again.reversals_applied == 0 and balance_of(client) == eur("0.00")


def test_reversal_of_spent_money_leaves_a_debt__BIL_06(referenced_client, staff):
    client, reference = referenced_client
    paid = Line(
        "30.00", "IN-2", structured_reference=reference.reference_number, end_to_end_id="E2"
    )
    bank_statement_import(content=camt053([paid]), actor=staff)
    charge_post(
        client=client,
        amount=eur("20.00"),
        vat_amount=eur("0.00"),
        idempotency_key="spent-1",
        actor=staff,
        memo="hosting",
    )
    back = Line("30.00", "OUT-2", direction="DBIT", reversal=True, end_to_end_id="E2")
    bank_statement_import(content=camt053([back], statement_id="S2"), actor=staff)
    assert balance_of(client) == eur("-20.00")


def test_reversal_without_its_payment_waits_for_staff_linked_when_known__BIL_06(
    referenced_client, staff
):
    client, reference = referenced_client
    back = Line("70.00", "OUT-3", direction="DBIT", reversal=True, end_to_end_id="E2E-UNKNOWN")
    imported = bank_statement_import(content=camt053([back], statement_id="S3"), actor=staff)
    assert (imported.reversals_applied, imported.reversals_waiting) == (0, 1)
    [waiting] = PaymentReversal.objects.all()
    assert waiting.status == PaymentReversal.Status.WAITING and waiting.payment is None
    assert waiting.review_note == "no recorded payment carries the reversal's references"

    paid = Line("70.00", "IN-3", structured_reference=reference.reference_number)
    bank_statement_import(content=camt053([paid], statement_id="S4"), actor=staff)
    [payment] = Payment.objects.all()
    other = Line("9.00", "IN-4", structured_reference=reference.reference_number)
    bank_statement_import(content=camt053([other], statement_id="S5"), actor=staff)
    wrong = Payment.objects.get(amount_minor=900)
    before = _nothing_stored()
    with pytest.raises(DomainError) as refused:
        payment_reversal_resolve(reversal=waiting, payment=wrong, actor=staff)
    assert refused.value.code == "payment_not_reversible"
    assert _nothing_stored() == before
    waiting.refresh_from_db()
    assert waiting.status == PaymentReversal.Status.WAITING
    assert balance_of(client) == eur("79.00")

    payment_reversal_resolve(reversal=waiting, payment=payment, actor=staff)
    waiting.refresh_from_db()
    assert waiting.status == PaymentReversal.Status.APPLIED and waiting.payment == payment
    assert balance_of(client) == eur("9.00")


# ----------------------------------------------------------------------------- item 6


@pytest.mark.parametrize("code", ["XXX", "ABC", "XAU"])
def test_no_currency_and_unknown_codes_are_refused_naming_the_entry__BIL_06(staff, code):
    content = camt053([Line("1.00", "CCY-1"), Line("2.00", "CCY-2", currency=code)])
    before = _nothing_stored()
    with pytest.raises(DomainError) as refused:
        bank_statement_import(content=content, actor=staff)
    assert f"entry 2 (reference CCY-2): '{code}' is not an ISO 4217 currency" in (
        refused.value.message
    )
    assert _nothing_stored() == before


def test_foreign_credit_says_its_currency_and_a_euro_counter_value_is_used__BIL_06(
    referenced_client, staff
):
    client, reference = referenced_client
    foreign = Line("100.00", "USD-1", currency="USD")
    converted = Line(
        "110.00",
        "USD-2",
        currency="USD",
        counter_value_eur="101.23",
        structured_reference=reference.reference_number,
    )
    bank_statement_import(content=camt053([foreign, converted]), actor=staff)
    waiting = Payment.objects.get(currency="USD")
    assert waiting.review_note == "paid in USD, not EUR"
    posted = Payment.objects.get(currency="EUR")
    assert posted.amount == eur("101.23") and posted.client == client
    assert balance_of(client) == eur("101.23")


# ----------------------------------------------------------------------------- item 7


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1.234", "12,50"])
def test_bad_amount_refuses_the_file_naming_statement_entry_and_reference__BIL_06(staff, amount):
    content = camt053([Line("1.00", "OK-1"), Line(amount, "BAD-AMOUNT")], statement_id="ST-7")
    before = _nothing_stored()
    with pytest.raises(DomainError) as refused:
        bank_statement_import(content=content, actor=staff)
    assert "statement ST-7, entry 2 (reference BAD-AMOUNT)" in refused.value.message
    assert "amount" in refused.value.message
    assert refused.value.fields["file"] == refused.value.message
    assert _nothing_stored() == before


def test_zero_amount_says_above_zero__BIL_06(staff):
    content = camt053([Line("0.00", "ZERO")], statement_id="ST-0")
    with pytest.raises(DomainError) as refused:
        bank_statement_import(content=content, actor=staff)
    assert refused.value.message == (
        "statement ST-0, entry 1 (reference ZERO): amount: must be above zero (got '0.00')."
    )
    assert PROVIDER_IBAN not in refused.value.message


def test_a_reversed_payment_cannot_be_refunded__BIL_01_BIL_06(referenced_client, staff):
    client, _ = referenced_client
    payment = payment_record(
        client=client,
        amount=eur("30.00"),
        value_date=date.today(),
        reference="REFUND-ME",
        actor=staff,
    )
    payment_reverse(payment=payment, reason="Recorded for the wrong client", actor=staff)
    credit_post(client=client, amount=eur("30.00"), idempotency_key="c-1", actor=staff, memo="x")
    before = _nothing_stored()
    with pytest.raises(DomainError) as refused:
        refund_post(
            client=client,
            amount=eur("10.00"),
            payment=payment,
            idempotency_key="r-1",
            actor=staff,
            memo="back",
        )
    assert refused.value.code == "payment_reversed"
    assert _nothing_stored() == before
