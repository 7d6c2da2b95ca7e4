"""Staff pages of money: payments, the unmatched queue, bank-statement upload and a client's
balance with refunds, credits and corrections (BIL-01, BIL-06).

Every page needs ``billing.manage`` (ACC-11) and two-factor sign-in (ACC-09). Each write is
one ledger action, which records its own audit event; a DomainError is shown next to the
field it names and nothing is written. Money that arrives for a client pays its open
proformas and starts the services paid for: bank files, assignments from the queue and
reversals go through :mod:`hostledger.flows.payments`, which takes that next step (a
transfer naming a proforma pays it first); a payment staff record here uses
:func:`client_money_apply`.
Payers' names, accounts and payment texts are personal data: they are shown only to holders
of ``clients.view_personal_data`` and each showing is recorded (GDPR-12).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client
from hostledger.core.audit import PERSONAL_DATA_READ, record_audit_event, record_personal_data_read
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.flows.payments import (
    bank_file_import,
    payment_assign_apply,
    payment_reversal_resolve_notify,
    payment_reverse_notify,
)
from hostledger.ledger import actions, selectors, staff_selectors
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES
from hostledger.ledger.models import Payment
from hostledger.subscriptions.actions import client_payments_apply
from hostledger.web.decorators import staff_area
from hostledger.web.forms_staff_money import (
    BankStatementUploadForm,
    CorrectionForm,
    CreditForm,
    PaymentAssignForm,
    PaymentFilterForm,
    PaymentRecordForm,
    PaymentReverseForm,
    RefundForm,
    ReversalResolveForm,
    StatementPeriodForm,
)
from hostledger.web.views.common import form_data, render_form_page

BILLING = perms.BILLING_MANAGE
STATEMENT_DAYS_SHOWN = 365
"""Without a chosen period, a client's statement shows the last year (the opening balance
carries everything before)."""
CLIENT_PAYMENTS_SHOWN = 20


def client_money_apply(*, client, actor) -> int:
    """Apply money that arrived for ``client`` to what it ordered: open proformas are paid
    from the balance, oldest due first, and services paid for now start provisioning
    (ORD-03, BIL-03). Returns how many services started. The one place that names this
    step after a payment is recorded, assigned or imported."""
    return len(client_payments_apply(client=client, actor=actor))


def _apply_and_tell(request, client) -> None:
    """Run :func:`client_money_apply` after a payment and say what it did. The payment is
    already posted; a refusal here is reported and leaves it posted."""
    try:
        started = client_money_apply(client=client, actor=request.user)
    except DomainError as error:
        messages.warning(
            request,
            _("The payment is posted; applying it to open invoices failed: %(error)s")
            % {"error": error},
        )
        return
    if started:
        messages.info(
            request,
            ngettext(
                "Open invoices the balance covers are paid; %(count)s service of %(client)s "
                "starts provisioning.",
                "Open invoices the balance covers are paid; %(count)s services of %(client)s "
                "start provisioning.",
                started,
            )
            % {"count": started, "client": client.public_id},
        )


def _shows_payer_data(request) -> bool:
    return perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)


# ----------------------------------------------------------------------------- payments


@require_GET
@staff_area(BILLING)
def payment_list(request):
    """Payments of all clients, newest first, by source, status and value date (BIL-06)."""
    form = PaymentFilterForm(request.GET or None)
    context = {
        "form": form,
        "payments": staff_selectors.payments_for_staff(**form.filters()),
        "limit": staff_selectors.PAYMENT_LIST_LIMIT,
        "unmatched_count": staff_selectors.unmatched_payment_count(),
    }
    return render(request, "web/staff/money/payment_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(BILLING)
def payment_record(request):
    """Enter a bank transfer or cash payment for a client (BIL-01, BIL-06)."""
    initial = {"value_date": timezone.localdate(), "client": request.GET.get("client", "")}
    form = PaymentRecordForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = data["client"]
        try:
            payment = actions.payment_record(
                client=client,
                amount=data["amount"],
                value_date=data["value_date"],
                reference=data["reference"],
                received_into=data["received_into"],
                payer_name=data["payer_name"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Payment %(payment)s of %(amount)s %(currency)s is on the balance of %(client)s.")
                % {
                    "payment": payment.public_id,
                    "amount": payment.amount.amount,
                    "currency": payment.currency,
                    "client": client.public_id,
                },
            )
            _apply_and_tell(request, client)
            return redirect("web:staff_client_balance", public_id=client.public_id)
    return render_form_page(
        request, "web/staff/money/payment_record.html", {"form": form}, form=form
    )


def _unmatched_page(request, *, bound_form=None, bound_payment_id: str = ""):
    payments = staff_selectors.unmatched_payments_for_staff()
    shows_payer_data = _shows_payer_data(request)
    if shows_payer_data and payments:
        record_audit_event(
            action=PERSONAL_DATA_READ,
            actor=request.user,
            data={
                "what": "unmatched payments: payer names, accounts and payment texts",
                "payments": [payment.public_id for payment in payments],
            },
        )
    rows = [
        {
            "payment": payment,
            "form": (
                bound_form
                if payment.public_id == bound_payment_id
                else PaymentAssignForm(auto_id=f"id_{payment.public_id}_%s")
            ),
        }
        for payment in payments
    ]
    context = {
        "rows": rows,
        "reversals": staff_selectors.waiting_reversals(),
        "shows_payer_data": shows_payer_data,
        "limit": staff_selectors.PAYMENT_LIST_LIMIT,
    }
    status = 400 if bound_form is not None else 200
    return render(request, "web/staff/money/unmatched.html", context, status=status)


@require_GET
@staff_area(BILLING)
def unmatched_payments(request):
    """The review queue of payments no client was found for (BIL-06), oldest first."""
    return _unmatched_page(request)


@require_POST
@staff_area(BILLING)
def payment_assign(request, public_id):
    """Assign a payment of the review queue to its client; it is posted once and the money
    is applied in the same transaction, so a refusal leaves nothing changed (BIL-06)."""
    payment = staff_selectors.payment_for_staff(public_id)
    form = PaymentAssignForm(request.POST, auto_id=f"id_{payment.public_id}_%s")
    if form.is_valid():
        client = form.cleaned_data["client"]
        try:
            payment_assign_apply(payment=payment, client=client, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "Payment %(payment)s of %(amount)s %(currency)s is on the balance of "
                    "%(client)s; open invoices it covers are paid."
                )
                % {
                    "payment": payment.public_id,
                    "amount": payment.amount.amount,
                    "currency": payment.currency,
                    "client": client.public_id,
                },
            )
            return redirect("web:staff_payments_unmatched")
    payment.refresh_from_db()
    if payment.status != Payment.Status.UNMATCHED:
        problems = [problem for errors in form.errors.values() for problem in errors]
        messages.error(request, "; ".join(problems) or _("The payment was not moved."))
        return redirect("web:staff_payments_unmatched")
    return _unmatched_page(request, bound_form=form, bound_payment_id=payment.public_id)


@require_http_methods(["GET", "POST"])
@staff_area(BILLING)
def payment_reverse(request, public_id):
    """Reverse a wrongly recorded payment with a reason: a new correction takes it off the
    client's balance, the client is told, and it is audited (BIL-01, BIL-06)."""
    payment = staff_selectors.payment_for_staff(public_id)
    form = PaymentReverseForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            payment_reverse_notify(
                payment=payment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Payment %(payment)s of %(amount)s %(currency)s is reversed.")
                % {
                    "payment": payment.public_id,
                    "amount": payment.amount.amount,
                    "currency": payment.currency,
                },
            )
            return redirect("web:staff_payments")
    context = {
        "form": form,
        "payment": payment,
        "reversals": staff_selectors.reversals_of(payment),
    }
    return render_form_page(request, "web/staff/money/payment_reverse.html", context, form=form)


