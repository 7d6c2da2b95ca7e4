"""The prepaid balance: statement, payments, top-ups and paying proformas from it (BIL-01,
BIL-06), and the staff side: recording and matching payments, bank statement imports,
refunds, credits and corrections.

Clients and their trusted users (ACC-06) read the balance, statement and payments; paying
in and paying proformas needs the owner or a trusted user with the billing scope. Staff need
``billing.manage``. Every staff money movement is posted once per ``idempotency_key``, so a
request sent twice moves money once (BIL-06), and is recorded in the audit trail.
"""

from __future__ import annotations

import re
from typing import Annotated

from django.http import HttpRequest
from ninja import File, Path, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.personal_data import staff_may_read_personal_data
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_billing import (
    BalanceOut,
    BankStatementImportOut,
    BankTransferOut,
    CorrectionIn,
    CreditIn,
    GatewayOut,
    LedgerTransactionOut,
    PaidFromBalanceOut,
    PaymentAssignIn,
    PaymentOut,
    PaymentRecordIn,
    RefundIn,
    StaffPaymentOut,
    StatementOut,
    StatementRange,
    TopUpCreateIn,
    TopUpOut,
    payment_row,
    staff_payment_row,
)
from hostledger.api.schemas_invoices import invoice_summary
from hostledger.api.schemas_money import check_date_range, referenced, staff_money, to_money
from hostledger.core.errors import NotFound
from hostledger.core.limits import staff_payment_confirm_threshold, staff_payment_maximum
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.flows.payments import bank_file_import, payment_assign_apply
from hostledger.invoicing import selectors as invoices
from hostledger.ledger import actions, selectors, staff_selectors
from hostledger.ledger.bank_transfer import bank_transfer_instructions
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES, LOCAL_GATEWAY_ENABLED
from hostledger.ledger.gateways import registry
from hostledger.subscriptions.actions import client_payments_apply, proforma_pay_from_balance

router = Router(tags=["Billing"])
STAFF_TAGS = ["Staff: billing"]
BILLING_AREA = "billing"
LOCAL_GATEWAY = "local"
FILE_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")

ClientId = Annotated[str, Path(**path_id("client", "cli_7m2k9d3q8w1x4z6v"))]
InvoiceId = Annotated[str, Path(**path_id("invoice", "inv_3k9d2m7q8w1x4z6v"))]
PaymentId = Annotated[str, Path(**path_id("payment", "pmt_3k9d2m7q8w1x4z6v"))]


def _balance(client) -> dict:
    return {"client_id": client.public_id, "balance": selectors.balance_of(client)}


def _statement(client, period: StatementRange, page: PageParams) -> dict:
    check_date_range(period.date_from, period.date_to)
    statement = selectors.account_statement(
        client, date_from=period.date_from, date_to=period.date_to
    )
    lines = paginate(statement.lines, page)
    lines["items"] = [
        {
            "posted_at": line.posted_at,
            "transaction_id": line.transaction_id,
            "kind": line.kind,
            "kind_label": line.kind_label,
            "description": line.memo,
            "amount": line.amount,
            "running_balance": line.running_balance,
        }
        for line in lines["items"]
    ]
    return {
        "client_id": client.public_id,
        "date_from": statement.date_from,
        "date_to": statement.date_to,
        "opening_balance": statement.opening_balance,
        "closing_balance": statement.closing_balance,
        **lines,
    }


def _client_payment(client, public_id: str):
    payment = selectors.payments_of(client).filter(public_id=public_id).first()
    if payment is None:
        raise NotFound("payment")
    return payment


def _posted(client, posted, amount) -> dict:
    return {
        "id": posted.public_id,
        "kind": posted.kind,
        "amount": amount,
        "description": posted.memo,
        "created_at": posted.created_at,
        "replayed": bool(posted.replayed),
        "balance": selectors.balance_of(client),
    }


def _money_arrived(client, actor) -> None:
    """Apply money that arrived for ``client`` to what it ordered (ORD-03): open proformas
    are paid from the balance, oldest first, and services paid for now start, as after any
    payment the web area or a gateway records."""
    client_payments_apply(client=client, actor=actor)


def _ledger_key(kind: str, client, key: str) -> str:
    """The ledger idempotency key of a staff movement sent through the API."""
    return f"api:{kind}:{client.public_id}:{key}"


# ----------------------------------------------------------------------------- clients


