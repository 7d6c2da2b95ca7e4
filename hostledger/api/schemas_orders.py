"""Schemas of orders, services and cloud pool servers (ORD-01 … ORD-05, CAT-03, CAT-04) and the
conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_controls import StaffServiceAccessIn
from hostledger.api.schemas_money import MoneyOut, multiline_text
from hostledger.catalog.models import FamilyCode as FamilyCodes
from hostledger.core.money import Money
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import IdentType
from hostledger.subscriptions.models import (
    Order,
    OrderItem,
    PoolServer,
    Service,
    ServiceStatus,
    ServiceStatusChange,
)
from hostledger.subscriptions.selectors import PoolUsage

FamilyCode = Literal[tuple(FamilyCodes.values)]
OrderStatus = Literal[tuple(Order.Status.values)]
ServiceStatusName = Literal[tuple(ServiceStatus.values)]
OrderItemKind = Literal[tuple(OrderItem.Kind.values)]
IdentTypeName = Literal[tuple(IdentType.values)]
MAX_RESOURCE = 1_000_000
SERVER_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"

PublicId = Annotated[str, Field(pattern=PUBLIC_ID_PATTERN)]
Resource = Annotated[int, Field(ge=1, le=MAX_RESOURCE)]


def _reference(kind: str, example: str, description: str | None = None):
    return Field(
        pattern=PUBLIC_ID_PATTERN,
        description=description or f"Public id of the {kind}.",
        examples=[example],
    )


# ----------------------------------------------------------------------------- orders


class OrderItemOut(Schema):
    """One priced item of an order, as it was placed (ORD-01, CAT-06)."""

    position: int = Field(examples=[1])
    kind: OrderItemKind = Field(description="tariff, add_on or os_licence.")
    code: str = Field(examples=["vps-start"])
    name: str = Field(description="The catalog's name when ordered.", examples=["VPS Start"])
    monthly_fee: MoneyOut = Field(description="The fee in force for the first period.")
    quantity: int = Field(examples=[1])
    months: int = Field(examples=[1])
    amount: MoneyOut = Field(description="Net: fee times quantity times months.")


class OrderSummaryOut(Schema):
    """What a client asked for and at which prices (ORD-01), without its items."""

    id: str = Field(description="Public id of the order.", examples=["ord_3k9d2m7q8w1x4z6v"])
    number: str = Field(
        description="The order's number for people, from a yearly series; invoices print it "
        "as the order reference (BT-13).",
        examples=["2026-00042"],
    )
    status: OrderStatus = Field(
        description="placed (awaiting payment), paid, cancelled or free_trial."
    )
    family: FamilyCode
    tariff_id: str = Field(examples=["trf_3k9d2m7q8w1x4z6v"])
    os_image_id: str | None = Field(examples=["osi_3k9d2m7q8w1x4z6v"])
    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    period_months: int = Field(examples=[1])
    period_starts_on: date
    period_ends_on: date = Field(description="Last day of the first period (inclusive).")
    is_trial: bool = Field(description="A free trial (CAT-04): nothing is billed.")
    trial_days: int | None
    start_at_once: bool = Field(
        description="The client asked for the service to start before the withdrawal period "
        "ends (ORD-07)."
    )
    net: MoneyOut = Field(description="Net amount of the whole first period.")
    proforma_id: str | None = Field(
        description="The proforma billing the order; null for a free trial.",
        examples=["inv_3k9d2m7q8w1x4z6v"],
    )
    trial_service_id: str | None = Field(
        description="The service on a free trial this order continues as a paid one."
    )
    placed_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None


class OrderOut(OrderSummaryOut):
    """An order with its items and the service it is for."""

    tariff_specs: dict[str, int | str] = Field(
        description="The tariff's resources when the order was placed.",
        examples=[{"cpu": 2, "ram_gb": 4, "disk_gb": 80}],
    )
    items: list[OrderItemOut]
    service_id: str | None = Field(
        description="The service this order is for.", examples=["svc_3k9d2m7q8w1x4z6v"]
    )
    coupon: str | None = Field(
        description="The coupon redeemed with the order (decision 0055).", examples=["SPRING15"]
    )
    discount: MoneyOut = Field(
        description="What the coupon took off the first period; ``net`` is after it."
    )


class StaffOrderSummaryOut(OrderSummaryOut):
    """An order in the staff list, with its client."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])


