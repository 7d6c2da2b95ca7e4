"""Schemas of the balance, statements, payments and top-ups (BIL-01, BIL-06)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_invoices import InvoiceSummaryOut
from hostledger.api.schemas_money import (
    FIRST_DAY,
    LAST_DAY,
    InputDate,
    MoneyIn,
    MoneyOut,
    SignedMoneyIn,
    confirm_flag,
    day,
    multiline_text,
)
from hostledger.ledger.models import Payment

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
_PATH_CHARACTER = r"A-Za-z0-9\-._~?#\[\]@!$&'()*+,;=%"
RETURN_PATH_PATTERN = rf"^/([{_PATH_CHARACTER}][/{_PATH_CHARACTER}]{{0,298}})?$"
"""A path on this site ("/", "/billing/"), never another site ("//evil.example")."""
GATEWAY_NAME_PATTERN = r"^[a-z0-9_-]{1,40}$"


class BalanceOut(Schema):
    """The client's prepaid balance: the sum of its ledger entries (BIL-01)."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    balance: MoneyOut


class StatementRange(Schema):
    date_from: InputDate | None = day("First day, included; omit to start at the first movement.")
    date_to: InputDate | None = day("Last day, included; omit to run to today.")


class StatementLineOut(Schema):
    """One movement of the balance and the balance after it."""

    posted_at: datetime
    transaction_id: str = Field(examples=["txn_3k9d2m7q8w1x4z6v"])
    kind: str = Field(
        description="payment, charge, refund, penalty, credit, correction or credit_note.",
        examples=["payment"],
    )
    kind_label: str = Field(examples=["Payment"])
    description: str = Field(examples=["Payment pmt_3k9d2m7q8w1x4z6v (staff)"])
    amount: MoneyOut = Field(description="Positive raises the balance, negative lowers it.")
    running_balance: MoneyOut = Field(description="The balance after this movement.")


class StatementOut(Schema):
    """The balance's movements in a range of days with a running balance (BIL-01). The
    lines are paged like every list; the running balance is of the whole range."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    date_from: date | None
    date_to: date | None
    opening_balance: MoneyOut = Field(description="The balance before the first day.")
    closing_balance: MoneyOut = Field(description="The balance after the last day.")
    items: list[StatementLineOut] = Field(description="The lines of this page, oldest first.")
    count: int = Field(description="Lines in the whole range.", examples=[1])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class PaymentOut(Schema):
    """Money received for the client, recorded once (BIL-06)."""

    id: str = Field(examples=["pmt_3k9d2m7q8w1x4z6v"])
    amount: MoneyOut
    source: str = Field(
        description="staff, bank_statement or the name of a payment gateway.",
        examples=["bank_statement"],
    )
    status: Literal["matched", "unmatched", "refunded", "reversed"]
    value_date: date | None
    booking_date: date | None
    reference: str = Field(examples=["1000016"])
    recorded_at: datetime


class PaymentPayerOut(Schema):
    """Who paid, as the bank or gateway said: personal data, shown to staff with
    clients.view_personal_data and recorded in the audit trail (GDPR-12)."""

    payer_name: str = Field(examples=["MARI TAMM"])
    payer_account: str = Field(examples=["EE471000001020145685"])
    remittance_information: str = Field(examples=["Arve 1000016"])


class StaffPaymentOut(PaymentOut):
    """A payment as staff see it, matched or waiting in the review queue (BIL-06)."""

    client_id: str | None = Field(description="Null while it waits in the review queue.")
    review_note: str = Field(
        description="Why it could not be matched.", examples=["no payment reference"]
    )
    payer: PaymentPayerOut | None = Field(
        description="Null for staff without clients.view_personal_data."
    )


class BankTransferOut(Schema):
    """How the client pays by SEPA credit transfer (BIL-06): the provider's account and the
    client's own reference. A transfer that quotes the reference number (or the RF creditor
    reference, the same digits in ISO 11649 form) in its reference field is matched to the
    client by the bank statement import, without staff."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    beneficiary: str = Field(description="Account holder: the provider's legal name.")
    iban: str = Field(description="Without spaces.", examples=["EE382200221020145685"])
    bic: str = Field(description="Empty when the provider gives none.", examples=["HABAEE2X"])
    bank_name: str = Field(examples=["Demo Bank AS"])
    reference_number: str = Field(
        description="Estonian reference number (7-3-1 check digit); empty if none was given.",
        examples=["1012"],
    )
    creditor_reference: str = Field(
        description="ISO 11649 RF creditor reference on the same digits; empty if none.",
        examples=["RF341012"],
    )


