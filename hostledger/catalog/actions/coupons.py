"""Staff management of coupons and their redemption by orders (decision 0055).

Staff create a coupon, change its limits, dates and products, and switch it off and on;
what it takes off (kind, value, recurrence) is fixed once a client has redeemed it.
:func:`coupon_redeem` records one use inside the transaction that places the order it
lowers, race-safe: the total limit is enforced by one conditional UPDATE of the coupon's
counter, which also holds the coupon's row until the transaction ends, so the per-client
count read after it cannot change under it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hostledger.catalog.coupons import coupon_is_redeemed, coupon_problem
from hostledger.catalog.models import (
    PERCENT_PLACES,
    Coupon,
    CouponRecurrence,
    CouponRedemption,
    DiscountKind,
    ProductFamily,
    Tariff,
)
from hostledger.catalog.pricing import parse_fee
from hostledger.catalog.validation import (
    FieldErrors,
    clean_bool,
    clean_text,
    clean_whole_number,
)
from hostledger.core.errors import DomainError
from hostledger.core.money import parse_staff_decimal

from ._common import audit, locked, set_active

COUPON_CODE_PATTERN = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
COUPON_CODE_MAX = 40
LIMIT_MAXIMUM = 1_000_000_000
TERMS = ("kind", "percent", "amount_minor", "currency", "recurrence")


def _clean_code(value, errors: FieldErrors, *, exclude: int | None = None) -> str:
    code = value.strip() if isinstance(value, str) else ""
    if not code:
        errors.add("code", "A code is required.")
    elif len(code) > COUPON_CODE_MAX or not COUPON_CODE_PATTERN.match(code):
        errors.add(
            "code",
            f"Letters, digits, '-' and '_', at most {COUPON_CODE_MAX} characters.",
        )
    elif Coupon.objects.filter(code__iexact=code).exclude(pk=exclude).exists():
        errors.add("code", "This code is already used (whatever its letter case).")
    return code


def _clean_discount(kind, value, errors: FieldErrors) -> tuple[str, Decimal | None, int | None]:
    if kind not in DiscountKind.values:
        errors.add("kind", f"One of {', '.join(DiscountKind.values)}.")
        return "", None, None
    if kind == DiscountKind.PERCENTAGE:
        percent = errors.capture(
            lambda: parse_staff_decimal(value, field="value", places=PERCENT_PLACES)
        )
        if percent is not None and not Decimal(0) < percent <= Decimal(100):
            errors.add("value", "A percentage above 0 and at most 100.")
            percent = None
        return kind, percent, None
    fee = errors.capture(lambda: parse_fee(value, field="value"))
    if fee is not None and not fee.is_positive():
        errors.add("value", "An amount above zero.")
        fee = None
    return kind, None, None if fee is None else fee.minor


def _clean_limit(value, field: str, errors: FieldErrors) -> int | None:
    if value in (None, ""):
        return None
    return clean_whole_number(value, field, errors, minimum=1, maximum=LIMIT_MAXIMUM)


def _clean_day(value, field: str, errors: FieldErrors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, "A date as YYYY-MM-DD.")
        return None


def _clean_products(tariffs, families, errors: FieldErrors):
    tariffs = list(tariffs or [])
    families = list(families or [])
    if not all(isinstance(item, Tariff) for item in tariffs):
        errors.add("tariffs", "Choose tariffs of the catalog.")
        tariffs = []
    if not all(isinstance(item, ProductFamily) for item in families):
        errors.add("families", "Choose product families of the catalog.")
        families = []
    return tariffs, families


def _clean_common(data: dict, errors: FieldErrors) -> dict:
    cleaned = {
        "description": clean_text(
            data.get("description", ""), "description", errors, required=False, max_length=200
        ),
        "max_redemptions": _clean_limit(data.get("max_redemptions"), "max_redemptions", errors),
        "max_per_client": _clean_limit(data.get("max_per_client"), "max_per_client", errors),
        "valid_from": _clean_day(data.get("valid_from"), "valid_from", errors),
        "valid_until": _clean_day(data.get("valid_until"), "valid_until", errors),
    }
    if (
        cleaned["valid_from"] is not None
        and cleaned["valid_until"] is not None
        and cleaned["valid_until"] < cleaned["valid_from"]
    ):
        errors.add("valid_until", "The last day cannot be before the first.")
    return cleaned


def _clean_input(
    *,
    code,
    kind,
    value,
    recurrence,
    description,
    max_redemptions,
    max_per_client,
    valid_from,
    valid_until,
    tariffs,
    families,
    errors: FieldErrors,
    exclude: int | None = None,
) -> tuple[dict, list, list]:
    """What staff entered for a coupon, checked: its column values, its tariffs and its
    families; problems go to ``errors`` under their fields."""
    cleaned_code = _clean_code(code, errors, exclude=exclude)
    cleaned_kind, percent, amount_minor = _clean_discount(kind, value, errors)
    if recurrence not in CouponRecurrence.values:
        errors.add("recurrence", f"One of {', '.join(CouponRecurrence.values)}.")
    common = _clean_common(
        {
            "description": description,
            "max_redemptions": max_redemptions,
            "max_per_client": max_per_client,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
        errors,
    )
    tariff_rows, family_rows = _clean_products(tariffs, families, errors)
    fields = {
        "code": cleaned_code,
        "kind": cleaned_kind,
        "percent": percent,
        "amount_minor": amount_minor,
        "recurrence": recurrence,
        **common,
    }
    return fields, tariff_rows, family_rows


def _store(coupon: Coupon, fields: dict, tariff_rows: list, family_rows: list) -> None:
    """Save ``coupon`` with ``fields`` and its products; a code another coupon took in the
    meantime is refused under ``code``."""
    for name, new in fields.items():
        setattr(coupon, name, new)
    try:
        with transaction.atomic():
            coupon.save()
    except IntegrityError:
        raise DomainError(
            "invalid_input",
            "code: This code is already used (whatever its letter case).",
            fields={"code": "This code is already used (whatever its letter case)."},
        ) from None
    coupon.tariffs.set(tariff_rows)
    coupon.families.set(family_rows)


@transaction.atomic
def coupon_create(
    *,
    code: str,
    kind: str,
    value,
    recurrence: str = CouponRecurrence.FIRST_PERIOD,
    description: str = "",
    max_redemptions=None,
    max_per_client=None,
    valid_from=None,
    valid_until=None,
    tariffs=(),
    families=(),
    is_active: bool = True,
    actor=None,
) -> Coupon:
    """Create a coupon (decision 0055). ``value`` is the percentage (an exact decimal of up
    to four places, above 0 and at most 100) or the fixed amount in EUR; limits are whole
    numbers of at least one or empty (no limit); days are both included. Every problem is
    named under its field; nothing is written on refusal."""
    errors = FieldErrors()
    fields, tariff_rows, family_rows = _clean_input(
        code=code,
        kind=kind,
        value=value,
        recurrence=recurrence,
        description=description,
        max_redemptions=max_redemptions,
        max_per_client=max_per_client,
        valid_from=valid_from,
        valid_until=valid_until,
        tariffs=tariffs,
        families=families,
        errors=errors,
    )
    clean_bool(is_active, "is_active", errors)
    errors.raise_if_any()
    coupon = Coupon(is_active=is_active, created_by=actor)
    _store(coupon, fields, tariff_rows, family_rows)
    audit("coupon.created", actor=actor, obj=coupon, data={"code": coupon.code})
    return coupon


@transaction.atomic
def coupon_update(
    *,
    coupon: Coupon,
    code: str,
    kind: str,
    value,
    recurrence: str,
    description: str = "",
    max_redemptions=None,
    max_per_client=None,
    valid_from=None,
    valid_until=None,
    tariffs=(),
    families=(),
    actor=None,
) -> Coupon:
    """Change a coupon (decision 0055). Once a client has redeemed it, what it takes off
    (kind, value, recurrence) stays as it was, so services renew on the terms accepted; a
    total limit below the uses already made is refused."""
    row = locked(coupon)
    errors = FieldErrors()
    fields, tariff_rows, family_rows = _clean_input(
        code=code,
        kind=kind,
        value=value,
        recurrence=recurrence,
        description=description,
        max_redemptions=max_redemptions,
        max_per_client=max_per_client,
        valid_from=valid_from,
        valid_until=valid_until,
        tariffs=tariffs,
        families=families,
        errors=errors,
        exclude=row.pk,
    )
    limit = fields["max_redemptions"]
    if limit is not None and limit < row.redemption_count:
        errors.add(
            "max_redemptions",
            f"It has been redeemed {row.redemption_count} times already.",
        )
    if not errors.errors and coupon_is_redeemed(row):
        for name in TERMS:
            if fields.get(name, getattr(row, name)) != getattr(row, name):
                field = "value" if name in ("percent", "amount_minor") else name
                errors.add(field, "Fixed once the coupon has been redeemed.")
    errors.raise_if_any()
    _store(row, fields, tariff_rows, family_rows)
    audit("coupon.updated", actor=actor, obj=row, data={"code": row.code})
    return row


@transaction.atomic
def coupon_deactivate(*, coupon: Coupon, actor=None) -> Coupon:
    """Stop accepting a coupon in new orders; services that carry it keep their terms."""
    return set_active(coupon, active=False, actor=actor, entity="coupon")


@transaction.atomic
def coupon_activate(*, coupon: Coupon, actor=None) -> Coupon:
    """Accept a switched-off coupon again."""
    return set_active(coupon, active=True, actor=actor, entity="coupon")


@transaction.atomic
def coupon_redeem(
    *,
    coupon: Coupon,
    client,
    tariff: Tariff,
    order_reference: str,
    discount_minor: int,
    today: date,
) -> CouponRedemption:
    """Record one use of ``coupon`` by ``client`` for the order ``order_reference``
    (decision 0055), refusing under the field ``coupon`` when it is switched off, outside
    its dates, not for ``tariff``, used up in all, or used up by this client.

    The total is counted by a conditional UPDATE (``redemption_count < max_redemptions``):
    of two clients taking the last use at once one updates the row, the other's UPDATE
    waits for it and then matches nothing. The UPDATE keeps the row locked, so the
    per-client count that follows is read while no other redemption of the coupon can
    commit."""
    problem = coupon_problem(coupon, client=None, tariff=tariff, today=today)
    if not problem:
        taken = (
            Coupon.objects.filter(pk=coupon.pk, is_active=True)
            .filter(Q(max_redemptions__isnull=True) | Q(redemption_count__lt=F("max_redemptions")))
            .update(redemption_count=F("redemption_count") + 1, updated_at=timezone.now())
        )
        if not taken:
            problem = "This coupon has been used up."
    if not problem:
        fresh = Coupon.objects.get(pk=coupon.pk)
        used = CouponRedemption.objects.filter(coupon=fresh, client=client).count()
        if fresh.max_per_client is not None and used >= fresh.max_per_client:
            problem = "You have already used this coupon as many times as it allows."
    if problem:
        raise DomainError("invalid_coupon", f"coupon: {problem}", fields={"coupon": problem})
    redemption = CouponRedemption.objects.create(
        coupon=coupon,
        client=client,
        order_reference=order_reference,
        discount_minor=discount_minor,
        currency=coupon.currency,
        redeemed_at=timezone.now(),
    )
    audit(
        "coupon.redeemed",
        actor=None,
        obj=coupon,
        data={"order": order_reference, "discount_minor": discount_minor},
    )
    return redemption
