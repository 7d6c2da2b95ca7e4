"""How a client pays by bank transfer: one read for pages, API and messages (BIL-06)."""

from __future__ import annotations

from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.bank_transfer import BankTransferInstructions, bank_transfer_instructions
from tests.qr_decoding import decoded_svg


def test_the_providers_account_and_the_clients_references__BIL_06(client_record):
    provider_setting_change(key="invoicing.provider_legal_name", raw_value="Pilvepood OÜ")
    provider_setting_change(key="invoicing.provider_iban", raw_value="EE471000001020145685")
    reference = client_payment_reference_ensure(client=client_record)

    transfer = bank_transfer_instructions(client_record, Money.of("24.80"))

    assert transfer == BankTransferInstructions(
        beneficiary="Pilvepood OÜ",
        iban="EE471000001020145685",
        bic="DEMOEE22",
        bank_name="Demo Bank AS",
        reference_number=reference.reference_number,
        creditor_reference=reference.creditor_reference,
        amount=Money.of("24.80"),
    )
    assert decoded_svg(transfer.qr_svg()).text == (
        "BCD\n002\n1\nSCT\nDEMOEE22\nPilvepood OÜ\nEE471000001020145685\nEUR24.80\n\n"
        + reference.creditor_reference
    )


def test_reading_makes_no_reference_and_a_client_without_one_gets_the_account__BIL_06(
    client_record,
):
    transfer = bank_transfer_instructions(client_record)
    assert (transfer.reference_number, transfer.creditor_reference, transfer.amount) == (
        "",
        "",
        None,
    )
    assert decoded_svg(transfer.qr_svg()).text == (
        "BCD\n002\n1\nSCT\nDEMOEE22\nSmartApe OÜ\nEE382200221020145685"
    )
    assert not client_record.__class__.objects.filter(payment_reference__isnull=False).exists()


def test_details_a_code_cannot_carry_give_no_code__BIL_06(client_record):
    """An amount in another currency cannot be paid by a SEPA credit transfer code: the
    page shows the account in words alone."""
    transfer = bank_transfer_instructions(client_record, Money.of("10.00", "USD"))
    assert transfer.qr_svg() == ""
