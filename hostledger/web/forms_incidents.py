"""Forms of interruptions, maintenance windows and dedicated-server repairs (SUP-03, SUP-04,
SUP-07). They check the shape of the input; the incidents actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.incidents.models import MaintenanceScope


class InterruptionReportForm(DomainErrorFormMixin, forms.Form):
    service = forms.ChoiceField(choices=(), label=_("Service"))
    description = forms.CharField(
        max_length=4000,
        label=_("What is wrong"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Since when, what you see; the interruption counts from our confirmation."),
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (service.public_id, f"{service.tariff.name} ({service.public_id})")
            for service in services
        ]


class InterruptionRejectForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label=_("Why it is not confirmed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The client reads this."),
    )


def _id_list(value: str) -> list[str]:
    return [item for item in value.replace(",", " ").split() if item]


class MaintenanceWindowForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        max_length=5000, label=_("Text"), widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    scope = forms.ChoiceField(
        choices=MaintenanceScope.choices, widget=forms.RadioSelect, label=_("Affects")
    )
    family_codes = forms.CharField(
        required=False,
        label=_("Products"),
        help_text=_("Product family codes, separated by spaces (e.g. vps dedicated)."),
    )
    tariff_ids = forms.CharField(
        required=False, label=_("Tariffs"), help_text=_("Tariff ids (tar_…), separated by spaces.")
    )
    service_ids = forms.CharField(
        required=False,
        label=_("Services"),
        help_text=_("Service ids (svc_…), separated by spaces."),
    )
    title_et = forms.CharField(max_length=200, required=False, label=_("Title in Estonian"))
    description_et = forms.CharField(
        required=False, label=_("Text in Estonian"), widget=forms.Textarea(attrs={"rows": 3})
    )
    title_ru = forms.CharField(max_length=200, required=False, label=_("Title in Russian"))
    description_ru = forms.CharField(
        required=False, label=_("Text in Russian"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def action_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "scope": data["scope"],
            "family_codes": _id_list(data["family_codes"]),
            "tariff_ids": _id_list(data["tariff_ids"]),
            "service_ids": _id_list(data["service_ids"]),
            "translations": {
                language: {
                    "subject": data[f"title_{language}"],
                    "body": data[f"description_{language}"],
                }
                for language in ("et", "ru")
                if data[f"title_{language}"] or data[f"description_{language}"]
            },
        }

    def add_domain_error(self, error) -> None:
        renamed = {"family_ids": "family_codes", "subject": "title", "body": "description"}
        error.fields = {renamed.get(name, name): problem for name, problem in error.fields.items()}
        super().add_domain_error(error)


class RepairForm(DomainErrorFormMixin, forms.Form):
    service = forms.CharField(max_length=24, label=_("Service"), help_text=_("Its id (svc_…)."))
    part = forms.CharField(max_length=200, label=_("Failed part"))
    started_at = forms.DateTimeField(
        label=_("Failed at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("Repaired at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
