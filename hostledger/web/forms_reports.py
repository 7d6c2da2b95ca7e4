"""The range of months a staff report covers."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.core.errors import DomainError
from hostledger.reports.periods import ReportPeriod, report_period

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_WIDGET = {"type": "month", "placeholder": "YYYY-MM"}


class MonthField(forms.Field):
    """A calendar month typed as YYYY-MM (what ``<input type="month">`` sends)."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.TextInput({**MONTH_WIDGET, "maxlength": 7}), **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        matched = MONTH.match(text[:8])
        if not matched or not 1 <= int(matched.group(2)) <= 12:
            raise forms.ValidationError(gettext("Enter a month as YYYY-MM, for example 2026-03."))
        year = int(matched.group(1))
        if not 2000 <= year <= 2999:
            raise forms.ValidationError(gettext("Enter a year between 2000 and 2999."))
        return date(year, int(matched.group(2)), 1)


class ReportPeriodForm(forms.Form):
    """First and last month of a report; both empty means the default range."""

    first_month = MonthField(required=False, label=_("From month"))
    last_month = MonthField(required=False, label=_("To month"))

    def __init__(self, *args, default: ReportPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["first_month"].initial = f"{default.first_month:%Y-%m}"
        self.fields["last_month"].initial = f"{default.last_month:%Y-%m}"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        first = cleaned.get("first_month") or self.default.first_month
        last = cleaned.get("last_month") or self.default.last_month
        try:
            cleaned["period"] = report_period(first_month=first, last_month=last)
        except DomainError as error:
            for field, message in (error.fields or {}).items():
                self.add_error(field, message)
        return cleaned

    def period(self) -> ReportPeriod:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default
