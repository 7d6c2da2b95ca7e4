"""Every write of the ledger app (BIL-01, BIL-02, BIL-06)."""

from hostledger.ledger.actions.balance import (
    charge_post,
    charge_reverse_post,
    correction_post,
    credit_post,
    penalty_post,
    refund_post,
)
from hostledger.ledger.actions.compensation import compensation_credit_post, compensation_room
from hostledger.ledger.actions.imports import payment_import
from hostledger.ledger.actions.payments import (
    client_payment_reference_ensure,
    payment_assign,
    payment_receive,
    payment_record,
    payment_reversal_resolve,
    payment_reverse,
    reversal_record,
)
from hostledger.ledger.actions.posting import post_transaction
from hostledger.ledger.actions.statements import bank_statement_import
from hostledger.ledger.actions.topups import (
    gateway_notification_handle,
    local_top_up_pay,
    top_up_start,
)

__all__ = [
    "bank_statement_import",
    "charge_post",
    "charge_reverse_post",
    "client_payment_reference_ensure",
    "compensation_credit_post",
    "compensation_room",
    "correction_post",
    "credit_post",
    "gateway_notification_handle",
    "local_top_up_pay",
    "payment_assign",
    "payment_import",
    "payment_receive",
    "payment_record",
    "payment_reversal_resolve",
    "payment_reverse",
    "penalty_post",
    "post_transaction",
    "refund_post",
    "reversal_record",
    "top_up_start",
]
