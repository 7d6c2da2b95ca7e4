"""Announced price changes of tariffs and add-ons (CAT-06, seed 003 §2.2.6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog import conf
from hostledger.catalog.models import AddOn, PriceVersion, PublicationStatus, Tariff
from hostledger.catalog.pricing import parse_fee
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.notifications.actions import price_change_notify

from ._common import audit, locked


def _check_notice(effective_from: date, announced_at: datetime) -> int:
    """The notice in days; a DomainError on ``effective_from`` when it is too short."""
    notice_days = setting_value(conf.PRICE_CHANGE_NOTICE_DAYS)
    earliest = timezone.localdate(announced_at) + timedelta(days=notice_days)
    if effective_from < earliest:
        raise DomainError(
            "price_change_notice_too_short",
            _(
                "effective_from: a price change needs %(notice_days)s days' notice; the "
                "earliest date is %(date)s."
            )
            % {"notice_days": notice_days, "date": earliest.isoformat()},
            fields={"effective_from": f"on or after {earliest.isoformat()}"},
        )
    return notice_days


@transaction.atomic
def price_version_create(
    *,
    new_fee,
    effective_from: date,
    actor=None,
    tariff: Tariff | None = None,
    add_on: AddOn | None = None,
    note: str = "",
) -> PriceVersion:
    """Prepare a new monthly fee of a tariff or an add-on as a **draft** (CAT-06).

    A draft applies to nobody and is not announced; :func:`price_version_publish` announces
    it. The fee is read strictly and bounded (``core.staff_price_maximum``); the date must
    already leave ``catalog.price_change_notice_days`` of notice, and is checked again when
    the version is published.
    """
    if (tariff is None) == (add_on is None):
        raise DomainError(
            "invalid_price_target",
            _("Announce the change for either a tariff or an add-on."),
            fields={"tariff": "give either a tariff or an add-on"},
        )
    fee = parse_fee(new_fee, field="new_fee")
    if isinstance(effective_from, datetime) or not isinstance(effective_from, date):
        raise DomainError(
            "invalid_date",
            _("effective_from: a calendar date is required."),
            fields={"effective_from": "a calendar date is required"},
        )
    if not isinstance(note, str) or len(note) > 2000:
        raise DomainError(
            "invalid_input", _("note: at most 2000 characters."), fields={"note": "too long"}
        )
    created_at = timezone.now()
    _check_notice(effective_from, created_at)
    target = locked(tariff if tariff is not None else add_on)
    version = PriceVersion.objects.create(
        tariff=target if tariff is not None else None,
        add_on=target if add_on is not None else None,
        monthly_fee_minor=fee.to_minor(),
        currency=fee.currency,
        announced_at=created_at,
        effective_from=effective_from,
        announced_by=actor,
        note=note.strip(),
        status=PublicationStatus.DRAFT,
    )
    audit(
        "price_change.drafted",
        actor=actor,
        obj=version,
        data={
            "code": target.code,
            "new_fee": str(fee),
            "effective_from": effective_from.isoformat(),
        },
    )
    return version


@transaction.atomic
def price_version_publish(*, price_version: PriceVersion, actor=None) -> PriceVersion:
    """Announce a draft price version: from now on it applies to each client from their first
    billing period starting on or after its date (CAT-06, seed 003 §2.2.6).

    The announcement is dated now, so the date must still leave
    ``catalog.price_change_notice_days`` of notice; a client who does not accept the fee can
    terminate before then. Every client with a live service on the tariff or add-on is told
    the new fee and the date (notifications). Publishing again, or a withdrawn version,
    changes nothing more. Recorded in the audit trail.
    """
    row = locked(price_version)
    if row.is_published:
        return row
    if row.withdrawn_at is not None:
        raise DomainError(
            "price_change_withdrawn",
            _("This price change was withdrawn; prepare a new one."),
            fields={"price_version": "withdrawn"},
        )
    announced_at = timezone.now()
    notice_days = _check_notice(row.effective_from, announced_at)
    target = row.tariff if row.tariff_id is not None else row.add_on
    row.status = PublicationStatus.PUBLISHED
    row.announced_at = announced_at
    row.announced_by = actor if actor is not None else row.announced_by
    row.save(update_fields=["status", "announced_at", "announced_by"])
    audit(
        "price_change.announced",
        actor=actor,
        obj=row,
        data={
            "tariff": target.public_id if row.tariff_id is not None else None,
            "add_on": target.public_id if row.add_on_id is not None else None,
            "code": target.code,
            "old_fee": str(target.monthly_fee),
            "new_fee": str(row.monthly_fee),
            "effective_from": row.effective_from.isoformat(),
            "notice_days": notice_days,
        },
    )
    price_change_notify(price_version=row, effective_from=row.effective_from)
    return row


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
    """Prepare and publish a new monthly fee at once (CAT-06): :func:`price_version_create`
    then :func:`price_version_publish`, in one transaction."""
    version = price_version_create(
        new_fee=new_fee,
        effective_from=effective_from,
        actor=actor,
        tariff=tariff,
        add_on=add_on,
        note=note,
    )
    return price_version_publish(price_version=version, actor=actor)


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
            _("This price change is already in force; announce a new one instead."),
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
