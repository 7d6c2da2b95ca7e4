"""Forms of the acts-of-acceptance pages of both areas (DOC-01, DOC-02, DOC-03).

They only collect input; the invoicing actions check it again and write. A refusal of an
action names its field and is shown next to it (``DomainErrorFormMixin``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext, gettext_lazy

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.invoicing.actions.acts import MAX_NOTE_LENGTH, MAX_REASONS_LENGTH
from hostledger.invoicing.actions.paper_acts import MAX_SENT_NOTE_LENGTH
from hostledger.invoicing.acts import paper_period_bounds
from hostledger.invoicing.models import AcceptanceAct, ActDispute, PaperActRequest
from hostledger.web.forms_staff_money import find_client

PAPER_PERIODS_OFFERED = 4
"""How many paper-act periods the request form offers: the current one and the ones before
it. A page default, not a rule: the action accepts any period that has begun."""

EN_DASH = " \u2013 "

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")

STATUS_LABELS = {
    AcceptanceAct.Status.FORMED: "Awaiting acceptance",
    AcceptanceAct.Status.ACCEPTED: "Accepted",
    AcceptanceAct.Status.DISPUTED: "Disputed",
    AcceptanceAct.Status.DISPUTE_UPHELD: "Dispute upheld",
}
"""How an act's status as shown (``current_status``) reads in both areas."""


def paper_period_label(start: date, end: date, months: int) -> str:
    """A paper-act period in words: "Q1 2025 (January to March 2025)" (joined by an en
    dash), "May 2025"."""
    if months == 1:
        return f"{start:%B %Y}"
    span = f"{start:%B}{EN_DASH}{end:%B %Y}"
    if months == 3:
        return f"Q{(start.month - 1) // 3 + 1} {start.year} ({span})"
    return span


def paper_periods(today: date, months: int, count: int = PAPER_PERIODS_OFFERED) -> list:
    """The paper-act periods a client may ask for, newest first, as (start, end)."""
    periods = []
    day = today
    for _ in range(count):
        start, end = paper_period_bounds(day, months)
        periods.append((start, end))
        day = start - timedelta(days=1)
    return periods


# ----------------------------------------------------------------------------- client area


class ActDisputeForm(DomainErrorFormMixin, forms.Form):
    """A reasoned refusal to accept an act (DOC-02, 003 §3.5)."""

    reasons = forms.CharField(
        label=gettext_lazy("Why you do not accept the services"),
        max_length=MAX_REASONS_LENGTH,
        widget=forms.Textarea({"rows": 5}),
        help_text=(
            gettext_lazy(
                "Say which services were not rendered, or not as agreed, and when. The "
                "provider reviews your reasons and answers here."
            )
        ),
    )


class PaperActRequestForm(DomainErrorFormMixin, forms.Form):
    """A request to receive one period's acts on paper by post, for one payer (DOC-03)."""

    payer = forms.ChoiceField(label=gettext_lazy("Payer"))
    quarter_of = forms.ChoiceField(label=gettext_lazy("Period"))

    def __init__(self, data=None, *, payers, today: date, months: int):
        super().__init__(data)
        self.payers = {payer.public_id: payer for payer in payers}
        self.fields["payer"].choices = [
            (payer.public_id, payer.name) for payer in self.payers.values()
        ]
        self.fields["payer"].help_text = gettext(
            "The acts are posted to this payer's postal address."
        )
        periods = paper_periods(today, months)
        self.fields["quarter_of"].choices = [
            (start.isoformat(), paper_period_label(start, end, months)) for start, end in periods
        ]
        self.fields["quarter_of"].help_text = gettext(
            "Paper acts are posted at the start of the next period."
        )
        if periods:
            self.fields["quarter_of"].initial = periods[0][0].isoformat()
        default = next((payer for payer in payers if payer.is_default), None)
        if default is not None:
            self.fields["payer"].initial = default.public_id

    def chosen_payer(self):
        return self.payers[self.cleaned_data["payer"]]

    def chosen_day(self) -> date:
        return date.fromisoformat(self.cleaned_data["quarter_of"])


# ----------------------------------------------------------------------------- staff area


class StaffActFilterForm(forms.Form):
    """Filters of the staff act list: month, status as shown, client."""

    month = forms.CharField(
        required=False,
        label=gettext_lazy("Month"),
        widget=forms.TextInput({"type": "month", "placeholder": "2025-01"}),
    )
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *STATUS_LABELS.items()],
    )
    client = forms.CharField(required=False, max_length=200, label=gettext_lazy("Client"))

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = MONTH_PATTERN.match(value)
        if match is None:
            raise forms.ValidationError(gettext("Give a month such as 2025-01."))
        try:
            return date(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise forms.ValidationError(gettext("Give a month such as 2025-01.")) from None

    def clean_client(self):
        query = (self.cleaned_data.get("client") or "").strip()
        return find_client(query) if query else None

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ActDisputeResolveForm(DomainErrorFormMixin, forms.Form):
    """Staff's decision on a dispute, with a note the client reads (DOC-02)."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=ActDispute.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the client"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy(
            "Shown to the client with the decision and kept in the audit trail."
        ),
    )
    back = forms.ChoiceField(
        required=False,
        choices=[("disputes", gettext_lazy("Open disputes")), ("act", gettext_lazy("The act"))],
        widget=forms.HiddenInput,
    )


class PaperRequestFilterForm(forms.Form):
    """Which paper-act requests the staff list shows; open ones unless told otherwise."""

    ALL = "all"

    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=[*PaperActRequest.Status.choices, (ALL, gettext_lazy("Any status"))],
    )

    def chosen_status(self) -> str | None:
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        if status == self.ALL:
            return None
        return status or PaperActRequest.Status.REQUESTED


class PaperActSentForm(DomainErrorFormMixin, forms.Form):
    """That a request's paper acts were posted, with an optional tracking number (DOC-03)."""

    note = forms.CharField(
        required=False,
        max_length=MAX_SENT_NOTE_LENGTH,
        label=gettext_lazy("Tracking number or note"),
        widget=forms.TextInput({"autocomplete": "off", "placeholder": "Tracking number"}),
    )
