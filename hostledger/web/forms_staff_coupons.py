"""The staff form of a coupon (decision 0055). The form only shapes the input; the coupon
actions check it and name each bad field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.catalog.models import CouponRecurrence, DiscountKind, ProductFamily, Tariff


class CouponForm(DomainErrorFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("What clients type; letter case does not matter."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Discount"), choices=DiscountKind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=20,
        help_text=_("A percentage (up to four decimals) or an amount in EUR, VAT excluded."),
    )
    recurrence = forms.ChoiceField(label=_("Applies to"), choices=CouponRecurrence.choices)
    max_redemptions = forms.IntegerField(
        label=_("Uses in all"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    max_per_client = forms.IntegerField(
        label=_("Uses per client"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tariffs = forms.ModelMultipleChoiceField(
        label=_("Tariffs"),
        queryset=Tariff.objects.order_by("family__sort_order", "sort_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
    )
    families = forms.ModelMultipleChoiceField(
        label=_("Product families"),
        queryset=ProductFamily.objects.order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        help_text=_("No tariff and no family chosen: the coupon applies to every tariff."),
    )

    def action_values(self) -> dict:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "description": data.get("description") or "",
            "kind": data["kind"],
            "value": data["value"],
            "recurrence": data["recurrence"],
            "max_redemptions": data.get("max_redemptions"),
            "max_per_client": data.get("max_per_client"),
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "tariffs": list(data.get("tariffs") or []),
            "families": list(data.get("families") or []),
        }


def coupon_initial(coupon) -> dict:
    """The form's values of an existing coupon."""
    value = (
        format(coupon.percent.normalize(), "f")
        if coupon.kind == DiscountKind.PERCENTAGE
        else str(coupon.amount.amount)
    )
    return {
        "code": coupon.code,
        "description": coupon.description,
        "kind": coupon.kind,
        "value": value,
        "recurrence": coupon.recurrence,
        "max_redemptions": coupon.max_redemptions,
        "max_per_client": coupon.max_per_client,
        "valid_from": coupon.valid_from,
        "valid_until": coupon.valid_until,
        "tariffs": [tariff.public_id for tariff in coupon.tariffs.all()],
        "families": [family.code for family in coupon.families.all()],
    }
