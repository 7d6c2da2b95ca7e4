"""Forms of the staff money pages: payments, the unmatched queue, statement upload, a
client's balance (refund, credit, correction) and invoices (BIL-01, BIL-04, BIL-06).

Amounts are read by the one strict parser of staff amounts (digits and at most two decimals,
at most ``core.staff_payment_maximum``; above ``core.staff_payment_confirm_above`` staff
confirm) and a problem names its field. Dates lie within the provider's input years.
The forms of balance movements carry a one-time ``token`` made when the form is shown: it
becomes part of the ledger's idempotency key, so a form sent twice posts once (BIL-06).
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.accounts.selectors import staff_client_search
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.limits import staff_payment_confirm_threshold, staff_payment_maximum
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.invoicing.models import Invoice
from hostledger.ledger import staff_selectors
from hostledger.ledger.gateways.registry import gateway_names
from hostledger.ledger.models import LedgerAccount, Payment
from hostledger.web.forms_input import (
    BoundedDateField,
    LargeAmountConfirmationMixin,
    staff_amount,
)

TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
DATE_WIDGET = {"type": "date"}
REASON_HELP = "Kept with the movement and in the audit trail."


def new_token() -> str:
    """A fresh one-time token for a balance form."""
    return uuid.uuid4().hex


def _amount(value: str, field: str, currency: str = DEFAULT_CURRENCY) -> Money:
    return staff_amount(value, field=field, currency=currency, maximum=staff_payment_maximum())


def _positive_amount(value: str, field: str = "amount") -> Money:
    amount = _amount(value, field)
    if not amount.is_positive():
        raise forms.ValidationError(gettext("The amount must be above zero."))
    return amount


def _amount_input(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        max_length=30,
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _reason_field(label: str = "Reason") -> forms.CharField:
    return forms.CharField(
        max_length=500, label=label, help_text=REASON_HELP, widget=forms.Textarea({"rows": 2})
    )


def find_client(query: str):
    """The one client a staff member named by client id, owner's email or phone number."""
    query = (query or "").strip()
    if not query:
        raise forms.ValidationError(gettext("Name the client by id (cli_…) or the owner's email."))
    found = list(staff_client_search(query, limit=2))
    if not found:
        raise forms.ValidationError(
            gettext("No client has this id, email address or phone number.")
        )
    if len(found) > 1:
        raise forms.ValidationError(gettext("Several clients match; give the client id (cli_…)."))
    return found[0]


# ----------------------------------------------------------------------------- payments