def _staff_amount(payload) -> Money:
    """The ``amount`` of a staff movement, read strictly, at most ``core.staff_payment_maximum``
    and confirmed (``confirm``) above ``core.staff_payment_confirm_above``."""
    return staff_money(
        payload.amount,
        "amount",
        maximum=staff_payment_maximum(),
        threshold=staff_payment_confirm_threshold(),
        confirmed=payload.confirm,
    )


@router.get(
    "/billing/balance",
    response=responses({200: BalanceOut}, 400, 401, 403, 404),
    summary="Read the balance",
)
def billing_balance_read(request: HttpRequest, acting: Query[ActingClient]):
    """The prepaid balance in EUR (BIL-01)."""
    return _balance(
        accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE).client
    )


@router.get(
    "/billing/bank-transfer",
    response=responses({200: BankTransferOut}, 400, 401, 403, 404),
    summary="Read the bank transfer details",
)
def billing_bank_transfer_read(request: HttpRequest, acting: Query[ActingClient]):
    """The provider's account and the client's payment reference: a SEPA transfer quoting
    the reference in its reference field reaches the balance by itself (BIL-06)."""
    client = accounts.client_access(request.user, acting.client).client
    transfer = bank_transfer_instructions(client)
    return {
        "client_id": client.public_id,
        "beneficiary": transfer.beneficiary,
        "iban": transfer.iban,
        "bic": transfer.bic,
        "bank_name": transfer.bank_name,
        "reference_number": transfer.reference_number,
        "creditor_reference": transfer.creditor_reference,
    }


@router.get(
    "/billing/statement",
    response=responses({200: StatementOut}, 400, 401, 403, 404),
    summary="Read the account statement",
)
def billing_statement_read(
    request: HttpRequest,
    acting: Query[ActingClient],
    period: Query[StatementRange],
    page: Query[PageParams],
):
    """Every movement of the balance within the days asked for (both included), oldest
    first, each with the balance after it, and the balances before and after (BIL-01)."""
    client = accounts.client_access(
        request.user, acting.client, reads=accounts.BILLING_SCOPE
    ).client
    return _statement(client, period, page)


@router.get(
    "/billing/payments",
    response=responses({200: page_of(PaymentOut)}, 400, 401, 403, 404),
    summary="List payments",
)
def billing_payment_list(
    request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]
):
    """Payments received for the client, newest first (BIL-06)."""
    client = accounts.client_access(
        request.user, acting.client, reads=accounts.BILLING_SCOPE
    ).client
    found = paginate(selectors.payments_of(client).order_by("-recorded_at", "-id"), page)
    found["items"] = [payment_row(payment) for payment in found["items"]]
    return found


@router.get(
    "/billing/gateways",
    response=responses({200: page_of(GatewayOut)}, 400, 401, 403),
    summary="List payment gateways",
)
def billing_gateway_list(request: HttpRequest, page: Query[PageParams]):
    """The payment gateways the balance can be topped up through on this installation."""
    offered = []
    for name in registry.gateway_names():
        if name == LOCAL_GATEWAY and not setting_value(LOCAL_GATEWAY_ENABLED):
            continue
        offered.append({"name": name, "label": registry.get_gateway(name).label})
    return paginate(offered, page)


