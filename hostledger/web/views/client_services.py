"""The client area's orders and services (ORD-01, ORD-02, ORD-03, ORD-05, CAT-03, CAT-04).

A client orders a tariff on the order page, which quotes the proforma live (htmx) as the
choices change; the placed order is paid from the balance at once when it covers it (ORD-03),
otherwise the order page offers a top-up. Orders and services are loaded through the
subscriptions selectors scoped to the client, so another client's are a 404 (habit 6).
Ordering, withdrawing an order and managing a cloud pool's servers need the services scope;
paying needs the billing scope (ACC-06).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.catalog.coupons import check_coupon, coupon_discount
from hostledger.catalog.models import FamilyCode
from hostledger.catalog.selectors import os_images_for_family
from hostledger.core.errors import DomainError
from hostledger.incidents.selectors import service_upcoming_maintenance
from hostledger.invoicing.models import Invoice
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions import selectors
from hostledger.subscriptions.actions import (
    order_cancel,
    order_place,
    order_place_for_trial,
    pool_server_create,
    pool_server_delete,
    pool_server_resize,
    proforma_pay_from_balance,
)
from hostledger.subscriptions.conf import allowed_periods
from hostledger.subscriptions.models import Order, ServiceStatus
from hostledger.subscriptions.web_selectors import (
    open_trial_continuation,
    order_options,
    order_quote,
    order_services,
)
from hostledger.web.decorators import client_area
from hostledger.web.forms_services import (
    OrderForm,
    PoolServerForm,
    PoolServerResizeForm,
    TrialContinueForm,
)
from hostledger.web.templatetags.hostledger_display import order_number
from hostledger.web.views.client_invoices import proforma_to_pay, smallest_top_up
from hostledger.web.views.client_service_controls import controls_context
from hostledger.web.views.common import form_data

SERVICES = AccessGrant.Scope.SERVICES
BILLING = AccessGrant.Scope.BILLING
AWAITING_ACTIVATION = (ServiceStatus.PROVISIONING, ServiceStatus.TRIAL, ServiceStatus.ACTIVE)


# ----------------------------------------------------------------------------- ordering


def _quote_for(form: OrderForm, options, today):
    """The proforma of the choices on the form, or None while they are not valid."""
    if form.is_bound and not form.is_valid():
        return None
    payer = form.chosen_payer()
    if payer is None:
        return None
    discount, problem = None, ""
    code = form.coupon_code()
    if code and not form.wants_trial():
        try:
            coupon = check_coupon(
                code, client=payer.client, tariff=options.chosen.tariff, today=today
            )
        except DomainError as refused:
            problem = refused.fields["coupon"]
        else:
            discount = coupon_discount(coupon)
    return order_quote(
        payer=payer,
        tariff=options.chosen.tariff,
        add_ons=form.add_on_choices(),
        os_image=form.chosen_os_image(),
        period_months=form.chosen_period(),
        today=today,
        trial_days=options.trial_days if form.wants_trial() else None,
        discount=discount,
        coupon_problem=problem,
    )


@require_http_methods(["GET", "POST"])
@client_area(reads=SERVICES)
def order_new(request, access):
    """Order a tariff (ORD-01): add-ons with quantities, OS image (CAT-05), period, payer, the
    request to start at once (ORD-07) and the free trial where offered (CAT-04). An htmx
    request with the form's values answers the price summary alone, VAT as the proforma will
    show it."""
    access.require_write(SERVICES)
    tariff_id = request.POST.get("tariff") or request.GET.get("tariff")
    if not tariff_id:
        messages.info(request, _("Choose a tariff in the catalog to order it."))
        return redirect("web:catalog")
    today = timezone.localdate()
    options = order_options(access.client, tariff_id, today=today)
    payers = list(access.payers())
    is_summary = bool(request.htmx) and request.method == "GET"
    data = request.GET if is_summary else form_data(request)
    form = OrderForm(
        data,
        options=options,
        payers=payers,
        natural_person=access.client.kind == access.client.Kind.NATURAL,
    )
    if is_summary:
        for name in ("os_image", "host_name"):  # price what is chosen so far
            if name in form.fields:
                form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        try:
            order = order_place(
                client=access.client,
                payer=form.chosen_payer(),
                tariff=options.chosen.tariff,
                period_months=form.chosen_period(),
                add_ons=form.add_on_choices(),
                os_image=form.chosen_os_image(),
                trial=form.wants_trial(),
                start_at_once=form.starts_at_once(),
                actor=request.user,
                today=today,
                host_name=form.host_name(),
                domain_admin=form.domain_admin(),
                transfer_auth_code=form.transfer_auth_code(),
                coupon_code=form.coupon_code(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _placed_message(order))
            return redirect("web:order_detail", public_id=order.public_id)
    context = {
        "access": access,
        "options": options,
        "form": form,
        "quote": _quote_for(form, options, today) if payers else None,
        "has_payers": bool(payers),
        "balance": balance_of(access.client),
    }
    template = "web/client/services/order_new.html"
    if is_summary:
        template += "#summary"
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


def _placed_message(order: Order) -> str:
    if order.status == Order.Status.FREE_TRIAL:
        return _("%(order)s placed: your free trial starts now.") % {"order": order_number(order)}
    if order.status == Order.Status.PAID:
        return _("%(order)s placed and paid from your balance.") % {"order": order_number(order)}
    return _("%(order)s placed. Pay its proforma to start the service.") % {
        "order": order_number(order)
    }


# ----------------------------------------------------------------------------- orders


@dataclass(frozen=True)
class OrderRow:
    order: Order
    service: object


def _order_rows(orders) -> list[OrderRow]:
    rows = []
    for order in orders:
        services = list(order.services.all())
        service = order.trial_service if order.trial_service_id else None
        rows.append(OrderRow(order, service or (services[0] if services else None)))
    return rows


@require_GET
@client_area(reads=SERVICES)
def order_list(request, access):
    """Every order the client placed, newest first, with its status and total (ORD-01)."""
    orders = selectors.client_orders(access.client).prefetch_related("services")
    context = {
        "access": access,
        "rows": _order_rows(orders),
        "can_order": access.can_write(SERVICES),
    }
    return render(request, "web/client/services/order_list.html", context)


def _payment_of(order: Order, access):
    """How the balance stands against the order's unpaid proforma, or None."""
    proforma = order.proforma
    if (
        order.status != Order.Status.PLACED
        or proforma is None
        or proforma.status != Invoice.Status.ISSUED
    ):
        return None
    return proforma_to_pay(proforma, balance_of(access.client), smallest_top_up())


