"""Forms of the staff pages of provider entities."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin


class ProviderEntityForm(DomainErrorFormMixin, forms.Form):
    """The details of one provider entity; blank details of the default entity are read from
    the provider settings."""

    legal_name = forms.CharField(max_length=200, required=False, label=_("Legal name"))
    brand_name = forms.CharField(max_length=120, required=False, label=_("Brand name"))
    registry_code = forms.CharField(max_length=40, required=False, label=_("Registry code"))
    vat_number = forms.CharField(max_length=20, required=False, label=_("VAT number"))
    street = forms.CharField(max_length=200, required=False, label=_("Street address"))
    city = forms.CharField(max_length=100, required=False, label=_("City"))
    postal_code = forms.CharField(max_length=20, required=False, label=_("Postal code"))
    country = forms.CharField(max_length=2, required=False, label=_("Country (two letters)"))
    email = forms.CharField(max_length=254, required=False, label=_("Email on documents"))
    phone = forms.CharField(max_length=40, required=False, label=_("Phone"))
    website = forms.CharField(max_length=200, required=False, label=_("Website"))
    iban = forms.CharField(max_length=42, required=False, label=_("IBAN"))
    bic = forms.CharField(max_length=11, required=False, label=_("BIC"))
    bank_name = forms.CharField(max_length=120, required=False, label=_("Bank"))
    terms_url = forms.CharField(max_length=200, required=False, label=_("Terms URL"))
    terms_text = forms.CharField(
        required=False, label=_("Terms"), widget=forms.Textarea(attrs={"rows": 3})
    )
    document_footer = forms.CharField(
        required=False, label=_("Document footer"), widget=forms.Textarea(attrs={"rows": 2})
    )
    mail_sender = forms.CharField(max_length=200, required=False, label=_("Mail sender"))

    def details(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ProviderEntityCreateForm(ProviderEntityForm):
    """A further entity: its code and the prefix of its own numbering series come first."""

    code = forms.CharField(
        max_length=12,
        label=_("Code"),
        help_text=_("2 to 12 lower-case letters, digits or hyphens; never changes."),
    )
    invoice_series_prefix = forms.CharField(
        max_length=10,
        label=_("Invoice number prefix"),
        help_text=_("Invoices are numbered PREFIX-year-000001, credit notes PREFIX-CN-year-…"),
    )

    field_order = ["code", "invoice_series_prefix"]

    def details(self) -> dict:
        details = super().details()
        details.pop("code", None)
        return details
