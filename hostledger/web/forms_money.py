"""Forms of the client-area money pages: the statement's date range and a top-up.

They only collect input; the ledger's actions check it again and write (BIL-01, BIL-06).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.ledger.conf import LOCAL_GATEWAY_ENABLED, TOP_UP_MAXIMUM, TOP_UP_MINIMUM
from hostledger.ledger.gateways.registry import gateway_names, get_gateway
from hostledger.web.forms_input import BoundedDateField

STATEMENT_DEFAULT_DAYS = 90
"""How far back the statement reaches when no dates are chosen: a page default, not a rule."""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StatementRangeForm(forms.Form):
    """The days of the statement, ``from`` and ``to`` (both included), as query parameters.

    The field names are those of the URL (``?from=2025-01-01&to=2025-03-31``), so the same
    range opens the page and its CSV export.
    """

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.today = today
        self.fields["from"] = BoundedDateField(label=gettext("From"), widget=DateInput())
        self.fields["to"] = BoundedDateField(
            label=pgettext("end of a date range", "To"), widget=DateInput()
        )
        self.fields["from"].initial, self.fields["to"].initial = self.default_range(today)

    @staticmethod
    def default_range(today: date) -> tuple[date, date]:
        return today - timedelta(days=STATEMENT_DEFAULT_DAYS), today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The end of the range comes before its start.")
        return cleaned

    def chosen_range(self) -> tuple[date, date]:
        """The valid range asked for, or the default range when none was or it is invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["from"], self.cleaned_data["to"]
        return self.default_range(self.today)


def offered_gateways() -> list[tuple[str, str]]:
    """The payment gateways a client may choose, as (name, label); the local test gateway
    only where the provider switched it on (BIL-06)."""
    local_enabled = setting_value(LOCAL_GATEWAY_ENABLED)
    return [
        (name, get_gateway(name).label)
        for name in gateway_names()
        if name != "local" or local_enabled
    ]


class TopUpForm(DomainErrorFormMixin, forms.Form):
    """How much to pay into the prepaid balance and through which gateway (BIL-01)."""

    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    gateway = forms.ChoiceField(label=_("Pay with"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = offered_gateways()
        self.fields["gateway"].choices = choices
        if len(choices) == 1:
            self.fields["gateway"].initial = choices[0][0]
        minimum = Money.of(setting_value(TOP_UP_MINIMUM), rounding=True)
        maximum = Money.of(setting_value(TOP_UP_MAXIMUM), rounding=True)
        field = self.fields["amount"]
        field.widget.attrs.update(min=str(minimum.amount), max=str(maximum.amount))
        field.help_text = gettext("In EUR, from %(amount)s to %(amount2)s.") % {
            "amount": minimum.amount,
            "amount2": maximum.amount,
        }

    def amount_money(self) -> Money:
        """The cleaned amount as Money in EUR."""
        amount: Decimal = self.cleaned_data["amount"]
        return Money.of(amount)
