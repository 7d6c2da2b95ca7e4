"""Forms of the staff catalog pages (CAT-01 … CAT-06).

They only collect input: fees and unit prices stay text and go to the catalog actions as
entered, and the actions check them exactly (no floats) and name the field they refuse.
Field names are those of the actions, so a DomainError lands next to its field.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.catalog.models import OS_IMAGE_FAMILIES
from hostledger.core.limits import staff_price_confirm_threshold
from hostledger.web.forms_input import (
    CONFIRM_FIELD,
    BoundedDateField,
    LargeAmountConfirmationMixin,
)

SPEC_LINE = re.compile(r"^\s*([^=:\s]+)\s*[=:]\s*(.*?)\s*$")
YES_NO = [("yes", "Offered to new orders"), ("no", "Not offered")]


def _amount_field(label: str, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        max_length=30,
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def specs_as_text(specs: dict) -> str:
    """A tariff's resources as the lines of the specs field ("cpu = 2")."""
    return "\n".join(f"{key} = {value}" for key, value in (specs or {}).items())


class CatalogFormMixin(DomainErrorFormMixin):
    """The cleaned values of the fields that were on the form, for an ``*_update`` action."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != CONFIRM_FIELD}


class FamilyForm(CatalogFormMixin, forms.Form):
    """A family's name, visibility, order and its own terms (CAT-01, CAT-03)."""

    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=_text_area())
    minimum_service_months = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Minimum service period (months)"),
        help_text=_("Empty: the provider setting applies."),
    )
    commencement_working_days = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Commencement term (working days)"),
        help_text=_(
            "Working days after payment within which a service starts. Empty: the "
            "provider setting applies."
        ),
    )
    sort_order = forms.IntegerField(min_value=0, initial=0, label=_("Display order"))
    is_active = forms.BooleanField(required=False, label=_("Offered to clients"))


class SpecsField(forms.CharField):
    """Resources of a tariff, one ``name = value`` per line; whole numbers stay numbers."""

    widget = _text_area(4)

    def to_python(self, value) -> dict:
        text = super().to_python(value) or ""
        specs: dict = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            match = SPEC_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    gettext("Write each resource as name = value: %(line)s.")
                    % {"line": f"{line!r}"}
                )
            key, item = match.groups()
            specs[key] = int(item) if item.isascii() and item.isdigit() else item
        return specs


class PriceConfirmationMixin(LargeAmountConfirmationMixin):
    """A monthly fee above ``core.staff_price_confirm_above`` is confirmed by staff first."""

    confirmation_threshold = staticmethod(staff_price_confirm_threshold)


