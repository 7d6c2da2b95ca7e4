"""Forms of the data verification pages of both areas (ACC-10).

They only collect input; the accounts actions check it again and write. A refusal of an
action names its field and is shown next to it (``DomainErrorFormMixin``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.actions.verification import (
    MAX_ANSWER_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_QUESTION_LENGTH,
)
from hostledger.accounts.forms import DomainErrorFormMixin


class VerificationAnswerForm(DomainErrorFormMixin, forms.Form):
    """The client's answer to a data verification request (003 §2.2.9)."""

    answer = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Confirm or correct the data asked about. The provider reviews your answer."),
    )


class VerificationOpenForm(DomainErrorFormMixin, forms.Form):
    """Staff's question to a client whose data they doubt (ACC-10)."""

    question = forms.CharField(
        label=_("Question to the client"),
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Sent by email and shown in the client area; say which data to confirm."),
    )


class VerificationDecisionForm(DomainErrorFormMixin, forms.Form):
    """A note with staff's decision on an answer; required when rejecting it."""

    note = forms.CharField(
        label=_("Note to the client"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
