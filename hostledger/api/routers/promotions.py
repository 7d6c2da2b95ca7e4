"""Coupons and quotes (decision 0055): a client tries a code on a tariff before ordering (the
order takes it in its ``coupon`` field), and reads, accepts or declines the quotes staff
sent; staff with ``catalog.manage`` list, create and switch off coupons. Each change is one
action, recorded in the audit trail."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.accounts.selectors import require_staff_permission
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_money import referenced
from hostledger.api.schemas_promotions import (
    CouponCheckIn,
    CouponCheckOut,
    CouponCreateIn,
    QuoteAcceptIn,
    QuoteOut,
    StaffCouponOut,
    percent_text,
    quote_row,
    staff_coupon_row,
)
from hostledger.catalog import actions
from hostledger.catalog import selectors as catalog
from hostledger.catalog.coupons import (
    check_coupon,
    coupon_discount,
    coupons_for_staff,
    staff_coupon,
)
from hostledger.catalog.models import ProductFamily
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.subscriptions import actions as subscriptions
from hostledger.subscriptions.quote_selectors import (
    client_quote,
    client_quotes,
    quote_is_expired,
    quote_pricing,
)

router = Router(tags=["Coupons"])
STAFF_TAGS = ["Staff: catalog"]
QUOTE_TAGS = ["Quotes"]
SERVICES_AREA = "services"

CouponId = Annotated[str, Path(**path_id("coupon", "cpn_3k9d2m7q8w1x4z6v"))]
QuoteId = Annotated[str, Path(**path_id("quote", "quo_3k9d2m7q8w1x4z6v"))]


@router.post(
    "/coupon-checks",
    response=responses({200: CouponCheckOut}, 400, 401, 403, 404),
    summary="Try a coupon on a tariff",
)
def coupon_check(request: HttpRequest, acting: Query[ActingClient], payload: CouponCheckIn):
    """Whether the client may use the coupon ``code`` on the tariff today (its dates, its
    products, its limits in all and per client) and what it takes off the tariff's fee of a
    period of ``period_months``, VAT excluded, rounded as the proforma rounds it. A code that
    cannot be used is a 400 naming ``coupon`` with the reason. Nothing is redeemed: the
    order redeems the code given in its ``coupon`` field."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    tariff = referenced(lambda: catalog.tariff_by_public_id(payload.tariff), "tariff")
    today = timezone.localdate()
    coupon = check_coupon(payload.code, client=access.client, tariff=tariff, today=today)
    discount = coupon_discount(coupon)
    fee = catalog.price_in_force(tariff, period_start=today)
    list_minor = fee.minor * payload.period_months
    net_minor = discount.net_minor(list_minor)
    return {
        "code": coupon.code.upper(),
        "kind": coupon.kind,
        "percent": percent_text(coupon),
        "amount": coupon.amount,
        "applies_to": coupon.recurrence,
        "list_price": Money(list_minor, fee.currency),
        "discount": Money(list_minor - net_minor, fee.currency),
        "net": Money(net_minor, fee.currency),
    }


@router.get(
    "/staff/coupons",
    response=responses({200: page_of(StaffCouponOut)}, 400, 401, 403),
    summary="List coupons",
    tags=STAFF_TAGS,
)
def staff_coupon_list(request: HttpRequest, page: Query[PageParams]):
    """Every coupon by code, with its terms, limits, dates, products and uses."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    found = paginate(coupons_for_staff().prefetch_related("tariffs", "families"), page)
    found["items"] = [staff_coupon_row(coupon) for coupon in found["items"]]
    return found


def _families(codes: list[str]) -> list[ProductFamily]:
    found = {family.code: family for family in ProductFamily.objects.filter(code__in=codes)}
    for index, code in enumerate(codes):
        if code not in found:
            raise DomainError(
                "invalid_input",
                f"families[{index}]: no such product family.",
                fields={f"families[{index}]": "no such product family"},
            )
    return [found[code] for code in codes]


@router.post(
    "/staff/coupons",
    response=responses({201: StaffCouponOut}, 400, 401, 403),
    summary="Create a coupon",
    tags=STAFF_TAGS,
)
def staff_coupon_create(request: HttpRequest, payload: CouponCreateIn):
    """A new coupon (decision 0055). Codes are unique whatever their letter case; every bad
    field is named (400)."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariffs = [
        referenced(
            lambda tariff_id=tariff_id: catalog.tariff_by_public_id(
                tariff_id, include_inactive=True
            ),
            f"tariffs[{index}]",
        )
        for index, tariff_id in enumerate(payload.tariffs)
    ]
    coupon = actions.coupon_create(
        code=payload.code,
        description=payload.description,
        kind=payload.kind,
        value=payload.value,
        recurrence=payload.applies_to,
        max_redemptions=payload.max_redemptions,
        max_per_client=payload.max_per_client,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        tariffs=tariffs,
        families=_families(payload.families),
        actor=request.user,
    )
    return Status(201, staff_coupon_row(staff_coupon(coupon.public_id)))