class TariffForm(PriceConfirmationMixin, CatalogFormMixin, forms.Form):
    """A tariff's details; its fee is set once here and later changed by announcement.
    A new tariff is a draft until it is published (CAT-02)."""

    confirm_amount_fields = ("monthly_fee",)

    code = forms.CharField(
        max_length=60, help_text=_("Lower-case letters, digits, '-' and '_'; fixed once created.")
    )
    name = forms.CharField(max_length=120)
    monthly_fee = _amount_field("Monthly fee (EUR)", "VAT excluded, e.g. 9.90.")
    description = forms.CharField(required=False, widget=_text_area())
    specs = SpecsField(
        required=False,
        label=_("Resources"),
        help_text=_(
            "One per line, e.g. cpu = 2. Virtual servers and cloud pools state cpu, "
            "ram_gb and disk_gb."
        ),
    )
    sort_order = forms.IntegerField(min_value=0, initial=0, label=_("Display order"))
    is_active = forms.BooleanField(required=False, initial=True, label=_("Offered to new orders"))

    EDITABLE = ("name", "description", "specs", "sort_order")

    def __init__(self, *args, editing: bool = False, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            editable = (*self.EDITABLE, "monthly_fee", CONFIRM_FIELD) if draft else self.EDITABLE
            for name in list(self.fields):
                if name not in editable:
                    del self.fields[name]


class AddOnForm(PriceConfirmationMixin, CatalogFormMixin, forms.Form):
    """An optional extra of a family or of one of its tariffs (CAT-02)."""

    confirm_amount_fields = ("monthly_fee",)

    tariff = forms.ChoiceField(
        required=False,
        label=_("Offered with"),
        help_text=_("Every tariff of the family, or one tariff only. Fixed once created."),
    )
    code = forms.CharField(
        max_length=60, help_text=_("Lower-case letters, digits, '-' and '_'; fixed once created.")
    )
    name = forms.CharField(max_length=120)
    monthly_fee = _amount_field("Monthly fee (EUR)", "VAT excluded, e.g. 1.50.")
    description = forms.CharField(required=False, widget=_text_area())
    max_quantity = forms.IntegerField(
        min_value=1,
        initial=1,
        label=_("Most per service"),
        help_text=_("How many one service may take."),
    )
    sort_order = forms.IntegerField(min_value=0, initial=0, label=_("Display order"))

    EDITABLE = ("name", "description", "max_quantity", "sort_order")

    def __init__(self, *args, tariffs=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff"].choices = [("", "Every tariff of the family")] + [
            (tariff.public_id, tariff.name) for tariff in tariffs
        ]
        self.tariffs = {tariff.public_id: tariff for tariff in tariffs}
        if editing:
            for name in list(self.fields):
                if name not in self.EDITABLE:
                    del self.fields[name]

    def clean_tariff(self):
        return self.tariffs.get(self.cleaned_data.get("tariff") or "")


class MeteredItemForm(CatalogFormMixin, forms.Form):
    """A resource billed from usage, priced per unit finer than a cent (CAT-02, BIL-08)."""

    tariff = forms.ChoiceField(
        required=False,
        label=_("Billed with"),
        help_text=_("Every tariff of the family, or one tariff only. Fixed once created."),
    )
    code = forms.CharField(
        max_length=60, help_text=_("Lower-case letters, digits, '-' and '_'; fixed once created.")
    )
    name = forms.CharField(max_length=120)
    unit = forms.CharField(max_length=30, help_text=_("What one unit is, e.g. GB-hour."))
    unit_price = _amount_field(
        "Unit price (EUR)",
        "Up to six decimals, e.g. 0.0043. Fixed once offered: to change it, add a new item.",
    )
    included_quantity = forms.CharField(
        max_length=30,
        initial="0",
        label=_("Included per period"),
        help_text=_("Units the fee already covers each period."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    sort_order = forms.IntegerField(min_value=0, initial=0, label=_("Display order"))

    EDITABLE = ("name", "unit", "included_quantity", "sort_order")

    def __init__(self, *args, tariffs=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff"].choices = [("", "Every tariff of the family")] + [
            (tariff.public_id, tariff.name) for tariff in tariffs
        ]
        self.tariffs = {tariff.public_id: tariff for tariff in tariffs}
        if editing:
            for name in list(self.fields):
                if name not in self.EDITABLE:
                    del self.fields[name]

    def clean_tariff(self):
        return self.tariffs.get(self.cleaned_data.get("tariff") or "")


class OsImageForm(PriceConfirmationMixin, CatalogFormMixin, forms.Form):
    """An operating system offered for servers, free or with a paid licence (CAT-05)."""

    confirm_amount_fields = ("licence_monthly_fee",)

    code = forms.CharField(
        max_length=60, help_text=_("Lower-case letters, digits, '-' and '_'; fixed once created.")
    )
    name = forms.CharField(max_length=120)
    families = forms.MultipleChoiceField(
        choices=[(code.value, code.label) for code in OS_IMAGE_FAMILIES],
        widget=forms.CheckboxSelectMultiple,
        label=_("Offered for"),
    )
    requires_paid_licence = forms.BooleanField(required=False, label=_("Needs a paid licence"))
    licence_monthly_fee = _amount_field(
        "Licence fee per month (EUR)", "Only for an image that needs a paid licence.", False
    )
    sort_order = forms.IntegerField(min_value=0, initial=0, label=_("Display order"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def changes(self) -> dict:
        data = super().changes()
        if not data["requires_paid_licence"]:
            data["licence_monthly_fee"] = None
        return data


class PriceChangeForm(PriceConfirmationMixin, DomainErrorFormMixin, forms.Form):
    """A new monthly fee and the day it applies from (CAT-06), kept as a draft until it is
    published."""

    confirm_amount_fields = ("new_fee",)

    new_fee = _amount_field("New monthly fee (EUR)", "VAT excluded.")
    effective_from = BoundedDateField(
        label=_("Applies from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note for clients"),
        widget=_text_area(2),
    )

    def __init__(self, *args, earliest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if earliest is not None:
            self.fields["effective_from"].help_text = gettext(
                "Clients get the notice of the provider's terms: the earliest date is "
                "%(earliest)s. It applies from each client's next period starting on or "
                "after it."
            ) % {"earliest": f"{earliest:%-d %B %Y}"}
            self.fields["effective_from"].widget.attrs["min"] = earliest.isoformat()


class AvailabilityForm(forms.Form):
    """Offer an item to new orders again, or stop offering it."""

    offered = forms.ChoiceField(choices=YES_NO)
