"""The client area's acts of acceptance and paper-act requests (DOC-01, DOC-02, DOC-03).

Each month's act lists the services rendered to one payer (003 §3.4). While it is open the
client may confirm it or dispute it with reasons, until its dispute deadline; after that,
without a dispute, it counts as accepted (003 §3.5, §3.6). Acts download as PDF. Clients who
want the acts on paper ask for one period at a time (003 §3.3).

Every act and request is loaded through the selectors scoped to the client, so another
client's is a 404 (habit 6); confirming, disputing and requesting are billing writes that a
read-only trusted user may not make (ACC-06).
"""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.invoicing.act_selectors import (
    act_can_be_disputed,
    act_lines,
    client_act,
    client_acts,
    client_paper_act_request,
    client_paper_act_requests,
    dispute_of_act,
)
from hostledger.invoicing.actions import (
    act_confirm,
    act_dispute,
    paper_act_request_file,
    paper_act_request_withdraw,
)
from hostledger.invoicing.actions.paper_acts import paper_act_period_months
from hostledger.invoicing.documents import PDF_MEDIA_TYPE
from hostledger.invoicing.documents.act_pdf import act_file_name, act_pdf
from hostledger.invoicing.models import AcceptanceAct, PaperActRequest
from hostledger.web.decorators import client_area
from hostledger.web.forms_acts import (
    STATUS_LABELS,
    ActDisputeForm,
    PaperActRequestForm,
    paper_period_label,
)
from hostledger.web.views.common import INVALID_FORM_STATUS, form_data, render_form_page

BILLING = AccessGrant.Scope.BILLING


@require_GET
@client_area(reads=BILLING)
def act_list(request, access):
    """The client's acts per payer, newest month first, with their status: awaiting
    acceptance (and until when it may be disputed), disputed, or accepted (DOC-01, DOC-02)."""
    acts = list(client_acts(access.client).select_related("payer"))
    by_payer: OrderedDict[int, dict] = OrderedDict()
    for act in sorted(acts, key=lambda act: (not act.payer.is_default, act.payer.name, act.pk)):
        by_payer.setdefault(act.payer_id, {"payer": act.payer, "acts": []})
    for act in acts:
        by_payer[act.payer_id]["acts"].append(act)
    awaiting = [act for act in acts if act.current_status == AcceptanceAct.Status.FORMED]
    context = {
        "access": access,
        "groups": list(by_payer.values()),
        "acts_count": len(acts),
        "awaiting": awaiting,
        "disputed_count": sum(act.current_status == AcceptanceAct.Status.DISPUTED for act in acts),
        "status_labels": STATUS_LABELS,
        "paper_acts_offered": setting_value(conf.PAPER_ACTS_OFFERED),
        "can_write": access.can_write(BILLING),
    }
    return render(request, "web/client/acts/act_list.html", context)


def _act_page(request, access, act, *, dispute_form=None, status=200):
    dispute = dispute_of_act(act)
    can_write = access.can_write(BILLING)
    disputable = act_can_be_disputed(act)
    context = {
        "access": access,
        "act": act,
        "payer": act.payer_data,
        "lines": list(act_lines(act)),
        "dispute": dispute,
        "disputable": disputable,
        "can_write": can_write,
        "dispute_form": dispute_form or ActDisputeForm(),
        "status_labels": STATUS_LABELS,
        "dispute_days": setting_value(conf.ACT_DISPUTE_WORKING_DAYS),
    }
    return render(request, "web/client/acts/act_detail.html", context, status=status)


@require_GET
@client_area(reads=BILLING)
def act_detail(request, access, public_id):
    """One act: its lines and totals, the dispute and its resolution if there is one, and —
    while it is open — the buttons to confirm or dispute it (DOC-01, DOC-02)."""
    return _act_page(request, access, client_act(access.client, public_id))


@require_POST
@client_area(reads=BILLING)
def act_dispute_raise(request, access, public_id):
    """Dispute an open act with reasons, by its deadline (DOC-02). Missing reasons show the
    page again with the field marked; a late dispute is refused and nothing is written."""
    act = client_act(access.client, public_id)
    access.require_write(BILLING)
    form = ActDisputeForm(request.POST)
    if form.is_valid():
        try:
            act_dispute(act=act, reasons=form.cleaned_data["reasons"], actor=request.user)
        except DomainError as error:
            if "reasons" not in error.fields:
                messages.error(request, error.message)
                return redirect("web:act_detail", public_id=act.public_id)
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "Your dispute is recorded. The provider reviews your reasons and answers on "
                    "this page."
                ),
            )
            return redirect("web:act_detail", public_id=act.public_id)
    return _act_page(request, access, act, dispute_form=form, status=INVALID_FORM_STATUS)


@require_POST
@client_area(reads=BILLING)
def act_confirm_accept(request, access, public_id):
    """Confirm an open act before its deadline, as signing it would (003 §3.5, DOC-02)."""
    act = client_act(access.client, public_id)
    access.require_write(BILLING)
    try:
        act_confirm(act=act, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You accepted the act of %(month)s.")
            % {"month": date_format(act.period_start, "YEAR_MONTH_FORMAT")},
        )
    return redirect("web:act_detail", public_id=act.public_id)


def _download(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@require_GET
@client_area(reads=BILLING)
def act_pdf_download(request, access, public_id):
    """The act as PDF, with its status of today (DOC-01)."""
    act = client_act(access.client, public_id)
    return _download(act_pdf(act), act_file_name(act))


# ----------------------------------------------------------------------------- paper acts


def _paper_form(data, access, months: int) -> PaperActRequestForm:
    return PaperActRequestForm(
        data, payers=list(access.payers()), today=timezone.localdate(), months=months
    )


@require_http_methods(["GET", "POST"])
@client_area(reads=BILLING)
def paper_act_requests(request, access):
    """Ask for one period's acts on paper by post, per payer, and follow the requests:
    requested, sent (with the tracking note) or withdrawn (DOC-03, 003 §3.3)."""
    offered = setting_value(conf.PAPER_ACTS_OFFERED)
    months = paper_act_period_months()
    if request.method == "POST":
        access.require_write(BILLING)
    form = _paper_form(form_data(request), access, months)
    if request.method == "POST" and form.is_valid():
        try:
            filed = paper_act_request_file(
                client=access.client,
                payer=form.chosen_payer(),
                quarter_of=form.chosen_day(),
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            label = paper_period_label(filed.period_start, filed.period_end, months)
            messages.success(
                request,
                _("Requested: the acts of %(period)s on paper, by post.") % {"period": label},
            )
            return redirect("web:paper_act_requests")
    requests = list(client_paper_act_requests(access.client).select_related("payer"))
    for filed in requests:
        filed.period_label = paper_period_label(filed.period_start, filed.period_end, months)
    context = {
        "access": access,
        "form": form,
        "requests": requests,
        "offered": offered,
        "can_write": access.can_write(BILLING),
        "months": months,
        "open_status": PaperActRequest.Status.REQUESTED,
    }
    return render_form_page(request, "web/client/acts/paper_requests.html", context, form=form)


@require_POST
@client_area(reads=BILLING)
def paper_act_request_cancel(request, access, public_id):
    """Withdraw an open paper-act request (DOC-03); one already sent cannot be."""
    found = client_paper_act_request(access.client, public_id)
    access.require_write(BILLING)
    try:
        paper_act_request_withdraw(request=found, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("web:paper_act_requests")
