"""Orders: what a client asked for and at which prices (ORD-01, ORD-03, CAT-02, CAT-04, CAT-05).

Clients and their trusted users (ACC-06) read the account's orders; placing and withdrawing
an order needs the owner or a trusted user with the services scope. Placing bills the whole
first period on a proforma, pays it from the balance at once when the balance covers it, and
then starts provisioning (ORD-03). Staff with ``clients.view`` read the orders of every
client.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_money import referenced
from hostledger.api.schemas_orders import (
    OrderCancelIn,
    OrderFilter,
    OrderOut,
    OrderPlaceIn,
    OrderSummaryOut,
    StaffOrderFilter,
    StaffOrderOut,
    StaffOrderSummaryOut,
    order_detail,
    order_summary,
    staff_order_detail,
    staff_order_summary,
)
from hostledger.catalog import selectors as catalog
from hostledger.subscriptions import actions, selectors

router = Router(tags=["Orders"])
STAFF_TAGS = ["Staff: orders and services"]
SERVICES_AREA = "services"

OrderId = Annotated[str, Path(**path_id("order", "ord_3k9d2m7q8w1x4z6v"))]


# ----------------------------------------------------------------------------- clients


@router.get(
    "/orders",
    response=responses({200: page_of(OrderSummaryOut)}, 400, 401, 403, 404),
    summary="List orders",
)
def order_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[OrderFilter],
    page: Query[PageParams],
):
    """The client's orders, newest first, each as it was placed (ORD-01)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    orders = selectors.client_orders(access.client)
    if filters.status:
        orders = orders.filter(status=filters.status)
    found = paginate(orders, page)
    found["items"] = [order_summary(order) for order in found["items"]]
    return found


@router.get(
    "/orders/{order_id}",
    response=responses({200: OrderOut}, 400, 401, 403, 404),
    summary="Read an order",
)
def order_read(request: HttpRequest, order_id: OrderId, acting: Query[ActingClient]):
    """One of the client's orders with its items and their fees as placed (ORD-01)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    return order_detail(selectors.client_order(access.client, order_id))


@router.post(
    "/orders",
    response=responses({201: OrderOut}, 400, 401, 403, 404),
    summary="Place an order",
)
def order_place(request: HttpRequest, acting: Query[ActingClient], payload: OrderPlaceIn):
    """Order a new service (ORD-01): a tariff, its add-ons with quantities, the operating
    system where the family takes one (CAT-05), the period and the payer. The fees in force
    for the first period are kept on the order. The whole period is billed on a proforma and
    paid from the balance at once if the balance covers it; the service is provisioned only
    once it is paid (ORD-03) — otherwise the order waits, ``placed``, for the payment.
    ``trial: true`` asks for the family's free trial (CAT-04): nothing is billed.
    ``host_name`` names the domain to register (DOM-01; checked with its zone's registry, a
    registry that does not answer is a 400 naming ``host_name``), the domain a hosting
    account serves, or a server; a domain's administrator is given by the ``admin_*`` fields
    where the zone demands one (DOM-03). Every bad field is named (400). Needs the owner or
    a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    access.require_write(SERVICES_AREA)
    payer = referenced(lambda: access.payer(payload.payer), "payer")
    tariff = referenced(lambda: catalog.tariff_by_public_id(payload.tariff), "tariff")
    add_ons = [
        actions.AddOnChoice(
            referenced(
                lambda choice=choice: catalog.add_on_by_public_id(choice.add_on),
                f"add_ons[{index}].add_on",
            ),
            choice.quantity,
        )
        for index, choice in enumerate(payload.add_ons)
    ]
    os_image = None
    if payload.os_image is not None:
        os_image = referenced(lambda: catalog.os_image_by_public_id(payload.os_image), "os_image")
    order = actions.order_place(
        client=access.client,
        payer=payer,
        tariff=tariff,
        period_months=payload.period_months,
        add_ons=add_ons,
        os_image=os_image,
        trial=payload.trial,
        trial_days=payload.trial_days,
        start_at_once=payload.start_at_once,
        actor=request.user,
        host_name=payload.host_name,
        domain_admin=payload.domain_admin(),
        transfer_auth_code=payload.transfer_auth_code,
        coupon_code=payload.coupon,
    )
    return Status(201, order_detail(selectors.client_order(access.client, order.public_id)))


@router.post(
    "/orders/{order_id}/cancel",
    response=responses({200: OrderOut}, 400, 401, 403, 404),
    summary="Withdraw an unpaid order",
)
def order_cancel(
    request: HttpRequest, order_id: OrderId, acting: Query[ActingClient], payload: OrderCancelIn
):
    """Withdraw an order not paid yet (ORD-01): its proforma is cancelled and its pending
    service terminated. A paid, cancelled or free-trial order answers 400
    ``order_not_open``; a paid service is cancelled under ORD-06 instead. Needs the owner or
    a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    order = selectors.client_order(access.client, order_id)
    access.require_write(SERVICES_AREA)
    actions.order_cancel(order=order, actor=request.user, reason=payload.reason)
    return order_detail(selectors.client_order(access.client, order_id))


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/orders",
    response=responses({200: page_of(StaffOrderSummaryOut)}, 400, 401, 403, 404),
    summary="List orders of all clients",
    tags=STAFF_TAGS,
)
def staff_order_list(
    request: HttpRequest, filters: Query[StaffOrderFilter], page: Query[PageParams]
):
    """Orders of every client, newest first, filtered by status, product family and client
    (ORD-01). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    client = accounts.staff_client(filters.client) if filters.client else None
    orders = selectors.orders_for_staff(status=filters.status, family=filters.family, client=client)
    found = paginate(orders, page)
    found["items"] = [staff_order_summary(order) for order in found["items"]]
    return found


@router.get(
    "/staff/orders/{order_id}",
    response=responses({200: StaffOrderOut}, 400, 401, 403, 404),
    summary="Read any client's order",
    tags=STAFF_TAGS,
)
def staff_order_read(request: HttpRequest, order_id: OrderId):
    """One order with its items as placed (ORD-01). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    return staff_order_detail(selectors.staff_order(order_id))
