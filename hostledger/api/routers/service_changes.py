"""API v1: plan changes, cancellation, withdrawal and contract notice of services (ORD-04,
ORD-06, ORD-07, ORD-08, CAT-03).

Clients and their trusted users (ACC-06) read a service's changes and price a plan change
before making it; making, withdrawing and ending need the owner or a trusted user with the
services scope. Another client's service answers 404 (habit 6). Staff with ``clients.view``
list the open cancellations and notices; carrying a due one out needs ``services.manage``.
Every write calls one action; a refused business rule answers 400 naming the field at fault,
or 400 when the service is not in a state that allows it.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_money import referenced
from hostledger.api.schemas_service_changes import (
    CancellationIn,
    CancellationOut,
    ContractNoticeIn,
    PlanChangeIn,
    PlanChangePreviewOut,
    PlanChangePreviewQuery,
    ServiceChangeOut,
    ServiceChangesOut,
    StaffCancellationFilter,
    StaffCancellationOut,
    cancellation_row,
    change_row,
    contract_row,
    credit_row,
    preview_row,
    staff_cancellation_row,
)
from hostledger.catalog import selectors as catalog
from hostledger.core.errors import DomainError
from hostledger.subscriptions import actions, previews, selectors
from hostledger.subscriptions.models import NoticeKind, ServiceChange

router = Router(tags=["Service changes"])
STAFF_TAGS = ["Staff: orders and services"]
SERVICES_AREA = "services"

ServiceId = Annotated[str, Path(**path_id("service", "svc_3k9d2m7q8w1x4z6v"))]
CancellationId = Annotated[str, Path(**path_id("cancellation", "cnl_3k9d2m7q8w1x4z6v"))]

NOTICE_ACTIONS = {
    NoticeKind.NON_RENEWAL: actions.contract_notice_give,
    NoticeKind.TERMINATION: actions.contract_termination_notice_give,
}


def _change(change: ServiceChange) -> dict:
    stored = (
        ServiceChange.objects.select_related("service", "from_tariff", "to_tariff", "invoice")
        .filter(pk=change.pk)
        .get()
    )
    return change_row(stored)


def _tariff(public_id: str | None):
    if public_id is None:
        return None
    return referenced(lambda: catalog.tariff_by_public_id(public_id), "tariff")


def _add_on_choices(items, field: str):
    if items is None:
        return None
    return [
        actions.AddOnChoice(
            referenced(
                lambda public_id=public_id: catalog.add_on_by_public_id(public_id),
                f"{field}[{index}].add_on",
            ),
            quantity,
        )
        for index, (public_id, quantity) in enumerate(items)
    ]


def _writable_service(request: HttpRequest, acting: ActingClient, service_id: str):
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    access.require_write(SERVICES_AREA)
    return service


# ----------------------------------------------------------------------------- clients


@router.get(
    "/services/{service_id}/changes",
    response=responses({200: ServiceChangesOut}, 400, 401, 403, 404),
    summary="List a service's changes, cancellations and credits",
)
def service_changes_read(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """Every plan change of the service (ORD-04), every cancellation, consumer withdrawal
    and contract notice (ORD-06, ORD-07, ORD-08), the credit notes that gave money for unused
    days back to the balance, oldest first, and the contract term with the day each notice
    given today would take effect."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    today = timezone.localdate()
    return {
        "service_id": service.public_id,
        "changes": [change_row(change) for change in selectors.service_changes(service)],
        "cancellations": [
            cancellation_row(item) for item in selectors.service_cancellations(service)
        ],
        "credits": [credit_row(credit) for credit in selectors.service_credits(service)],
        "contract": contract_row(previews.contract_overview(service=service, today=today)),
    }


