"""Forms of the bulk actions on the staff lists: which action, its parameters and the rows.

The rows are the ``ids`` checkboxes of the list; "all on this page" sends the ``page_ids``
the page listed instead, so the form works without JavaScript.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX_CHARS = 2000


def selected_ids(data) -> list[str]:
    """The public ids chosen on a list page: every row of the page when "all on this page"
    is ticked, else the ticked rows."""
    if data.get("all_on_page"):
        return data.getlist("page_ids")
    return data.getlist("ids")


class ServiceBulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("suspend", _("Suspend"))])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_CHARS,
        help_text=_("Shown in each service's history."),
    )


class InvoiceBulkForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("remind", _("Send a payment reminder"))]
    )


class TicketBulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("assign", _("Assign to"))])
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, answerers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody"))] + [
            (user.public_id, user.full_name or user.email) for user in answerers
        ]
