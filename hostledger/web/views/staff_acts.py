"""Staff pages of acts of acceptance: the list across clients, one act, open disputes with
their decision, and paper-act requests to post (DOC-01, DOC-02, DOC-03).

Every page needs ``billing.manage`` (ACC-11) and two-factor sign-in (ACC-09), as the invoice
pages do. An act is never edited: a dispute is upheld (and the services corrected with a
credit note, issued from the invoice's page) or rejected (the act is accepted). The payer
printed on an act and the postal address of a request are shown only to holders of
``clients.view_personal_data``; a dispute's reasons are shown to whoever decides it. Each
showing of a client's personal data is recorded (GDPR-12).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.audit import PERSONAL_DATA_READ, record_audit_event, record_personal_data_read
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.invoicing import act_selectors, actions, conf
from hostledger.invoicing.actions.paper_acts import paper_act_period_months
from hostledger.invoicing.documents import PDF_MEDIA_TYPE
from hostledger.invoicing.documents.act_pdf import act_file_name, act_pdf
from hostledger.invoicing.models import ActDispute, PaperActRequest
from hostledger.web.decorators import staff_area
from hostledger.web.forms_acts import (
    STATUS_LABELS,
    ActDisputeResolveForm,
    PaperActSentForm,
    PaperRequestFilterForm,
    StaffActFilterForm,
    paper_period_label,
)
from hostledger.web.views.common import INVALID_FORM_STATUS

BILLING = perms.BILLING_MANAGE
ACT_LIST_LIMIT = 200
"""At most this many acts on the list page; the filters narrow it down."""
PAPER_REQUEST_LIST_LIMIT = 200


def _shows_personal_data(request) -> bool:
    return perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)


def _record_list_read(request, what: str, ids: list[str]) -> None:
    """Record that a list showing several clients' personal data was read (GDPR-12)."""
    if ids:
        record_audit_event(
            action=PERSONAL_DATA_READ, actor=request.user, data={"what": what, "ids": ids}
        )


# ----------------------------------------------------------------------------- acts


@require_GET
@staff_area(BILLING)
def act_list(request):
    """Acts of all clients, newest month first, by month, status as shown and client
    (DOC-01, DOC-02). With htmx, only the results are sent back."""
    form = StaffActFilterForm(request.GET or None)
    acts = []
    if not form.is_bound or form.is_valid():
        acts = list(act_selectors.acts_for_staff(**form.filters())[:ACT_LIST_LIMIT])
    context = {
        "form": form,
        "acts": acts,
        "limit": ACT_LIST_LIMIT,
        "open_disputes": act_selectors.open_act_disputes_for_staff().count(),
        "status_labels": STATUS_LABELS,
    }
    template = "web/staff/acts/act_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _act_page(request, act, *, resolve_form=None, status=200):
    dispute = act_selectors.dispute_of_act(act)
    shows_payer = _shows_personal_data(request)
    read = (["payer as printed"] if shows_payer else []) + (["dispute reasons"] if dispute else [])
    if read:
        record_personal_data_read(
            actor=request.user,
            client=act.client,
            what=f"act {act.public_id}: {', '.join(read)}",
            request=request,
        )
    context = {
        "act": act,
        "lines": list(act_selectors.act_lines(act)),
        "dispute": dispute,
        "shows_payer": shows_payer,
        "payer": act.payer_data if shows_payer else {},
        "resolve_form": resolve_form or ActDisputeResolveForm(initial={"back": "act"}),
        "status_labels": STATUS_LABELS,
    }
    return render(request, "web/staff/acts/act_detail.html", context, status=status)


@require_GET
@staff_area(BILLING)
def act_detail(request, public_id):
    """One act with its lines, totals, the payer as printed and its dispute (DOC-01, DOC-02)."""
    return _act_page(request, act_selectors.act_for_staff(public_id))


