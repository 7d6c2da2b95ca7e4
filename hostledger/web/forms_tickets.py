"""Forms of the support ticket pages of both areas (SUP-01).

They only collect input; the support actions check it again (lengths, types of attachments
from their content) and write. A refusal names its field and is shown next to it.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.support.actions import AttachmentUpload
from hostledger.support.models import TicketPriority, TicketStatus

ANSWER_STATUSES = [
    (TicketStatus.ANSWERED, "Answered"),
    (TicketStatus.WAITING_FOR_CLIENT, "Waiting for the client"),
    (TicketStatus.ON_HOLD, "On hold"),
    (TicketStatus.CLOSED, "Closed"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files; the support actions apply the limits."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(AttachmentsField, self).clean(item, initial) for item in files]


def uploads_of(files, *, largest: int) -> list[AttachmentUpload]:
    """The uploaded files as the support actions take them. A file is read up to one byte past
    ``largest``, so an oversized one is refused without holding all of it."""
    uploads = []
    for item in files or ():
        data = item.read(largest + 1)
        uploads.append(
            AttachmentUpload(
                file_name=item.name or "", data=data, claimed_type=item.content_type or ""
            )
        )
    return uploads


class TicketOpenForm(DomainErrorFormMixin, forms.Form):
    """A new ticket of the client (SUP-01)."""

    department = forms.ChoiceField(label=_("Department"))
    subject = forms.CharField(label=_("Subject"), max_length=1000)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea({"rows": 8}))
    attachments = AttachmentsField(
        label=_("Attachments"),
        help_text=_("Screenshots, PDF, text or ZIP files; the type is checked from the content."),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.slug, d.name) for d in departments]


class TicketReplyForm(DomainErrorFormMixin, forms.Form):
    """An answer in a ticket's thread: the client's, or staff's with the status after it."""

    body = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea({"rows": 6}), required=False
    )
    attachments = AttachmentsField(label=_("Attachments"))


class StaffReplyForm(TicketReplyForm):
    canned_reply = forms.ChoiceField(label=_("Insert a canned reply"), required=False)
    status = forms.ChoiceField(
        label=_("Then the ticket is"), choices=ANSWER_STATUSES, initial=TicketStatus.ANSWERED
    )

    def __init__(self, *args, canned_replies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = gettext("Answer to the client")
        self.fields["canned_reply"].choices = [("", "—")] + [
            (reply.public_id, reply.title) for reply in canned_replies
        ]


class NoteForm(DomainErrorFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea({"rows": 3}), help_text=_("Staff only.")
    )


class RatingForm(DomainErrorFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the answer?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, answerers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody")] + [
            (user.public_id, user.full_name or user.email) for user in answerers
        ]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=TicketPriority.choices)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class DepartmentMoveForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.slug, d.name) for d in departments]


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into ticket"), max_length=40, help_text=_("Its number, e.g. T-000123.")
    )


class LinkClientForm(forms.Form):
    client = forms.CharField(label=_("Client id"), max_length=40, help_text=_("e.g. cli_…"))


class QueueFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Not closed")), *TicketStatus.choices]
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    review = forms.BooleanField(label=_("Unknown senders only"), required=False)

    def __init__(self, *args, departments=(), answerers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "All")] + [(d.slug, d.name) for d in departments]
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me"), ("none", "Nobody")] + [
            (user.public_id, user.full_name or user.email) for user in answerers
        ]


class TicketSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search tickets"),
        max_length=200,
        help_text=_("A word of the subject or a message, the sender's address or the number."),
    )


class DepartmentForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(label=_("Short name"), max_length=40, required=False)
    mail_address = forms.EmailField(label=_("Mail address"), required=False)
    first_response_hours = forms.IntegerField(label=_("First response within (hours)"), min_value=1)
    resolution_hours = forms.IntegerField(label=_("Resolution within (hours)"), min_value=1)
    is_active = forms.BooleanField(label=_("Takes new tickets"), required=False, initial=True)


class CannedReplyForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea({"rows": 6}))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
