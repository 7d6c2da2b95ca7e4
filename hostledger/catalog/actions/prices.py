"""Announced price changes of tariffs and add-ons (CAT-06, seed 003 §2.2.6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.catalog import conf
from hostledger.catalog.models import AddOn, PriceVersion, Tariff
from hostledger.catalog.pricing import parse_fee
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.notifications.actions import price_change_notify

from ._common import audit, locked


@transaction.atomic
def price_change_announce(
    *,
    new_fee,
    effective_from: date,
    actor=None,
    tariff: Tariff | None = None,
    add_on: AddOn | None = None,
    note: str = "",
) -> PriceVersion:
    """Announce a new monthly fee of a tariff or an add-on (CAT-06, seed 003 §2.2.6).

    The fee applies to each client from their first billing period starting on or after
    ``effective_from``; a client who does not accept it can terminate before then. The date
    must be at least ``catalog.price_change_notice_days`` after today, so that the
    announcement gives clients that notice. Every client with a live service on the tariff
    or add-on is told the new fee and the date (notifications). Recorded in the audit
    trail.
    """
    if (tariff is None) == (add_on is None):
        raise DomainError(
            "invalid_price_target",
            "Announce the change for either a tariff or an add-on.",
            fields={"tariff": "give either a tariff or an add-on"},
        )
    fee = parse_fee(new_fee, field="new_fee")
    if isinstance(effective_from, datetime) or not isinstance(effective_from, date):
        raise DomainError(
            "invalid_date",
            "effective_from: a calendar date is required.",
            fields={"effective_from": "a calendar date is required"},
        )
    if not isinstance(note, str) or len(note) > 2000:
        raise DomainError(
            "invalid_input", "note: at most 2000 characters.", fields={"note": "too long"}
        )
    announced_at = timezone.now()
    notice_days = setting_value(conf.PRICE_CHANGE_NOTICE_DAYS)
    earliest = timezone.localdate(announced_at) + timedelta(days=notice_days)
    if effective_from < earliest:
        raise DomainError(
            "price_change_notice_too_short",
            f"effective_from: a price change needs {notice_days} days' notice; the earliest "
            f"date is {earliest.isoformat()}.",
            fields={"effective_from": f"on or after {earliest.isoformat()}"},
        )
    target = locked(tariff if tariff is not None else add_on)
    version = PriceVersion.objects.create(
        tariff=target if tariff is not None else None,
        add_on=target if add_on is not None else None,
        monthly_fee_minor=fee.to_minor(),
        currency=fee.currency,
        announced_at=announced_at,
        effective_from=effective_from,
        announced_by=actor,
        note=note.strip(),
    )
    audit(
        "price_change.announced",
        actor=actor,
        obj=version,
        data={
            "tariff": target.public_id if tariff is not None else None,
            "add_on": target.public_id if add_on is not None else None,
            "code": target.code,
            "old_fee": str(target.monthly_fee),
            "new_fee": str(fee),
            "effective_from": effective_from.isoformat(),
            "notice_days": notice_days,
        },
    )
    price_change_notify(price_version=version, effective_from=effective_from)
    return version


@transaction.atomic
def price_change_withdraw(*, price_version: PriceVersion, actor=None) -> PriceVersion:
    """Withdraw an announced change before it takes effect (CAT-06); it is kept, marked.

    A change whose date has come may already apply to periods that started; it cannot be
    withdrawn, only followed by a new announcement.
    """
    row = locked(price_version)
    if row.withdrawn_at is not None:
        return row
    if row.effective_from <= timezone.localdate():
        raise DomainError(
            "price_change_in_force",
            "This price change is already in force; announce a new one instead.",
            fields={"price_version": "already in force"},
        )
    row.withdrawn_at = timezone.now()
    row.save(update_fields=["withdrawn_at"])
    audit(
        "price_change.withdrawn",
        actor=actor,
        obj=row,
        data={"effective_from": row.effective_from.isoformat(), "new_fee": str(row.monthly_fee)},
    )
    return row
