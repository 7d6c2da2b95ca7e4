"""Forms of the data-centre pages of the client and staff areas (SUP-02, SUP-05, SUP-06).

They only shape input; every rule is checked by the actions, whose refusals are shown on the
field they name.
"""

from __future__ import annotations

from django import forms

from hostledger.datacenter.models import (
    ApplicationAction,
    ApplicationStatus,
    EquipmentKind,
    MovementDirection,
)

TEXT_MAX = 2000


class ApplicationFileForm(forms.Form):
    action = forms.ChoiceField(choices=ApplicationAction.choices, label="What should be done")
    equipment_ids = forms.CharField(
        max_length=700,
        label="Equipment IDs",
        help_text="The ID on each piece of equipment, e.g. SRV-0042; separate several by commas.",
    )
    details = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Details",
        help_text="For a network change or a reinstall: what exactly. Never a password.",
    )


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    document_number = forms.CharField(
        max_length=40,
        label="Identity document number",
        help_text="Of the passport or ID card shown at the door.",
    )
    phone = forms.CharField(max_length=40, label="Phone", help_text="With the country code.")


class VisitRequestForm(forms.Form):
    representative = forms.ChoiceField(choices=(), label="Representative")
    starts_at = forms.DateTimeField(
        label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    purpose = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Purpose",
    )

    def __init__(self, *args, representatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].choices = [
            (representative.public_id, representative.full_name)
            for representative in representatives
        ]


class UsageReportForm(forms.Form):
    addresses_in_use = forms.IntegerField(min_value=0, label="Addresses in use")


class ReverseDnsForm(forms.Form):
    address = forms.CharField(max_length=64, label="Address")
    host_name = forms.CharField(
        required=False,
        max_length=253,
        label="Host name",
        help_text="e.g. mail.example.com; leave empty to remove the name.",
    )


class EquipmentRegisterForm(forms.Form):
    equipment_id = forms.CharField(
        max_length=32, label="Equipment ID", help_text="As on the label."
    )
    kind = forms.ChoiceField(choices=EquipmentKind.choices, label="Type")
    service = forms.CharField(max_length=24, label="Service", help_text="Its id, svc_…")
    rack = forms.CharField(required=False, max_length=32, label="Rack")
    unit_from = forms.IntegerField(required=False, min_value=1, max_value=60, label="First unit")
    unit_count = forms.IntegerField(
        required=False, min_value=1, max_value=60, initial=1, label="Units"
    )
    power_watts = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label="Power (W)"
    )
    serial_number = forms.CharField(required=False, max_length=64, label="Serial number")


class EquipmentEditForm(forms.Form):
    kind = forms.ChoiceField(choices=EquipmentKind.choices, label="Type")
    rack = forms.CharField(required=False, max_length=32, label="Rack")
    unit_from = forms.IntegerField(required=False, min_value=1, max_value=60, label="First unit")
    unit_count = forms.IntegerField(required=False, min_value=1, max_value=60, label="Units")
    power_watts = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label="Power (W)"
    )
    serial_number = forms.CharField(required=False, max_length=64, label="Serial number")


class EquipmentMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=MovementDirection.choices, label="Movement")
    moved_on = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=500, label="Note")


class ApplicationWorkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in ApplicationStatus.choices
            if value != ApplicationStatus.SUBMITTED
        ],
        label="Status",
    )
    result = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Result",
        help_text="What was done, or why it is refused; the client reads it.",
    )


class VisitDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")], label="Decision"
    )
    note = forms.CharField(
        required=False, max_length=500, label="Note", help_text="Required when refusing."
    )


class IpPoolForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name")
    network = forms.CharField(max_length=64, label="Network", help_text="e.g. 192.0.2.0/24")


class IpAllocateForm(forms.Form):
    pool = forms.ChoiceField(choices=(), label="Pool")
    service = forms.CharField(max_length=24, label="Service", help_text="Its id, svc_…")
    network = forms.CharField(
        max_length=64, label="Subnet or address", help_text="e.g. 192.0.2.16/29"
    )

    def __init__(self, *args, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [(pool.public_id, str(pool)) for pool in pools]


class IpReleaseForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why the addresses are released")