class GatewayOut(Schema):
    """A payment gateway the balance can be topped up through."""

    name: str = Field(examples=["stripe"])
    label: str = Field(examples=["Card payment (Stripe)"])


class TopUpCreateIn(InputSchema):
    gateway: str = Field(
        pattern=GATEWAY_NAME_PATTERN,
        description="Name of a gateway from GET /billing/gateways.",
        examples=["stripe"],
    )
    amount: MoneyIn = Field(description="How much to pay into the balance, in EUR.")
    return_path: str = Field(
        "/",
        pattern=RETURN_PATH_PATTERN,
        description="Path on this site the gateway sends the client back to.",
        examples=["/billing/"],
    )


class TopUpOut(Schema):
    """A top-up started at a gateway: send the client to ``redirect_url`` to pay. The balance
    grows only when the gateway's signed notification confirms the payment (BIL-06)."""

    id: str = Field(examples=["top_3k9d2m7q8w1x4z6v"])
    gateway: str = Field(examples=["stripe"])
    amount: MoneyOut
    status: Literal["pending", "paid", "failed"]
    redirect_url: str = Field(examples=["https://checkout.stripe.com/c/pay/cs_test_a1"])
    created_at: datetime

    @staticmethod
    def resolve_id(top_up) -> str:
        return top_up.public_id


class PaidFromBalanceOut(Schema):
    """The proforma paid from the balance, now the numbered invoice, and the balance left."""

    invoice: InvoiceSummaryOut
    balance: MoneyOut


class PaymentRecordIn(InputSchema):
    amount: MoneyIn = Field(description="What the client paid, in EUR.")
    value_date: InputDate = Field(
        ge=FIRST_DAY, le=LAST_DAY, description="The day the money arrived; not in the future."
    )
    reference: text(150, "The bank's reference of the transfer or the receipt number.", ["B-1"])
    received_into: Literal["bank", "cash"] = Field("bank", description="Where the money went.")
    payer_name: text(200, "Who paid.", ["Mari Maasikas"]) = ""
    confirm: bool = confirm_flag()


class PaymentAssignIn(InputSchema):
    client: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the client the payment is for.",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )


class NotRecordedLineOut(Schema):
    """A line of a bank file that is not recorded as a payment, and why (BIL-06)."""

    line: str = Field(
        description="Where it is: statement, entry and bank reference.",
        examples=["statement 2026-11-20-1, entry 3 (reference 2026112000003)"],
    )
    amount: str = Field(examples=["55.50 EUR"])
    reason: str = Field(
        description="Why: an outgoing payment, not booked, another account, or a duplicate "
        "naming the import that recorded it.",
        examples=["duplicate: recorded by import imp_3k9d2m7q8w1x4z6v as pmt_7m2k9d3q8w1x4z6v"],
    )


class BankStatementImportOut(Schema):
    """What importing one camt.053, camt.052 or camt.054 file did (BIL-06). Importing a file
    again records nothing new: its lines are listed as duplicates of the earlier import."""

    id: str = Field(examples=["imp_3k9d2m7q8w1x4z6v"])
    file_name: str = Field(examples=["statement-2026-11-20.xml"])
    file_sha256: str
    message_id: str
    statement_ids: list[str]
    account_iban: str = Field(examples=["EE382200221020145685"])
    schema_version: str = Field(examples=["camt.053.001.02"])
    credit_lines: int = Field(description="Credit lines in the file.")
    payments_recorded: int = Field(description="Payments recorded now.")
    duplicates: int = Field(description="Lines recorded by an earlier import.")
    matched: int = Field(description="New payments posted to a client's balance.")
    unmatched: int = Field(description="New payments put in the review queue.")
    debit_lines_skipped: int
    not_booked_skipped: int
    message_type: str = Field(examples=["camt.053"])
    accounts: list[str] = Field(description="The provider's accounts the file reported.")
    reversals_applied: int = Field(description="Payments reversed by the bank's reversals.")
    reversals_waiting: int = Field(description="Bank reversals waiting for staff.")
    not_recorded: list[NotRecordedLineOut] = Field(
        description="Every line not recorded as a payment, with the reason."
    )
    imported_at: datetime

    @staticmethod
    def resolve_id(record) -> str:
        return record.public_id


