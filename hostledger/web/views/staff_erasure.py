"""Staff pages of the privacy engine: a client's erasure plan with its refusal reasons, the
erasure itself after confirmation and its report (GDPR-04); restrictions of processing
(GDPR-05); legal holds and what the next run of the retention schedule would erase (GDPR-08).

Every page and form needs ``privacy.manage`` (the privacy officer and the administrator,
ACC-11) and two-factor sign-in (ACC-09). A refused form answers with a redirect back and a
message saying why nothing changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client
from hostledger.core.errors import DomainError
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy import actions, selectors
from hostledger.privacy.erasure import erasure_plan
from hostledger.privacy.models import RestrictionReason
from hostledger.privacy.retention import retention_preview
from hostledger.web.decorators import staff_area

MANAGE = perms.PRIVACY_MANAGE


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that erasure cannot be undone"),
        help_text=gettext_lazy("Held data stays restricted until its legal term ends."),
    )


class RestrictionForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            (RestrictionReason.REQUESTED, RestrictionReason.REQUESTED.label),
            (RestrictionReason.DISPUTE, RestrictionReason.DISPUTE.label),
        ],
        label=gettext_lazy("Reason"),
    )
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("How the request came and why; kept in the record."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Why it is lifted"),
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The case or inquiry the data must be kept for."),
    )


def _problem(form) -> str:
    return "; ".join(
        f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
        for field, errors in form.errors.items()
    )


def _back(client_public_id: str):
    return redirect("web:staff_client_privacy", public_id=client_public_id)


@require_GET
@staff_area(MANAGE)
def privacy_overview(request):
    """Open restrictions and legal holds, and what the next retention run would erase."""
    context = {
        "restrictions": list(selectors.open_restrictions()[:200]),
        "legal_holds": list(selectors.open_legal_holds()[:200]),
        "preview": retention_preview(),
        "runs": selectors.retention_runs(),
    }
    return render(request, "web/staff/privacy/overview.html", context)


@require_GET
@staff_area(MANAGE)
def client_privacy(request, public_id):
    """One client: the erasure plan with the reasons it is refused, the erasure form, the
    reports of past erasures, restrictions and legal holds."""
    client = staff_client(public_id)
    plan = erasure_plan(client)
    context = {
        "client": client,
        "plan": plan,
        "plan_items": [item.as_dict() for item in plan.items],  # dates as ISO, as in reports
        "erasure_form": ErasureForm(),
        "restriction_form": RestrictionForm(),
        "lift_form": NoteForm(),
        "hold_form": LegalHoldForm(),
        "restrictions": list(selectors.client_restrictions(client)),
        "legal_holds": list(selectors.client_legal_holds(client)),
        "reports": list(selectors.client_erasure_reports(client)),
    }
    return render(request, "web/staff/privacy/client.html", context)


@require_POST
@staff_area(MANAGE)
def client_erase_view(request, public_id):
    """Erase the client after confirmation; the report page follows."""
    client = staff_client(public_id)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was erased. %(problem)s") % {"problem": _problem(form)})
        return _back(client.public_id)
    try:
        report = client_erase(client=client, actor=request.user)
    except DomainError as error:
        messages.error(request, _("Nothing was erased. %(problem)s") % {"problem": error.message})
        return _back(client.public_id)
    messages.success(request, _("The client's personal data is erased; held data is restricted."))
    return redirect("web:staff_erasure_report", public_id=report.public_id)


@require_GET
@staff_area(MANAGE)
def erasure_report_view(request, public_id):
    """What an erasure deleted, anonymised and holds until when."""
    report = selectors.erasure_report(public_id)
    context = {
        "report": report,
        "holds": list(selectors.held_data_of(report.client).filter(report=report)),
    }
    return render(request, "web/staff/privacy/report.html", context)


@require_POST
@staff_area(MANAGE)
def restriction_start_view(request, public_id):
    client = staff_client(public_id)
    form = RestrictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(client.public_id)
    try:
        actions.processing_restriction_start(
            client=client,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("Processing is restricted; the client is told."))
    return _back(client.public_id)


@require_POST
@staff_area(MANAGE)
def restriction_lift_view(request, public_id):
    restriction = selectors.staff_restriction(public_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(restriction.client.public_id)
    try:
        actions.processing_restriction_lift(
            restriction=restriction, note=form.cleaned_data["note"], actor=request.user
        )
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("The restriction is lifted; the client is told."))
    return _back(restriction.client.public_id)


@require_POST
@staff_area(MANAGE)
def legal_hold_start_view(request, public_id):
    client = staff_client(public_id)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": _problem(form)})
        return _back(client.public_id)
    actions.legal_hold_start(client=client, reason=form.cleaned_data["reason"], actor=request.user)
    messages.success(
        request, _("The legal hold is on: no retention rule erases this client's data.")
    )
    return _back(client.public_id)


@require_POST
@staff_area(MANAGE)
def legal_hold_lift_view(request, public_id):
    hold = selectors.staff_legal_hold(public_id)
    try:
        actions.legal_hold_lift(hold=hold, actor=request.user)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("The legal hold is lifted."))
    return _back(hold.client.public_id)
