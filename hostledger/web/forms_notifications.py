"""Forms of the notification pages of both areas (NTF-01, NTF-02, NTF-03, SUP-04).

They only collect input; the notification actions validate it again and write.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.core.errors import DomainError
from hostledger.notifications.events import EVENTS
from hostledger.notifications.models import (
    SYSTEM_CATEGORIES,
    Announcement,
    Category,
    Channel,
    DeliveryState,
)
from hostledger.web.forms_input import BoundedDateField


def _blank(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class SmsPreferencesForm(forms.Form):
    """One checkbox per system category: whether it goes by SMS too (NTF-01)."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for category in SYSTEM_CATEGORIES:
            self.fields[category] = forms.BooleanField(
                required=False,
                label=Category(category).label,
                initial=current.get(category, False),
            )

    def choices(self) -> dict[str, bool]:
        return {category: self.cleaned_data[category] for category in SYSTEM_CATEGORIES}


class MarketingConsentForm(DomainErrorFormMixin, forms.Form):
    """Opt in to or out of marketing messages by one channel (NTF-01). Opting in needs the
    consent box ticked: the consent is explicit and recorded with the wording's version."""

    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"

    channel = forms.ChoiceField(choices=Channel.choices)
    decision = forms.ChoiceField(choices=[(OPT_IN, _("Opt in")), (OPT_OUT, _("Opt out"))])
    agree = forms.BooleanField(
        required=False,
        label=_(
            "I agree to receive offers and news by this channel. I can withdraw this "
            "consent at any time, here or by the link in every such message."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.OPT_IN and not cleaned.get("agree"):
            self.add_error("agree", "Tick the box to give your consent.")
        return cleaned


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=_blank("Any state") + list(DeliveryState.choices), required=False
    )
    channel = forms.ChoiceField(
        choices=_blank("Any channel") + list(Channel.choices), required=False
    )
    event = forms.ChoiceField(
        choices=_blank("Any event") + [(code, code) for code in EVENTS], required=False
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class MessageTemplateForm(DomainErrorFormMixin, forms.Form):
    """An event's message in one language; texts are Django templates (NTF-02)."""

    subject = forms.CharField(
        label=_("Email subject"),
        max_length=250,
        strip=False,
        widget=forms.TextInput(attrs={"class": "mono"}),
    )
    body = forms.CharField(
        label=_("Email text"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono"}),
    )
    sms_text = forms.CharField(
        label=_("SMS text"),
        required=False,
        strip=False,
        help_text=_("Leave empty for no SMS of this event."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
    )


ANNOUNCED_KINDS = [
    (Announcement.Kind.POLICY_CHANGE.value, Announcement.Kind.POLICY_CHANGE.label),
    (Announcement.Kind.MAINTENANCE.value, Announcement.Kind.MAINTENANCE.label),
]
"""Kinds offered on the announcement form: policy changes (NTF-03) and planned maintenance
(SUP-04). Marketing goes only to clients who opted in and has its own rules (NTF-01)."""


def _id_list(value: str) -> list[str]:
    return [item for item in value.replace(",", " ").split() if item]


class AnnouncementForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=ANNOUNCED_KINDS, widget=forms.RadioSelect)
    subject = forms.CharField(max_length=200, label=_("Subject"))
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Plain text.")
    )
    audience = forms.ChoiceField(
        choices=Announcement.Audience.choices,
        widget=forms.RadioSelect,
        initial=Announcement.Audience.ALL,
        label=_("Addressed to"),
    )
    family_codes = forms.CharField(
        required=False,
        label=_("Product families"),
        help_text=_("Family codes, separated by spaces or commas (e.g. vps dedicated)."),
    )
    tariff_ids = forms.CharField(
        required=False, label=_("Tariffs"), help_text=_("Tariff ids (tar_…), separated by spaces.")
    )
    service_ids = forms.CharField(
        required=False,
        label=_("Services"),
        help_text=_("Service ids (svc_…), separated by spaces."),
    )
    effective_on = BoundedDateField(
        required=False,
        label=_("Takes effect on"),
        help_text=_("For a policy change: the day the new terms apply."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_at = forms.DateTimeField(
        required=False,
        label=_("Maintenance starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        required=False,
        label=_("Maintenance ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    subject_et = forms.CharField(max_length=200, required=False, label=_("Subject in Estonian"))
    body_et = forms.CharField(
        required=False, label=_("Text in Estonian"), widget=forms.Textarea(attrs={"rows": 4})
    )
    subject_ru = forms.CharField(max_length=200, required=False, label=_("Subject in Russian"))
    body_ru = forms.CharField(
        required=False, label=_("Text in Russian"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Announcement.Kind.MAINTENANCE and not cleaned.get("starts_at"):
            self.add_error("starts_at", "Say when the maintenance starts.")
        if cleaned.get("kind") == Announcement.Kind.POLICY_CHANGE and not cleaned.get(
            "effective_on"
        ):
            self.add_error("effective_on", "Say when the change takes effect.")
        return cleaned

    def action_arguments(self) -> dict:
        """The keyword arguments of ``announcement_create`` from the cleaned data."""
        data = self.cleaned_data
        translations = {
            language: {"subject": data[f"subject_{language}"], "body": data[f"body_{language}"]}
            for language in ("et", "ru")
            if data[f"subject_{language}"] or data[f"body_{language}"]
        }
        return {
            "kind": data["kind"],
            "subject": data["subject"],
            "body": data["body"],
            "audience": data["audience"],
            "family_codes": _id_list(data["family_codes"]),
            "tariff_ids": _id_list(data["tariff_ids"]),
            "service_ids": _id_list(data["service_ids"]),
            "translations": translations,
            "effective_on": data["effective_on"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
        }

    def add_domain_error(self, error: DomainError) -> None:
        # The action names the stored list of families; the form's field holds their codes.
        renamed = {"family_ids": "family_codes"}
        super().add_domain_error(
            DomainError(
                error.code,
                error.message,
                fields={renamed.get(name, name): problem for name, problem in error.fields.items()},
                status=error.status,
            )
        )
