"""Staff API of payment reversals (BIL-01, BIL-06): reverse a wrongly recorded payment with a
reason, and settle the bank reversals waiting for staff. Every operation needs
billing.manage."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate, path_id
from hostledger.api.schemas_billing import PaymentReversalOut, PaymentReverseIn, ReversalResolveIn
from hostledger.api.schemas_money import referenced
from hostledger.flows.payments import payment_reversal_resolve_notify, payment_reverse_notify
from hostledger.ledger import staff_selectors

router = Router(tags=["Staff: billing"])

PaymentId = Annotated[str, Path(**path_id("payment", "pmt_3k9d2m7q8w1x4z6v"))]
ReversalId = Annotated[str, Path(**path_id("payment reversal", "rev_3k9d2m7q8w1x4z6v"))]


@router.post(
    "/staff/payments/{payment_id}/reverse",
    response=responses({201: PaymentReversalOut}, 400, 401, 403, 404),
    summary="Reverse a payment",
)
def staff_payment_reverse(request: HttpRequest, payment_id: PaymentId, payload: PaymentReverseIn):
    """Reverse a wrongly recorded payment with a reason (BIL-01, BIL-06): a new correction
    takes its amount off the client's balance (which may go below zero), the client is told
    and the reversal is audited. A payment already reversed or refunded answers 400
    ``payment_not_reversible`` and nothing changes. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    payment = staff_selectors.payment_for_staff(payment_id)
    reversal = payment_reverse_notify(payment=payment, reason=payload.reason, actor=request.user)
    return Status(201, reversal)


@router.get(
    "/staff/payment-reversals/waiting",
    response=responses({200: page_of(PaymentReversalOut)}, 400, 401, 403),
    summary="List the bank reversals waiting for staff",
)
def staff_waiting_reversal_list(request: HttpRequest, page: Query[PageParams]):
    """Reversals the bank reported whose payment was not found or could not be reversed,
    oldest first (BIL-06). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    return paginate(staff_selectors.waiting_reversals(), page)


@router.post(
    "/staff/payment-reversals/{reversal_id}/resolve",
    response=responses({200: PaymentReversalOut}, 400, 401, 403, 404),
    summary="Apply a waiting bank reversal to its payment",
)
def staff_reversal_resolve(
    request: HttpRequest, reversal_id: ReversalId, payload: ReversalResolveIn
):
    """Name the payment a waiting bank reversal takes back; it is reversed with a new
    correction and the client is told (BIL-06). A payment of another amount, or already
    reversed or refunded, answers 400 and nothing changes. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    reversal = staff_selectors.reversal_for_staff(reversal_id)
    payment = referenced(lambda: staff_selectors.payment_for_staff(payload.payment), "payment")
    return payment_reversal_resolve_notify(reversal=reversal, payment=payment, actor=request.user)
