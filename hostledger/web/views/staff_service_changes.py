"""Staff pages of plan changes, cancellations and contract notices (ORD-04, ORD-06, ORD-08).

The list of open cancellations and notices, soonest day first so that those due come first,
needs ``clients.view`` like the other service pages; carrying a due one out (what the billing
run does each day) needs ``services.manage``, which the action checks again. Changing a
service's plan, cancelling it or giving a contract notice on the client's behalf, and
withdrawing those, need ``services.manage`` too; every change records the staff member as
its actor. Each POST calls one action.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.subscriptions import conf, previews, selectors
from hostledger.subscriptions.actions import (
    service_cancellation_carry_out,
    service_cancellation_request,
    service_cancellation_withdraw,
    service_plan_change,
    service_plan_change_withdraw,
)
from hostledger.web.decorators import staff_area
from hostledger.web.forms_service_changes import (
    CancellationFilterForm,
    CancellationForm,
    ContractNoticeForm,
    PlanChangeForm,
)
from hostledger.web.views.client_service_changes import (
    NOTICE_ACTIONS,
    _day,
    _money,
    cancellation_context,
    contract_context,
    plan_change_context,
    plan_change_form,
    plan_change_message,
)
from hostledger.web.views.common import form_data

VIEW = perms.CLIENTS_VIEW
MANAGE = perms.SERVICES_MANAGE


# ----------------------------------------------------------------------------- cancellations


@require_GET
@staff_area(VIEW)
def cancellation_list(request):
    """Open cancellations and contract notices of every client, the soonest day first: those
    due (their day has come) come first and can be carried out here (ORD-06, ORD-08)."""
    today = timezone.localdate()
    form = CancellationFilterForm(request.GET or None)
    due_only = form.is_valid() and form.cleaned_data["due"]
    rows = list(previews.open_cancellations_for_staff(due_on=today if due_only else None))
    context = {
        "form": form,
        "rows": rows,
        "due": sum(1 for row in rows if row.effective_on <= today),
        "due_only": due_only,
        "today": today,
        "can_manage": perms.has_permission(request.user, MANAGE),
    }
    return render(request, "web/staff/service_changes/cancellation_list.html", context)


@require_POST
@staff_area(MANAGE)
def cancellation_carry_out(request, public_id):
    """Carry out a due cancellation or notice now: the service is terminated and its unused
    paid days, past the minimum service period, go back to the balance (ORD-06, CAT-03)."""
    cancellation = previews.staff_cancellation(public_id)
    try:
        done = service_cancellation_carry_out(cancellation=cancellation, actor=request.user)
    except DomainError as error:
        messages.error(
            request,
            _("%(cancellation)s: %(problem)s")
            % {"cancellation": cancellation.public_id, "problem": error.message},
        )
    else:
        messages.success(
            request,
            _(
                "%(kind)s %(cancellation)s carried out: service %(service)s terminated, "
                "%(refund)s net credited back."
            )
            % {
                "kind": done.get_kind_display(),
                "cancellation": done.public_id,
                "service": cancellation.service.public_id,
                "refund": _money(done.refund),
            },
        )
    return redirect("web:staff_cancellations")


# ----------------------------------------------------------------------------- plan change


def _plan_page(request, service, form, today, *, status=200):
    context = {"can_manage": True, "staff": True, **plan_change_context(service, form, today)}
    return render(request, "web/staff/service_changes/plan_change.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def plan_change(request, public_id):
    """Change a client's service to another tariff or add-on quantities on their behalf,
    prorated to the day (ORD-04); an htmx request answers the preview alone."""
    service = selectors.staff_service(public_id)
    today = timezone.localdate()
    is_preview = bool(request.htmx) and request.method == "GET"
    form: PlanChangeForm = plan_change_form(
        service, request.GET if is_preview else form_data(request), today
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = service_plan_change(
                service=service,
                tariff=form.chosen_tariff(),
                add_ons=form.add_on_choices(),
                actor=request.user,
                today=today,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, plan_change_message(change))
            return redirect("web:staff_service_plan_change", public_id=service.public_id)
    if is_preview:
        context = {"can_manage": True, "staff": True, **plan_change_context(service, form, today)}
        return render(request, "web/client/service_changes/_plan_preview.html", context)
    return _plan_page(request, service, form, today, status=400 if form.errors else 200)


@require_POST
@staff_area(MANAGE)
def plan_change_withdraw(request, public_id):
    """Withdraw the service's plan change awaiting payment; its proforma is cancelled."""
    service = selectors.staff_service(public_id)
    pending = selectors.service_pending_change(service)
    if pending is None:
        messages.error(request, _("No change of this service awaits payment."))
    else:
        try:
            service_plan_change_withdraw(change=pending, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Plan change %(change)s withdrawn.") % {"change": pending.public_id}
            )
    return redirect("web:staff_service_plan_change", public_id=service.public_id)


