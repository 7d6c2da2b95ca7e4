"""Acts of acceptance, their disputes and requests for paper acts (DOC-01, DOC-02, DOC-03).

Imported at the end of ``hostledger.invoicing.models``, so Django sees these as models of
the invoicing app. An act is formed once per payer, month and currency from the payer's paid
invoices and credit notes (:mod:`hostledger.invoicing.acts` says which line goes where) and
never edited afterwards: its rows and lines refuse ``save()`` once stored and ``delete()``
always; the actions in :mod:`hostledger.invoicing.actions.acts` move it between states with
conditional ``UPDATE`` statements.
"""

from __future__ import annotations

import json
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.core.errors import DomainError
from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class ActFormedError(DomainError):
    """A formed act (or one of its lines) was about to be changed or deleted."""

    def __init__(self):
        super().__init__(
            "act_formed",
            gettext(
                "This act of acceptance has been formed and cannot be changed; a dispute "
                "or a credit note corrects it."
            ),
            fields={"act": "formed acts are never edited"},
            status=409,
        )


class AcceptanceAct(models.Model):
    """The act of acceptance of one payer's services of one calendar month (DOC-01).

    Formed after the month ends with the services rendered in it (net, VAT, gross per line
    and in total) and the payer's and the provider's data as they were at forming. The client
    may dispute it until ``dispute_deadline`` (the last day, inclusive; DOC-02); after that,
    without a dispute, it counts as accepted, whether or not the periodic job has already
    stored ``status=accepted`` (see ``act_status``).
    """

    class Status(models.TextChoices):
        FORMED = "formed", _("Formed, open for dispute")
        ACCEPTED = "accepted", _("Accepted")
        DISPUTED = "disputed", _("Disputed")
        DISPUTE_UPHELD = "dispute_upheld", _("Dispute upheld")

    class Acceptance(models.TextChoices):
        DEADLINE_PASSED = "deadline_passed", _("No dispute within the dispute period")
        CONFIRMED_BY_CLIENT = "confirmed_by_client", _("Confirmed by the client")
        DISPUTE_REJECTED = "dispute_rejected", _("Dispute rejected by staff")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "act"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(help_text="First day of the month the act covers.")
    period_end = models.DateField(help_text="Last day of the month the act covers.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    net_minor = models.BigIntegerField(default=0)
    vat_minor = models.BigIntegerField(default=0)
    gross_minor = models.BigIntegerField(default=0)
    payer_snapshot = EncryptedTextField()
    provider_snapshot = models.JSONField(default=dict)
    formed_on = models.DateField()
    formed_at = models.DateTimeField()
    dispute_deadline = models.DateField(help_text="Last day a dispute is accepted.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FORMED)
    acceptance = models.CharField(max_length=20, choices=Acceptance.choices, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "period_start", "currency"],
                name="invoicing_act_one_per_payer_month",
            ),
            models.CheckConstraint(
                condition=Q(gross_minor=F("net_minor") + F("vat_minor")),
                name="invoicing_act_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="invoicing_act_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "dispute_deadline"], name="invoicing_act_open_idx"),
            models.Index(fields=["client", "period_start"], name="invoicing_act_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.period_start:%Y-%m}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ActFormedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActFormedError()

    @property
    def payer_data(self) -> dict:
        """The payer as printed on the act (decrypted snapshot)."""
        return json.loads(self.payer_snapshot) if self.payer_snapshot else {}

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def vat(self) -> Money:
        return Money(self.vat_minor, self.currency)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.currency)


class AcceptanceActLine(models.Model):
    """One service listed on an act: a month's part of an invoice line, or a credit-note line
    subtracted (negative amounts) (DOC-01).

    ``service_month`` is the month the part was rendered in (for a credit-note line, the
    month the credit note was issued). The unique keys make sure no part of an invoice line
    and no credit-note line is ever listed on two acts.
    """

    act = models.ForeignKey(AcceptanceAct, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField()
    invoice_line = models.ForeignKey(
        "invoicing.InvoiceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_note_line = models.ForeignKey(
        "invoicing.CreditNoteLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_number = models.CharField(max_length=64)
    description = models.TextField()
    service_month = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_minor = models.BigIntegerField()
    vat_minor = models.BigIntegerField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["act", "position"], name="invoicing_act_line_position"),
            models.UniqueConstraint(
                fields=["invoice_line", "service_month"],
                condition=Q(invoice_line__isnull=False),
                name="invoicing_act_line_invoice_part_once",
            ),
            models.UniqueConstraint(
                fields=["credit_note_line"],
                condition=Q(credit_note_line__isnull=False),
                name="invoicing_act_line_credit_once",
            ),
            models.CheckConstraint(
                condition=Q(invoice_line__isnull=False, credit_note_line__isnull=True)
                | Q(invoice_line__isnull=True, credit_note_line__isnull=False),
                name="invoicing_act_line_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.act_id}#{self.position}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ActFormedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActFormedError()

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.vat_minor

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.act.currency)

    @property
    def vat(self) -> Money:
        return Money(self.vat_minor, self.act.currency)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.act.currency)


class ActDispute(models.Model):
    """A client's reasoned refusal to accept an act, and how staff resolved it (DOC-02).

    One per act. ``outcome`` stays empty while the dispute is open; staff either uphold it
    (the services are corrected with a credit note, issued separately) or reject it (the act
    counts as accepted). Reasons and the staff note are the parties' own words and encrypted.
    """

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld: correct with a credit note")
        REJECTED = "rejected", _("Rejected: the act is accepted")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "adp"), editable=False
    )
    act = models.OneToOneField(AcceptanceAct, on_delete=models.PROTECT, related_name="dispute")
    reasons = EncryptedTextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolution_note = EncryptedTextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return not self.outcome


class PaperActRequest(models.Model):
    """A client's request to receive the acts of one quarter on paper by post (DOC-03).

    Filed per payer with the payer's postal address as it was then (encrypted snapshot);
    staff post the acts at the start of the next quarter and mark the request sent. A payer
    has at most one open request per quarter; the length of the "quarter" is the provider
    setting ``invoicing.paper_act_period_months``.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SENT = "sent", _("Sent")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "par"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(help_text="First day of the quarter.")
    period_end = models.DateField(help_text="Last day of the quarter.")
    postal_snapshot = EncryptedTextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_note = models.CharField(max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "period_start"],
                condition=Q(status="requested"),
                name="invoicing_paper_act_one_open_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="invoicing_paper_act_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def postal_address(self) -> dict:
        """The payer's name and postal address as filed (decrypted snapshot)."""
        return json.loads(self.postal_snapshot) if self.postal_snapshot else {}