@require_GET
@client_area(reads=SERVICES)
def order_detail(request, access, public_id):
    """One order exactly as it was asked, with the fees of that moment (ORD-01), its status,
    its proforma and, while unpaid, how to pay it (ORD-03)."""
    order = selectors.client_order(access.client, public_id)
    context = {
        "access": access,
        "order": order,
        "items": list(order.items.all()),
        "services": order_services(order),
        "to_pay": _payment_of(order, access),
        "can_pay": access.can_write(BILLING),
        "can_cancel": access.can_write(SERVICES) and order.status == Order.Status.PLACED,
    }
    return render(request, "web/client/services/order_detail.html", context)


@require_POST
@client_area(reads=SERVICES)
def order_pay(request, access, public_id):
    """Pay the order's proforma from the balance; the paid period starts the service (ORD-03).
    A balance that does not cover it changes nothing and says so."""
    order = selectors.client_order(access.client, public_id)
    access.require_write(BILLING)
    if order.proforma is None or order.status != Order.Status.PLACED:
        messages.error(request, _("This order has nothing left to pay."))
        return redirect("web:order_detail", public_id=order.public_id)
    try:
        paid = proforma_pay_from_balance(proforma=order.proforma, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Paid from your balance: invoice %(number)s. Setting it up now.")
            % {"number": paid.number_display},
        )
    return redirect("web:order_detail", public_id=order.public_id)


@require_POST
@client_area(reads=SERVICES)
def order_withdraw(request, access, public_id):
    """Withdraw an order that is not paid yet; its proforma is cancelled (ORD-01)."""
    order = selectors.client_order(access.client, public_id)
    access.require_write(SERVICES)
    try:
        order_cancel(order=order, actor=request.user, reason="Withdrawn by the client.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(order)s is withdrawn.") % {"order": order_number(order)})
    return redirect("web:order_detail", public_id=order.public_id)


# ----------------------------------------------------------------------------- services


@require_GET
@client_area(reads=SERVICES)
def service_list(request, access):
    """The client's services with their status and how far they are paid (ORD-02, ORD-03)."""
    services = (
        selectors.client_services(access.client)
        .annotate(paid_until=Max("periods__ends_on"))
        .order_by("-created_at", "-id")  # an aggregate drops the model's ordering
    )
    context = {
        "access": access,
        "services": list(services),
        "can_order": access.can_write(SERVICES),
    }
    return render(request, "web/client/services/service_list.html", context)


def _pool_images(service):
    return [
        image for image in os_images_for_family(service.family) if not image.requires_paid_licence
    ]


