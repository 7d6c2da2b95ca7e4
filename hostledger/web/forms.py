"""Forms of the staff area and the small forms of the client area.

They only collect input; the actions validate it again and write (habit: views call one
action). The forms of the client's own data live in ``hostledger.accounts.forms``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.accounts.models import StaffRole
from hostledger.accounts.permissions import ALL_PERMISSIONS
from hostledger.core.registry import ProviderSetting


def _role_choices() -> list[tuple[str, str]]:
    return list(StaffRole.objects.order_by("name").values_list("slug", "name"))


def _permission_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {text}") for code, text in ALL_PERMISSIONS.items()]


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Find a client"),
        help_text=_(
            "A word of the name or company (three letters or more), the owner's "
            "e-mail address, a phone number with its country code, an invoice, order "
            "or service number, or a client id."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class StaffNoteForm(forms.Form):
    text = forms.CharField(
        max_length=4000,
        label=_("New note"),
        help_text=_("Seen only by staff; kept with your name and the time."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StaffUserCreateForm(DomainErrorFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(max_length=200, label=_("Full name"))
    roles = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Roles")
    )
    permissions = forms.MultipleChoiceField(
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Extra permissions"),
        help_text=_("Granted on top of the roles. Prefer roles; use this for exceptions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()
        self.fields["permissions"].choices = _permission_choices()


class StaffAccessForm(DomainErrorFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Roles")
    )
    permissions = forms.MultipleChoiceField(
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Extra permissions"),
        help_text=_("Granted on top of the roles."),
    )
    is_active = forms.BooleanField(
        required=False,
        label=_("Active"),
        help_text=_("An inactive staff member cannot sign in."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()
        self.fields["permissions"].choices = _permission_choices()


class StaffRoleForm(DomainErrorFormMixin, forms.Form):
    permissions = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Permissions")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = _permission_choices()


class ProviderSettingForm(DomainErrorFormMixin, forms.Form):
    """A new value for one provider setting, with the reason kept in its history."""

    value = forms.CharField(max_length=500, label=_("New value"))
    reason = forms.CharField(
        max_length=500,
        label=_("Reason for the change"),
        help_text=_("Kept in the history of this setting."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, declaration: ProviderSetting, **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        field = self.fields["value"]
        if declaration.kind == "bool":
            self.fields["value"] = forms.ChoiceField(
                choices=[("true", gettext("Yes")), ("false", gettext("No"))],
                label=gettext("New value"),
            )
        elif declaration.kind == "choice":
            self.fields["value"] = forms.ChoiceField(
                choices=list(declaration.choices), label=gettext("New value")
            )
        else:
            if declaration.kind == "int":
                field.widget.attrs["inputmode"] = "numeric"
            elif declaration.kind == "decimal":
                field.widget.attrs["inputmode"] = "decimal"
            limits = []
            if declaration.minimum is not None:
                limits.append(f"at least {declaration.minimum}")
            if declaration.maximum is not None:
                limits.append(f"at most {declaration.maximum}")
            parts = [f"In {declaration.unit}"] if declaration.unit else []
            if limits:
                parts.append(" and ".join(limits))
            if parts:
                text = "; ".join(parts) + "."
                field.help_text = text[:1].upper() + text[1:]

    def add_domain_error(self, error) -> None:
        if error.fields:
            self.add_error("value", next(iter(error.fields.values())))
        else:
            self.add_error(None, error.message)


class ProviderSettingResetForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=_("Reason for going back to the default"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RunJobForm(forms.Form):
    name = forms.ChoiceField(choices=(), label=_("Job"))

    def __init__(self, *args, job_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(name, name) for name in job_names]
