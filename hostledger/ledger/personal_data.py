"""Personal data held by the ledger app, field by field (GDPR-01).

Amounts and entries are bookkeeping records kept for the legal retention period; what a
bank statement or a payer says about the person who paid is personal and encrypted.
"""

from hostledger.core.personal_data import (
    NOT_PERSONAL,
    Category,
    LegalBasis,
    NotPersonal,
    Personal,
    Retention,
    Subject,
    declare,
)

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")
STATE = NotPersonal("state of the record, not about the person")
BOOKKEEPING = NotPersonal("amount or bookkeeping detail of the provider's ledger")

_PAYER = Personal(
    Category.BILLING,
    "matching and refunding payments, bookkeeping",
    LegalBasis.LEGAL_OBLIGATION,
    Retention.BILLING_RECORDS,
    encrypted=True,
)

declare(
    "ledger.LedgerAccount",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "code": NotPersonal("account code of the chart of accounts"),
        "kind": NOT_PERSONAL,
        "client": REFERENCE,
        "currency": BOOKKEEPING,
        "created_at": RECORD_TIME,
    },
)
declare(
    "ledger.LedgerTransaction",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "kind": BOOKKEEPING,
        "idempotency_key": NotPersonal("key of the event that caused the movement"),
        "client": REFERENCE,
        "payment": REFERENCE,
        "memo": NotPersonal("what the movement is for; written by the system or staff"),
        "created_at": RECORD_TIME,
        "actor": REFERENCE,
    },
)
declare(
    "ledger.Entry",
    {
        "id": ROW_KEY,
        "transaction": REFERENCE,
        "account": REFERENCE,
        "client": REFERENCE,
        "amount_minor": BOOKKEEPING,
        "currency": BOOKKEEPING,
    },
)
declare(
    "ledger.ClientBalance",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "account": REFERENCE,
        "balance_minor": BOOKKEEPING,
        "currency": BOOKKEEPING,
        "updated_at": RECORD_TIME,
    },
)
declare(
    "ledger.Payment",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "source": NOT_PERSONAL,
        "external_id": NotPersonal("the bank's or gateway's id of the payment"),
        "amount_minor": BOOKKEEPING,
        "currency": BOOKKEEPING,
        "value_date": BOOKKEEPING,
        "booking_date": BOOKKEEPING,
        "reference": NotPersonal("payment reference number written on the transfer"),
        "payer_name": _PAYER,
        "payer_account": _PAYER,
        "remittance_information": _PAYER,
        "counter_account": REFERENCE,
        "client": REFERENCE,
        "status": STATE,
        "review_note": NotPersonal("why the payment waits for review"),
        "bank_account": NotPersonal("the provider's own bank account the money reached"),
        "bank_references": NotPersonal("the banks' references of the transfer"),
        "named_invoice": NotPersonal("public id of the invoice the transfer names"),
        "statement_import": REFERENCE,
        "recorded_at": RECORD_TIME,
        "recorded_by": REFERENCE,
        "matched_at": RECORD_TIME,
        "matched_by": REFERENCE,
    },
    subject=Subject(client="client"),
)
declare(
    "ledger.ClientPaymentReference",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "reference_number": NotPersonal("computed from the client's row id"),
        "creditor_reference": NotPersonal("computed from the client's row id"),
        "created_at": RECORD_TIME,
    },
)
declare(
    "ledger.BankStatementImport",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "file_name": NotPersonal("name of the provider's statement file"),
        "file_sha256": NOT_PERSONAL,
        "message_id": NOT_PERSONAL,
        "statement_ids": NOT_PERSONAL,
        "account_iban": NotPersonal("the provider's own bank account"),
        "schema_version": NOT_PERSONAL,
        "credit_lines": NOT_PERSONAL,
        "payments_recorded": NOT_PERSONAL,
        "duplicates": NOT_PERSONAL,
        "matched": NOT_PERSONAL,
        "unmatched": NOT_PERSONAL,
        "debit_lines_skipped": NOT_PERSONAL,
        "not_booked_skipped": NOT_PERSONAL,
        "message_type": NOT_PERSONAL,
        "accounts": NotPersonal("the bank accounts the file reports"),
        "reversals_applied": NOT_PERSONAL,
        "reversals_waiting": NOT_PERSONAL,
        "not_recorded": NotPersonal("position, amount and reason of lines not recorded"),
        "imported_at": RECORD_TIME,
        "imported_by": REFERENCE,
    },
)
declare(
    "ledger.PaymentReversal",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "source": NOT_PERSONAL,
        "external_id": NotPersonal("the bank's id of the reversal or the payment's id"),
        "payment": REFERENCE,
        "amount_minor": BOOKKEEPING,
        "currency": BOOKKEEPING,
        "booking_date": BOOKKEEPING,
        "bank_account": NotPersonal("the provider's own bank account"),
        "bank_references": NotPersonal("the banks' references of the transfer"),
        "reason": NotPersonal("why the payment was reversed, written by the bank or staff"),
        "status": STATE,
        "review_note": NotPersonal("why the reversal waits for staff"),
        "statement_import": REFERENCE,
        "ledger_transaction": REFERENCE,
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
        "applied_at": RECORD_TIME,
        "applied_by": REFERENCE,
    },
)
declare(
    "ledger.GatewayTopUp",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "gateway": NOT_PERSONAL,
        "client": REFERENCE,
        "amount_minor": BOOKKEEPING,
        "currency": BOOKKEEPING,
        "status": STATE,
        "external_id": NotPersonal("the gateway's id of the transaction"),
        "redirect_url": NotPersonal("the gateway's payment page"),
        "payment": REFERENCE,
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
        "completed_at": RECORD_TIME,
    },
)