@router.post(
    "/staff/coupons/{coupon_id}/deactivate",
    response=responses({200: StaffCouponOut}, 400, 401, 403, 404),
    summary="Switch a coupon off",
    tags=STAFF_TAGS,
)
def staff_coupon_deactivate(request: HttpRequest, coupon_id: CouponId):
    """New orders no longer accept the coupon; services that carry an every-period coupon
    keep it for their renewals."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    coupon = staff_coupon(coupon_id)
    actions.coupon_deactivate(coupon=coupon, actor=request.user)
    return staff_coupon_row(staff_coupon(coupon_id))


# ----------------------------------------------------------------------------- quotes


@router.get(
    "/quotes",
    response=responses({200: page_of(QuoteOut)}, 400, 401, 403, 404),
    summary="List quotes",
    tags=QUOTE_TAGS,
)
def quote_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The quotes staff sent the client, newest first, each priced for its payer today with
    VAT as the order form prices it (decision 0055)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    today = timezone.localdate()
    found = paginate(client_quotes(access.client), page)
    found["items"] = [
        quote_row(quote, quote_pricing(quote, today=today), expired=quote_is_expired(quote, today))
        for quote in found["items"]
    ]
    return found


def _quote_out(quote) -> dict:
    today = timezone.localdate()
    return quote_row(
        quote, quote_pricing(quote, today=today), expired=quote_is_expired(quote, today)
    )


@router.get(
    "/quotes/{quote_id}",
    response=responses({200: QuoteOut}, 400, 401, 403, 404),
    summary="Read a quote",
    tags=QUOTE_TAGS,
)
def quote_read(request: HttpRequest, quote_id: QuoteId, acting: Query[ActingClient]):
    """One quote with its lines priced as its orders will be billed."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    return _quote_out(client_quote(access.client, quote_id))


@router.post(
    "/quotes/{quote_id}/accept",
    response=responses({200: QuoteOut}, 400, 401, 403, 404),
    summary="Accept a quote",
    tags=QUOTE_TAGS,
)
def quote_accept(
    request: HttpRequest, quote_id: QuoteId, acting: Query[ActingClient], payload: QuoteAcceptIn
):
    """Accept a sent quote into orders, one per unit of each line, in one transaction; the
    proformas are paid from the balance when it covers them (ORD-03). Accepting an accepted
    quote again places nothing and answers the same. An expired, withdrawn or declined
    quote is a 400 naming ``quote``. Needs the owner or a trusted user with the services
    scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    access.require_write(SERVICES_AREA)
    quote = client_quote(access.client, quote_id)
    subscriptions.quote_accept(quote=quote, actor=request.user, start_at_once=payload.start_at_once)
    return _quote_out(client_quote(access.client, quote_id))


@router.post(
    "/quotes/{quote_id}/decline",
    response=responses({200: QuoteOut}, 400, 401, 403, 404),
    summary="Decline a quote",
    tags=QUOTE_TAGS,
)
def quote_decline(request: HttpRequest, quote_id: QuoteId, acting: Query[ActingClient]):
    """Turn a sent quote down. Needs the owner or a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    access.require_write(SERVICES_AREA)
    quote = client_quote(access.client, quote_id)
    subscriptions.quote_decline(quote=quote, actor=request.user)
    return _quote_out(client_quote(access.client, quote_id))
