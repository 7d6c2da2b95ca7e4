"""Forms of the data-centre pages of the client and staff areas (SUP-02, SUP-05, SUP-06).

They only shape input; every rule is checked by the actions, whose refusals are shown on the
field they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hostledger.datacenter.models import (
    ApplicationAction,
    ApplicationStatus,
    EquipmentKind,
    MovementDirection,
)

TEXT_MAX = 2000


class ApplicationFileForm(forms.Form):
    action = forms.ChoiceField(choices=ApplicationAction.choices, label=_("What should be done"))
    equipment_ids = forms.CharField(
        max_length=700,
        label=_("Equipment IDs"),
        help_text=_(
            "The ID on each piece of equipment, e.g. SRV-0042; separate several by commas."
        ),
    )
    details = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Details"),
        help_text=_("For a network change or a reinstall: what exactly. Never a password."),
    )


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(max_length=200, label=_("Full name"))
    document_number = forms.CharField(
        max_length=40,
        label=_("Identity document number"),
        help_text=_("Of the passport or ID card shown at the door."),
    )
    phone = forms.CharField(max_length=40, label=_("Phone"), help_text=_("With the country code."))


class VisitRequestForm(forms.Form):
    representative = forms.ChoiceField(choices=(), label=_("Representative"))
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    purpose = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Purpose"),
    )

    def __init__(self, *args, representatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].choices = [
            (representative.public_id, representative.full_name)
            for representative in representatives
        ]


class UsageReportForm(forms.Form):
    addresses_in_use = forms.IntegerField(min_value=0, label=_("Addresses in use"))


class ReverseDnsForm(forms.Form):
    address = forms.CharField(max_length=64, label=_("Address"))
    host_name = forms.CharField(
        required=False,
        max_length=253,
        label=_("Host name"),
        help_text=_("e.g. mail.example.com; leave empty to remove the name."),
    )


class EquipmentRegisterForm(forms.Form):
    equipment_id = forms.CharField(
        max_length=32, label=_("Equipment ID"), help_text=_("As on the label.")
    )
    kind = forms.ChoiceField(choices=EquipmentKind.choices, label=_("Type"))
    service = forms.CharField(max_length=24, label=_("Service"), help_text=_("Its id, svc_…"))
    rack = forms.CharField(required=False, max_length=32, label=_("Rack"))
    unit_from = forms.IntegerField(required=False, min_value=1, max_value=60, label=_("First unit"))
    unit_count = forms.IntegerField(
        required=False, min_value=1, max_value=60, initial=1, label=_("Units")
    )
    power_watts = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label=_("Power (W)")
    )
    serial_number = forms.CharField(required=False, max_length=64, label=_("Serial number"))


class EquipmentEditForm(forms.Form):
    kind = forms.ChoiceField(choices=EquipmentKind.choices, label=_("Type"))
    rack = forms.CharField(required=False, max_length=32, label=_("Rack"))
    unit_from = forms.IntegerField(required=False, min_value=1, max_value=60, label=_("First unit"))
    unit_count = forms.IntegerField(required=False, min_value=1, max_value=60, label=_("Units"))
    power_watts = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label=_("Power (W)")
    )
    serial_number = forms.CharField(required=False, max_length=64, label=_("Serial number"))


class EquipmentMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=MovementDirection.choices,
        label=pgettext_lazy("equipment moved in or out", "Movement"),
    )
    moved_on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=500, label=_("Note"))


class ApplicationWorkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in ApplicationStatus.choices
            if value != ApplicationStatus.SUBMITTED
        ],
        label=_("Status"),
    )
    result = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Result"),
        help_text=_("What was done, or why it is refused; the client reads it."),
    )


class VisitDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], label=_("Decision")
    )
    note = forms.CharField(
        required=False, max_length=500, label=_("Note"), help_text=_("Required when refusing.")
    )


class IpPoolForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Name"))
    network = forms.CharField(max_length=64, label=_("Network"), help_text=_("e.g. 192.0.2.0/24"))


class IpAllocateForm(forms.Form):
    pool = forms.ChoiceField(choices=(), label=_("Pool"))
    service = forms.CharField(max_length=24, label=_("Service"), help_text=_("Its id, svc_…"))
    network = forms.CharField(
        max_length=64, label=_("Subnet or address"), help_text=_("e.g. 192.0.2.16/29")
    )

    def __init__(self, *args, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [(pool.public_id, str(pool)) for pool in pools]


class IpReleaseForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why the addresses are released"))
