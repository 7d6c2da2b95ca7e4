"""Usage records of metered items and the usage charges billed from them (CAT-02, BIL-08).

A :class:`UsageRecord` is one measurement from the provider's own accounting instruments
(seed 003 §4.2): how much of a metered item (GB-hours of disk, GB of traffic) a service used
in a time window. Records are appended and never changed; a record delivered again under the
same source and external id is stored once. A :class:`UsageCharge` is what was billed for one
service, one metered item and one monthly usage period: stored once when billed, never
recomputed (habit 1), and its unique key makes billing exactly-once (habit 2).

Quantities are whole millionths of the item's unit in a ``BigIntegerField``, as in the
catalog (``hostledger.catalog.models.MICRO_PLACES``); amounts are whole cents. Both tables
carry the client's id so they can be partitioned or sharded by client (ARCHITECTURE,
scale-out path). Rows are written only by ``hostledger.metering.actions`` and read by
``hostledger.metering.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hostledger.catalog.models import from_micro
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class UsageIsAppendOnly(Exception):
    """Raised when code tries to change or remove a usage record or a usage charge."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows can be read and appended, never updated or deleted in bulk (habit 1)."""

    def update(self, **kwargs):
        raise UsageIsAppendOnly("Usage rows are never updated; record a correction instead.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise UsageIsAppendOnly("Usage rows are never updated; record a correction instead.")

    def delete(self):
        raise UsageIsAppendOnly("Usage rows are never deleted.")

    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row that is inserted once and then only read (habit 1)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Insert a new row; a stored row is never written again."""
        if not self._state.adding:
            raise UsageIsAppendOnly(f"{type(self).__name__} rows are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise UsageIsAppendOnly(f"{type(self).__name__} rows are never deleted.")


class UsageRecord(AppendOnlyModel):
    """How much of a metered item a service used between ``window_start`` and ``window_end``
    (BIL-08, seed 003 §4.2: the provider's own accounting instruments are the basis).

    ``source`` names the instrument or module that measured it and ``external_id`` is its own
    id of the measurement: the pair is the record's identity, so a delivery repeated by the
    sender stores nothing new (habit 2). The database key includes the client, so the table
    can be partitioned by client; the actions refuse the same pair for another client too.
    A record belongs to the usage period its ``window_start`` falls in (provider's time zone).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "use"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="usage_records"
    )
    metered_item = models.ForeignKey(
        "catalog.MeteredItem", on_delete=models.PROTECT, related_name="usage_records"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    quantity_micro = models.BigIntegerField(
        help_text="Millionths of the metered item's unit (1.5 GB is 1500000)."
    )
    source = models.CharField(max_length=60)
    external_id = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "source", "external_id"], name="metering_usage_record_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity_micro__gte=0), name="metering_usage_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")),
                name="metering_usage_window_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "service", "metered_item", "window_start"],
                name="metering_usage_service_idx",
            ),
            models.Index(fields=["window_start"], name="metering_usage_window_idx"),
            models.Index(fields=["source", "external_id"], name="metering_usage_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"

    @property
    def quantity(self) -> Decimal:
        return from_micro(self.quantity_micro)


class UsageCharge(AppendOnlyModel):
    """What one service was billed for one metered item in one usage period (BIL-08, CAT-02).

    Written once when the period is billed, with the figures as they were then: the total
    used, the quantity the fee included, the billable excess, the unit price and the amount
    (the excess priced and rounded once, half up, to cents: ``catalog.pricing``). ``invoice``
    is the proforma (later the final invoice) that billed it; it is empty when nothing was
    billable, and the row still records that the period is done, so it is never billed
    again. One row per (service, metered item, period start): billing twice bills once.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "usc"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="usage_charges"
    )
    metered_item = models.ForeignKey(
        "catalog.MeteredItem", on_delete=models.PROTECT, related_name="usage_charges"
    )
    period_start = models.DateField()
    period_end = models.DateField(help_text="Last day of the period (inclusive).")
    total_quantity_micro = models.BigIntegerField()
    included_quantity_micro = models.BigIntegerField()
    billable_quantity_micro = models.BigIntegerField()
    unit_price_micro = models.BigIntegerField()
    amount_minor = models.BigIntegerField(help_text="Net amount billed, before VAT.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usage_charges",
    )
    billed_at = models.DateTimeField()
    billed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["service", "period_start", "metered_item"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "service", "metered_item", "period_start"],
                name="metering_usage_charge_once",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="metering_charge_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(total_quantity_micro__gte=0)
                & Q(included_quantity_micro__gte=0)
                & Q(billable_quantity_micro__gte=0)
                & Q(billable_quantity_micro__lte=F("total_quantity_micro")),
                name="metering_charge_quantities",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="metering_charge_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "period_start"], name="metering_charge_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}/{self.metered_item_id} from {self.period_start}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def total_quantity(self) -> Decimal:
        return from_micro(self.total_quantity_micro)

    @property
    def included_quantity(self) -> Decimal:
        return from_micro(self.included_quantity_micro)

    @property
    def billable_quantity(self) -> Decimal:
        return from_micro(self.billable_quantity_micro)
