"""The client area's pages that change or end a service: change plan (ORD-04), cancel with
notice (ORD-06, CAT-03), withdraw from the contract (ORD-07) and the contract term with its
notices (ORD-08).

Each page shows, before anything is sent, what the change does to the money: the prorated
amount of a plan change to the day, what a cancellation or a withdrawal gives back and what
it does not, and the day a notice ends the contract (``hostledger.subscriptions.previews``).
Services are loaded through the client-scoped selectors, so another client's service is a
404 (habit 6). Everyone with access reads the pages; sending them needs the owner or a
trusted user with the services scope (ACC-06), others get 403. Each POST calls one action.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.core.money import Money, format_money
from hostledger.core.registry import setting_value
from hostledger.subscriptions import conf, previews, selectors
from hostledger.subscriptions.actions import (
    contract_notice_give,
    contract_termination_notice_give,
    service_cancellation_request,
    service_cancellation_withdraw,
    service_plan_change,
    service_plan_change_withdraw,
    service_withdraw,
)
from hostledger.subscriptions.models import NoticeKind, Party, ServiceCancellation, ServiceChange
from hostledger.web.decorators import client_area
from hostledger.web.forms_service_changes import (
    CancellationForm,
    ContractNoticeForm,
    PlanChangeForm,
    WithdrawalForm,
)
from hostledger.web.templatetags.hostledger_money import display_locale
from hostledger.web.views.common import form_data

SERVICES = AccessGrant.Scope.SERVICES
CONTRACT_NOTICES = (
    ServiceCancellation.Kind.CONTRACT_NOTICE,
    ServiceCancellation.Kind.CONTRACT_TERMINATION,
)


def _money(amount) -> str:
    return format_money(amount, display_locale())


def _day(day) -> str:
    return date_format(day, "j E Y")


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _is_preview(request) -> bool:
    return bool(request.htmx) and request.method == "GET"


# ----------------------------------------------------------------------------- plan change


def plan_change_message(change: ServiceChange) -> str:
    """What the client is told once a plan change was sent (ORD-04, ORD-03)."""
    gross = _money(change.invoice.gross) if change.invoice is not None else ""
    if change.direction == ServiceChange.Direction.UPGRADE:
        if change.state == ServiceChange.State.APPLIED:
            return _("Upgraded to %(tariff)s: %(amount)s paid from the balance.") % {
                "tariff": change.to_tariff.name,
                "amount": gross,
            }
        return _(
            "Upgrade to %(tariff)s awaits payment of %(amount)s; it applies as soon as the "
            "proforma is paid."
        ) % {"tariff": change.to_tariff.name, "amount": gross}
    if change.direction == ServiceChange.Direction.DOWNGRADE:
        return _(
            "Changed to %(tariff)s; the difference for the rest of the period is credited "
            "back to the balance."
        ) % {"tariff": change.to_tariff.name}
    return _("Changed to %(tariff)s.") % {"tariff": change.to_tariff.name}


def plan_change_context(service, form, today) -> dict:
    """The plan change page of ``service`` for both areas: the form, its preview (when the
    form holds a valid choice) and the service's changes."""
    preview = None
    if not form.is_bound or form.is_valid():
        preview = previews.plan_change_preview(
            service=service,
            tariff=form.chosen_tariff(),
            add_ons=form.add_on_choices(),
            today=today,
        )
    return {
        "service": service,
        "form": form,
        "preview": preview,
        "pending": selectors.service_pending_change(service),
        "changes": list(reversed(selectors.service_changes(service))),
        "today": today,
    }


def plan_change_form(service, data, today) -> PlanChangeForm:
    return PlanChangeForm(
        data,
        offered=previews.plan_options(service, today=today),
        service=service,
        current=previews.current_add_on_quantities(service),
    )