@router.post(
    "/billing/top-ups",
    response=responses({201: TopUpOut}, 400, 401, 403, 404, 503),
    summary="Top up the balance through a gateway",
)
def billing_top_up_start(request: HttpRequest, acting: Query[ActingClient], payload: TopUpCreateIn):
    """Start paying into the balance through a payment gateway (BIL-01): send the client to
    ``redirect_url``. The payment is recorded once, when the gateway's signed notification
    arrives (BIL-06). 503 when the gateway is unreachable and trying later may help. Needs
    the owner or a trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    access.require_write(BILLING_AREA)
    top_up = actions.top_up_start(
        client=access.client,
        gateway_name=payload.gateway,
        amount=to_money(payload.amount, "amount"),
        actor=request.user,
        return_url=payload.return_path,
    )
    return Status(201, top_up)


@router.post(
    "/invoices/{invoice_id}/pay",
    response=responses({200: PaidFromBalanceOut}, 400, 401, 403, 404),
    summary="Pay a proforma from the balance",
    tags=["Invoices"],
)
def invoice_pay_from_balance(
    request: HttpRequest, invoice_id: InvoiceId, acting: Query[ActingClient]
):
    """Pay an issued proforma from the balance (BIL-01, BIL-03): its gross amount is charged
    once and it becomes the final invoice with the next number (BIL-04), and what it billed
    follows at once: an order starts provisioning, a plan change applies (ORD-03). A balance
    short of
    the amount answers 400 ``insufficient_balance``; a proforma not awaiting payment 400.
    Needs the owner or a trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    proforma = invoices.client_invoice(access.client, invoice_id)
    access.require_write(BILLING_AREA)
    paid = proforma_pay_from_balance(proforma=proforma, actor=request.user)
    return {"invoice": invoice_summary(paid), "balance": selectors.balance_of(access.client)}


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/clients/{client_id}/balance",
    response=responses({200: BalanceOut}, 400, 401, 403, 404),
    summary="Read a client's balance",
    tags=STAFF_TAGS,
)
def staff_balance_read(request: HttpRequest, client_id: ClientId):
    """A client's prepaid balance (BIL-01). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    return _balance(accounts.staff_client(client_id))


@router.get(
    "/staff/clients/{client_id}/statement",
    response=responses({200: StatementOut}, 400, 401, 403, 404),
    summary="Read a client's account statement",
    tags=STAFF_TAGS,
)
def staff_statement_read(
    request: HttpRequest,
    client_id: ClientId,
    period: Query[StatementRange],
    page: Query[PageParams],
):
    """A client's balance movements with a running balance (BIL-01). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    return _statement(accounts.staff_client(client_id), period, page)


@router.get(
    "/staff/clients/{client_id}/payments",
    response=responses({200: page_of(StaffPaymentOut)}, 400, 401, 403, 404),
    summary="List a client's payments",
    tags=STAFF_TAGS,
)
def staff_client_payment_list(request: HttpRequest, client_id: ClientId, page: Query[PageParams]):
    """A client's payments, newest first (BIL-06). Who paid is shown only with
    clients.view_personal_data, and that read is audited (GDPR-12). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(client_id)
    payments = selectors.payments_of(client).select_related("client")
    found = paginate(payments.order_by("-recorded_at", "-id"), page)
    readable = bool(found["items"]) and staff_may_read_personal_data(
        request, client=client, what="payers of payments (API)"
    )
    found["items"] = [staff_payment_row(item, with_payer=readable) for item in found["items"]]
    return found


@router.post(
    "/staff/clients/{client_id}/payments",
    response=responses({201: StaffPaymentOut}, 400, 401, 403, 404),
    summary="Record a payment",
    tags=STAFF_TAGS,
)
def staff_payment_record(request: HttpRequest, client_id: ClientId, payload: PaymentRecordIn):
    """Record a bank transfer or cash payment and post it to the client's balance (BIL-01,
    BIL-06). The same reference again returns the payment already recorded; with another
    amount or client it answers 400 ``duplicate_payment_reference``. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(client_id)
    payment = actions.payment_record(
        client=client,
        amount=_staff_amount(payload),
        value_date=payload.value_date,
        reference=payload.reference,
        received_into=payload.received_into,
        payer_name=payload.payer_name,
        actor=request.user,
    )
    _money_arrived(client, request.user)
    readable = staff_may_read_personal_data(
        request, client=client, what=f"payer of payment {payment.public_id} (API)"
    )
    return Status(201, staff_payment_row(payment, with_payer=readable))


@router.get(
    "/staff/payments/unmatched",
    response=responses({200: page_of(StaffPaymentOut)}, 400, 401, 403),
    summary="List the unmatched payments",
    tags=STAFF_TAGS,
)
def staff_unmatched_payment_list(request: HttpRequest, page: Query[PageParams]):
    """The review queue: payments nobody has assigned to a client yet, oldest first
    (BIL-06). Who paid and the remittance text are shown only with
    clients.view_personal_data, and that read is audited (GDPR-12). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    found = paginate(selectors.unmatched_payments(), page)
    shown = ", ".join(payment.public_id for payment in found["items"])
    readable = bool(found["items"]) and staff_may_read_personal_data(
        request, what=f"payers of unmatched payments {shown} (API)"
    )
    found["items"] = [staff_payment_row(item, with_payer=readable) for item in found["items"]]
    return found


@router.post(
    "/staff/payments/{payment_id}/assign",
    response=responses({200: StaffPaymentOut}, 400, 401, 403, 404),
    summary="Assign an unmatched payment",
    tags=STAFF_TAGS,
)
def staff_payment_assign(request: HttpRequest, payment_id: PaymentId, payload: PaymentAssignIn):
    """Assign a payment from the review queue to its client; it is posted to the balance
    once and applied to open proformas in the same transaction, so an error answer leaves
    nothing changed (BIL-06). Assigning it again to the same client changes nothing; a
    payment already posted to another client answers 400 ``payment_already_assigned``.
    Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    payment = staff_selectors.payment_for_staff(payment_id)
    client = referenced(lambda: accounts.staff_client(payload.client), "client")
    assigned = payment_assign_apply(payment=payment, client=client, actor=request.user)
    readable = staff_may_read_personal_data(
        request, client=client, what=f"payer of payment {payment_id} (API)"
    )
    return staff_payment_row(assigned, with_payer=readable)


