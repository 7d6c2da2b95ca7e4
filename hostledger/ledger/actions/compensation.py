"""Compensation for the provider's fault, capped by the previous period's charges (BIL-09).

The contract (seed 003 §7.6, §7.8) makes compensation a recalculation in the next period,
never more than the charges of the period before: compensation credited in a calendar month
may not exceed ``ledger.compensation_cap_percent`` of what the client was charged in the
month before it (charges less what credit notes gave back), counting every compensation
already credited in the month.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.ledger.actions.balance import credit_post, positive_amount
from hostledger.ledger.conf import COMPENSATION_CAP_PERCENT
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import Entry, LedgerTransaction

Kind = LedgerTransaction.Kind


def _month_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day.replace(day=1), time.min))


def _previous_month(day: date) -> date:
    first = day.replace(day=1)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def _client_balance_sum(client: Client, kinds, start: datetime, end: datetime) -> int:
    total = Entry.objects.filter(
        client_id=client.pk,
        account__kind="client_balance",
        account__client_id=client.pk,
        transaction__kind__in=kinds,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    ).aggregate(total=Sum("amount_minor"))["total"]
    return total or 0


def compensation_room(client: Client, *, today: date | None = None) -> Money:
    """How much compensation may still be credited to the client this month (BIL-09)."""
    today = today or timezone.localdate()
    this_month = _month_start(today)
    last_month = _month_start(_previous_month(today))
    charged = -_client_balance_sum(client, [Kind.CHARGE, Kind.CREDIT_NOTE], last_month, this_month)
    next_month = _month_start(date(today.year + (today.month == 12), today.month % 12 + 1, 1))
    credited = _client_balance_sum(client, [Kind.CREDIT], this_month, next_month)
    cap = Money.from_minor(max(charged, 0)).percentage(setting_value(COMPENSATION_CAP_PERCENT))
    return max(cap - Money.from_minor(credited), Money.zero())


@transaction.atomic
def compensation_credit_post(
    *, client: Client, amount: Money, reason: str, idempotency_key: str, actor: Any = None
) -> LedgerTransaction:
    """Credit compensation for the provider's fault to the balance, once per key, within the
    cap of BIL-09; above the cap nothing is written and the error names what is left."""
    positive_amount(amount)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(
            "required",
            _("reason: say what the compensation is for."),
            fields={"reason": "required"},
        )
    lock_client_balance(client)
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        room = compensation_room(client)
        if amount > room:
            raise DomainError(
                "compensation_over_cap",
                _(
                    "amount: compensation this month is capped at the previous month's "
                    "charges; %(room)s is left."
                )
                % {"room": room},
                fields={"amount": f"at most {room}"},
            )
    return credit_post(
        client=client,
        amount=amount,
        idempotency_key=idempotency_key,
        actor=actor,
        memo=f"Compensation: {reason}"[:500],
    )
