"""Interruptions reported by clients and the compensation they earn, planned maintenance
windows, and part repairs of dedicated servers (SUP-03, SUP-04, SUP-07, BIL-09)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class InterruptionStatus(models.TextChoices):
    REPORTED = "reported", _("Reported, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed, service interrupted")
    RESTORED = "restored", _("Restored")
    REJECTED = "rejected", _("Not confirmed")


class Interruption(models.Model):
    """A client's report that one of its services is interrupted (SUP-03).

    The interruption counts from ``confirmed_at``, when staff confirm the report, to
    ``restored_at``, when staff tell the client the service is back (seed 003 §3.2); a report
    staff reject counts nothing and keeps the reason. ``description`` is the client's own words
    and is personal data, encrypted under the client's key. ``fix_due_on`` is the last day the
    provider has to fix a malfunction in its zone, counted in working days from the
    confirmation (§2.1.4). Confirmed time feeds the compensation of the month (BIL-09).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "int"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="interruptions"
    )
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="interruptions"
    )
    status = models.CharField(max_length=12, choices=InterruptionStatus.choices)
    description = EncryptedTextField(help_text="What the client reported, in its own words.")
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fix_due_on = models.DateField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = EncryptedTextField(
        blank=True, help_text="Why staff did not confirm the report, as the client reads it."
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["client", "reported_at"], name="incidents_int_client_idx"),
            models.Index(fields=["status", "reported_at"], name="incidents_int_status_idx"),
            models.Index(fields=["service", "confirmed_at"], name="incidents_int_service_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True)
                | Q(confirmed_at__isnull=False, restored_at__gte=F("confirmed_at")),
                name="incidents_interruption_restored_after_confirmed",
            ),
            # One open report per service: two people reporting the same outage at once get
            # one record, the second a clear refusal.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status__in=[InterruptionStatus.REPORTED, InterruptionStatus.CONFIRMED]),
                name="incidents_interruption_one_open_per_service",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return self.status in (InterruptionStatus.REPORTED, InterruptionStatus.CONFIRMED)


class InterruptionCompensation(models.Model):
    """The compensation of one service for one calendar month of confirmed interruptions,
    computed once in the month after (BIL-09, seed 003 §7.8) and never again: one row per
    (service, month).

    ``downtime_seconds`` is the confirmed interruption time inside the month,
    ``availability_percent`` what it left of the month, ``percent`` the SLA table's band for
    it, ``charge_minor`` the service's charge for the month (its paid periods' gross, prorated
    to the days of the month), ``computed_minor`` that percent of the charge and
    ``granted_minor`` what was credited to the balance after the cap of the previous period's
    charges (BIL-09). ``ledger_transaction_id`` is the ledger credit, when one was posted.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "cmp"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="interruption_compensations"
    )
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="compensations"
    )
    month = models.DateField(help_text="First day of the month the interruptions fell in.")
    downtime_seconds = models.BigIntegerField()
    availability_percent = models.DecimalField(max_digits=7, decimal_places=4)
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    charge_minor = models.BigIntegerField()
    computed_minor = models.BigIntegerField()
    granted_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    ledger_transaction_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "month"], name="incidents_compensation_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.month:%Y-%m}"

    @property
    def granted(self) -> Money:
        return Money(self.granted_minor, self.currency)

    @property
    def charge(self) -> Money:
        return Money(self.charge_minor, self.currency)

    @property
    def computed(self) -> Money:
        return Money(self.computed_minor, self.currency)

    @property
    def was_capped(self) -> bool:
        return self.granted_minor < self.computed_minor


class MaintenanceScope(models.TextChoices):
    FAMILIES = "families", _("Services of given products")
    TARIFFS = "tariffs", _("Services of given tariffs")
    SERVICES = "services", _("Given services")


class MaintenanceWindow(models.Model):
    """Planned maintenance from ``starts_at`` to ``ends_at`` affecting the live services of
    given products (family codes), tariffs or services (public ids) (SUP-04, §2.2.12).

    The catalog has no locations, so a window is aimed by product, tariff or service list.
    Announcing it tells each affected client once, through the notifications app, in the
    client's language; ``announcement`` is the notifications' announcement carrying the text
    and ``recipient_count`` how many clients were told. ``description`` is the provider's text
    about its own infrastructure, not about a person.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "mnt"), editable=False
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    scope = models.CharField(max_length=10, choices=MaintenanceScope.choices)
    family_codes = models.JSONField(default=list, blank=True)
    tariff_ids = models.JSONField(default=list, blank=True)
    service_ids = models.JSONField(default=list, blank=True)
    announcement = models.ForeignKey(
        "notifications.Announcement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="incidents_maintenance_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class RepairOutcome(models.TextChoices):
    WITHIN_TERM = "within_term", _("Repaired within the term, no extension")
    EXTENDED = "extended", _("Paid period extended")


class DedicatedRepair(models.Model):
    """A repair of failed parts of a dedicated server, from failure to the end of the repair
    (SUP-07, annex 6 §2.5). A repair longer than ``incidents.repair_extension_after_hours``
    extends the service's paid period by the repair time in whole days rounded up
    (``extension_days``), written into the service history; ``noted_invoice_id`` is the
    renewal invoice that told the client, once one has.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "rep"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="dedicated_repairs"
    )
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="repairs"
    )
    part = models.CharField(max_length=200, help_text="The failed part, as staff name it.")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=RepairOutcome.choices)
    extension_days = models.PositiveIntegerField(default=0)
    paid_through_before = models.DateField(null=True, blank=True)
    paid_through_after = models.DateField(null=True, blank=True)
    noted_invoice_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")), name="incidents_repair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id
