"""Reads of the ledger shared by web, API and jobs (BIL-01, BIL-06)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hostledger.accounts.models import Client
from hostledger.core.errors import NotFound
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.invoicing.conf import PROVIDER_IBAN
from hostledger.ledger.conf import PROVIDER_BANK_ACCOUNTS
from hostledger.ledger.gateways.bank_statement.camt import normalised_account
from hostledger.ledger.models import (
    ClientBalance,
    ClientPaymentReference,
    Entry,
    GatewayTopUp,
    LedgerTransaction,
    Payment,
)
from hostledger.providers.models import default_entity_id
from hostledger.providers.selectors import entity_for_account, provider_entities


def balance_of(client: Client) -> Money:
    """The client's prepaid balance from the cached row (zero before the first movement)."""
    minor = (
        ClientBalance.objects.filter(client_id=client.pk)
        .values_list("balance_minor", flat=True)
        .first()
    )
    return Money.from_minor(minor or 0)


def balance_from_entries(client: Client) -> Money:
    """The client's prepaid balance summed from the entries themselves (BIL-01)."""
    total = Entry.objects.filter(
        client_id=client.pk, account__kind="client_balance", account__client_id=client.pk
    ).aggregate(total=Sum("amount_minor"))["total"]
    return Money.from_minor(total or 0)


@dataclass(frozen=True)
class BalanceMismatch:
    """A client whose cached balance differs from the sum of its entries."""

    client_id: int
    cached: Money
    from_entries: Money


