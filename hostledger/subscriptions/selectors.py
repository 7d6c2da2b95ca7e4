"""Reads of orders and services shared by the client area, the staff area, the API and jobs.

Client-facing code passes the client it obtained from
``hostledger.accounts.selectors.client_access``; every look-up here is scoped to that
client, so another client's order, service or server is a 404 (``NotFound``), never a 403
(habit 6). Staff reads are separate functions with their own filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from hostledger.core.calendar import working_days_between
from hostledger.core.errors import DomainError, NotFound
from hostledger.subscriptions.host_names import clean_host_name
from hostledger.subscriptions.models import (
    RESOURCE_NAMES,
    Order,
    OrderItem,
    PoolServer,
    Service,
    ServiceAddOn,
    ServiceCancellation,
    ServiceChange,
    ServiceCredit,
    ServicePeriod,
    ServiceStatus,
    ServiceStatusChange,
)

# Orders ------------------------------------------------------------------------------------


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related(
        "family", "tariff", "os_image", "payer", "proforma", "trial_service", "coupon"
    ).prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("position")))


def client_orders(client) -> QuerySet[Order]:
    """The client's orders, newest first, each with its items as they were placed (ORD-01)."""
    return _orders().filter(client=client)


def client_order(client, public_id: str) -> Order:
    """One of the client's orders by its public id; another client's is not found."""
    order = client_orders(client).filter(public_id=public_id).first()
    if order is None:
        raise NotFound("order")
    return order


def orders_for_staff(*, status: str | None = None, family=None, client=None) -> QuerySet[Order]:
    """Every client's orders, newest first, filtered by status, product family (a
    ``ProductFamily`` or its code) and client when given."""
    orders = _orders().select_related("client")
    if status:
        orders = orders.filter(status=status)
    if family is not None:
        orders = orders.filter(family__code=family if isinstance(family, str) else family.code)
    if client is not None:
        orders = orders.filter(client=client)
    return orders


def staff_order(public_id: str) -> Order:
    order = orders_for_staff().filter(public_id=public_id).first()
    if order is None:
        raise NotFound("order")
    return order


# Services ----------------------------------------------------------------------------------


def _services() -> QuerySet[Service]:
    return Service.objects.select_related(
        "family", "tariff", "os_image", "payer", "order", "client"
    ).prefetch_related(
        Prefetch(
            "add_ons",
            queryset=ServiceAddOn.objects.select_related("add_on").order_by("id"),
        )
    )


def client_services(client, *, include_terminated: bool = True) -> QuerySet[Service]:
    """The client's services, newest first (ORD-02)."""
    services = _services().filter(client=client)
    if not include_terminated:
        services = services.exclude(status=ServiceStatus.TERMINATED)
    return services


def client_service(client, public_id: str) -> Service:
    """One of the client's services by its public id; another client's is not found."""
    service = client_services(client).filter(public_id=public_id).first()
    if service is None:
        raise NotFound("service")
    return service


def service_history(service: Service) -> list[ServiceStatusChange]:
    """Every change of the service's status, oldest first, with its actor (ORD-02)."""
    return list(
        ServiceStatusChange.objects.filter(service=service)
        .select_related("actor")
        .order_by("changed_at", "id")
    )


def client_service_status_changes(client, *, limit: int) -> list[ServiceStatusChange]:
    """The latest ``limit`` status changes of the client's services, newest first, with
    their services (ORD-02), for the staff activity timeline."""
    return list(
        ServiceStatusChange.objects.filter(service__client=client)
        .select_related("service")
        .order_by("-changed_at", "-id")[:limit]
    )


def service_periods(service: Service) -> list[ServicePeriod]:
    """The periods the service was billed and paid for, oldest first (ORD-03)."""
    return list(ServicePeriod.objects.filter(service=service).select_related("invoice"))


def service_changes(service: Service) -> list[ServiceChange]:
    """Every plan change of the service, oldest first, with its invoice (ORD-04)."""
    return list(
        ServiceChange.objects.filter(service=service)
        .select_related("from_tariff", "to_tariff", "invoice", "requested_by")
        .order_by("requested_at", "id")
    )


