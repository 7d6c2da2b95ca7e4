"""Forms of the client area; they only collect input, the actions validate and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from hostledger.accounts import actions
from hostledger.accounts.models import AccessGrant, Client, Contact, Payer
from hostledger.accounts.validation import COUNTRY_NAMES
from hostledger.core.errors import DomainError
from hostledger.core.middleware import client_ip_of
from hostledger.core.registry import setting_value
from hostledger.flows.registration import client_registered

COUNTRY_CHOICES = [("", _("Choose a country")), *COUNTRY_NAMES.items()]


class DomainErrorFormMixin:
    """Shows a DomainError's field problems next to their fields."""

    def add_domain_error(self, error: DomainError) -> None:
        if not error.fields:
            self.add_error(None, error.message)
        for field, problem in error.fields.items():
            if field in self.fields:
                if field not in self.errors:  # the field's own check already said it
                    self.add_error(field, problem)
            else:
                self.add_error(None, f"{field}: {problem}")


class PersonFieldsMixin(forms.Form):
    kind = forms.ChoiceField(
        choices=Client.Kind.choices,
        widget=forms.RadioSelect,
        initial=Client.Kind.NATURAL,
        label=_("I register as"),
    )
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    company_name = forms.CharField(max_length=200, required=False, label=_("Company name"))
    registry_code = forms.CharField(max_length=40, required=False, label=_("Registry code"))
    vat_number = forms.CharField(
        max_length=20,
        required=False,
        label=_("VAT number"),
        help_text=_("With the country prefix, e.g. EE102329731."),
    )
    street = forms.CharField(max_length=200, label=_("Street address"))
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(max_length=20, required=False, label=_("Postal code"))
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, initial="EE")
    phone = forms.CharField(
        max_length=40, required=False, help_text=_("With the country code, e.g. +372 5555 1234.")
    )


class RegistrationForm(DomainErrorFormMixin, PersonFieldsMixin):
    """The extra fields of sign-up (ACC-01), the age declaration (ACC-03) and the acceptance
    of the current terms and privacy policy (ACC-02). Everything is checked before the user
    is created, so nothing is stored for a person who does not declare their age."""

    age_declaration = forms.BooleanField(required=False)
    accept_policies = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = setting_value("accounts.minimum_age")
        self.fields["age_declaration"].label = gettext("I am %(minimum)s years old or older") % {
            "minimum": minimum
        }
        self.fields["accept_policies"].label = gettext(
            "I accept the terms of service and the privacy policy"
        )

    def clean(self):
        cleaned = super().clean()
        checks = (
            lambda: actions.check_age_declaration(bool(cleaned.get("age_declaration"))),
            lambda: actions.check_policies_accepted(bool(cleaned.get("accept_policies"))),
            actions.check_policies_published,
            lambda: setattr(self, "client_data", actions.clean_client_data(cleaned)),
        )
        # Every problem is shown at once, and all of them are found before allauth creates
        # the user, so a refused sign-up stores nothing (ACC-03).
        for check in checks:
            try:
                check()
            except DomainError as error:
                self.add_domain_error(error)
        return cleaned

    @transaction.atomic
    def signup(self, request, user):
        # The sign-up page and the social sign-up (which completes this same form) are entry
        # points: they call the registration flow, which also gives the payment reference.
        client_registered(
            user=user,
            data=self.client_data,
            declared_old_enough=bool(self.cleaned_data.get("age_declaration")),
            accepted_policies=bool(self.cleaned_data.get("accept_policies")),
            ip_address=client_ip_of(request),
        )


class ProfileForm(DomainErrorFormMixin, PersonFieldsMixin):
    preferred_language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("Your pages, e-mails and documents are in this language."),
    )


class PayerForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=Payer.Kind.choices,
        widget=forms.RadioSelect,
        initial=Payer.Kind.NATURAL,
        label=_("Payer is a"),
    )
    name = forms.CharField(max_length=200, label=_("Name on invoices"))
    registry_code = forms.CharField(max_length=40, required=False, label=_("Registry code"))
    vat_number = forms.CharField(
        max_length=20,
        required=False,
        label=_("VAT number"),
        help_text=_("EU businesses: with the country prefix."),
    )
    street = forms.CharField(max_length=200, label=_("Street address"))
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(max_length=20, required=False, label=_("Postal code"))
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, initial="EE")
    invoice_email = forms.EmailField(required=False, label=_("Send invoices to"))
    buyer_reference = forms.CharField(
        max_length=100,
        required=False,
        label=_("Your reference on invoices"),
        help_text=_("A cost centre, purchase contact or other reference your accounts need."),
    )
    is_default = forms.BooleanField(required=False, label=_("Use by default"))


class ContactForm(DomainErrorFormMixin, forms.Form):
    role = forms.ChoiceField(choices=Contact.Role.choices)
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)


class AccessGrantForm(DomainErrorFormMixin, forms.Form):
    grantee_email = forms.EmailField(label=_("Email of the registered user"))
    scopes = forms.MultipleChoiceField(
        choices=AccessGrant.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


class PhoneCodeForm(DomainErrorFormMixin, forms.Form):
    code = forms.CharField(
        max_length=12,
        label=_("Code from the SMS"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    scopes = forms.MultipleChoiceField(
        choices=[("read", _("Read")), ("write", _("Write"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["read"],
    )
    days = forms.IntegerField(min_value=1, required=False, label=_("Valid for (days)"))
