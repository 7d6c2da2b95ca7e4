"""Forms of the abuse desk's pages (ABU-01 … ABU-03): the public report, the client's
answer, and the staff forms of a case. They check shape and length; the abuse actions check
everything else (categories, the files' real types and sizes) and say which field is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.abuse.actions import NOTE_MAX
from hostledger.abuse.intake import EvidenceFile
from hostledger.abuse.models import CaseStatus, Category

FILE_HELP = "Optional: screenshots (PNG, JPEG), PDF, plain text or a saved mail message."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files; the abuse actions check each file's size and real type."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(EvidenceFilesField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def evidence_files(uploads) -> list[EvidenceFile]:
    """The uploaded files as the actions take them; their size is checked by the action
    (an upload is already capped by the server's request limit)."""
    return [EvidenceFile(upload.name or "evidence", upload.read()) for upload in uploads or []]


class AbuseReportForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices, label=_("What is it about?"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label=_("Describe what you saw"),
        help_text=_("Where and when, with the headers of a spam message if you have them."),
    )
    reported_domain = forms.CharField(
        required=False, max_length=253, label=_("Domain or web address concerned")
    )
    reported_ip = forms.CharField(required=False, max_length=45, label=_("IP address concerned"))
    reporter_name = forms.CharField(required=False, max_length=200, label=_("Your name"))
    reporter_email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("Your e-mail address"),
        help_text=_("Optional; only to ask you more or tell you the outcome."),
    )
    files = EvidenceFilesField(required=False, label=_("Evidence files"), help_text=FILE_HELP)


class AbuseAnswerForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Your answer"),
        help_text=_("What you did about it, or why you think the complaint is wrong."),
    )
    remedied = forms.BooleanField(
        required=False,
        label=_("The violation is remedied"),
        help_text=_(
            "We hold the suspension while we check, and lift a block within a day of your proof."
        ),
    )
    files = EvidenceFilesField(required=False, label=_("Proof"), help_text=FILE_HELP)


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note"),
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason")
    )


class NotifyForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note for the timeline"),
    )


class LinkServiceForm(forms.Form):
    service = forms.CharField(max_length=40, label=_("Service id"), help_text=_("svc_…"))


class EvidenceNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Staff note (not shown to the client)"),
    )
    files = EvidenceFilesField(required=False, label=_("Evidence files"), help_text=FILE_HELP)


class StaffCaseForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label=_("The report"))
    account = forms.CharField(
        required=False,
        max_length=40,
        label=_("Client or service id"),
        help_text=_("cli_… or svc_…"),
    )
    host_name = forms.CharField(required=False, max_length=253, label=_("Domain or host name"))
    ip_address = forms.CharField(required=False, max_length=45, label=_("IP address"))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", _("Open cases")), *CaseStatus.choices])
    category = forms.ChoiceField(
        required=False, choices=[("", _("Any category")), *Category.choices]
    )