def service_pending_change(service: Service) -> ServiceChange | None:
    """The service's plan change awaiting payment, if any (ORD-04, ORD-03)."""
    return (
        ServiceChange.objects.filter(service=service, state=ServiceChange.State.PENDING)
        .select_related("to_tariff", "invoice")
        .first()
    )


def service_cancellations(service: Service) -> list[ServiceCancellation]:
    """Every cancellation, withdrawal and contract notice of the service, oldest first
    (ORD-06, ORD-07, ORD-08)."""
    return list(
        ServiceCancellation.objects.filter(service=service)
        .select_related("requested_by")
        .order_by("requested_at", "id")
    )


def service_open_cancellation(service: Service) -> ServiceCancellation | None:
    """The cancellation of the service not yet carried out or withdrawn, if any (ORD-06)."""
    return ServiceCancellation.objects.filter(
        service=service, state=ServiceCancellation.State.REQUESTED
    ).first()


def service_credits(service: Service) -> list[ServiceCredit]:
    """The credit notes that gave money for the service back to the balance, oldest first
    (ORD-04, ORD-06, ORD-07)."""
    return list(
        ServiceCredit.objects.filter(service=service)
        .select_related("credit_note", "invoice")
        .order_by("created_at", "id")
    )


def cancellations_due(*, today: date) -> QuerySet[ServiceCancellation]:
    """Open cancellations and contract notices whose day has come, oldest day first: what
    the billing run carries out with ``service_cancellation_carry_out`` (ORD-06, ORD-08)."""
    return (
        ServiceCancellation.objects.filter(
            state=ServiceCancellation.State.REQUESTED, effective_on__lte=today
        )
        .select_related("service", "service__client")
        .order_by("effective_on", "id")
    )


def services_for_staff(*, status: str | None = None, family=None, client=None) -> QuerySet[Service]:
    """Every service, newest first, filtered by status, product family (a ``ProductFamily``
    or its code) and client when given."""
    services = _services()
    if status:
        services = services.filter(status=status)
    if family is not None:
        services = services.filter(family__code=family if isinstance(family, str) else family.code)
    if client is not None:
        services = services.filter(client=client)
    return services


def staff_service(public_id: str) -> Service:
    service = _services().filter(public_id=public_id).first()
    if service is None:
        raise NotFound("service")
    return service


@dataclass(frozen=True)
class AwaitingActivation:
    """A service whose resource is not up yet, with its commencement deadline (CAT-03):
    ``working_days_left`` is negative once the deadline has passed."""

    service: Service
    commencement_deadline: date | None
    working_days_left: int | None
    is_overdue: bool


def services_awaiting_activation(*, today: date | None = None) -> list[AwaitingActivation]:
    """Paid or trial services not yet activated, for the staff queue (CAT-03, PRV-01):
    overdue first, then by the commencement deadline, soonest first."""
    today = today or timezone.localdate()
    waiting = (
        _services()
        .filter(
            Q(status=ServiceStatus.PROVISIONING)
            | Q(status__in=(ServiceStatus.TRIAL, ServiceStatus.ACTIVE), activated_at__isnull=True)
        )
        .order_by(F("commencement_deadline").asc(nulls_last=True), "created_at", "id")
    )
    rows = []
    for service in waiting:
        deadline = service.commencement_deadline
        rows.append(
            AwaitingActivation(
                service=service,
                commencement_deadline=deadline,
                working_days_left=(
                    working_days_between(today, deadline) if deadline is not None else None
                ),
                is_overdue=deadline is not None and today > deadline,
            )
        )
    rows.sort(key=lambda row: not row.is_overdue)  # stable: keeps the deadline order
    return rows


# Cloud pools -------------------------------------------------------------------------------


def pool_capacity(service: Service) -> dict[str, int]:
    """The pool's resources as ordered: ``{"cpu": …, "ram_gb": …, "disk_gb": …}``."""
    specs = service.specs or {}
    capacity = {}
    for name in RESOURCE_NAMES:
        value = specs.get(name)
        capacity[name] = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return capacity