@require_GET
@staff_area(BILLING)
def act_pdf_download(request, public_id):
    """The act as PDF, to send or to post on paper (DOC-01, DOC-03); it prints the payer,
    so the download is recorded as a reading of personal data."""
    act = act_selectors.act_for_staff(public_id)
    content = act_pdf(act)
    record_personal_data_read(
        actor=request.user,
        client=act.client,
        what=f"act {act.public_id}: PDF with the payer as printed",
        request=request,
    )
    response = HttpResponse(content, content_type=PDF_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{act_file_name(act)}"'
    return response


# ----------------------------------------------------------------------------- disputes


def _disputes_page(request, *, bound_form=None, bound_act_id: str = "", status=200):
    disputes = list(act_selectors.open_act_disputes_for_staff())
    _record_list_read(
        request, "open act disputes: reasons", [dispute.act.public_id for dispute in disputes]
    )
    rows = [
        {
            "dispute": dispute,
            "form": (
                bound_form
                if dispute.act.public_id == bound_act_id
                else ActDisputeResolveForm(
                    initial={"back": "disputes"}, prefix=dispute.act.public_id
                )
            ),
        }
        for dispute in disputes
    ]
    return render(request, "web/staff/acts/disputes.html", {"rows": rows}, status=status)


@require_GET
@staff_area(BILLING)
def act_disputes(request):
    """Disputes waiting for a decision, oldest first, each with its decision form (DOC-02)."""
    return _disputes_page(request)


@require_POST
@staff_area(BILLING)
def act_dispute_resolve(request, public_id):
    """Uphold or reject an act's open dispute with a note to the client (DOC-02). A missing
    decision or note shows the form again with the field marked; nothing is written."""
    act = act_selectors.act_for_staff(public_id)
    # The disputes page prefixes each form with the act's id; the act's own page does not.
    from_disputes = f"{act.public_id}-back" in request.POST
    form = ActDisputeResolveForm(request.POST, prefix=act.public_id if from_disputes else None)
    back = (
        redirect("web:staff_act_disputes")
        if from_disputes
        else redirect("web:staff_act", public_id=act.public_id)
    )
    if form.is_valid():
        try:
            dispute = actions.act_dispute_resolve(
                act=act,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            if not set(error.fields) & {"outcome", "note"}:
                messages.error(request, error.message)
                return back
            form.add_domain_error(error)
        else:
            values = {
                "act": act.public_id,
                "client": act.client.public_id,
                "month": dateformat.format(act.period_start, "F Y"),
            }
            if dispute.outcome == ActDispute.Outcome.UPHELD:
                done = _("The dispute of act %(act)s (%(client)s, %(month)s) is upheld.")
            else:
                done = _("The dispute of act %(act)s (%(client)s, %(month)s) is rejected.")
            messages.success(request, done % values)
            return back
    if from_disputes:
        return _disputes_page(
            request, bound_form=form, bound_act_id=act.public_id, status=INVALID_FORM_STATUS
        )
    return _act_page(request, act, resolve_form=form, status=INVALID_FORM_STATUS)


# ----------------------------------------------------------------------------- paper acts


def _paper_requests_page(request, *, bound_form=None, bound_id: str = "", status=200):
    filter_form = PaperRequestFilterForm(request.GET or None)
    requests = list(
        act_selectors.paper_act_requests_for_staff(status=filter_form.chosen_status())[
            :PAPER_REQUEST_LIST_LIMIT
        ]
    )
    acts = act_selectors.acts_of_paper_requests(requests)
    months = paper_act_period_months()
    shows_address = _shows_personal_data(request)
    if shows_address:
        _record_list_read(
            request,
            "paper-act requests: postal addresses",
            [found.public_id for found in requests],
        )
    rows = [
        {
            "request": found,
            "period_label": paper_period_label(found.period_start, found.period_end, months),
            "address": found.postal_address if shows_address else {},
            "acts": acts.get(found.pk, []),
            "form": bound_form
            if found.public_id == bound_id
            else PaperActSentForm(prefix=found.public_id),
        }
        for found in requests
    ]
    context = {
        "filter_form": filter_form,
        "rows": rows,
        "shows_address": shows_address,
        "limit": PAPER_REQUEST_LIST_LIMIT,
        "offered": setting_value(conf.PAPER_ACTS_OFFERED),
        "open_status": PaperActRequest.Status.REQUESTED,
    }
    return render(request, "web/staff/acts/paper_requests.html", context, status=status)


@require_GET
@staff_area(BILLING)
def paper_act_requests(request):
    """Paper-act requests to post, oldest period first (open ones unless another status is
    chosen), with the acts of each period and the address they go to (DOC-03)."""
    return _paper_requests_page(request)


@require_POST
@staff_area(BILLING)
def paper_act_request_sent(request, public_id):
    """Record that a request's paper acts were posted, with an optional tracking note
    (DOC-03)."""
    found = act_selectors.paper_act_request_for_staff(public_id)
    form = PaperActSentForm(request.POST, prefix=found.public_id)
    if form.is_valid():
        try:
            actions.paper_act_request_mark_sent(
                request=found, note=form.cleaned_data["note"], actor=request.user
            )
        except DomainError as error:
            if "note" not in error.fields:
                messages.error(request, error.message)
                return redirect("web:staff_paper_act_requests")
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Request %(request)s of %(client)s is marked sent.")
                % {"request": found.public_id, "client": found.client.public_id},
            )
            return redirect("web:staff_paper_act_requests")
    return _paper_requests_page(
        request, bound_form=form, bound_id=found.public_id, status=INVALID_FORM_STATUS
    )