@router.get(
    "/services/{service_id}/plan-change/preview",
    response=responses({200: PlanChangePreviewOut}, 400, 401, 403, 404),
    summary="Price a plan change",
)
def service_plan_change_preview(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    plan: Query[PlanChangePreviewQuery],
):
    """What changing the service to ``tariff`` and ``add_ons`` today would bill or credit
    (ORD-04): one line per paid period still running, the difference of the two plans
    prorated to the day, VAT as the document will carry it, and whether the balance pays an
    upgrade at once. Nothing is written. A change the plan change would refuse answers 200
    with ``problem`` and ``fields``; an unknown tariff or add-on answers 400."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    preview = previews.plan_change_preview(
        service=service,
        tariff=_tariff(plan.tariff),
        add_ons=_add_on_choices(plan.add_on_items(), "add_ons"),
        today=timezone.localdate(),
    )
    return preview_row(preview)


@router.post(
    "/services/{service_id}/plan-change",
    response=responses({201: ServiceChangeOut}, 400, 401, 403, 404),
    summary="Change a service's plan",
)
def service_plan_change(
    request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient], payload: PlanChangeIn
):
    """Change the service's tariff and/or add-ons from today (ORD-04). The difference is
    prorated to the day for the rest of each paid period. An upgrade is billed on a proforma
    and paid from the balance at once when the balance covers it (``state: applied``);
    otherwise it waits ``pending`` and applies when a payment pays it (ORD-03). A downgrade
    applies at once and its difference is credited back to the balance. Refused with 400
    naming the field for a tariff of another family, an add-on not offered, no change at all,
    a suspended or terminated service, or one whose change still awaits payment. Needs the
    owner or a trusted user with the services scope."""
    service = _writable_service(request, acting, service_id)
    add_ons = None
    if payload.add_ons is not None:
        add_ons = _add_on_choices(
            [(choice.add_on, choice.quantity) for choice in payload.add_ons], "add_ons"
        )
    change = actions.service_plan_change(
        service=service, tariff=_tariff(payload.tariff), add_ons=add_ons, actor=request.user
    )
    return Status(201, _change(change))


@router.post(
    "/services/{service_id}/plan-change/withdraw",
    response=responses({200: ServiceChangeOut}, 400, 401, 403, 404),
    summary="Withdraw a plan change awaiting payment",
)
def service_plan_change_withdraw(
    request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]
):
    """Withdraw the service's upgrade that awaits payment (ORD-04): its proforma is
    cancelled and the service keeps its plan. 400 ``change_not_pending`` when no change of
    the service awaits payment. Needs the owner or a trusted user with the services scope."""
    service = _writable_service(request, acting, service_id)
    pending = selectors.service_pending_change(service)
    if pending is None:
        raise DomainError(
            "change_not_pending",
            _("No change of this service awaits payment."),
            fields={"service": "no change awaits payment"},
        )
    return _change(actions.service_plan_change_withdraw(change=pending, actor=request.user))


@router.post(
    "/services/{service_id}/cancellation",
    response=responses({201: CancellationOut}, 400, 401, 403, 404),
    summary="Cancel a service with notice",
)
def service_cancellation_request(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    payload: CancellationIn,
):
    """File the cancellation of the service for ``effective_on``, at least the notice period
    (default 10 working days) ahead (ORD-06). On that day the service is deactivated and the
    unused paid days go back to the balance, except the rest of the minimum service period
    (CAT-03). A day too early answers 400 naming ``effective_on``; a terminated or unpaid
    service, or one already to end, 400. Needs the owner or a trusted user with the services
    scope."""
    service = _writable_service(request, acting, service_id)
    cancellation = actions.service_cancellation_request(
        service=service, effective_on=payload.effective_on, actor=request.user
    )
    return Status(201, cancellation_row(cancellation))


@router.post(
    "/services/{service_id}/cancellation/withdraw",
    response=responses({200: CancellationOut}, 400, 401, 403, 404),
    summary="Withdraw a cancellation or notice",
)
def service_cancellation_withdraw(
    request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]
):
    """Withdraw the service's open cancellation or contract notice before its day (ORD-06,
    ORD-08): the service goes on. 400 ``cancellation_not_open`` when none is open. Needs the
    owner or a trusted user with the services scope."""
    service = _writable_service(request, acting, service_id)
    open_request = previews.open_cancellation(service)
    if open_request is None:
        raise DomainError(
            "cancellation_not_open",
            _("The service has no open cancellation or notice."),
            fields={"service": "nothing to withdraw"},
        )
    withdrawn = actions.service_cancellation_withdraw(cancellation=open_request, actor=request.user)
    return cancellation_row(withdrawn)


@router.post(
    "/services/{service_id}/withdrawal",
    response=responses({201: CancellationOut}, 400, 401, 403, 404),
    summary="Withdraw from the contract as a consumer",
)
def service_withdraw(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """A consumer withdraws from the contract of the service within the withdrawal period
    (default 14 days) of its conclusion (ORD-07). The service is terminated today and what
    was paid for it comes back to the balance; if the client asked for it to start at once
    and it started, the days used up to today are charged. 400 ``withdrawal_not_available``
    for a legal person, ``withdrawal_period_over`` after the period, and
    ``service_not_cancellable`` for a terminated service. Needs the owner or a trusted user
    with the services scope."""
    service = _writable_service(request, acting, service_id)
    return Status(
        201, cancellation_row(actions.service_withdraw(service=service, actor=request.user))
    )


@router.post(
    "/services/{service_id}/contract-notice",
    response=responses({201: CancellationOut}, 400, 401, 403, 404),
    summary="Give notice on a service's contract",
)
def service_contract_notice(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    payload: ContractNoticeIn,
):
    """Give notice on the contract of the service (ORD-08). ``non_renewal``: it ends with
    its current term, or after the following one when given less than the renewal notice
    (default 30 days) before the term ends. ``termination``: it ends after the termination
    notice (default one month). The service is deactivated that day through an open
    cancellation, which may be withdrawn until then. ``party: provider`` needs staff with
    services.manage (403). 400 for a terminated service or one already to end. Needs the
    owner or a trusted user with the services scope."""
    service = _writable_service(request, acting, service_id)
    notice = NOTICE_ACTIONS[payload.kind](service=service, party=payload.party, actor=request.user)
    return Status(201, cancellation_row(notice))


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/cancellations",
    response=responses({200: page_of(StaffCancellationOut)}, 400, 401, 403),
    summary="List open cancellations and notices",
    tags=STAFF_TAGS,
)
def staff_cancellation_list(
    request: HttpRequest, filters: Query[StaffCancellationFilter], page: Query[PageParams]
):
    """Open cancellations and contract notices of every client, the soonest day first, so
    that those due come first; ``due=true`` for only those whose day has come (ORD-06,
    ORD-08). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    today = timezone.localdate()
    found = paginate(
        previews.open_cancellations_for_staff(due_on=today if filters.due else None), page
    )
    found["items"] = [staff_cancellation_row(item, today=today) for item in found["items"]]
    return found


@router.post(
    "/staff/cancellations/{cancellation_id}/carry-out",
    response=responses({200: StaffCancellationOut}, 400, 401, 403, 404),
    summary="Carry out a due cancellation",
    tags=STAFF_TAGS,
)
def staff_cancellation_carry_out(request: HttpRequest, cancellation_id: CancellationId):
    """Carry out a cancellation or notice whose day has come, as the billing run does
    (ORD-06, ORD-08, CAT-03): the service is terminated and its unused paid days after the
    minimum service period are credited back to the balance. 400 ``cancellation_not_due``
    before its day, ``cancellation_not_open`` once withdrawn or carried out. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    cancellation = previews.staff_cancellation(cancellation_id)
    done = actions.service_cancellation_carry_out(cancellation=cancellation, actor=request.user)
    stored = previews.staff_cancellation(done.public_id)
    return staff_cancellation_row(stored, today=timezone.localdate())
