"""Staff pages of data-subject requests (GDPR-07): the queue by due day with overdue and
due-soon requests marked and the days left, one request with its steps and the forms to
verify, extend, answer and refuse, and the form to record a request that came by letter or
e-mail. Everything needs ``privacy.manage`` (ACC-11); opening a request reads the client's
text, which is audited (GDPR-12). A form with a missing field answers the page again with the
field marked (400); a refusal by the action is shown as a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.accounts.actions.rectification import REASON_MAX, correctable_fields
from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.accounts.models import Client, Payer
from hostledger.accounts.selectors import staff_client
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.flows.privacy_requests import fulfilment_handler, request_complete
from hostledger.privacy import conf
from hostledger.privacy import selectors_requests as selectors
from hostledger.privacy.actions_objections import objection_record
from hostledger.privacy.actions_rectification import SNAPSHOT_NOTE, rectification_record
from hostledger.privacy.actions_requests import (
    DETAILS_MAX,
    NOTE_MAX,
    RESPONSE_MAX,
    request_extend,
    request_record_by_staff,
    request_refuse,
    request_verify,
)
from hostledger.privacy.models import DataSubjectRequest, Objection
from hostledger.web.decorators import staff_area

MANAGE = perms.PRIVACY_MANAGE


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Open")), *DataSubjectRequest.Status.choices]
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any kind")), *DataSubjectRequest.Kind.choices]
    )


class VerifyForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("How the identity was verified"),
        help_text=gettext_lazy(
            "E.g. called back on the phone number on file; signature matches the contract."
        ),
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, gettext_lazy("1 month")), (2, gettext_lazy("2 months"))],
        label=gettext_lazy("Extend by"),
    )
    reason = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Why more time is needed"),
        help_text=gettext_lazy("Sent to the client."),
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        max_length=RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=gettext_lazy("Answer"),
        help_text=gettext_lazy("The client reads it in the client area and is told by message."),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Why it is refused"),
        help_text=gettext_lazy("Sent to the client with their right to complain."),
    )


class ObjectionRecordForm(forms.Form):
    processing = forms.ChoiceField(
        choices=Objection.Processing.choices, label=gettext_lazy("Objection to")
    )


class RecordForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=DataSubjectRequest.Kind.choices, label=gettext_lazy("Kind"))
    channel = forms.ChoiceField(
        choices=[
            (DataSubjectRequest.Channel.LETTER, gettext_lazy("Letter")),
            (DataSubjectRequest.Channel.EMAIL, gettext_lazy("E-mail")),
        ],
        label=gettext_lazy("Came by"),
    )
    received_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Received on")
    )
    details = forms.CharField(
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("What the client asked"),
    )
    verification_note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("How the identity was verified"),
        help_text=gettext_lazy(
            "Leave empty if not verified yet; verify it later on the request's page."
        ),
    )


@require_GET
@staff_area(MANAGE)
def privacy_queue(request):
    """Requests soonest due first; overdue and due-soon marked, with the days left."""
    form = QueueFilterForm(request.GET or None)
    items = []
    if not (form.is_bound and not form.is_valid()):
        data = form.cleaned_data if form.is_bound else {}
        items = list(
            selectors.requests_for_staff(status=data.get("status"), kind=data.get("kind"))[
                : selectors.STAFF_LIST_LIMIT
            ]
        )
    rows = [(item, selectors.urgency(item)) for item in items]
    context = {
        "form": form,
        "rows": rows,
        "limit": selectors.STAFF_LIST_LIMIT,
        "reminder_days": setting_value(conf.REQUEST_REMINDER_DAYS),
    }
    return render(request, "web/staff/privacy/queue.html", context)


def _detail_page(request, item, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    record_personal_data_read(
        actor=request.user, client=item.client, what=f"privacy request {item.public_id}"
    )
    awaiting = item.status == DataSubjectRequest.Status.AWAITING_VERIFICATION
    in_progress = item.status == DataSubjectRequest.Status.IN_PROGRESS
    context = {
        "item": item,
        "urgency": selectors.urgency(item),
        "has_handler": fulfilment_handler(item.kind) is not None,
        "verify_form": (bound.get("verify") or VerifyForm(prefix="verify")) if awaiting else None,
        "extend_form": (bound.get("extend") or ExtendForm(prefix="extend"))
        if item.is_open
        else None,
        "respond_form": (bound.get("respond") or RespondForm(prefix="respond"))
        if in_progress
        else None,
        "refuse_form": (bound.get("refuse") or RefuseForm(prefix="refuse"))
        if item.is_open
        else None,
        "extension_max": setting_value(conf.REQUEST_EXTENSION_MAX_MONTHS),
        "objection_form": (bound.get("objection") or ObjectionRecordForm(prefix="objection"))
        if in_progress and item.kind == DataSubjectRequest.Kind.OBJECTION
        else None,
    }
    return render(request, "web/staff/privacy/detail.html", context, status=status)


@require_GET
@staff_area(MANAGE)
def privacy_request_detail(request, public_id):
    """One request: what was asked, how the identity was verified, the steps and the forms."""
    return _detail_page(request, selectors.staff_request(public_id))


def _act(request, public_id, *, kind: str, form_class, act, done):
    item = selectors.staff_request(public_id)
    form = form_class(request.POST, prefix=kind)
    if not form.is_valid():
        return _detail_page(request, item, bound={kind: form}, status=400)
    try:
        act(item, request.user, form.cleaned_data)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, done)
    return redirect("web:staff_privacy_request", public_id=item.public_id)


@require_POST
@staff_area(MANAGE)
def privacy_request_verify(request, public_id):
    return _act(
        request,
        public_id,
        kind="verify",
        form_class=VerifyForm,
        act=lambda item, actor, data: request_verify(request=item, actor=actor, note=data["note"]),
        done=_("The identity is verified; the request is in progress."),
    )


@require_POST
@staff_area(MANAGE)
def privacy_request_extend(request, public_id):
    return _act(
        request,
        public_id,
        kind="extend",
        form_class=ExtendForm,
        act=lambda item, actor, data: request_extend(
            request=item, actor=actor, months=data["months"], reason=data["reason"]
        ),
        done=_("The deadline is extended and the client is told why."),
    )


@require_POST
@staff_area(MANAGE)
def privacy_request_respond(request, public_id):
    return _act(
        request,
        public_id,
        kind="respond",
        form_class=RespondForm,
        act=lambda item, actor, data: request_complete(
            request=item, actor=actor, response=data["response"]
        ),
        done=_("The request is answered and the client is told."),
    )


@require_POST
@staff_area(MANAGE)
def privacy_request_refuse(request, public_id):
    return _act(
        request,
        public_id,
        kind="refuse",
        form_class=RefuseForm,
        act=lambda item, actor, data: request_refuse(
            request=item, actor=actor, reason=data["reason"]
        ),
        done=_("The request is refused and the client is told why."),
    )


@require_POST
@staff_area(MANAGE)
def privacy_request_objection(request, public_id):
    """Record the objection an objection request asks for; in force at once, and the request
    is answered and completed (GDPR-06)."""
    return _act(
        request,
        public_id,
        kind="objection",
        form_class=ObjectionRecordForm,
        act=lambda item, actor, data: objection_record(
            client=item.client,
            processing=data["processing"],
            grounds=item.details,
            source=f"request {item.public_id}",
            actor=actor,
            request=item,
        ),
        done=_("The objection is in force; the request is answered."),
    )


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def privacy_request_record(request, public_id):
    """Record a request of the client that came by letter or e-mail."""
    client = staff_client(public_id)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = request_record_by_staff(
                client=client, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The request is recorded; the client is told."))
            return redirect("web:staff_privacy_request", public_id=recorded.public_id)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "web/staff/privacy/record.html", {"client": client, "form": form}, status=status
    )


# ----------------------------------------------------------------------------- rectification


FIELD_LABELS = {
    "vat_number": gettext_lazy("VAT number"),
    "invoice_email": gettext_lazy("Invoice e-mail"),
    "email": gettext_lazy("E-mail"),
}


def _target_label(target) -> str:
    """What is corrected, as the page shows it."""
    if isinstance(target, Client):
        return _("Client's own data")
    if isinstance(target, Payer):
        return _("Payer %(id)s") % {"id": target.public_id}
    return _("Contact %(id)s") % {"id": target.public_id}


def _audit_label(target) -> str:
    """What is corrected, as the audit trail records it (in English, like every audit text)."""
    if isinstance(target, Client):
        return "Client's own data"
    kind = "Payer" if isinstance(target, Payer) else "Contact"
    return f"{kind} {target.public_id}"


def rectification_form_class(target):
    """A form of ``target``'s correctable fields, plus the reason."""
    fields = {
        name: forms.CharField(
            required=False,
            max_length=300,
            label=FIELD_LABELS.get(name, target._meta.get_field(name).verbose_name.capitalize()),
        )
        for name in correctable_fields(target)
    }
    fields["reason"] = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("Reason for the correction"),
        help_text=gettext_lazy(
            "Kept in the history with the old and new values; the client is told."
        ),
    )
    return type("RectificationForm", (DomainErrorFormMixin, forms.Form), fields)