class StaffOrderOut(OrderOut):
    """An order as staff read it, with its client."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])


class AddOnChoiceIn(InputSchema):
    add_on: str = _reference("add-on", "add_3k9d2m7q8w1x4z6v")
    quantity: int = Field(1, ge=1, le=10_000, description="How many (at most the add-on's max).")


class OrderPlaceIn(InputSchema):
    """A new service: the tariff, its add-ons and OS image, the period and the payer (ORD-01).

    The whole period is billed on a proforma, paid from the balance at once if the balance
    covers it; provisioning starts when it is paid (ORD-03). ``trial: true`` asks for the
    family's free trial instead (CAT-04)."""

    tariff: str = _reference("tariff", "trf_3k9d2m7q8w1x4z6v", "Public id of an offered tariff.")
    payer: str = _reference("payer", "pay_3k9d2m7q8w1x4z6v", "Public id of one of your payers.")
    period_months: int = Field(
        ge=1, le=120, description="One of the offered periods (1, 3, 6, 12).", examples=[1]
    )
    add_ons: list[AddOnChoiceIn] = Field(
        default_factory=list, max_length=50, description="Add-ons with quantities."
    )
    os_image: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the operating system, for families installed with one.",
        examples=["osi_3k9d2m7q8w1x4z6v"],
    )
    start_at_once: bool = Field(
        False,
        description="Start before the 14-day withdrawal period ends; the used part is then "
        "charged on withdrawal (ORD-07).",
    )
    trial: bool = Field(False, description="Ask for the family's free trial (CAT-04).")
    coupon: text(
        40,
        "A coupon code (any letter case) lowering the tariff's fee of the first period, or of "
        "every period; one that cannot be used is a 400 naming coupon (decision 0055).",
        ["SPRING15"],
    ) = ""
    trial_days: int | None = Field(
        None, ge=1, le=366, description="Length of the free trial; the family's longest if omitted."
    )
    host_name: text(
        253,
        "The domain to register (domain family), the domain a hosting account serves (both "
        "required), or a server's name (optional). Unicode names are accepted and kept in both "
        "forms (DOM-01). A domain must be free at its registry, in the tariff's zone, and is "
        "ordered for the whole years its registry sells (DOM-03).",
        ["example.ee", "õun.ee", "web1.example.com"],
    ) = ""
    transfer_auth_code: text(
        255,
        "Domains only: the transfer (authorisation) code of a domain held at another "
        "registrar, to transfer it in instead of registering it (DOM-02).",
        ["x7Kp2mQ9"],
    ) = ""
    admin_name: text(
        200, "Domains only: the administrator's name; empty: the client itself (DOM-03).", []
    ) = ""
    admin_email: text(254, "Domains only: the administrator's e-mail address.", []) = ""
    admin_phone: text(40, "Domains only: the administrator's phone, e.g. +372 5555 1234.", []) = ""
    admin_ident: text(
        40,
        "Domains only: the administrator's identification code where the zone demands one "
        "(.ee: an Estonian personal code or registry code). Empty: the client's earlier "
        "domain contact or company registry code, if the zone accepts it.",
        ["37605030299"],
    ) = ""
    admin_ident_type: IdentTypeName | Literal[""] = Field(
        "", description="What admin_ident is: priv, org, birthday or passport."
    )
    admin_ident_country: text(2, "Country of admin_ident (ISO code), e.g. EE.", ["EE"]) = ""

    def domain_admin(self) -> AdminContactInput | None:
        given = AdminContactInput(
            name=self.admin_name,
            email=self.admin_email,
            phone=self.admin_phone,
            ident=self.admin_ident,
            ident_type=self.admin_ident_type,
            ident_country=self.admin_ident_country if self.admin_ident else "",
        )
        return None if given.is_empty else given