def verify_balances() -> list[BalanceMismatch]:
    """Every client whose cached balance is not the sum of its entries; empty when all agree.

    One query over all balances, so it can run as a nightly check (``hostledger ledger
    verify``).
    """
    entry_sums = (
        Entry.objects.filter(account_id=OuterRef("account_id"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount_minor"))
        .values("total")
    )
    rows = (
        ClientBalance.objects.annotate(from_entries=Coalesce(Subquery(entry_sums), Value(0)))
        .exclude(balance_minor=F("from_entries"))
        .order_by("client_id")
        .values_list("client_id", "balance_minor", "from_entries")
    )
    return [
        BalanceMismatch(client_id, Money.from_minor(cached), Money.from_minor(summed))
        for client_id, cached, summed in rows
    ]


def unbalanced_transactions() -> list[str]:
    """Public ids of transactions whose entries do not sum to zero (none, unless the database
    was changed behind the application's back)."""
    return list(
        LedgerTransaction.objects.annotate(total=Coalesce(Sum("entries__amount_minor"), Value(0)))
        .exclude(total=0)
        .order_by("id")
        .values_list("public_id", flat=True)
    )


def transactions_of(client: Client) -> QuerySet[LedgerTransaction]:
    """The client's transactions, oldest first, with their entries."""
    return LedgerTransaction.objects.filter(client_id=client.pk).prefetch_related("entries")


def payments_of(client: Client) -> QuerySet[Payment]:
    """The payments posted to the client's balance."""
    return Payment.objects.filter(client_id=client.pk)


def client_top_up(client: Client, public_id: str) -> GatewayTopUp:
    """One of the client's gateway top-ups by its public id; another client's is not found
    (habit 6)."""
    top_up = GatewayTopUp.objects.filter(client_id=client.pk, public_id=public_id).first()
    if top_up is None:
        raise NotFound("top-up")
    return top_up


def unmatched_payments() -> QuerySet[Payment]:
    """The review queue: payments nobody has assigned to a client yet, oldest first (BIL-06)."""
    return Payment.objects.filter(status=Payment.Status.UNMATCHED).order_by("recorded_at", "id")


def provider_bank_accounts() -> set[str]:
    """The provider's own bank accounts, normalised: the IBAN printed on proformas and the
    others listed in the settings (BIL-06)."""
    listed = [
        setting_value(PROVIDER_IBAN),
        *re.split(r"[\s,;]+", str(setting_value(PROVIDER_BANK_ACCOUNTS) or "")),
        *provider_entities().exclude(iban="").values_list("iban", flat=True),
    ]
    return {normalised_account(item) for item in listed if item and item.strip()}


def entity_of_bank_account(account: str) -> int:
    """The provider entity paid on ``account`` (a statement's own account): the entity whose
    IBAN it is, or the default entity for the accounts of the provider settings."""
    entity = entity_for_account(normalised_account(account)) if account else None
    return entity.pk if entity is not None else default_entity_id()


def client_payment_reference_numbers(client_id: int) -> dict:
    """The client's payment references as printed on documents (``reference_number``, the
    Estonian 7-3-1 number, and ``creditor_reference``, its RF form); empty if none yet."""
    return (
        ClientPaymentReference.objects.filter(client_id=client_id)
        .values("reference_number", "creditor_reference")
        .first()
    ) or {}


def clients_for_references(references: Iterable[str]) -> dict[str, Client]:
    """The clients named by payment references (7-3-1 reference numbers or RF creditor
    references), keyed by the reference as given; unknown references are left out."""
    wanted = {reference for reference in references if reference}
    if not wanted:
        return {}
    rows = ClientPaymentReference.objects.filter(
        reference_number__in=wanted
    ) | ClientPaymentReference.objects.filter(creditor_reference__in=wanted)
    found: dict[str, Client] = {}
    for row in rows.select_related("client"):
        for reference in (row.reference_number, row.creditor_reference):
            if reference in wanted:
                found[reference] = row.client
    return found


@dataclass(frozen=True)
class StatementLine:
    """One movement of the client's balance with the balance after it."""

    posted_at: datetime
    transaction_id: str
    kind: str
    kind_label: str
    memo: str
    amount: Money
    running_balance: Money


@dataclass(frozen=True)
class AccountStatement:
    """The client's balance movements in ``[date_from, date_to]`` (both days included), with
    the balance before the first and after the last (BIL-01)."""

    date_from: date | None
    date_to: date | None
    opening_balance: Money
    lines: list[StatementLine]
    closing_balance: Money


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def account_statement(
    client: Client, *, date_from: date | None = None, date_to: date | None = None
) -> AccountStatement:
    """The client's statement with a running balance, summed from the entries (BIL-01).

    Two queries: the sum of the entries before ``date_from`` and the entries of the range in
    posting order. Days are the provider's local calendar days.
    """
    entries = Entry.objects.filter(
        client_id=client.pk, account__kind="client_balance", account__client_id=client.pk
    )
    opening_minor = 0
    if date_from is not None:
        opening_minor = (
            entries.filter(transaction__created_at__lt=_day_start(date_from)).aggregate(
                total=Sum("amount_minor")
            )["total"]
            or 0
        )
        entries = entries.filter(transaction__created_at__gte=_day_start(date_from))
    if date_to is not None:
        entries = entries.filter(
            transaction__created_at__lt=_day_start(date_to + timedelta(days=1))
        )
    labels = dict(LedgerTransaction.Kind.choices)
    running = opening_minor
    lines = []
    rows = entries.order_by("transaction__created_at", "id").values_list(
        "transaction__created_at",
        "transaction__public_id",
        "transaction__kind",
        "transaction__memo",
        "amount_minor",
    )
    for posted_at, public_id, kind, memo, amount_minor in rows:
        running += amount_minor
        lines.append(
            StatementLine(
                posted_at=posted_at,
                transaction_id=public_id,
                kind=kind,
                kind_label=str(labels.get(kind, kind)),
                memo=memo,
                amount=Money.from_minor(amount_minor),
                running_balance=Money.from_minor(running),
            )
        )
    return AccountStatement(
        date_from=date_from,
        date_to=date_to,
        opening_balance=Money.from_minor(opening_minor),
        lines=lines,
        closing_balance=Money.from_minor(running),
    )


STATEMENT_CSV_HEADER = ("date", "transaction", "kind", "description", "amount", "balance")


def account_statement_csv_rows(statement: AccountStatement) -> list[tuple[str, ...]]:
    """The statement as CSV rows (header first): amounts as plain decimals with a point, in
    EUR, so that spreadsheets and bookkeeping imports read them the same everywhere."""
    rows: list[tuple[str, ...]] = [STATEMENT_CSV_HEADER]
    opening_day = statement.date_from.isoformat() if statement.date_from else ""
    rows.append(
        (opening_day, "", "opening", "Opening balance", "", str(statement.opening_balance.amount))
    )
    for line in statement.lines:
        rows.append(
            (
                timezone.localtime(line.posted_at).date().isoformat(),
                line.transaction_id,
                line.kind,
                line.memo,
                str(line.amount.amount),
                str(line.running_balance.amount),
            )
        )
    return rows


def balance_covered_on(
    *, client: Client, balance_minor: int, needed_minor: int, not_before: date, today: date
) -> date:
    """The day the client's money first covered ``needed_minor`` (BIL-05, BIL-07): the date of
    receipt of the payment that completed it (its value date, 003 §5.2), not the day the
    payment was imported or applied.

    The balance as it stood on a day ``d`` is at least ``balance_minor`` (now) less the
    payments received after ``d``; the answer is the first of ``not_before`` and the value
    dates of later payments (none after ``today``) on which that covers ``needed_minor``, so a
    statement imported the next morning does not move the day. ``today`` when nothing
    received covers it yet."""
    received = (
        Payment.objects.filter(
            client_id=client.pk,
            status=Payment.Status.MATCHED,
            value_date__gt=not_before,
            value_date__lte=today,
        )
        .values("value_date")
        .annotate(total=Sum("amount_minor"))
        .order_by("value_date")
    )
    days = [(not_before, 0), *((row["value_date"], row["total"]) for row in received)]
    after = sum(total for _, total in days)
    for day, total in days:
        after -= total  # received after ``day``
        if day <= today and balance_minor - after >= needed_minor:
            return day
    return today
