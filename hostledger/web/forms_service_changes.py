"""Forms of the plan change, cancellation, withdrawal and contract notice pages of a service
(ORD-04, ORD-06, ORD-07, ORD-08), in the client area and the staff area.

They only collect input and turn public ids into catalog objects; the subscriptions actions
check everything again and name each bad field, which the forms show next to the field
(``add_domain_error``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.catalog.selectors import OfferedFamily
from hostledger.core.errors import DomainError
from hostledger.subscriptions.actions import AddOnChoice
from hostledger.subscriptions.models import NoticeKind, Party
from hostledger.web.forms_input import BoundedDateField
from hostledger.web.forms_money import DateInput

ADD_ON_PREFIX = "add_on_"

NOTICE_KINDS = [
    (NoticeKind.NON_RENEWAL, "Notice against renewal"),
    (NoticeKind.TERMINATION, "Termination with notice"),
]


class PlanChangeForm(DomainErrorFormMixin, forms.Form):
    """A new tariff of the service's product family and the whole new list of add-on
    quantities (ORD-04); both start as the service has them now."""

    def __init__(self, data=None, *, offered: OfferedFamily | None, service, current: dict):
        super().__init__(data)
        self.service = service
        tariffs = offered.tariffs if offered is not None else []
        self.tariffs_by_id = {item.tariff.public_id: item for item in tariffs}
        current_id = service.tariff.public_id
        self.fields["tariff"] = forms.ChoiceField(
            label=gettext("Tariff"),
            choices=[(item.tariff.public_id, item.tariff.name) for item in tariffs],
            initial=current_id if current_id in self.tariffs_by_id else None,
            widget=forms.RadioSelect,
            error_messages={"required": gettext("Choose the tariff to change to.")},
        )
        self.add_on_rows = []
        add_ons = {}
        for item in tariffs:
            for offered_add_on in item.add_ons:
                add_ons.setdefault(offered_add_on.add_on.pk, offered_add_on)
        for offered_add_on in add_ons.values():
            add_on = offered_add_on.add_on
            name = f"{ADD_ON_PREFIX}{add_on.public_id}"
            self.fields[name] = forms.IntegerField(
                label=add_on.name,
                min_value=0,
                max_value=add_on.max_quantity,
                required=False,
                initial=current.get(add_on.pk, 0),
                widget=forms.NumberInput(attrs={"class": "qty-input", "inputmode": "numeric"}),
            )
            self.add_on_rows.append((self[name], offered_add_on))

    def chosen_tariff(self):
        value = self.cleaned_data.get("tariff") if self.is_bound else self.fields["tariff"].initial
        item = self.tariffs_by_id.get(value)
        return item.tariff if item is not None else None

    def add_on_choices(self) -> list[AddOnChoice]:
        """The whole new list of add-ons (those with a quantity above zero)."""
        chosen = []
        for bound, offered_add_on in self.add_on_rows:
            if self.is_bound:
                quantity = self.cleaned_data.get(bound.name) or 0
            else:
                quantity = bound.field.initial or 0
            if quantity:
                chosen.append(AddOnChoice(offered_add_on.add_on, quantity))
        return chosen

    def add_domain_error(self, error: DomainError) -> None:
        """The add-on list is one field of the action and a table here: its problems go
        above the form; ``service`` and ``change`` problems too."""
        fields = dict(error.fields or {})
        add_ons = fields.pop("add_ons", None)
        if add_ons is not None:
            problem = error.message.removeprefix("add_ons: ")
            self.add_error(None, gettext("Add-ons: %(problem)s") % {"problem": problem})
        if fields:
            super().add_domain_error(
                DomainError(error.code, error.message, fields=fields, status=error.status)
            )


class CancellationForm(DomainErrorFormMixin, forms.Form):
    """The day the service is to be deactivated (ORD-06)."""

    effective_on = BoundedDateField(label=_("Deactivate on"), widget=DateInput())

    def __init__(self, data=None, *, earliest):
        super().__init__(data, initial={"effective_on": earliest})
        self.fields["effective_on"].help_text = gettext(
            "On %(day)s %(earliest)s at the earliest. The service runs until the day before."
        ) % {"day": earliest.day, "earliest": f"{earliest:%B %Y}"}
        self.fields["effective_on"].widget.attrs["min"] = earliest.isoformat()

    def chosen_day(self):
        if self.is_bound:
            return self.cleaned_data.get("effective_on") if self.is_valid() else None
        return self.initial.get("effective_on")


class WithdrawalForm(DomainErrorFormMixin, forms.Form):
    """The consumer's confirmation that they withdraw from the contract (ORD-07)."""

    confirm = forms.BooleanField(
        label=_("I withdraw from the contract of this service. It stops today."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class ContractNoticeForm(DomainErrorFormMixin, forms.Form):
    """A notice against renewal or a termination with notice (ORD-08); staff also say which
    party gives it."""

    kind = forms.ChoiceField(choices=NOTICE_KINDS, widget=forms.HiddenInput)

    def __init__(self, data=None, *, with_party: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        if with_party:
            self.fields["party"] = forms.ChoiceField(
                label=gettext("Given by"),
                choices=Party.choices,
                initial=Party.CLIENT,
                widget=forms.RadioSelect,
                help_text=gettext("The provider gives notice only with a reason the terms allow."),
            )

    def chosen_party(self) -> str:
        return self.cleaned_data.get("party") or Party.CLIENT


class CancellationFilterForm(forms.Form):
    """Filter of the staff list of open cancellations and notices."""

    due = forms.BooleanField(required=False, label=_("Due only"))
