"""The prepaid ledger: accounts, transactions, entries and the cached client balance (BIL-01).

Every movement of money is one :class:`LedgerTransaction` with two or more :class:`Entry`
rows whose amounts sum to zero. Amounts are signed from the provider's point of view of what
it owes the client: a positive entry on a client's balance account raises the client's
prepaid balance, and its counter-entry on a provider account (bank, revenue, VAT, ...) is
negative. Transactions and entries are never changed or removed; a mistake is put right by a
new transaction. :class:`ClientBalance` caches the sum of a client's entries and is only
written by :func:`hostledger.ledger.actions.posting.post_transaction`, in the same database
transaction as the entries; :func:`hostledger.ledger.selectors.verify_balances` proves it.

Payments, references, statement imports and gateway top-ups live in ``payment_models``.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money


class LedgerIsAppendOnly(Exception):
    """Raised when code tries to change or remove a ledger transaction or entry (BIL-01)."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows can be read and appended, never updated or deleted in bulk (BIL-01)."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly("Ledger rows are never updated; post a correction instead.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerIsAppendOnly("Ledger rows are never updated; post a correction instead.")

    def delete(self):
        raise LedgerIsAppendOnly("Ledger rows are never deleted; post a correction instead.")

    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row that is inserted once and then only read (BIL-01)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Insert a new row; a stored row is never written again."""
        if not self._state.adding:
            raise LedgerIsAppendOnly(f"{type(self).__name__} rows are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly(f"{type(self).__name__} rows are never deleted.")


class LedgerAccount(models.Model):
    """One account of the chart: a client's prepaid balance, or one of the provider's own
    accounts (bank, cash, gateway clearing, revenue, VAT payable, penalties, compensation,
    corrections) that take the other side of every movement (BIL-01).

    ``code`` names the account uniquely: ``client:<id>`` for a client's balance, the kind
    (``bank``, ``revenue``, ...) or ``gateway:<name>`` for the provider's accounts. Accounts are
    made on first use and hold EUR only.
    """

    class Kind(models.TextChoices):
        CLIENT_BALANCE = "client_balance", _("Client prepaid balance")
        BANK = "bank", _("Bank account")
        CASH = "cash", _("Cash")
        GATEWAY_CLEARING = "gateway_clearing", _("Payment gateway clearing")
        REVENUE = "revenue", _("Revenue")
        VAT_PAYABLE = "vat_payable", _("VAT payable")
        PENALTIES = "penalties", _("Late-payment penalties")
        COMPENSATION = "compensation", _("Compensation for the provider's fault")
        CORRECTIONS = "corrections", _("Corrections")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "acc"), editable=False
    )
    code = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    client = models.ForeignKey(
        "accounts.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(kind="client_balance"),
                name="ledger_one_balance_account_per_client",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="client_balance", client__isnull=False)
                    | (~models.Q(kind="client_balance") & models.Q(client__isnull=True))
                ),
                name="ledger_account_client_only_on_balance",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LedgerTransaction(AppendOnlyModel):
    """One movement of money: its entries sum to zero and are written together (BIL-01).

    ``idempotency_key`` is unique (habit 2): posting the same key again returns this
    transaction and writes nothing, so a replayed charge, notification or form never counts
    twice (BIL-06). ``payment`` links the transactions that record or refund a payment.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")
        PENALTY = "penalty", _("Penalty")
        CREDIT = "credit", _("Credit")
        CORRECTION = "correction", _("Correction")
        CREDIT_NOTE = "credit_note", _("Credit note")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "txn"), editable=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    payment = models.ForeignKey(
        "ledger.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    memo = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AppendOnlyQuerySet.as_manager()

    replayed = False
    """Set by ``post_transaction``: True when this call found the key already posted."""

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["client", "created_at"]),
            # Money that can make more due after the billing run went through a client (all
            # but charges, which only spend): the run's "anything new since?" reads a few
            # entries of this index instead of the day's charges (AUT-01).
            models.Index(
                fields=["id"],
                condition=~models.Q(kind="charge"),
                name="ledger_txn_not_charge_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind}"


class Entry(AppendOnlyModel):
    """One signed amount on one account, part of a transaction (BIL-01).

    ``client`` repeats the transaction's client so that every row of a client's money can be
    read, and partitioned, by client id.
    """

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["account", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0), name="ledger_entry_not_zero"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class ClientBalance(models.Model):
    """The cached sum of a client's balance-account entries (BIL-01).

    It is the row every money write of the client locks (``locks.lock_client_balance``) and
    it changes only with ``F()`` in the transaction that inserts the entries, so it always
    equals their sum; ``verify_balances()`` recomputes every balance and reports a mismatch.
    """

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.PROTECT, related_name="ledger_balance"
    )
    account = models.OneToOneField(
        LedgerAccount, on_delete=models.PROTECT, related_name="cached_balance"
    )
    balance_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.client_id}: {self.balance}"

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)


from hostledger.ledger.payment_models import (  # noqa: E402, F401  (one models module for Django)
    BankStatementImport,
    ClientPaymentReference,
    GatewayTopUp,
    Payment,
    PaymentReversal,
)
