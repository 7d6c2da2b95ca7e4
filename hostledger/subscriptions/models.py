"""Orders, services, their billed periods and status history, cloud pool servers (ORD).

An :class:`Order` is the record of what a client asked for and at which prices (ORD-01); it
is never edited after it was placed, only moved from placed to paid or cancelled by a
conditional UPDATE. A :class:`Service` is one ordered instance of a product; it moves through
the states of ORD-02 and each move is a :class:`ServiceStatusChange` row. The periods a
service was billed for are stored as :class:`ServicePeriod` rows, never recomputed (habit 1).
A cloud data-center service is a pool of resources in which the client creates
:class:`PoolServer` rows (ORD-05).

Amounts are whole minor units (cents) in a ``BigIntegerField`` plus a currency code. Rows
are written only by ``hostledger.subscriptions.actions`` and read by
``hostledger.subscriptions.selectors``.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hostledger.core.errors import DomainError
from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money

RESOURCE_NAMES = ("cpu", "ram_gb", "disk_gb")
"""The resources of a virtual server or a cloud pool, as tariffs state them (ORD-05)."""


class OrderPlacedError(DomainError):
    """A placed order or one of its items was about to be changed."""

    def __init__(self) -> None:
        super().__init__(
            "order_placed",
            gettext("A placed order is a record of what was asked and is never changed."),
            fields={"order": "placed orders are never edited"},
            status=409,
        )


class OrderNumberCounter(models.Model):
    """The last order number given in one calendar year (ORD-01).

    Read and advanced only by :func:`hostledger.subscriptions.numbering.order_number_next`
    under this row's lock, in the transaction that stores the order, so numbers of a year run
    1, 2, 3, … without gaps.
    """

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"orders of {self.year}: last {self.last_number}"


class Order(models.Model):
    """What a client asked for in the control panel and the prices at that moment (ORD-01).

    The tariff, its resources, the add-ons with quantities, the OS image, the period and the
    payer are stored as chosen, and each item's monthly fee in force for the first period is
    stored on an :class:`OrderItem`, so the order reads the same after the catalog changes.
    A paid order is billed by ``proforma``; a free trial has none. ``trial_service`` is set
    on an order that pays for a service the client has been trying for free (CAT-04), which
    becomes active when this order is paid.
    """

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed, awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        FREE_TRIAL = "free_trial", _("Free trial")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ord"), editable=False
    )
    number = models.CharField(
        max_length=20,
        blank=True,
        help_text="The order's number for people, from a yearly series: 2026-00042 (ORD-01). "
        "Printed as the order reference (BT-13) of the invoices that bill it.",
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="orders")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="orders")
    family = models.ForeignKey(
        "catalog.ProductFamily", on_delete=models.PROTECT, related_name="orders"
    )
    tariff = models.ForeignKey("catalog.Tariff", on_delete=models.PROTECT, related_name="orders")
    tariff_specs = models.JSONField(
        default=dict, blank=True, help_text="The tariff's resources when the order was placed."
    )
    os_image = models.ForeignKey(
        "catalog.OsImage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    period_months = models.PositiveSmallIntegerField()
    period_starts_on = models.DateField()
    period_ends_on = models.DateField(help_text="Last day of the first period (inclusive).")
    is_trial = models.BooleanField(default=False)
    trial_days = models.PositiveSmallIntegerField(null=True, blank=True)
    start_at_once = models.BooleanField(
        default=False,
        help_text=(
            "The client asked explicitly for the service to start before the withdrawal "
            "period ends (ORD-07)."
        ),
    )
    trial_service = models.ForeignKey(
        "Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversion_orders",
    )
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    net_minor = models.BigIntegerField(
        help_text="Sum of the items for the whole first period, less the discount."
    )
    coupon = models.ForeignKey(
        "catalog.Coupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The coupon redeemed with the order (decision 0055).",
    )
    discount_minor = models.BigIntegerField(
        default=0, help_text="What the coupon or the quote's discount took off the first period."
    )
    quote = models.ForeignKey(
        "Quote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The quote the client accepted into this order (decision 0055).",
    )
    proforma = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_months__gte=1), name="subscriptions_order_period_positive"
            ),
            models.CheckConstraint(
                condition=Q(period_ends_on__gte=F("period_starts_on")),
                name="subscriptions_order_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(net_minor__gte=0), name="subscriptions_order_net_not_negative"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="subscriptions_order_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="subscriptions_order_cli_idx")]

    def __str__(self) -> str:
        return self.public_id

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise OrderPlacedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise OrderPlacedError()

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.currency)

    @property
    def service(self) -> Service | None:
        """The service this order is for: the trial it pays, or the one it created."""
        if self.trial_service_id is not None:
            return self.trial_service
        return self.services.order_by("id").first()


class OrderItem(models.Model):
    """One priced item of an order: the tariff, an add-on or a paid OS licence (ORD-01).

    ``monthly_fee_minor`` is the fee in force for the first period when the order was placed
    (CAT-06); ``amount_minor`` is that fee times ``quantity`` times ``months``, the net amount
    of the item's invoice line. ``name`` and ``code`` are the catalog's at that moment.
    """

    class Kind(models.TextChoices):
        TARIFF = "tariff", _("Tariff")
        ADD_ON = "add_on", _("Add-on")
        OS_LICENCE = "os_licence", _("Operating system licence")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    tariff = models.ForeignKey(
        "catalog.Tariff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    add_on = models.ForeignKey(
        "catalog.AddOn", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    os_image = models.ForeignKey(
        "catalog.OsImage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    monthly_fee_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    quantity = models.PositiveIntegerField(default=1)
    months = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="subscriptions_order_item_position"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="subscriptions_order_item_quantity"
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee_minor__gte=0), name="subscriptions_order_item_fee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} x{self.quantity}, {self.months} months"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise OrderPlacedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise OrderPlacedError()

    @property
    def monthly_fee(self) -> Money:
        return Money(self.monthly_fee_minor, self.currency)

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class ServiceStatus(models.TextChoices):
    """The states of a service (ORD-02)."""

    PENDING = "pending", _("Pending payment")
    TRIAL = "trial", _("Free trial")
    PROVISIONING = "provisioning", _("Provisioning")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ServiceStatus.PENDING: frozenset(
        {ServiceStatus.PROVISIONING, ServiceStatus.TRIAL, ServiceStatus.TERMINATED}
    ),
    ServiceStatus.TRIAL: frozenset({ServiceStatus.ACTIVE, ServiceStatus.TERMINATED}),
    ServiceStatus.PROVISIONING: frozenset({ServiceStatus.ACTIVE, ServiceStatus.TERMINATED}),
    ServiceStatus.ACTIVE: frozenset({ServiceStatus.SUSPENDED, ServiceStatus.TERMINATED}),
    ServiceStatus.SUSPENDED: frozenset({ServiceStatus.ACTIVE, ServiceStatus.TERMINATED}),
    ServiceStatus.TERMINATED: frozenset(),
}
"""Where a service may go from each state (ORD-02): ``pending → provisioning → active ⇄
suspended → terminated``, a free trial ``pending → trial → active`` (once paid) or ``trial →
terminated``, and any live state may be terminated."""


class Party(models.TextChoices):
    """A party of the contract (ORD-08)."""

    CLIENT = "client", _("Client")
    PROVIDER = "provider", _("Provider")


class NoticeKind(models.TextChoices):
    """How a party ends the contract (ORD-08): against its renewal at the end of the term
    (seed 003 §11.2), or early with the termination notice (§11.3)."""

    NON_RENEWAL = "non_renewal", _("Notice against renewal")
    TERMINATION = "termination", _("Termination with notice")


class SuspensionReason(models.TextChoices):
    """Why a service is suspended: a suspension for debt ends by itself when the debt is paid
    (AUT-03), one for an overdue data verification when the restriction has lifted and the
    periods missed are paid (ACC-10); staff end their own."""

    DEBT = "debt", _("Unpaid renewal")
    VERIFICATION = "verification", _("Not renewed: data verification overdue")
    OTHER = "other", _("Suspended by staff")


class Service(models.Model):
    """One ordered instance of a product and where it stands in its life (ORD-02).

    The tariff, its resources (``specs``, ORD-05), add-ons and OS image are those of the
    order. ``module_name`` is the provisioning module that builds and runs it (PRV-01);
    ``module_service_id`` and ``module_data`` are what the module reported back (technical
    identifiers of the provider's resources). ``commencement_deadline`` is the last day on
    which it must start, counted in working days from the payment (CAT-03).
    ``contract_started_on`` is the day the client concluded the contract by placing the
    order; ``trial_ends_on`` is the last day of a free trial (CAT-04).

    The contract runs for terms of ``subscriptions.contract_term_months`` from
    ``contract_started_on``; ``contract_ends_on`` is the last day of the current term and is
    moved on by one term when it ends without notice (ORD-08). A notice against renewal or a
    termination notice records who gave it (``notice_party``, ``notice_given_by``), when, and
    ``notice_effective_on``, the first day the contract no longer runs.

    The billing run renews the service period after period (AUT-01): ``invoiced_through``
    is the last day billed and ``paid_through`` the last day paid; each renewal lasts
    ``renewal_months`` and repeats the payer data and VAT treatment of ``billing_invoice``.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "svc"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="services")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="services")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="services")
    family = models.ForeignKey(
        "catalog.ProductFamily", on_delete=models.PROTECT, related_name="services"
    )
    tariff = models.ForeignKey("catalog.Tariff", on_delete=models.PROTECT, related_name="services")
    specs = models.JSONField(default=dict, blank=True)
    os_image = models.ForeignKey(
        "catalog.OsImage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
    )
    status = models.CharField(max_length=12, choices=ServiceStatus.choices)
    status_changed_at = models.DateTimeField()
    is_trial = models.BooleanField(default=False)
    trial_ends_on = models.DateField(null=True, blank=True)
    contract_started_on = models.DateField()
    commencement_deadline = models.DateField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    contract_ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day (inclusive) of the contract's current term (ORD-08).",
    )
    notice_kind = models.CharField(max_length=12, choices=NoticeKind.choices, blank=True)
    notice_party = models.CharField(max_length=10, choices=Party.choices, blank=True)
    notice_given_at = models.DateTimeField(null=True, blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notice_effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="First day on which the contract no longer runs because of the notice.",
    )
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Length of each renewal period, from the order."
    )
    invoiced_through = models.DateField(
        null=True,
        blank=True,
        help_text="Last day (inclusive) of the last period billed, by the order or a renewal.",
    )
    paid_through = models.DateField(
        null=True, blank=True, help_text="Last day (inclusive) of the last period paid."
    )
    billing_invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # only read through the service; moving it must stay a cheap update
        help_text="The invoice whose payer data and VAT treatment the next renewal repeats.",
    )
    suspension_reason = models.CharField(
        max_length=12, choices=SuspensionReason.choices, blank=True
    )
    coupon = models.ForeignKey(
        "catalog.Coupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        help_text="An every-period coupon the renewals of the service apply (decision 0055).",
    )
    module_name = models.CharField(max_length=40)
    module_service_id = models.CharField(max_length=200, blank=True)
    module_data = models.JSONField(default=dict, blank=True)
    host_name = EncryptedTextField(
        blank=True,
        help_text="The domain or server name the service runs under, set by staff; staff "
        "search finds the client by it (issue 11 §8).",
    )
    host_name_index = BlindIndexField(source="host_name", purpose="host-name")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"], name="subscriptions_svc_cli_idx"),
            models.Index(fields=["status", "family"], name="subscriptions_svc_status_idx"),
            # The billing run's "what needs a renewal invoice" (AUT-01): on a day with little
            # due it reads a few index entries instead of every live service.
            models.Index(
                fields=["invoiced_through", "client"],
                condition=Q(status__in=["provisioning", "active", "suspended"]),
                name="subscriptions_svc_renew_idx",
            ),
            # Trials that ran out (CAT-04): the few trial rows, not every service.
            models.Index(
                fields=["trial_ends_on"],
                condition=Q(status="trial"),
                name="subscriptions_svc_trial_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_live(self) -> bool:
        return self.status != ServiceStatus.TERMINATED

    def can_become(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]

    def commencement_overdue(self, today: date) -> bool:
        """Whether the commencement term ran out before the service started (CAT-03)."""
        return (
            self.commencement_deadline is not None
            and self.activated_at is None
            and today > self.commencement_deadline
        )


class ServiceAddOn(models.Model):
    """An add-on a service has, with how many of it (CAT-02)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="add_ons")
    add_on = models.ForeignKey("catalog.AddOn", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "add_on"], name="subscriptions_service_add_on_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="subscriptions_service_add_on_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.add_on_id} x{self.quantity}"


class ServicePeriod(models.Model):
    """A period a service was billed and paid for (ORD-03, habit 1).

    ``starts_on`` and ``ends_on`` are both inclusive: a month from 1 March is 1 March to
    31 March, as the invoice line prints it. ``amount_minor`` is the net amount billed for
    the period; ``invoice`` is the invoice that billed it. One row per (service, start), so a
    payment applied twice records the period once.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_periods",
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="periods"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_on"], name="subscriptions_period_once_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="subscriptions_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class ServiceStatusChange(models.Model):
    """One move of a service from a state to another, with reason, actor and time (ORD-02).

    ``from_status`` is empty on the row that records the creation of the service. ``actor``
    is null when the system made the change (a payment, a provisioning module, a job).
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ServiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ServiceStatus.choices)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["service", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class PoolServer(models.Model):
    """A virtual server a client created inside a cloud data-center pool (ORD-05).

    Its resources count against the pool's ``specs``; the sums of the live servers (those
    not deleted) never exceed the pool. Deleted servers are kept with ``deleted_at``.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "vsr"), editable=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="pool_servers")
    name = models.CharField(max_length=63)
    cpu = models.PositiveIntegerField()
    ram_gb = models.PositiveIntegerField()
    disk_gb = models.PositiveIntegerField()
    os_image = models.ForeignKey("catalog.OsImage", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"],
                condition=Q(deleted_at__isnull=True),
                name="subscriptions_pool_server_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(cpu__gte=1) & Q(ram_gb__gte=1) & Q(disk_gb__gte=1),
                name="subscriptions_pool_server_resources_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceChange(models.Model):
    """An upgrade or downgrade of a service's tariff or add-on quantities (ORD-04, ORD-03).

    ``from_*`` and ``to_*`` record the plan before and after (add-ons as
    ``[{"add_on": id, "code": …, "name": …, "quantity": n}]``). The change is billed from
    ``effective_on``, the day it was asked for, to the end of each paid period; ``lines``
    stores what was billed or credited for each period (``period``, ``starts_on``,
    ``ends_on``, ``first``, ``period_delta_minor`` — the difference of the whole period at the
    two plans — and ``amount_minor``, its prorated share), so that a later cancellation reads
    what was billed instead of recomputing it (habit 1). ``amount_minor`` is their sum: above
    zero the client pays it on ``invoice``, below zero it went back to the balance by credit
    notes (``ServiceCredit`` rows). An upgrade waits ``pending`` until its invoice is paid
    (ORD-03); at most one change of a service is pending at a time.
    """

    class Direction(models.TextChoices):
        UPGRADE = "upgrade", _("Upgrade")
        DOWNGRADE = "downgrade", _("Downgrade")
        EVEN = "even", _("Change without a price difference")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "chg"), editable=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plan_changes")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    from_tariff = models.ForeignKey("catalog.Tariff", on_delete=models.PROTECT, related_name="+")
    to_tariff = models.ForeignKey("catalog.Tariff", on_delete=models.PROTECT, related_name="+")
    from_add_ons = models.JSONField(default=list, blank=True)
    to_add_ons = models.JSONField(default=list, blank=True)
    effective_on = models.DateField()
    lines = models.JSONField(default=list, blank=True)
    amount_minor = models.BigIntegerField(
        help_text="Net prorated difference: above zero billed, below zero credited."
    )
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_changes",
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(state="pending"),
                name="subscriptions_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class ServiceCancellation(models.Model):
    """The end of a service asked for by a party (ORD-06, ORD-07, ORD-08).

    ``kind`` says on what ground: a cancellation filed by the client with the notice period
    (ORD-06), a consumer's withdrawal (ORD-07), or the end of the contract by a notice against
    renewal or a termination notice (ORD-08). ``effective_on`` is the day the service is
    deactivated, the first day it is not provided and not paid for. A request stays
    ``requested`` until it is carried out on that day or withdrawn; at most one is open per
    service. ``refund_minor`` is the net amount given back to the balance by credit notes
    (``ServiceCredit`` rows) when it was carried out.
    """

    class Kind(models.TextChoices):
        CANCELLATION = "cancellation", _("Cancellation")
        WITHDRAWAL = "withdrawal", _("Consumer withdrawal")
        CONTRACT_NOTICE = "contract_notice", _("Notice against renewal")
        CONTRACT_TERMINATION = "termination", _("Termination with notice")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CARRIED_OUT = "carried_out", _("Carried out")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "cnl"), editable=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cancellations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    party = models.CharField(max_length=10, choices=Party.choices, default=Party.CLIENT)
    state = models.CharField(max_length=12, choices=State.choices)
    requested_on = models.DateField()
    effective_on = models.DateField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    carried_out_at = models.DateTimeField(null=True, blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)

    class Meta:
        ordering = ["service", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(state="requested"),
                name="subscriptions_cancellation_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "effective_on"], name="subscriptions_cnl_due_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def refund(self) -> Money:
        return Money(self.refund_minor, self.currency)


class ServiceCredit(models.Model):
    """A credit note that gave money for a service back to the balance (ORD-04, ORD-06,
    ORD-07): which invoice it corrected, for which days, and the net amount credited. Written
    by a downgrade (``change``) or by a cancellation or withdrawal (``cancellation``)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="credits")
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", on_delete=models.PROTECT, related_name="service_credits"
    )
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey(
        ServiceChange, on_delete=models.PROTECT, null=True, blank=True, related_name="credits"
    )
    cancellation = models.ForeignKey(
        ServiceCancellation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    net_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(net_minor__gt=0), name="subscriptions_credit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id}: {self.net_minor}"


from hostledger.subscriptions.quote_models import (  # noqa: E402, F401  (one models module)
    Quote,
    QuoteLine,
    QuoteStatus,
)