class PaymentFilterForm(forms.Form):
    """Filters of the payment list: source, status and value date."""

    source = forms.ChoiceField(required=False, label=_("Source"))
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *Payment.Status.choices], label=_("Status")
    )
    date_from = BoundedDateField(
        required=False, label=_("Paid from"), widget=forms.DateInput(DATE_WIDGET)
    )
    date_to = BoundedDateField(
        required=False, label=_("Paid until"), widget=forms.DateInput(DATE_WIDGET)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            ("", "Any source"),
            (Payment.Source.STAFF, "Entered by staff"),
            (Payment.Source.BANK_STATEMENT, "Bank statement"),
            *[(name, f"Gateway: {name}") for name in gateway_names()],
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class PaymentRecordForm(LargeAmountConfirmationMixin, DomainErrorFormMixin, forms.Form):
    """A bank transfer or cash payment entered by staff (BIL-01, BIL-06); a large amount is
    confirmed first."""

    confirmation_threshold = staticmethod(staff_payment_confirm_threshold)

    client = forms.CharField(
        max_length=200,
        label=_("Client"),
        help_text=_("The client id (cli_…), the owner's email address or a phone number."),
    )
    amount = _amount_input("Amount (EUR)")
    value_date = BoundedDateField(label=_("Paid on"), widget=forms.DateInput(DATE_WIDGET))
    reference = forms.CharField(
        max_length=150,
        label=_("Reference"),
        help_text=_(
            "The bank's reference of the transfer or the cash receipt number. The "
            "same reference entered again records nothing new."
        ),
    )
    received_into = forms.ChoiceField(
        choices=[
            (LedgerAccount.Kind.BANK, _("Bank account")),
            (LedgerAccount.Kind.CASH, _("Cash")),
        ],
        initial=LedgerAccount.Kind.BANK,
        widget=forms.RadioSelect,
        label=_("Received into"),
    )
    payer_name = forms.CharField(required=False, max_length=200, label=_("Paid by"))

    def clean_client(self):
        return find_client(self.cleaned_data["client"])

    def clean_amount(self):
        return _positive_amount(self.cleaned_data["amount"])


class PaymentAssignForm(DomainErrorFormMixin, forms.Form):
    """The client an unmatched payment belongs to (BIL-06)."""

    client = forms.CharField(
        max_length=200,
        label=_("Client"),
        help_text=_("Client id, owner's email or phone number."),
    )

    def clean_client(self):
        return find_client(self.cleaned_data["client"])


class PaymentReverseForm(DomainErrorFormMixin, forms.Form):
    """Why a wrongly recorded payment is reversed (BIL-01, BIL-06)."""

    reason = forms.CharField(
        max_length=500,
        label=_("Reason"),
        help_text=_(
            "Why the payment is taken back; kept with the correction and in the audit log."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReversalResolveForm(DomainErrorFormMixin, forms.Form):
    """The payment a bank reversal waiting for staff takes back (BIL-06)."""

    payment = forms.CharField(max_length=40, label=_("Payment"), help_text=_("Payment id, pmt_…"))

    def clean_payment(self):
        value = self.cleaned_data["payment"].strip()
        try:
            return staff_selectors.payment_for_staff(value)
        except NotFound:
            raise forms.ValidationError(gettext("No payment has this id.")) from None


class BankStatementUploadForm(DomainErrorFormMixin, forms.Form):
    """A bank file: camt.053 statement, camt.052 report or camt.054 notification (BIL-06)."""

    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "camt.053, camt.052 or camt.054 XML as exported by the bank. Every line "
            "is recorded once, however often the file is uploaded."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )


# ----------------------------------------------------------------------------- balance


class StatementPeriodForm(forms.Form):
    """The days of the account statement shown on a client's balance page."""

    date_from = BoundedDateField(
        required=False, label=_("From"), widget=forms.DateInput(DATE_WIDGET)
    )
    date_to = BoundedDateField(
        required=False, label=_("Until"), widget=forms.DateInput(DATE_WIDGET)
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end comes before the start.")
        return cleaned


class BalanceMovementForm(LargeAmountConfirmationMixin, DomainErrorFormMixin, forms.Form):
    """Shared fields of refund, credit and correction: amount, reason and one-time token; a
    large amount is confirmed first."""

    confirmation_threshold = staticmethod(staff_payment_confirm_threshold)

    amount = _amount_input("Amount (EUR)")
    memo = _reason_field()
    token = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", new_token())
        super().__init__(*args, **kwargs)

    def clean_amount(self):
        return _positive_amount(self.cleaned_data["amount"])

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not TOKEN_PATTERN.match(token):
            raise forms.ValidationError(gettext("Open the form again and resend it."))
        return token


class RefundForm(BalanceMovementForm):
    """Money paid back from the balance to the client's bank (BIL-01)."""

    payment = forms.ChoiceField(
        required=False,
        label=_("Back the way of payment"),
        help_text=_(
            "Choose a payment to send the money back the way it came (its bank or "
            "gateway); otherwise it leaves from the provider's bank account."
        ),
    )
    field_order = ["amount", "payment", "memo", "token"]

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.payments = {payment.public_id: payment for payment in payments}
        self.fields["payment"].choices = [("", "Provider's bank account")] + [
            (
                payment.public_id,
                f"{payment.public_id} · {payment.amount.amount} {payment.currency} · "
                f"{payment.value_date or ''} · {payment.source}",
            )
            for payment in payments
        ]

    def clean_payment(self):
        return self.payments.get(self.cleaned_data.get("payment") or "")


class CreditForm(BalanceMovementForm):
    """Compensation or goodwill credited to the balance (BIL-01; BIL-09's cap comes later)."""


class CorrectionForm(BalanceMovementForm):
    """A correction of the balance in either direction, with its reason (BIL-01)."""

    direction = forms.ChoiceField(
        choices=[("increase", _("Add to the balance")), ("decrease", _("Take off the balance"))],
        widget=forms.RadioSelect,
        initial="increase",
        label=_("Direction"),
    )
    field_order = ["direction", "amount", "memo", "token"]

    def signed_amount(self) -> Money:
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == "decrease" else amount


# ----------------------------------------------------------------------------- invoices


class InvoiceFilterForm(forms.Form):
    """Filters of the staff invoice list."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status")]
        + [choice for choice in Invoice.Status.choices if choice[0] != Invoice.Status.DRAFT],
    )
    kind = forms.ChoiceField(required=False, choices=[("", _("Any kind")), *Invoice.Kind.choices])
    client = forms.CharField(required=False, max_length=200, label=_("Client"))
    date_from = BoundedDateField(
        required=False, label=_("Issued from"), widget=forms.DateInput(DATE_WIDGET)
    )
    date_to = BoundedDateField(
        required=False, label=_("Issued until"), widget=forms.DateInput(DATE_WIDGET)
    )

    def clean_client(self):
        query = self.cleaned_data.get("client", "").strip()
        return find_client(query) if query else None

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ProformaCancelForm(forms.Form):
    reason = _reason_field("Why it is cancelled")


class CreditNoteForm(DomainErrorFormMixin, forms.Form):
    """A credit note of a final invoice: all of it, or chosen lines with the quantity and
    unit price to credit (BIL-04)."""

    mode = forms.ChoiceField(
        choices=[("full", _("Credit the whole invoice")), ("lines", _("Credit chosen lines"))],
        widget=forms.RadioSelect,
        initial="full",
        label=_("What to credit"),
    )
    reason = forms.CharField(
        max_length=1000,
        label=_("Reason"),
        help_text=_("Printed on the credit note."),
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.line_rows = []
        for line in invoice.lines.all():
            prefix = f"line_{line.position}"
            self.fields[f"{prefix}_include"] = forms.BooleanField(
                required=False,
                label=gettext("Credit line %(position)s") % {"position": line.position},
            )
            self.fields[f"{prefix}_quantity"] = forms.CharField(
                required=False,
                max_length=20,
                initial=_plain(line.quantity),
                label=gettext("Quantity of line %(position)s") % {"position": line.position},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
            self.fields[f"{prefix}_unit_price"] = forms.CharField(
                required=False,
                max_length=30,
                initial=str(Money(line.unit_price_minor, invoice.currency).amount),
                label=gettext("Unit price of line %(position)s") % {"position": line.position},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )
            self.line_rows.append(
                {
                    "line": line,
                    "include": self[f"{prefix}_include"],
                    "quantity": self[f"{prefix}_quantity"],
                    "unit_price": self[f"{prefix}_unit_price"],
                }
            )

    def clean(self):
        cleaned = super().clean()
        self.chosen = []
        if cleaned.get("mode") != "lines":
            return cleaned
        for row in self.line_rows:
            line = row["line"]
            prefix = f"line_{line.position}"
            if not cleaned.get(f"{prefix}_include"):
                continue
            quantity = (cleaned.get(f"{prefix}_quantity") or "").strip()
            if not quantity:
                self.add_error(f"{prefix}_quantity", "Give the quantity to credit.")
            try:
                price = _amount(
                    cleaned.get(f"{prefix}_unit_price"), "unit_price", self.invoice.currency
                )
            except forms.ValidationError as error:
                self.add_error(f"{prefix}_unit_price", error)
                continue
            self.chosen.append((line, quantity, price))
        if not self.chosen and not self.errors:
            self.add_error("mode", "Tick at least one line to credit.")
        return cleaned

    def line_inputs(self) -> list[dict]:
        """The chosen lines as the credit-note action takes them."""
        return [
            {
                "description": line.description,
                "quantity": quantity,
                "unit_price": price,
                "period_start": line.period_start,
                "period_end": line.period_end,
            }
            for line, quantity, price in self.chosen
        ]

    def add_domain_error(self, error: DomainError) -> None:
        """Problems of ``lines[i].quantity`` land on the i-th chosen line's field."""
        for field, problem in error.fields.items():
            match = re.match(r"^lines\[(\d+)\]\.(quantity|unit_price)", field)
            if match and int(match.group(1)) < len(self.chosen):
                line = self.chosen[int(match.group(1))][0]
                self.add_error(f"line_{line.position}_{match.group(2)}", problem)
            elif field in ("lines", "full"):
                self.add_error("mode", error.message)
            elif field in self.fields:
                self.add_error(field, problem)
            else:
                self.add_error(None, error.message)
        if not error.fields:
            self.add_error(None, error.message)


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