@require_http_methods(["GET", "POST"])
@client_area(reads=SERVICES)
def plan_change(request, access, public_id):
    """Change the tariff and add-ons of a service from today (ORD-04). An htmx request with
    the form's values answers the preview alone: the prorated amount of each paid period to
    the day, to pay now for an upgrade (from the balance when it covers it, else on a
    proforma) or credited back for a downgrade."""
    service = selectors.client_service(access.client, public_id)
    if request.method == "POST":
        access.require_write(SERVICES)
    today = timezone.localdate()
    form = plan_change_form(
        service, request.GET if _is_preview(request) else form_data(request), today
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
            return redirect("web:service_plan_change", public_id=service.public_id)
    context = {
        "access": access,
        "can_manage": access.can_write(SERVICES),
        **plan_change_context(service, form, today),
    }
    template = "web/client/service_changes/plan_change.html"
    if _is_preview(request):
        template = "web/client/service_changes/_plan_preview.html"
    return render(request, template, context, status=_status(form))


@require_POST
@client_area(reads=SERVICES)
def plan_change_withdraw(request, access, public_id):
    """Withdraw the service's plan change that awaits payment; its proforma is cancelled
    (ORD-04)."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    pending = selectors.service_pending_change(service)
    if pending is None:
        messages.error(request, _("No change of this service awaits payment."))
        return redirect("web:service_plan_change", public_id=service.public_id)
    try:
        service_plan_change_withdraw(change=pending, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The plan change is withdrawn; the service keeps its plan."))
    return redirect("web:service_plan_change", public_id=service.public_id)


# ----------------------------------------------------------------------------- cancellation


def cancellation_context(service, form, today) -> dict:
    """The cancellation page of ``service`` for both areas (ORD-06, CAT-03)."""
    chosen = form.chosen_day()
    preview = previews.cancellation_preview(service=service, effective_on=chosen, today=today)
    return {
        "service": service,
        "form": form,
        "preview": preview if chosen is not None else None,
        "earliest": preview.earliest,
        "open_request": previews.open_cancellation(service),
        "cancellations": list(reversed(selectors.service_cancellations(service))),
        "credits": [
            (credit, Money(credit.net_minor, credit.currency))
            for credit in selectors.service_credits(service)
        ],
        "notice_days": setting_value(conf.CANCELLATION_NOTICE_WORKING_DAYS),
        "today": today,
    }


@require_http_methods(["GET", "POST"])
@client_area(reads=SERVICES)
def cancel(request, access, public_id):
    """Cancel a service for a day at least the notice period ahead (ORD-06). The page shows
    the earliest day, what comes back to the balance for the unused paid days and the part
    of the minimum service period that does not (CAT-03); an htmx request with a date
    answers that summary alone."""
    service = selectors.client_service(access.client, public_id)
    if request.method == "POST":
        access.require_write(SERVICES)
    today = timezone.localdate()
    earliest = previews.cancellation_preview(service=service, effective_on=None, today=today)
    data = request.GET if _is_preview(request) else form_data(request)
    form = CancellationForm(data, earliest=earliest.earliest)
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
                _(
                    "Cancellation filed: the service is deactivated on %(date)s. You can "
                    "withdraw it until then."
                )
                % {"date": _day(cancellation.effective_on)},
            )
            return redirect("web:service_cancel", public_id=service.public_id)
    context = {
        "access": access,
        "can_manage": access.can_write(SERVICES),
        **cancellation_context(service, form, today),
    }
    template = "web/client/service_changes/cancel.html"
    if _is_preview(request):
        template = "web/client/service_changes/_cancel_preview.html"
    return render(request, template, context, status=_status(form))


@require_POST
@client_area(reads=SERVICES)
def cancellation_withdraw(request, access, public_id):
    """Withdraw the service's open cancellation or contract notice; the service goes on
    (ORD-06, ORD-08)."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    open_request = previews.open_cancellation(service)
    if open_request is None:
        messages.error(request, _("The service has no open cancellation or notice."))
        return redirect("web:service_cancel", public_id=service.public_id)
    target = (
        "web:service_contract" if open_request.kind in CONTRACT_NOTICES else "web:service_cancel"
    )
    try:
        service_cancellation_withdraw(cancellation=open_request, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(kind)s withdrawn; the service goes on.")
            % {"kind": open_request.get_kind_display()},
        )
    return redirect(target, public_id=service.public_id)


# ----------------------------------------------------------------------------- withdrawal


@require_http_methods(["GET", "POST"])
@client_area(reads=SERVICES)
def withdrawal(request, access, public_id):
    """A consumer withdraws from the contract within the withdrawal period (ORD-07). The
    page says what comes back and, when the client asked for the service to start at once,
    what is charged for the days used."""
    service = selectors.client_service(access.client, public_id)
    if request.method == "POST":
        access.require_write(SERVICES)
    today = timezone.localdate()
    form = WithdrawalForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            done = service_withdraw(service=service, actor=request.user, today=today)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "You withdrew from the contract. %(amount)s net is credited back to your "
                    "balance."
                )
                % {"amount": _money(done.refund)},
            )
            return redirect("web:service_withdrawal", public_id=service.public_id)
    context = {
        "access": access,
        "can_manage": access.can_write(SERVICES),
        "service": service,
        "form": form,
        "preview": previews.withdrawal_preview(service=service, today=today),
        "done": [
            item
            for item in selectors.service_cancellations(service)
            if item.kind == ServiceCancellation.Kind.WITHDRAWAL
        ],
        "today": today,
    }
    return render(
        request, "web/client/service_changes/withdrawal.html", context, status=_status(form)
    )


# ----------------------------------------------------------------------------- contract


NOTICE_ACTIONS = {
    NoticeKind.NON_RENEWAL: contract_notice_give,
    NoticeKind.TERMINATION: contract_termination_notice_give,
}


def contract_context(service, today, *, bound=None) -> dict:
    """The contract page of ``service`` for both areas (ORD-08)."""
    return {
        "service": service,
        "contract": previews.contract_overview(service=service, today=today),
        "notices": [
            item
            for item in reversed(selectors.service_cancellations(service))
            if item.kind in CONTRACT_NOTICES
        ],
        "notice_form": bound,
        "today": today,
    }


def _contract_page(request, access, service, *, bound=None, status=200):
    context = {
        "access": access,
        "can_manage": access.can_write(SERVICES),
        **contract_context(service, timezone.localdate(), bound=bound),
    }
    return render(request, "web/client/service_changes/contract.html", context, status=status)


@require_http_methods(["GET"])
@client_area(reads=SERVICES)
def contract(request, access, public_id):
    """The contract of a service: when it started, when the current term ends, and the two
    notices a party may give: against renewal, and termination with notice (ORD-08)."""
    service = selectors.client_service(access.client, public_id)
    return _contract_page(request, access, service)


@require_POST
@client_area(reads=SERVICES)
def contract_notice(request, access, public_id):
    """Give notice against the renewal of the contract, or terminate it with notice
    (ORD-08); the day it takes effect is stored as an open cancellation."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    form = ContractNoticeForm(request.POST)
    if form.is_valid():
        action = NOTICE_ACTIONS[form.cleaned_data["kind"]]
        try:
            notice = action(service=service, party=Party.CLIENT, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("%(kind)s given: the contract ends and the service is deactivated on %(date)s.")
                % {"kind": notice.get_kind_display(), "date": _day(notice.effective_on)},
            )
            return redirect("web:service_contract", public_id=service.public_id)
    return _contract_page(request, access, service, bound=form, status=400)