class TrialContinuationIn(InputSchema):
    """The paid continuation of a free trial: the service keeps its resource (CAT-04)."""

    payer: str = _reference("payer", "pay_3k9d2m7q8w1x4z6v", "Public id of one of your payers.")
    period_months: int = Field(
        ge=1, le=120, description="One of the offered periods (1, 3, 6, 12).", examples=[1]
    )


class OrderCancelIn(InputSchema):
    reason: multiline_text(500, "Why the order is withdrawn.", ["Ordered by mistake"]) = ""


class OrderFilter(Schema):
    status: OrderStatus | None = Field(None, description="Only in this status.")


class StaffOrderFilter(OrderFilter):
    family: FamilyCode | None = Field(None, description="Only of this product family.")
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client (public id).",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )


# ----------------------------------------------------------------------------- services


class ServiceAddOnOut(Schema):
    add_on_id: str = Field(examples=["add_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["extra-ipv4"])
    name: str = Field(examples=["Extra IPv4"])
    quantity: int = Field(examples=[1])


class ServiceSummaryOut(Schema):
    """One ordered service and where it stands in its life (ORD-02)."""

    id: str = Field(description="Public id of the service.", examples=["svc_3k9d2m7q8w1x4z6v"])
    status: ServiceStatusName = Field(
        description="pending, trial, provisioning, active, suspended or terminated (ORD-02)."
    )
    family: FamilyCode
    tariff_id: str = Field(examples=["trf_3k9d2m7q8w1x4z6v"])
    tariff_name: str = Field(examples=["VPS Start"])
    specs: dict[str, int | str] = Field(
        description="The resources ordered (ORD-05: a cloud pool's capacity).",
        examples=[{"cpu": 2, "ram_gb": 4, "disk_gb": 80}],
    )
    os_image_id: str | None
    add_ons: list[ServiceAddOnOut]
    order_id: str = Field(examples=["ord_3k9d2m7q8w1x4z6v"])
    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    is_trial: bool
    trial_ends_on: date | None = Field(description="Last day of a free trial (CAT-04).")
    contract_started_on: date
    commencement_deadline: date | None = Field(
        description="Last day on which the service must start (CAT-03)."
    )
    status_changed_at: datetime
    activated_at: datetime | None
    terminated_at: datetime | None
    created_at: datetime


class StatusChangeOut(Schema):
    """One move of the service, with reason, who made it and when (ORD-02)."""

    from_status: ServiceStatusName | None = Field(
        description="Null on the change that created the service."
    )
    to_status: ServiceStatusName
    reason: str = Field(examples=["Period paid on 2026-03-02; provisioning started."])
    changed_by: Literal["system", "client", "staff"] = Field(
        description="system: a payment, a provisioning module or a job."
    )
    changed_at: datetime


class ServicePeriodOut(Schema):
    """A period the service was billed and paid for (ORD-03); both days included."""

    starts_on: date
    ends_on: date
    amount: MoneyOut = Field(description="Net amount billed for the period.")
    invoice_id: str | None = Field(examples=["inv_3k9d2m7q8w1x4z6v"])


class ResourcesOut(Schema):
    cpu: int = Field(examples=[8])
    ram_gb: int = Field(examples=[16])
    disk_gb: int = Field(examples=[200])


class PoolUsageOut(Schema):
    """A cloud pool: what it has, what its servers take and what is free (ORD-05)."""

    capacity: ResourcesOut
    used: ResourcesOut
    free: ResourcesOut


class ServiceOut(ServiceSummaryOut):
    """A service with its status history, paid periods and, for a cloud pool, its usage."""

    history: list[StatusChangeOut] = Field(description="Oldest first.")
    periods: list[ServicePeriodOut] = Field(description="Oldest first.")
    pool: PoolUsageOut | None = Field(description="Null unless a cloud data-center pool.")


class StaffServiceFields(Schema):
    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    module_name: str = Field(description="The provisioning module.", examples=["manual"])
    module_service_id: str = Field(description="The module's id of the resource.")


class StaffServiceSummaryOut(ServiceSummaryOut, StaffServiceFields):
    """A service in the staff list, with its client and provisioning module."""


class StaffServiceOut(ServiceOut, StaffServiceFields):
    """A service as staff read it."""


class ActivationQueueItemOut(Schema):
    """A paid or trial service whose resource is not up yet (CAT-03, PRV-01)."""

    service: StaffServiceSummaryOut
    commencement_deadline: date | None
    working_days_left: int | None = Field(
        description="Working days to the deadline; negative once it has passed."
    )
    is_overdue: bool


class ServiceFilter(Schema):
    status: ServiceStatusName | None = Field(None, description="Only in this status.")


class StaffServiceFilter(ServiceFilter):
    family: FamilyCode | None = Field(None, description="Only of this product family.")
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client (public id).",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )


class ServiceActivateIn(InputSchema):
    note: multiline_text(400, "What was done, for the history.", ["Built on host hv-3"]) = ""
    access: StaffServiceAccessIn | None = Field(
        default=None,
        description="Access details of the service built by hand (address, user name, "
        "password; a dedicated server's BMC), kept encrypted (PRV-01).",
    )


class ServiceChangeIn(InputSchema):
    reason: multiline_text(500, "Why the service changes state (ORD-02).", ["Abuse report 42"])


# ----------------------------------------------------------------------------- pool servers


class PoolServerOut(Schema):
    """A virtual server inside a cloud pool (ORD-05)."""

    id: str = Field(description="Public id of the server.", examples=["vsr_3k9d2m7q8w1x4z6v"])
    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    name: str = Field(examples=["web-1"])
    cpu: int = Field(examples=[2])
    ram_gb: int = Field(examples=[4])
    disk_gb: int = Field(examples=[40])
    os_image_id: str = Field(examples=["osi_3k9d2m7q8w1x4z6v"])
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = Field(description="Set once the server is deleted.")


class PoolServerCreateIn(InputSchema):
    name: str = Field(
        max_length=63,
        pattern=SERVER_NAME_PATTERN,
        description="A host name: letters, digits and inner hyphens (stored in lower case).",
        examples=["web-1"],
    )
    cpu: Resource = Field(description="vCPU.", examples=[2])
    ram_gb: Resource = Field(description="Memory in GB.", examples=[4])
    disk_gb: Resource = Field(description="Disk in GB.", examples=[40])
    os_image: str = _reference("OS image", "osi_3k9d2m7q8w1x4z6v")


class PoolServerResizeIn(InputSchema):
    """Only the resources sent change; at least one."""

    cpu: Resource | None = Field(None, description="vCPU.", examples=[4])
    ram_gb: Resource | None = Field(None, description="Memory in GB.", examples=[8])
    disk_gb: Resource | None = Field(None, description="Disk in GB.", examples=[80])


# ----------------------------------------------------------------------------- conversions


def _public_id(related) -> str | None:
    return related.public_id if related is not None else None


def order_summary(order: Order) -> dict:
    """An order (with its catalog items loaded) as :class:`OrderSummaryOut`."""
    return {
        "id": order.public_id,
        "number": order.number,
        "status": order.status,
        "family": order.family.code,
        "tariff_id": order.tariff.public_id,
        "os_image_id": _public_id(order.os_image),
        "payer_id": order.payer.public_id,
        "period_months": order.period_months,
        "period_starts_on": order.period_starts_on,
        "period_ends_on": order.period_ends_on,
        "is_trial": order.is_trial,
        "trial_days": order.trial_days,
        "start_at_once": order.start_at_once,
        "net": order.net,
        "proforma_id": _public_id(order.proforma),
        "trial_service_id": _public_id(order.trial_service),
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "cancelled_at": order.cancelled_at,
    }


def order_detail(order: Order) -> dict:
    """An order as :class:`OrderOut`."""
    return {
        **order_summary(order),
        "tariff_specs": order.tariff_specs or {},
        "items": [
            {
                "position": item.position,
                "kind": item.kind,
                "code": item.code,
                "name": item.name,
                "monthly_fee": item.monthly_fee,
                "quantity": item.quantity,
                "months": item.months,
                "amount": item.amount,
            }
            for item in order.items.all()
        ],
        "service_id": _public_id(order.service),
        "coupon": order.coupon.code.upper() if order.coupon_id else None,
        "discount": order.discount,
    }


def staff_order_summary(order: Order) -> dict:
    return {**order_summary(order), "client_id": order.client.public_id}


def staff_order_detail(order: Order) -> dict:
    return {**order_detail(order), "client_id": order.client.public_id}


def service_summary(service: Service) -> dict:
    """A service (as the subscriptions selectors load it) as :class:`ServiceSummaryOut`."""
    return {
        "id": service.public_id,
        "status": service.status,
        "family": service.family.code,
        "tariff_id": service.tariff.public_id,
        "tariff_name": service.tariff.name,
        "specs": service.specs or {},
        "os_image_id": _public_id(service.os_image),
        "add_ons": [
            {
                "add_on_id": item.add_on.public_id,
                "code": item.add_on.code,
                "name": item.add_on.name,
                "quantity": item.quantity,
            }
            for item in service.add_ons.all()
        ],
        "order_id": service.order.public_id,
        "payer_id": service.payer.public_id,
        "is_trial": service.is_trial,
        "trial_ends_on": service.trial_ends_on,
        "contract_started_on": service.contract_started_on,
        "commencement_deadline": service.commencement_deadline,
        "status_changed_at": service.status_changed_at,
        "activated_at": service.activated_at,
        "terminated_at": service.terminated_at,
        "created_at": service.created_at,
    }


def _changed_by(change: ServiceStatusChange) -> str:
    if change.actor is None:
        return "system"
    return "staff" if change.actor.is_staff else "client"


def _resources(values: dict[str, int]) -> dict[str, int]:
    return {name: values[name] for name in ("cpu", "ram_gb", "disk_gb")}


def service_detail(
    service: Service,
    *,
    history: list[ServiceStatusChange],
    periods: list,
    pool: PoolUsage | None,
) -> dict:
    """A service as :class:`ServiceOut`; ``pool`` is the usage of a cloud pool, else None."""
    return {
        **service_summary(service),
        "history": [
            {
                "from_status": change.from_status or None,
                "to_status": change.to_status,
                "reason": change.reason,
                "changed_by": _changed_by(change),
                "changed_at": change.changed_at,
            }
            for change in history
        ],
        "periods": [
            {
                "starts_on": period.starts_on,
                "ends_on": period.ends_on,
                "amount": Money(period.amount_minor, period.currency),
                "invoice_id": _public_id(period.invoice),
            }
            for period in periods
        ],
        "pool": None
        if pool is None
        else {
            "capacity": _resources(pool.capacity),
            "used": _resources(pool.used),
            "free": _resources(pool.free),
        },
    }


def _staff_fields(service: Service) -> dict:
    return {
        "client_id": service.client.public_id,
        "module_name": service.module_name,
        "module_service_id": service.module_service_id,
    }


def staff_service_summary(service: Service) -> dict:
    return {**service_summary(service), **_staff_fields(service)}


def staff_service_detail(service: Service, **parts) -> dict:
    return {**service_detail(service, **parts), **_staff_fields(service)}


def pool_server_row(server: PoolServer) -> dict:
    """A pool server (with its service and OS image loaded) as :class:`PoolServerOut`."""
    return {
        "id": server.public_id,
        "service_id": server.service.public_id,
        "name": server.name,
        "cpu": server.cpu,
        "ram_gb": server.ram_gb,
        "disk_gb": server.disk_gb,
        "os_image_id": server.os_image.public_id,
        "created_at": server.created_at,
        "updated_at": server.updated_at,
        "deleted_at": server.deleted_at,
    }