def _service_page(request, access, service, *, status=200, server_form=None, trial_form=None):
    can_manage = access.can_write(SERVICES)
    is_pool = service.family.code == FamilyCode.CLOUD
    servers = []
    if is_pool:
        servers = [
            (server, PoolServerResizeForm(prefix=server.public_id, initial=_resources(server)))
            for server in selectors.pool_servers(service)
        ]
    continuation = open_trial_continuation(service)
    offers_continuation = service.status == ServiceStatus.TRIAL and continuation is None
    if offers_continuation and trial_form is None:
        trial_form = TrialContinueForm(payers=list(access.payers()), periods=allowed_periods())
    context = {
        "access": access,
        "service": service,
        "history": selectors.service_history(service),
        "periods": selectors.service_periods(service),
        "add_ons": list(service.add_ons.all()),
        "is_pool": is_pool,
        "usage": selectors.pool_usage(service) if is_pool else None,
        "servers": servers,
        "server_form": server_form
        or (PoolServerForm(os_images=_pool_images(service)) if is_pool else None),
        "pool_is_active": service.status == ServiceStatus.ACTIVE,
        "awaiting_activation": service.status in AWAITING_ACTIVATION
        and service.activated_at is None,
        "continuation": continuation,
        "trial_form": trial_form if offers_continuation else None,
        "can_manage": can_manage,
        "maintenance": [(window, [service]) for window in service_upcoming_maintenance(service)],
        **controls_context(service, access),
    }
    return render(request, "web/client/services/service_detail.html", context, status=status)


def _resources(server) -> dict:
    return {"cpu": server.cpu, "ram_gb": server.ram_gb, "disk_gb": server.disk_gb}


@require_GET
@client_area(reads=SERVICES)
def service_detail(request, access, public_id):
    """One service: its status and full history (ORD-02), paid periods (ORD-03), add-ons, OS
    image, the commencement deadline while it waits to start (CAT-03) and, for a cloud pool,
    its resources and servers (ORD-05)."""
    service = selectors.client_service(access.client, public_id)
    return _service_page(request, access, service)


@require_POST
@client_area(reads=SERVICES)
def service_trial_continue(request, access, public_id):
    """Order the paid period that follows a free trial (CAT-04)."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    form = TrialContinueForm(request.POST, payers=list(access.payers()), periods=allowed_periods())
    if form.is_valid():
        try:
            order = order_place_for_trial(
                service=service,
                payer=form.chosen_payer(),
                period_months=form.chosen_period(),
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _placed_message(order))
            return redirect("web:order_detail", public_id=order.public_id)
    return _service_page(request, access, service, status=400, trial_form=form)


def _pool_of(access, public_id):
    service = selectors.client_service(access.client, public_id)
    if service.family.code != FamilyCode.CLOUD:
        raise Http404("Not a cloud pool.")
    access.require_write(SERVICES)
    return service


@require_POST
@client_area(reads=SERVICES)
def pool_server_add(request, access, public_id):
    """Create a server inside a cloud pool; it must fit in what the pool has free (ORD-05)."""
    service = _pool_of(access, public_id)
    form = PoolServerForm(request.POST, os_images=_pool_images(service))
    if form.is_valid():
        try:
            server = pool_server_create(
                service=service,
                name=form.cleaned_data["name"],
                cpu=form.cleaned_data["cpu"],
                ram_gb=form.cleaned_data["ram_gb"],
                disk_gb=form.cleaned_data["disk_gb"],
                os_image=form.chosen_os_image(),
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Server %(name)s created.") % {"name": server.name})
            return redirect("web:service_detail", public_id=service.public_id)
    return _service_page(request, access, service, status=400, server_form=form)


@require_POST
@client_area(reads=SERVICES)
def pool_server_change(request, access, public_id, server_id):
    """Change a pool server's resources; the pool's sums still may not exceed it (ORD-05)."""
    service = _pool_of(access, public_id)
    server = selectors.client_pool_server(access.client, server_id)
    if server.service_id != service.pk:
        raise Http404("No such server in this pool.")
    form = PoolServerResizeForm(request.POST, prefix=server.public_id)
    if form.is_valid():
        try:
            pool_server_resize(
                server=server,
                actor=request.user,
                **{name: value for name, value in form.cleaned_data.items() if value},
            )
        except DomainError as error:
            messages.error(
                request,
                _("%(name)s was not changed: %(problem)s")
                % {"name": server.name, "problem": error.message},
            )
        else:
            messages.success(request, _("Server %(name)s resized.") % {"name": server.name})
    else:
        problems = "; ".join(str(problem) for errors in form.errors.values() for problem in errors)
        messages.error(
            request,
            _("%(name)s was not changed: %(problem)s") % {"name": server.name, "problem": problems},
        )
    return redirect("web:service_detail", public_id=service.public_id)


@require_POST
@client_area(reads=SERVICES)
def pool_server_remove(request, access, public_id, server_id):
    """Delete a pool server; its resources are free again at once (ORD-05)."""
    service = _pool_of(access, public_id)
    server = selectors.client_pool_server(access.client, server_id)
    if server.service_id != service.pk:
        raise Http404("No such server in this pool.")
    try:
        pool_server_delete(server=server, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Server %(name)s deleted.") % {"name": server.name})
    return redirect("web:service_detail", public_id=service.public_id)
