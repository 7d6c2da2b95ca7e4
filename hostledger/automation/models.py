"""What the billing run writes besides invoices, ledger rows and status changes (AUT-01 … 06).

Every effect of the run has a unique key in the database, so running again, two runs at
once or a run killed half-way and started again end in the state of one clean run (habit 2):

* a :class:`ServiceRenewal` per (service, period start) — the renewal invoice of a period;
* a :class:`PenaltyAccrual` per invoice — the late-payment penalty accrued so far (BIL-07);
* an :class:`AutomatedDecision` per (kind, subject) — a termination proposed or made by the
  run, with its inputs, for staff to confirm and the client to have reviewed (AUT-06);
* notifications keyed by what they are about (``hostledger.notifications``).

:class:`BillingClock` is the one row every chunk of every run locks first: it serialises
concurrent runs chunk by chunk and remembers the latest moment the run was made as of, since
time only moves forward.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class BillingClock(models.Model):
    """The single row (``id = 1``) that orders billing runs (AUT-01)."""

    as_of = models.DateTimeField(null=True, blank=True, help_text="Latest moment run as of.")
    completed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Billing day of the latest run that went through every client to the end.",
    )
    seen_transaction_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Highest ledger transaction id when that run began going through the "
        "clients: money posted after it is looked at again on the same day.",
    )
    acts_formed_through = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the last finished month whose acts of acceptance the run "
        "has formed (DOC-01); later finished months are formed by the next run.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"billing clock at {self.as_of}"


class ServiceRenewal(models.Model):
    """One renewal period of a service and the proforma that bills it (AUT-01).

    Issued ``automation.renewal_invoice_days_ahead`` days before ``starts_on``; ``paid`` once
    its invoice is paid from the balance, when the period is stored as a
    :class:`~hostledger.subscriptions.models.ServicePeriod`; ``cancelled`` when the service
    ended before the period was paid. One row per (service, start).
    """

    class State(models.TextChoices):
        INVOICED = "invoiced", _("Invoiced, awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="renewals"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="renewal"
    )
    net_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVOICED)
    issued_at = models.DateTimeField()
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["service", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_on"], name="automation_renewal_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="automation_renewal_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "state"], name="automation_renewal_client_idx"),
            models.Index(fields=["state", "starts_on"], name="automation_renewal_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} from {self.starts_on}"

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)


class PenaltyAccrual(models.Model):
    """The late-payment penalty of one unpaid renewal invoice, accrued day by day (BIL-07).

    ``amount_minor`` is ``gross * rate * days`` rounded half up to the cent, computed afresh
    from ``days`` on every run (never added to), so the figure is exact however often the
    run goes. The rate in force when the delay began is kept in ``rate_ppm`` (parts per
    million per day: 0.1 % is 1,000). When the invoice is paid the accrual stops and is
    posted to the ledger once (``transaction``), shown separately from the invoice.
    """

    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="penalty"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    base_minor = models.BigIntegerField(help_text="The unpaid gross amount.")
    rate_ppm = models.PositiveIntegerField()
    days = models.PositiveIntegerField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    delay_from = models.DateField(help_text="First day of delay: the day after the due date.")
    accrued_through = models.DateField()
    settled = models.BooleanField(default=False)
    transaction = models.OneToOneField(
        "ledger.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["invoice"]
        indexes = [models.Index(fields=["client", "settled"], name="automation_penalty_cli_idx")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount_minor} over {self.days} days"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class AutomatedDecision(models.Model):
    """A decision with legal effect on a client that the run proposed or made (AUT-06).

    ``inputs`` are the facts it rested on (invoice, amounts, dates, settings in force).
    ``proposed`` waits for staff to confirm (``applied``) or reject; with the provider's
    automatic setting on, the run applies it at once and it stays open to review. The client
    may ask for a human review (``review_requested``), which staff answer by confirming or
    reversing it.
    """

    class Kind(models.TextChoices):
        TERMINATE_FOR_DEBT = "terminate_for_debt", _("Terminate the contract for debt")
        TERMINATE_FOR_VERIFICATION = (
            "terminate_verification",
            _("Terminate the contract: data verification unanswered"),
        )
        TERMINATE_FOR_ABUSE = (
            "terminate_abuse",
            _("Terminate the service: abuse violation not remedied"),
        )
        RECLAIM_IP_ADDRESSES = "reclaim_ip_addresses", _("Reclaim under-used IP addresses")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting staff")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected by staff")
        LAPSED = "lapsed", _("No longer needed")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dec"), editable=False
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    subject_key = models.CharField(
        max_length=120, help_text="What the decision is about, e.g. the unpaid invoice."
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="automated_decisions",
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inputs = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices)
    automatic = models.BooleanField(default=False, help_text="Applied without staff.")
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(blank=True)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key"], name="automation_decision_once_per_subject"
            )
        ]
        indexes = [models.Index(fields=["state", "kind"], name="automation_decision_state_idx")]

    def __str__(self) -> str:
        return self.public_id