@router.post(
    "/staff/bank-statements",
    response=responses({201: BankStatementImportOut}, 400, 401, 403),
    summary="Import a bank statement (camt.053, camt.052 or camt.054)",
    tags=STAFF_TAGS,
)
def staff_bank_statement_import(request: HttpRequest, file: File[UploadedFile]):
    """Upload a camt.053 statement, camt.052 report or camt.054 notification
    (multipart/form-data, field ``file``). Each booked credit line of the provider's accounts
    becomes a payment once (BIL-06): one whose payment reference, or else an invoice named in
    its text, points to a client is posted to that balance and pays the named proforma; any
    other waits in the review queue. The bank's reversals reverse their payments. Every line
    not recorded is listed with the reason; a refused file names the statement, entry and
    reference. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    # Read one byte past the limit, so that the import refuses an oversized file without
    # this request holding all of it in memory.
    content = file.read(setting_value(BANK_STATEMENT_MAX_BYTES) + 1)
    record = bank_file_import(
        content=content,
        actor=request.user,
        file_name=FILE_NAME_UNSAFE.sub("", file.name or ""),
    )
    return Status(201, record)


@router.post(
    "/staff/clients/{client_id}/refunds",
    response=responses({201: LedgerTransactionOut}, 400, 401, 403, 404),
    summary="Refund from a client's balance",
    tags=STAFF_TAGS,
)
def staff_refund_post(request: HttpRequest, client_id: ClientId, payload: RefundIn):
    """Pay money back from the balance (BIL-01): never more than the balance nor than the
    client paid; with ``payment``, it goes back the way that payment came. Posted once per
    ``idempotency_key`` (400 when the key was used for another movement). Needs
    billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(client_id)
    payment = None
    if payload.payment is not None:
        payment = referenced(lambda: _client_payment(client, payload.payment), "payment")
    amount = _staff_amount(payload)
    posted = actions.refund_post(
        client=client,
        amount=amount,
        payment=payment,
        idempotency_key=_ledger_key("refund", client, payload.idempotency_key),
        actor=request.user,
        memo=payload.reason,
    )
    return Status(201, _posted(client, posted, -amount))


@router.post(
    "/staff/clients/{client_id}/credits",
    response=responses({201: LedgerTransactionOut}, 400, 401, 403, 404),
    summary="Credit compensation to a client's balance",
    tags=STAFF_TAGS,
)
def staff_credit_post(request: HttpRequest, client_id: ClientId, payload: CreditIn):
    """Credit compensation for the provider's fault to the balance (BIL-01, BIL-09), once
    per ``idempotency_key``. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(client_id)
    amount = _staff_amount(payload)
    posted = actions.credit_post(
        client=client,
        amount=amount,
        idempotency_key=_ledger_key("credit", client, payload.idempotency_key),
        actor=request.user,
        memo=payload.reason,
    )
    return Status(201, _posted(client, posted, amount))


@router.post(
    "/staff/clients/{client_id}/corrections",
    response=responses({201: LedgerTransactionOut}, 400, 401, 403, 404),
    summary="Correct a client's balance",
    tags=STAFF_TAGS,
)
def staff_correction_post(request: HttpRequest, client_id: ClientId, payload: CorrectionIn):
    """Correct the balance by a signed amount with a reason (BIL-01): a new movement, never
    an edit. Posted once per ``idempotency_key``. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(client_id)
    amount = _staff_amount(payload)
    posted = actions.correction_post(
        client=client,
        amount=amount,
        idempotency_key=_ledger_key("correction", client, payload.idempotency_key),
        actor=request.user,
        memo=payload.reason,
    )
    return Status(201, _posted(client, posted, amount))
