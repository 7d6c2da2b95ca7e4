"""Forms of the order and service pages of the client and staff areas (ORD-01, ORD-02, ORD-05).

They only collect input and turn public ids into the objects the client may choose; the
subscriptions actions check everything again and name each bad field, which the forms then
show next to the field (``add_domain_error``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.catalog.models import FamilyCode
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import IdentType
from hostledger.subscriptions.actions import AddOnChoice
from hostledger.subscriptions.models import Order, ServiceStatus
from hostledger.subscriptions.web_selectors import OrderOptions
from hostledger.web.forms_staff_money import find_client

ADD_ON_PREFIX = "add_on_"
REASON_MAX_LENGTH = 500
SERVER_NAME_FAMILIES = (FamilyCode.VPS, FamilyCode.DEDICATED)
"""Families whose order may name the server (its host name), optionally."""
HOST_NAME_LABELS = {
    FamilyCode.DOMAIN: ("Domain name", "The domain to register, e.g. example.ee or õun.ee."),
    FamilyCode.SHARED_HOSTING: ("Domain", "The domain the hosting serves, e.g. example.ee."),
    FamilyCode.CMS_HOSTING: ("Domain", "The domain the hosting serves, e.g. example.ee."),
}


def _months_label(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def _period_field(periods) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=gettext("Period"),
        coerce=int,
        choices=[(months, _months_label(months)) for months in periods],
        initial=periods[0] if periods else None,
        widget=forms.RadioSelect,
        help_text=gettext("Paid in advance for the whole period."),
    )


def _payer_field(payers) -> forms.ChoiceField:
    payers = list(payers)
    default = next((payer for payer in payers if payer.is_default), payers[0] if payers else None)
    return forms.ChoiceField(
        label=gettext("Payer"),
        choices=[(payer.public_id, payer.name) for payer in payers],
        initial=default.public_id if default else None,
        help_text=gettext("The name and address printed on the invoice."),
    )


class PayerPeriodMixin:
    """The payer and period fields of an order and their objects."""

    def _add_payer_and_period(self, payers, periods) -> None:
        self.payers_by_id = {payer.public_id: payer for payer in payers}
        self.fields["payer"] = _payer_field(payers)
        self.fields["period_months"] = _period_field(periods)

    def chosen_payer(self):
        return self.payers_by_id.get(self._value("payer"))

    def chosen_period(self) -> int:
        return self._value("period_months")

    def _value(self, name: str):
        """The cleaned value of ``name`` on a valid form, its initial value on an unbound one."""
        if self.is_bound:
            return self.cleaned_data.get(name)
        return self.fields[name].initial


class OrderForm(PayerPeriodMixin, DomainErrorFormMixin, forms.Form):
    """A new order of one tariff: add-ons with quantities, OS image, period, payer, the
    consumer's request to start at once (ORD-07) and the free trial (CAT-04)."""

    tariff = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, options: OrderOptions, payers, natural_person: bool):
        super().__init__(data, initial={"tariff": options.chosen.tariff.public_id})
        self.options = options
        self.add_on_rows = []
        for offered in options.add_ons:
            name = f"{ADD_ON_PREFIX}{offered.add_on.public_id}"
            self.fields[name] = forms.IntegerField(
                label=offered.add_on.name,
                min_value=0,
                max_value=offered.add_on.max_quantity,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"class": "qty-input", "inputmode": "numeric"}),
            )
        self.images_by_id = {image.public_id: image for image in options.os_images}
        if options.takes_os_image:
            self.fields["os_image"] = forms.ChoiceField(
                label=gettext("Operating system"),
                choices=[(image.public_id, image.name) for image in options.os_images],
                widget=forms.RadioSelect,
                error_messages={"required": gettext("Choose the operating system to install.")},
            )
        self._add_payer_and_period(payers, options.periods)
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
        family_code = options.family.family.code
        if options.host_name_required or family_code in SERVER_NAME_FAMILIES:
            label, help_text = HOST_NAME_LABELS.get(
                family_code,
                ("Server name", "Optional: the server's host name, e.g. web1.example.com."),
            )
            self.fields["host_name"] = forms.CharField(
                label=label,
                max_length=253,
                required=options.host_name_required,
                help_text=help_text,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        if options.is_domain:
            self._add_domain_fields(options.zone_rule)
        if options.trial_days:
            self.fields["trial"] = forms.BooleanField(
                required=False,
                label=gettext("Try it free for %(trial_days)s days first")
                % {"trial_days": options.trial_days},
                help_text=gettext(
                    "Nothing is billed now; order the paid period before the trial ends."
                ),
            )
        self.fields["coupon"] = forms.CharField(
            label=gettext_lazy("Coupon code"),
            max_length=40,
            required=False,
            help_text=gettext_lazy("Optional: a promotion code lowers the tariff's price."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
        self.add_on_rows = [
            (self[f"{ADD_ON_PREFIX}{offered.add_on.public_id}"], offered)
            for offered in options.add_ons
        ]

    def _add_domain_fields(self, rule) -> None:
        """The transfer code of a domain held elsewhere, and the administrator contact with
        the identification its zone demands (DOM-02, DOM-03)."""
        self.fields["transfer_auth_code"] = forms.CharField(
            label=gettext("Transfer code"),
            max_length=255,
            required=False,
            help_text=gettext(
                "Only to transfer a domain you hold at another registrar: its transfer "
                "(authorisation) code. Leave empty to register a new domain."
            ),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
        self.fields["admin_name"] = forms.CharField(
            label=gettext("Administrator"),
            max_length=200,
            required=False,
            help_text=gettext(
                "The domain's administrator; leave empty to be the administrator yourself."
            ),
        )
        self.fields["admin_email"] = forms.EmailField(
            label=gettext("Administrator's e-mail"), required=False, max_length=254
        )
        accepted = list(rule.admin_idents or []) if rule is not None else []
        if rule is not None and not accepted:
            return
        labels = dict(IdentType.choices)
        types = list(dict.fromkeys(item.get("type", "") for item in accepted)) or list(
            IdentType.values
        )
        self.fields["admin_ident_type"] = forms.ChoiceField(
            label=gettext("Identification"),
            required=False,
            choices=[("", "—"), *[(value, labels.get(value, value)) for value in types]],
        )
        self.fields["admin_ident"] = forms.CharField(
            label=gettext("Identification code"),
            max_length=40,
            required=False,
            help_text=(
                f"The .{rule.zone} registry identifies the administrator by it. Leave empty if "
                "you gave it in an earlier order or your company's registry code applies."
                if rule is not None
                else "Where the registry demands it."
            ),
        )
        countries = [item.get("country") for item in accepted if item.get("country")]
        self.fields["admin_ident_country"] = forms.CharField(
            label=gettext("Country of the code"),
            max_length=2,
            required=False,
            initial=countries[0] if countries else "",
        )

    def host_name(self) -> str:
        return (self.cleaned_data.get("host_name") or "") if self.is_bound else ""

    def coupon_code(self) -> str:
        return (self.cleaned_data.get("coupon") or "").strip() if self.is_bound else ""

    def transfer_auth_code(self) -> str:
        return (self.cleaned_data.get("transfer_auth_code") or "") if self.is_bound else ""

    def domain_admin(self) -> AdminContactInput | None:
        """The administrator the order names, or None to take the client's (DOM-03)."""
        if not self.is_bound or "admin_name" not in self.fields:
            return None
        given = AdminContactInput(
            name=self.cleaned_data.get("admin_name") or "",
            email=self.cleaned_data.get("admin_email") or "",
            ident=self.cleaned_data.get("admin_ident") or "",
            ident_type=self.cleaned_data.get("admin_ident_type") or "",
            ident_country=(self.cleaned_data.get("admin_ident_country") or "")
            if self.cleaned_data.get("admin_ident")
            else "",
        )
        return None if given.is_empty else given

    def clean_tariff(self):
        value = self.cleaned_data["tariff"]
        if value != self.options.chosen.tariff.public_id:
            raise forms.ValidationError(gettext("Choose the tariff on this page."))
        return value

    def add_on_choices(self) -> list[AddOnChoice]:
        if not self.is_bound:
            return []
        chosen = []
        for field, offered in self.add_on_rows:
            quantity = self.cleaned_data.get(field.name) or 0
            if quantity:
                chosen.append(AddOnChoice(offered.add_on, quantity))
        return chosen

    def chosen_os_image(self):
        if "os_image" not in self.fields or not self.is_bound:
            return None
        return self.images_by_id.get(self.cleaned_data.get("os_image"))

    def wants_trial(self) -> bool:
        return bool(self.is_bound and self.cleaned_data.get("trial"))

    def starts_at_once(self) -> bool:
        return bool(self.is_bound and self.cleaned_data.get("start_at_once"))

    def clean_payer(self):
        value = self.cleaned_data["payer"]
        if value not in self.payers_by_id:
            raise forms.ValidationError(gettext("Choose one of your payers."))
        return value


class TrialContinueForm(PayerPeriodMixin, DomainErrorFormMixin, forms.Form):
    """Order the paid continuation of a free trial: payer and period (CAT-04)."""

    def __init__(self, data=None, *, payers, periods):
        super().__init__(data)
        self._add_payer_and_period(payers, periods)


class PoolServerForm(DomainErrorFormMixin, forms.Form):
    """A new server inside a cloud pool (ORD-05)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=63,
        help_text=_("Like a host name: letters, digits and inner hyphens (web-1)."),
    )
    cpu = forms.IntegerField(label=_("vCPU"), min_value=1)
    ram_gb = forms.IntegerField(label=_("Memory (GB)"), min_value=1)
    disk_gb = forms.IntegerField(label=_("Disk (GB)"), min_value=1)

    def __init__(self, data=None, *, os_images, **kwargs):
        super().__init__(data, **kwargs)
        self.images_by_id = {image.public_id: image for image in os_images}
        self.fields["os_image"] = forms.ChoiceField(
            label=gettext("Operating system"),
            choices=[(image.public_id, image.name) for image in os_images],
        )

    def chosen_os_image(self):
        return self.images_by_id.get(self.cleaned_data.get("os_image"))


class PoolServerResizeForm(DomainErrorFormMixin, forms.Form):
    """New resources of a server in a cloud pool; an empty field keeps its value (ORD-05)."""

    cpu = forms.IntegerField(label=_("vCPU"), min_value=1, required=False)
    ram_gb = forms.IntegerField(label=_("Memory (GB)"), min_value=1, required=False)
    disk_gb = forms.IntegerField(label=_("Disk (GB)"), min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ("cpu", "ram_gb", "disk_gb")):
            raise forms.ValidationError(gettext("Give at least one new value."))
        return cleaned


class ServiceReasonForm(DomainErrorFormMixin, forms.Form):
    """Why staff suspend, resume or terminate a service; kept in its history (ORD-02)."""

    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason"),
        help_text=_("Kept in the service's history, which the client sees."),
        widget=forms.Textarea({"rows": 2}),
    )


class ServiceActivateForm(DomainErrorFormMixin, forms.Form):
    """Staff activate a service they built by hand (manual module, ORD-02, CAT-03)."""

    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        label=_("Note"),
        help_text=_("Optional; added to the history after the commencement deadline check."),
        widget=forms.Textarea({"rows": 2}),
    )
    address = forms.CharField(
        max_length=255, required=False, label=_("Address"), help_text=_("IP address or host name.")
    )
    username = forms.CharField(max_length=64, required=False, label=_("User name"))
    password = forms.CharField(
        max_length=200,
        required=False,
        label=_("Password"),
        help_text=_("Kept encrypted; the client reveals it in the panel, it is never mailed."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    bmc_address = forms.CharField(
        max_length=255, required=False, label=_("BMC address"), help_text=_("Dedicated servers.")
    )
    bmc_username = forms.CharField(max_length=64, required=False, label=_("BMC user"))
    bmc_password = forms.CharField(
        max_length=200,
        required=False,
        label=_("BMC password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    ACCESS_FIELDS = (
        "address",
        "username",
        "password",
        "bmc_address",
        "bmc_username",
        "bmc_password",
    )

    def access_details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ACCESS_FIELDS}


class ServiceHostNameForm(DomainErrorFormMixin, forms.Form):
    """The domain or server name a service runs under; empty clears it (issue 11 §8)."""

    host_name = forms.CharField(
        max_length=253,
        required=False,
        label=_("Host name"),
        help_text=_("The domain or server name, e.g. shop.example.com; staff search finds it."),
    )


class OrderFilterForm(forms.Form):
    """Filters of the staff order list."""

    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *Order.Status.choices]
    )
    client = forms.CharField(required=False, max_length=200, label=_("Client"))

    def clean_client(self):
        query = self.cleaned_data.get("client", "").strip()
        return find_client(query) if query else None

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ServiceFilterForm(OrderFilterForm):
    """Filters of the staff service list."""

    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *ServiceStatus.choices]
    )
    family = forms.ChoiceField(
        required=False, choices=[("", _("Any product")), *FamilyCode.choices], label=_("Product")
    )

    field_order = ["status", "family", "client"]