class PaymentReverseIn(InputSchema):
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Why the payment is reversed; kept with the correction and audited.",
        examples=["Recorded twice by mistake"],
    )


class ReversalResolveIn(InputSchema):
    payment: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the payment the bank's reversal takes back.",
        examples=["pmt_3k9d2m7q8w1x4z6v"],
    )


class PaymentReversalOut(Schema):
    """A payment taken back by the bank or by staff (BIL-06): applied (a correction took it
    off the balance) or waiting for staff to name the payment."""

    id: str = Field(examples=["rev_3k9d2m7q8w1x4z6v"])
    source: str = Field(examples=["bank_statement"])
    status: Literal["applied", "waiting"]
    payment_id: str | None = Field(description="The payment reversed, or believed reversed.")
    amount: MoneyOut
    booking_date: date | None
    reason: str
    review_note: str = Field(description="Why it waits for staff.")
    statement_import_id: str | None
    created_at: datetime

    @staticmethod
    def resolve_id(reversal) -> str:
        return reversal.public_id

    @staticmethod
    def resolve_payment_id(reversal) -> str | None:
        return reversal.payment.public_id if reversal.payment_id else None

    @staticmethod
    def resolve_statement_import_id(reversal) -> str | None:
        return reversal.statement_import.public_id if reversal.statement_import_id else None


class IdempotentIn(InputSchema):
    idempotency_key: str = Field(
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Your unique key of this movement: sending the same request again with "
        "it posts nothing new (BIL-06).",
        examples=["refund-2026-03-02-1"],
    )
    reason: multiline_text(500, "Why; shown on the client's statement.", ["Goodwill"])


class RefundIn(IdempotentIn):
    amount: MoneyIn = Field(description="How much to pay back, in EUR.")
    payment: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="The payment to refund, which the money goes back the way of.",
        examples=["pmt_3k9d2m7q8w1x4z6v"],
    )
    confirm: bool = confirm_flag()


class CreditIn(IdempotentIn):
    amount: MoneyIn = Field(description="Compensation credited to the balance, in EUR.")
    confirm: bool = confirm_flag()


class CorrectionIn(IdempotentIn):
    amount: SignedMoneyIn = Field(description="Signed correction: negative lowers the balance.")
    confirm: bool = confirm_flag()


class LedgerTransactionOut(Schema):
    """A movement of the client's balance posted by staff (BIL-01)."""

    id: str = Field(examples=["txn_3k9d2m7q8w1x4z6v"])
    kind: Literal["refund", "credit", "correction"]
    amount: MoneyOut = Field(description="Change of the balance: negative takes money off.")
    description: str
    created_at: datetime
    replayed: bool = Field(description="True when the idempotency key was posted before.")
    balance: MoneyOut = Field(description="The client's balance now.")


def payment_row(payment: Payment) -> dict:
    """A payment as :class:`PaymentOut`."""
    return {
        "id": payment.public_id,
        "amount": payment.amount,
        "source": payment.source,
        "status": payment.status,
        "value_date": payment.value_date,
        "booking_date": payment.booking_date,
        "reference": payment.reference,
        "recorded_at": payment.recorded_at,
    }


def staff_payment_row(payment: Payment, *, with_payer: bool) -> dict:
    """A payment (with its client loaded) as :class:`StaffPaymentOut`."""
    payer = None
    if with_payer:
        payer = {
            "payer_name": payment.payer_name or "",
            "payer_account": payment.payer_account or "",
            "remittance_information": payment.remittance_information or "",
        }
    return {
        **payment_row(payment),
        "client_id": payment.client.public_id if payment.client_id else None,
        "review_note": payment.review_note,
        "payer": payer,
    }