@require_http_methods(["GET", "POST"])
@staff_area(perms.CLIENTS_EDIT)
def client_rectify(request, public_id):
    """Correct a client's, payer's or contact person's personal fields with a reason
    (GDPR-03); with ``?request=dsr_…`` the rectification request is answered by it."""
    client = staff_client(public_id)
    target = selectors.rectification_target(client, request.GET.get("target"))
    linked = selectors.open_rectification_request(client, request.GET.get("request"))
    form_class = rectification_form_class(target)
    initial = {name: getattr(target, name) for name in correctable_fields(target)}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in correctable_fields(target)
            if form.cleaned_data[name] != initial[name]
        }
        try:
            done = rectification_record(
                target=target,
                actor=request.user,
                data=data,
                reason=form.cleaned_data["reason"],
                request=linked,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Corrected: %(fields)s. The client is told.")
                % {"fields": ", ".join(done.fields)},
            )
            if done.request is not None:
                return redirect("web:staff_privacy_request", public_id=done.request.public_id)
            return redirect("web:staff_client_detail", public_id=client.public_id)
    record_personal_data_read(
        actor=request.user, client=client, what=f"correction form: {_audit_label(target)}"
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {
        "client": client,
        "target": target,
        "target_label": _target_label(target),
        "targets": [
            (item.public_id, _target_label(item))
            for item in selectors.rectification_targets(client)
        ],
        "linked": linked,
        "form": form,
        "snapshot_note": SNAPSHOT_NOTE,
    }
    return render(request, "web/staff/privacy/rectify.html", context, status=status)
