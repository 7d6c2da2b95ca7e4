"""The staff form of a quote (decision 0055): the client, the payer, the validity, a coupon
or a discount, a note, and up to ``QUOTE_FORM_LINES`` lines. The quote action checks the
input and names each bad field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.catalog.models import OsImage, PublicationStatus, Tariff
from hostledger.subscriptions.actions import QuoteLineInput
from hostledger.subscriptions.conf import allowed_periods
from hostledger.web.forms_staff_money import find_client

QUOTE_FORM_LINES = 3


class QuoteForm(DomainErrorFormMixin, forms.Form):
    client = forms.CharField(
        label=_("Client"), max_length=254, help_text=_("Client id (cli_…) or owner's e-mail.")
    )
    payer = forms.CharField(
        label=_("Payer"),
        max_length=24,
        required=False,
        help_text=_("Payer id (pay_…); empty: the client's first payer."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    coupon = forms.CharField(label=_("Coupon code"), max_length=40, required=False)
    discount_percent = forms.CharField(
        label=_("Discount (%)"),
        max_length=12,
        required=False,
        help_text=_("Off the tariffs' fees of the first period; not with a coupon."),
    )
    note = forms.CharField(label=_("Note to the client"), required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tariffs = Tariff.objects.filter(
            is_active=True, status=PublicationStatus.PUBLISHED
        ).order_by("family__sort_order", "sort_order", "name")
        images = OsImage.objects.filter(is_active=True).order_by("sort_order", "name")
        periods = [(months, str(months)) for months in allowed_periods()]
        self.line_rows = []
        for index in range(QUOTE_FORM_LINES):
            prefix = f"line{index}_"
            self.fields[f"{prefix}tariff"] = forms.ModelChoiceField(
                label=_("Tariff"),
                queryset=tariffs,
                to_field_name="public_id",
                required=index == 0,
            )
            self.fields[f"{prefix}period_months"] = forms.TypedChoiceField(
                label=_("Months"), choices=periods, coerce=int, required=False
            )
            self.fields[f"{prefix}quantity"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=20, required=False, initial=1
            )
            self.fields[f"{prefix}os_image"] = forms.ModelChoiceField(
                label=_("Operating system"),
                queryset=images,
                to_field_name="public_id",
                required=False,
            )
            self.fields[f"{prefix}host_name"] = forms.CharField(
                label=_("Host name"), max_length=253, required=False
            )
            self.line_rows.append(
                [
                    self[f"{prefix}{name}"]
                    for name in ("tariff", "period_months", "quantity", "os_image", "host_name")
                ]
            )

    def clean_client(self):
        return find_client(self.cleaned_data["client"])

    def chosen_payer(self):
        client = self.cleaned_data["client"]
        payers = client.payers.filter(archived_at__isnull=True).order_by("id")
        public_id = (self.cleaned_data.get("payer") or "").strip()
        if public_id:
            return payers.filter(public_id=public_id).first()
        return payers.first()

    def lines(self) -> list[QuoteLineInput]:
        found = []
        for index in range(QUOTE_FORM_LINES):
            prefix = f"line{index}_"
            tariff = self.cleaned_data.get(f"{prefix}tariff")
            if tariff is None:
                continue
            found.append(
                QuoteLineInput(
                    tariff=tariff,
                    period_months=self.cleaned_data.get(f"{prefix}period_months") or 1,
                    quantity=self.cleaned_data.get(f"{prefix}quantity") or 1,
                    os_image=self.cleaned_data.get(f"{prefix}os_image"),
                    host_name=self.cleaned_data.get(f"{prefix}host_name") or "",
                )
            )
        return found
