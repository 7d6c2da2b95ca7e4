"""Forms of the domain pages (DOM-01, DOM-02, DOM-03): name servers, the transfer lock, a
transfer in with its code, and the staff list's filters. They only collect input; the domain
flows and the order check it again and name each bad field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import DomainStatus, IdentType

NAME_SERVERS_MAX_CHARS = 13 * 254


class NameServersForm(DomainErrorFormMixin, forms.Form):
    name_servers = forms.CharField(
        label=_("Name servers"),
        required=False,
        max_length=NAME_SERVERS_MAX_CHARS,
        widget=forms.Textarea({"rows": 4, "spellcheck": "false"}),
        help_text=_("One host name a line, e.g. ns1.example.net; at most 13."),
    )


class LockForm(forms.Form):
    locked = forms.TypedChoiceField(
        choices=[("1", _("Lock")), ("0", _("Unlock"))], coerce=lambda value: value == "1"
    )


class DomainTransferForm(DomainErrorFormMixin, forms.Form):
    """Transfer a domain held at another registrar: its zone's tariff, its name, its transfer
    code, the years and the payer; the administrator where the zone demands one (DOM-02,
    DOM-03)."""

    tariff = forms.ChoiceField(label=_("Zone and tariff"))
    host_name = forms.CharField(
        label=_("Domain name"),
        max_length=253,
        help_text=_("The domain to transfer, e.g. example.ee."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    transfer_auth_code = forms.CharField(
        label=_("Transfer code"),
        max_length=255,
        help_text=_("The transfer (authorisation) code your current registrar gives you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    period_months = forms.TypedChoiceField(label=_("Period"), coerce=int)
    payer = forms.ChoiceField(label=_("Payer"))
    admin_ident_type = forms.ChoiceField(
        label=_("Administrator's identification"),
        required=False,
        choices=[("", "—"), *IdentType.choices],
    )
    admin_ident = forms.CharField(
        label=_("Identification code"),
        max_length=40,
        required=False,
        help_text=_(
            "Where the zone's registry demands it (.ee: an Estonian personal or "
            "registry code); leave empty if you gave it in an earlier order."
        ),
    )
    admin_ident_country = forms.CharField(
        label=_("Country of the code"), max_length=2, required=False
    )

    def __init__(self, data=None, *, tariffs, payers, periods, natural_person: bool, **kwargs):
        super().__init__(data, **kwargs)
        if natural_person:
            self.fields["start_at_once"] = forms.BooleanField(
                required=False,
                label=(
                    gettext(
                        "Start the service at once, before my withdrawal period ends. If I "
                        "withdraw, the days already used are charged."
                    )
                ),
            )
        self.tariffs_by_id = {offered.tariff.public_id: offered.tariff for offered in tariffs}
        self.payers_by_id = {payer.public_id: payer for payer in payers}
        self.fields["tariff"].choices = [
            (offered.tariff.public_id, offered.tariff.name) for offered in tariffs
        ]
        self.fields["payer"].choices = [(payer.public_id, payer.name) for payer in payers]
        self.fields["period_months"].choices = [
            (
                months,
                f"{months // 12} year{'s' if months > 12 else ''}"
                if months % 12 == 0
                else f"{months} months",
            )
            for months in periods
        ]

    def chosen_tariff(self):
        return self.tariffs_by_id.get(self.cleaned_data.get("tariff"))

    def chosen_payer(self):
        return self.payers_by_id.get(self.cleaned_data.get("payer"))

    def domain_admin(self) -> AdminContactInput | None:
        ident = self.cleaned_data.get("admin_ident") or ""
        if not ident:
            return None
        return AdminContactInput(
            ident=ident,
            ident_type=self.cleaned_data.get("admin_ident_type") or "",
            ident_country=(self.cleaned_data.get("admin_ident_country") or "").upper(),
        )


class StaffDomainFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *DomainStatus.choices]
    )
    zone = forms.CharField(required=False, max_length=63, label=_("Zone"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
