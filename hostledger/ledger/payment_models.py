"""Payments, client payment references, bank statement imports and gateway top-ups (BIL-06).

Imported by ``hostledger.ledger.models``, so Django sees these as models of the ledger app.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class Payment(models.Model):
    """Money received for a client, recorded once per (source, external id) (BIL-06).

    ``source`` is ``staff`` (entered by staff), ``bank_statement`` (a camt.053 line) or the
    name of a payment gateway; ``external_id`` is the bank's or gateway's own id of the
    payment, so the same notification or statement line arriving again finds this row and
    records nothing. A payment whose client is not known waits in the review queue
    (status ``unmatched``) until staff assign it; only then is it posted to a balance.
    """

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched and posted")
        UNMATCHED = "unmatched", _("Waiting for review")
        REFUNDED = "refunded", _("Refunded in full")
        REVERSED = "reversed", _("Reversed")

    class Source:
        STAFF = "staff"
        BANK_STATEMENT = "bank_statement"

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "pmt"), editable=False
    )
    source = models.CharField(max_length=40)
    external_id = models.CharField(max_length=200)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    value_date = models.DateField(null=True, blank=True)
    booking_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    payer_name = EncryptedTextField(blank=True)
    payer_account = EncryptedTextField(blank=True)
    remittance_information = EncryptedTextField(blank=True)
    counter_account = models.ForeignKey(
        "ledger.LedgerAccount", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "accounts.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    review_note = models.CharField(max_length=200, blank=True)
    bank_account = models.CharField(max_length=34, blank=True)
    bank_references = models.CharField(
        max_length=500,
        blank=True,
        help_text="The transaction's own references in the statement, 'Name=value;' each.",
    )
    named_invoice = models.CharField(
        max_length=24,
        blank=True,
        help_text="Public id of the invoice or proforma the remittance text names.",
    )
    statement_import = models.ForeignKey(
        "ledger.BankStatementImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="ledger_payment_once_per_source_id"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="ledger_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["unmatched", "reversed"])
                | models.Q(client__isnull=False),
                name="ledger_payment_posted_has_client",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "recorded_at"]),
            # The staff payment list, newest first, and today's payments (issue 11 §8).
            models.Index(fields=["-recorded_at", "-id"], name="ledger_payment_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class ClientPaymentReference(models.Model):
    """The references a client writes on a bank transfer so that it is matched (BIL-06).

    ``reference_number`` is an Estonian reference number (viitenumber, check digit by the
    7-3-1 method) and ``creditor_reference`` the ISO 11649 RF creditor reference built on the
    same digits; both are derived from the client's row id and never change.
    """

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.PROTECT, related_name="payment_reference"
    )
    reference_number = models.CharField(max_length=20, unique=True)
    creditor_reference = models.CharField(max_length=25, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.reference_number


class BankStatementImport(models.Model):
    """One import of a camt.053 bank statement file and what it did (BIL-06).

    Every attempt is kept with the file's SHA-256 and its counts; importing the same file
    again is allowed and shows every credit line as a duplicate.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "imp"), editable=False
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    message_id = models.CharField(max_length=100, blank=True)
    statement_ids = models.JSONField(default=list, blank=True)
    account_iban = models.CharField(max_length=34, blank=True)
    schema_version = models.CharField(max_length=20)
    credit_lines = models.PositiveIntegerField(default=0)
    payments_recorded = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    debit_lines_skipped = models.PositiveIntegerField(default=0)
    not_booked_skipped = models.PositiveIntegerField(default=0)
    message_type = models.CharField(max_length=12, default="camt.053")
    accounts = models.JSONField(default=list, blank=True)
    reversals_applied = models.PositiveIntegerField(default=0)
    reversals_waiting = models.PositiveIntegerField(default=0)
    not_recorded = models.JSONField(
        default=list,
        blank=True,
        help_text="Every line not recorded as a payment: where it is, its amount and why.",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class PaymentReversal(models.Model):
    """A payment taken back: by the bank (a booked entry with ``RvslInd``) or by staff who
    recorded it wrongly (BIL-01, BIL-06).

    Applied, it is a new ledger correction that takes the payment's amount off the client's
    balance (never a deletion; the balance may go below zero, a debt like any other) and
    the payment is marked reversed. A bank reversal whose payment cannot be found, or cannot
    be reversed, waits for staff (status ``waiting``), linked to the payment when known.
    Recorded once per (``source``, ``external_id``): the statement line's key, or the
    payment for a staff reversal.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Payment reversed")
        WAITING = "waiting", _("Waiting for staff")

    class Source:
        STAFF = "staff"
        BANK_STATEMENT = "bank_statement"

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "rev"), editable=False
    )
    source = models.CharField(max_length=40)
    external_id = models.CharField(max_length=200)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    booking_date = models.DateField(null=True, blank=True)
    bank_account = models.CharField(max_length=34, blank=True)
    bank_references = models.CharField(max_length=500, blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    review_note = models.CharField(max_length=200, blank=True)
    statement_import = models.ForeignKey(
        "ledger.BankStatementImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    ledger_transaction = models.OneToOneField(
        "ledger.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_reversal",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="ledger_reversal_once_per_source_id"
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(status="applied"),
                name="ledger_payment_reversed_once",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="ledger_reversal_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status="waiting") | models.Q(payment__isnull=False),
                name="ledger_applied_reversal_has_payment",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class GatewayTopUp(models.Model):
    """A client's top-up through a payment gateway: started here, paid at the gateway (BIL-06).

    ``external_id`` is the gateway's transaction id; the verified notification for it records
    one :class:`Payment` (source = gateway name), however often it is delivered.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed or cancelled")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "top"), editable=False
    )
    gateway = models.CharField(max_length=40)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    external_id = models.CharField(max_length=200, blank=True)
    redirect_url = models.CharField(max_length=500, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="top_up"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "external_id"],
                condition=~models.Q(external_id=""),
                name="ledger_top_up_once_per_gateway_id",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="ledger_top_up_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
