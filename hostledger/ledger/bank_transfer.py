"""How a client pays by bank transfer: the provider's account, the client's reference and an
EPC QR code (BIL-06).

:func:`bank_transfer_instructions` is the one read that the client area (proforma, top-up
and billing pages), the API and the notification texts (reminders) use, so they all print
the same account and the reference the bank statement import matches by.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostledger.accounts.models import Client
from hostledger.core.money import Money
from hostledger.core.registry import current_values
from hostledger.invoicing import conf as provider
from hostledger.ledger.epc_qr import credit_transfer_qr_svg
from hostledger.ledger.models import ClientPaymentReference


@dataclass(frozen=True, slots=True)
class BankTransferInstructions:
    """What a client writes on a SEPA credit transfer so that it reaches its balance.

    ``reference_number`` is the Estonian 7-3-1 reference number, ``creditor_reference`` the
    ISO 11649 RF form of the same digits (put in the QR code); both are empty for a client
    that has none. ``amount`` is what to pay, or None for a top-up of any amount.
    """

    beneficiary: str
    iban: str
    bic: str
    bank_name: str
    reference_number: str
    creditor_reference: str
    amount: Money | None = None

    def qr_svg(self, language: str = "en") -> str:
        """The EPC QR code (EPC069-12) as inline SVG, or "" when it cannot be made."""
        return credit_transfer_qr_svg(self, language)


def bank_transfer_instructions(
    client: Client, amount: Money | None = None
) -> BankTransferInstructions:
    """The provider's account (provider settings) and ``client``'s payment reference; a
    transfer quoting either reference is matched to the client by the statement import.

    Only reads: a client without a reference (none should be left after registration and the
    migration that gave existing clients theirs) gets the account without one.
    """
    reference = (
        ClientPaymentReference.objects.filter(client_id=client.pk)
        .values("reference_number", "creditor_reference")
        .first()
    ) or {}
    settings = current_values()
    return BankTransferInstructions(
        beneficiary=settings[provider.PROVIDER_LEGAL_NAME],
        iban=settings[provider.PROVIDER_IBAN],
        bic=settings[provider.PROVIDER_BIC],
        bank_name=settings[provider.PROVIDER_BANK_NAME],
        reference_number=reference.get("reference_number", ""),
        creditor_reference=reference.get("creditor_reference", ""),
        amount=amount,
    )