@require_POST
@staff_area(BILLING)
def reversal_resolve(request, public_id):
    """Apply a bank reversal waiting in the queue to the payment staff name (BIL-06)."""
    reversal = staff_selectors.reversal_for_staff(public_id)
    form = ReversalResolveForm(request.POST)
    if form.is_valid():
        try:
            payment_reversal_resolve_notify(
                reversal=reversal, payment=form.cleaned_data["payment"], actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Reversal %(reversal)s is applied.") % {"reversal": reversal.public_id}
            )
            return redirect("web:staff_payments_unmatched")
    problems = [problem for errors in form.errors.values() for problem in errors]
    messages.error(request, "; ".join(problems) or _("The reversal was not applied."))
    return redirect("web:staff_payments_unmatched")


# ----------------------------------------------------------------------------- statements


@require_http_methods(["GET", "POST"])
@staff_area(BILLING)
def bank_statement_upload(request):
    """Upload a camt.053 statement, camt.052 report or camt.054 notification; each booked
    credit line is recorded once and the money applied (BIL-06)."""
    form = BankStatementUploadForm(form_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = setting_value(BANK_STATEMENT_MAX_BYTES)
        if upload.size > limit:
            form.add_error(
                "file", _("The statement file is larger than %(limit)s bytes.") % {"limit": limit}
            )
        else:
            try:
                record = bank_file_import(
                    content=upload.read(), file_name=upload.name, actor=request.user
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("web:staff_payment_import", public_id=record.public_id)
    context = {"form": form, "imports": staff_selectors.bank_statement_imports()}
    return render_form_page(request, "web/staff/money/statement_upload.html", context, form=form)


@require_GET
@staff_area(BILLING)
def bank_statement_import_detail(request, public_id):
    """What one upload did: lines, matched, unmatched, duplicates, skipped (BIL-06)."""
    record = staff_selectors.bank_statement_import_for_staff(public_id)
    context = {
        "record": record,
        "payments": staff_selectors.payments_of_import(record),
        "reversals": staff_selectors.reversals_of_import(record),
    }
    return render(request, "web/staff/money/statement_import.html", context)


# ----------------------------------------------------------------------------- balance


def _recent_payments(client) -> list:
    return list(
        selectors.payments_of(client).order_by("-recorded_at", "-id")[:CLIENT_PAYMENTS_SHOWN]
    )


def _refundable(payments) -> list:
    """The payments a refund may go back through: posted, not refunded in full (BIL-01)."""
    return [payment for payment in payments if payment.status == Payment.Status.MATCHED]


def _balance_page(request, client, *, bound=None, status=200):
    """A client's balance, statement with running balance and the movement forms; ``bound``
    replaces one of the forms with the one sent, shown with its errors."""
    period = StatementPeriodForm(request.GET or None)
    today = timezone.localdate()
    date_from = today - timedelta(days=STATEMENT_DAYS_SHOWN - 1)
    date_to = None
    if period.is_bound and period.is_valid():
        date_from = period.cleaned_data["date_from"]
        date_to = period.cleaned_data["date_to"]
    payments = _recent_payments(client)
    forms = {
        "refund": RefundForm(prefix="refund", payments=_refundable(payments)),
        "credit": CreditForm(prefix="credit"),
        "correction": CorrectionForm(prefix="correction"),
    }
    if bound is not None:
        forms[bound.prefix] = bound
    shows_name = _shows_payer_data(request)
    record_personal_data_read(
        actor=request.user,
        client=client,
        what="balance, account statement and payments" + (", name" if shows_name else ""),
        request=request,
    )
    context = {
        "client": client,
        "shows_name": shows_name,
        "balance": selectors.balance_of(client),
        "statement": selectors.account_statement(client, date_from=date_from, date_to=date_to),
        "period": period,
        "payments": payments,
        "forms": forms,
        "open_form": bound.prefix if bound is not None else "",
    }
    return render(request, "web/staff/money/client_balance.html", context, status=status)


@require_GET
@staff_area(BILLING)
def client_balance(request, public_id):
    """A client's prepaid balance and statement with a running balance (BIL-01)."""
    return _balance_page(request, staff_client(public_id))


def _movement(request, public_id, *, prefix: str, form_class, post, done, form_kwargs=None):
    """Validate one movement form and post it with one action; the page again on refusal.
    ``done`` is the translated message with an ``%(amount)s`` placeholder."""
    client = staff_client(public_id)
    extra = form_kwargs(client) if form_kwargs is not None else {}
    form = form_class(request.POST, prefix=prefix, **extra)
    if form.is_valid():
        try:
            posted = post(client, form)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if posted.replayed:
                messages.info(request, _("This form was sent before; nothing new was posted."))
            else:
                messages.success(request, done % {"amount": form.cleaned_data["amount"].amount})
            return redirect("web:staff_client_balance", public_id=client.public_id)
    return _balance_page(request, client, bound=form, status=400)


def _key(kind: str, client, form) -> str:
    return f"staff:{kind}:{client.public_id}:{form.cleaned_data['token']}"


@require_POST
@staff_area(BILLING)
def client_refund(request, public_id):
    """Pay money back from the balance to the client's bank, or the way a payment came
    (BIL-01); never more than the balance or than was paid."""
    return _movement(
        request,
        public_id,
        prefix="refund",
        form_class=RefundForm,
        post=lambda client, form: actions.refund_post(
            client=client,
            amount=form.cleaned_data["amount"],
            payment=form.cleaned_data["payment"],
            idempotency_key=_key("refund", client, form),
            memo=form.cleaned_data["memo"],
            actor=request.user,
        ),
        done=_("Refund of %(amount)s EUR posted; pay it out from the bank as recorded."),
        form_kwargs=lambda client: {"payments": _refundable(_recent_payments(client))},
    )


@require_POST
@staff_area(BILLING)
def client_credit(request, public_id):
    """Credit compensation or goodwill to the balance with a reason (BIL-01)."""
    return _movement(
        request,
        public_id,
        prefix="credit",
        form_class=CreditForm,
        post=lambda client, form: actions.credit_post(
            client=client,
            amount=form.cleaned_data["amount"],
            idempotency_key=_key("credit", client, form),
            memo=form.cleaned_data["memo"],
            actor=request.user,
        ),
        done=_("Credit of %(amount)s EUR posted to the balance."),
    )


@require_POST
@staff_area(BILLING)
def client_correction(request, public_id):
    """Correct the balance in either direction with a stated reason (BIL-01)."""
    return _movement(
        request,
        public_id,
        prefix="correction",
        form_class=CorrectionForm,
        post=lambda client, form: actions.correction_post(
            client=client,
            amount=form.signed_amount(),
            idempotency_key=_key("correction", client, form),
            memo=form.cleaned_data["memo"],
            actor=request.user,
        ),
        done=_("Correction of %(amount)s EUR posted."),
    )