def pool_used(service: Service, *, excluding: PoolServer | None = None) -> dict[str, int]:
    """The resources the pool's live servers take, optionally leaving one server out."""
    servers = PoolServer.objects.filter(service=service, deleted_at__isnull=True)
    if excluding is not None:
        servers = servers.exclude(pk=excluding.pk)
    sums = servers.aggregate(**{name: Sum(name) for name in RESOURCE_NAMES})
    return {name: sums[name] or 0 for name in RESOURCE_NAMES}


@dataclass(frozen=True)
class PoolUsage:
    """A cloud pool's resources: what it has, what its servers take, what is free (ORD-05)."""

    capacity: dict[str, int]
    used: dict[str, int]

    @property
    def free(self) -> dict[str, int]:
        return {name: self.capacity[name] - self.used[name] for name in RESOURCE_NAMES}


def pool_usage(service: Service) -> PoolUsage:
    return PoolUsage(capacity=pool_capacity(service), used=pool_used(service))


def pool_servers(service: Service) -> QuerySet[PoolServer]:
    """The live servers of a cloud pool, by name."""
    return PoolServer.objects.filter(service=service, deleted_at__isnull=True).select_related(
        "os_image"
    )


def client_pool_server(client, public_id: str) -> PoolServer:
    """A live server of one of the client's pools by its public id; another client's is not
    found."""
    server = (
        PoolServer.objects.filter(
            service__client=client, public_id=public_id, deleted_at__isnull=True
        )
        .select_related("service", "os_image")
        .first()
    )
    if server is None:
        raise NotFound("server")
    return server


def client_service_counts(client) -> list[tuple[str, str, int]]:
    """How many of ``client``'s services are in each state, as (state, label, count) in the
    order of the life cycle, states without services left out (issue 11 §8)."""
    counts = dict(
        Service.objects.filter(client=client)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return [
        (value, label, counts[value]) for value, label in ServiceStatus.choices if value in counts
    ]


def client_id_lookups_by_order_number(number: str) -> list[QuerySet]:
    """A look-up (not yet run) of the client of the order numbered ``number`` (2026-00042),
    for the staff search's UNION (issue 11 §8)."""
    return [Order.objects.filter(number=number).values_list("client_id")]


def client_id_lookups_by_host_name(query: str) -> list[QuerySet]:
    """A look-up (not yet run) of the clients with a service under the host name ``query``,
    by its keyed hash, for the staff search's UNION (issue 11 §8); none when ``query`` is no
    host name."""
    try:
        host_name = clean_host_name(query)
    except DomainError:
        return []
    if not host_name or "." not in host_name:
        return []
    index = Service._meta.get_field("host_name_index").index_of(host_name)
    return [Service.objects.filter(host_name_index=index).values_list("client_id")]


def client_id_lookups_by_number(number: int) -> list[QuerySet]:
    """Look-ups (not yet run) of the clients of the order and of the service whose reader
    number is ``number``: primary-key look-ups for the staff search's UNION (issue 11 §8)."""
    return [
        Order.objects.filter(pk=number).values_list("client_id"),
        Service.objects.filter(pk=number).values_list("client_id"),
    ]


def live_services_by_host_name(host_name: str) -> list[Service]:
    """The live (not pending, not terminated) services running under ``host_name`` or under
    one of its parent domains (a report about ``www.shop.example`` finds the service of
    ``shop.example``), by the keyed hash of each name; none when it is no host name. For the
    abuse desk's look-up of the services a complaint is about (ABU-01)."""
    try:
        cleaned = clean_host_name(host_name)
    except DomainError:
        return []
    if not cleaned or "." not in cleaned:
        return []
    labels = cleaned.split(".")
    candidates = [".".join(labels[start:]) for start in range(len(labels) - 1)]
    index = Service._meta.get_field("host_name_index")
    return list(
        _services()
        .filter(host_name_index__in=[index.index_of(name) for name in candidates])
        .exclude(status__in=[ServiceStatus.PENDING, ServiceStatus.TERMINATED])
        .order_by("id")
    )


def live_services_on_modules(module_names: list[str]):
    """Active services run by one of the named provisioning modules, in id order, read in
    chunks (the hourly usage collection walks them one by one)."""
    return (
        _services()
        .filter(status=ServiceStatus.ACTIVE, module_name__in=module_names)
        .order_by("id")
        .iterator(chunk_size=500)
    )
