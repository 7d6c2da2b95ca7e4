"""Shared fields of web forms that guard against bad input: bounded dates and large amounts.

* :class:`BoundedDateField` accepts a date only between the provider's
  ``core.date_input_first_year`` and ``core.date_input_last_year``: a date such as
  9999-12-31 is refused next to its field instead of overflowing the day arithmetic later.
* :class:`LargeAmountConfirmationMixin` adds a "the amount is right" checkbox to a staff form
  when the amount typed is above a threshold, and refuses the form until it is ticked: the
  form re-shows with the checkbox, the staff member looks again and confirms.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.limits import date_input_bounds
from hostledger.core.money import DEFAULT_CURRENCY, Money, parse_staff_amount

CONFIRM_FIELD = "confirm"


class BoundedDateField(forms.DateField):
    """A date between the provider's first and last input year (``core.date_input_*``)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = date_input_bounds()
        if not first <= value <= last:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()},
                code="out_of_range",
            )


def staff_amount(
    value, *, field: str, maximum: Money | None = None, currency: str = DEFAULT_CURRENCY
) -> Money:
    """An amount typed by staff, read by the one strict parser of ``core.money``, as a form
    error (digits and at most two decimals, at most ``maximum``)."""
    try:
        return parse_staff_amount(value, field=field, currency=currency, maximum=maximum)
    except DomainError as error:
        raise forms.ValidationError(
            _("Give an amount such as 1250.00 (%(field)s).")
            % {"field": error.fields.get(field, error.message)}
        ) from None


class LargeAmountConfirmationMixin:
    """Ask staff to confirm an amount above a threshold before the form is accepted.

    ``confirm_amount_fields`` names the amount fields to look at; ``confirmation_threshold``
    gives the threshold in force. When a submitted amount is above it, the form gains a
    ``confirm`` checkbox, and is invalid until the checkbox is ticked.
    """

    confirm_amount_fields: tuple[str, ...] = ("amount",)
    confirmation_threshold: Callable[[], Money]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.amount_to_confirm = self._amount_above_threshold()
        if self.amount_to_confirm is not None:
            amount = self.amount_to_confirm
            self.fields[CONFIRM_FIELD] = forms.BooleanField(
                required=False,
                label=_("Yes, %(amount)s %(currency)s is the right amount")
                % {"amount": amount.amount, "currency": amount.currency},
                help_text=_("The amount is unusually large; look at it again before confirming."),
            )

    def _amount_above_threshold(self) -> Money | None:
        if not self.is_bound:
            return None
        threshold = type(self).confirmation_threshold()
        for name in self.confirm_amount_fields:
            raw = self.data.get(self.add_prefix(name))
            if not raw:
                continue
            try:
                amount = parse_staff_amount(raw, field=name)
            except DomainError:
                continue
            if amount > threshold:
                return amount
        return None

    def clean(self):
        cleaned = super().clean()
        amount_refused = any(name in self.errors for name in self.confirm_amount_fields)
        if (
            self.amount_to_confirm is not None
            and not amount_refused
            and not cleaned.get(CONFIRM_FIELD)
        ):
            amount = self.amount_to_confirm
            self.add_error(
                CONFIRM_FIELD,
                f"{amount.amount} {amount.currency} is above "
                f"{type(self).confirmation_threshold().amount} {amount.currency}: tick to "
                "confirm it.",
            )
        return cleaned
