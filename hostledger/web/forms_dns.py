"""Forms of the DNS hosting pages (DOM-04).

They only shape input; the DNS actions check every rule with dnspython and their refusals are
shown on the field they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.dns.models import RecordType


class ZoneForm(forms.Form):
    service = forms.ChoiceField(choices=(), label=_("Service with DNS hosting"))
    name = forms.CharField(
        max_length=253,
        label=_("Domain"),
        help_text=_("e.g. example.com; internationalised names are welcome (bücher.de)."),
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (
                service.public_id,
                f"{service.tariff.name} · {service.host_name or service.public_id}",
            )
            for service in services
        ]


class RecordForm(forms.Form):
    name = forms.CharField(
        required=False,
        max_length=253,
        label=_("Name"),
        help_text=_("Relative to the zone (www, _dmarc, *.dev), or @ for the zone itself."),
    )
    record_type = forms.ChoiceField(choices=RecordType.choices, label=_("Type"))
    content = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Data"),
        help_text=(
            _(
                "A: 192.0.2.10 · AAAA: 2001:db8::10 · CNAME: www.example.com. · MX: mail "
                'server · SRV: weight port target · CAA: 0 issue "letsencrypt.org" · TXT:'
                " any text, split for you."
            )
        ),
    )
    ttl = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("TTL (seconds)"),
        help_text=_("Records of one name and type share it; empty for the default."),
    )
    priority = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=65535,
        label=_("Priority"),
        help_text=_("MX and SRV."),
    )