# ----------------------------------------------------------------------------- ending


def _end_page(request, service, *, form=None, notice_form=None, status=200):
    today = timezone.localdate()
    earliest = previews.cancellation_preview(service=service, effective_on=None, today=today)
    form = form or CancellationForm(earliest=earliest.earliest)
    context = {
        "staff": True,
        "can_manage": True,
        "with_party": True,
        "party_form": ContractNoticeForm(with_party=True),
        "notice_days": setting_value(conf.CANCELLATION_NOTICE_WORKING_DAYS),
        **contract_context(service, today, bound=notice_form),
        **cancellation_context(service, form, today),
    }
    return render(request, "web/staff/service_changes/service_end.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def service_end(request, public_id):
    """Cancel a client's service on their behalf for a day at least the notice period ahead
    (ORD-06); the page also shows the contract term and its notices (ORD-08)."""
    service = selectors.staff_service(public_id)
    today = timezone.localdate()
    earliest = previews.cancellation_preview(service=service, effective_on=None, today=today)
    if bool(request.htmx) and request.method == "GET":
        form = CancellationForm(request.GET, earliest=earliest.earliest)
        context = {"can_manage": True, **cancellation_context(service, form, today)}
        return render(request, "web/client/service_changes/_cancel_preview.html", context)
    form = CancellationForm(form_data(request), earliest=earliest.earliest)
    if request.method == "POST" and form.is_valid():
        try:
            cancellation = service_cancellation_request(
                service=service,
                effective_on=form.cleaned_data["effective_on"],
                actor=request.user,
                today=today,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Cancellation filed for the client: deactivated on %(date)s.")
                % {"date": _day(cancellation.effective_on)},
            )
            return redirect("web:staff_service_end", public_id=service.public_id)
    return _end_page(request, service, form=form, status=400 if form.errors else 200)


@require_POST
@staff_area(MANAGE)
def contract_notice(request, public_id):
    """Give a notice against renewal or a termination with notice for either party
    (ORD-08); the provider's notice is the provider's own decision."""
    service = selectors.staff_service(public_id)
    form = ContractNoticeForm(request.POST, with_party=True)
    if form.is_valid():
        action = NOTICE_ACTIONS[form.cleaned_data["kind"]]
        try:
            notice = action(service=service, party=form.chosen_party(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("%(kind)s by the %(party)s: deactivated on %(date)s.")
                % {
                    "kind": notice.get_kind_display(),
                    "party": notice.get_party_display().lower(),
                    "date": _day(notice.effective_on),
                },
            )
            return redirect("web:staff_service_end", public_id=service.public_id)
    return _end_page(request, service, notice_form=form, status=400)


@require_POST
@staff_area(MANAGE)
def cancellation_withdraw(request, public_id):
    """Withdraw the service's open cancellation or contract notice (ORD-06, ORD-08)."""
    service = selectors.staff_service(public_id)
    open_request = previews.open_cancellation(service)
    if open_request is None:
        messages.error(request, _("The service has no open cancellation or notice."))
    else:
        try:
            service_cancellation_withdraw(cancellation=open_request, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(kind)s withdrawn.") % {"kind": open_request.get_kind_display()}
            )
    return redirect("web:staff_service_end", public_id=service.public_id)
