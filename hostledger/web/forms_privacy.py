"""Forms of the staff privacy pages (GDPR-09, GDPR-10, NTF-03). They only collect input; the
privacy actions validate it again and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import COUNTRY_CHOICES, DomainErrorFormMixin
from hostledger.privacy.models import PolicyDocument, TransferSafeguard
from hostledger.privacy.policies import MAX_BODY_LENGTH
from hostledger.privacy.processors import MAX_TEXT_LENGTH
from hostledger.web.forms_input import BoundedDateField
from hostledger.web.forms_money import DateInput

MAX_SUMMARY_LENGTH = 5000


class PolicyForm(DomainErrorFormMixin, forms.Form):
    """A new version of the terms or the privacy policy, in Markdown (GDPR-10)."""

    kind = forms.ChoiceField(choices=PolicyDocument.Kind.choices, label=_("Document"))
    version = forms.CharField(max_length=20, label=_("Version"), help_text=_("For example 2.0."))
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(
        max_length=MAX_BODY_LENGTH,
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "Headings with #, lists with -, links as [text](https://…). HTML is shown as text."
        ),
    )
    requires_reacceptance = forms.BooleanField(
        required=False,
        label=_("The change affects clients' rights: ask every client to accept it again"),
    )
    change_summary = forms.CharField(
        required=False,
        max_length=MAX_SUMMARY_LENGTH,
        label=_("What changes (for the announcement)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProcessorForm(DomainErrorFormMixin, forms.Form):
    """An entry of the register of processors (GDPR-09)."""

    name = forms.CharField(max_length=200)
    function = forms.CharField(max_length=200, help_text=_("What it does for the provider."))
    country = forms.ChoiceField(choices=COUNTRY_CHOICES)
    transfer_safeguard = forms.ChoiceField(
        choices=TransferSafeguard.choices,
        required=False,
        label=_("Transfer safeguard"),
        help_text=_("Needed when the country is outside the European Economic Area."),
    )
    agreement_signed_on = BoundedDateField(
        required=False, label=_("Data processing agreement signed on"), widget=DateInput()
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Works for us now"))


class ActivityForm(DomainErrorFormMixin, forms.Form):
    """Staff's part of one purpose's entry in the record of processing activities."""

    controller_contact = forms.CharField(
        max_length=300, required=False, help_text=_("Empty: the provider's privacy contact.")
    )
    data_subjects = forms.CharField(
        max_length=300, required=False, help_text=_("For example: clients, their contacts.")
    )
    recipients = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who receives the data besides the processors (authorities, banks)."),
    )
    security_measures = forms.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    processors = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Processors used")
    )

    def __init__(self, *args, processors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["processors"].choices = [
            (processor.public_id, f"{processor.name} ({processor.function})")
            for processor in processors
        ]
