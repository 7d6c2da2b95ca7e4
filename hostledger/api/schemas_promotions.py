"""Schemas of the coupon endpoints (decision 0055) and the conversions that fill them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_money import InputDate, MoneyOut
from hostledger.catalog.models import Coupon, CouponRecurrence, DiscountKind

CouponKind = Literal[tuple(DiscountKind.values)]
Recurrence = Literal[tuple(CouponRecurrence.values)]
COUPON_CODE_PATTERN = r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$"
VALUE_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,4})?$"


class CouponCheckIn(InputSchema):
    """A coupon code to try on a tariff before ordering."""

    tariff: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of an offered tariff.",
        examples=["trf_3k9d2m7q8w1x4z6v"],
    )
    code: str = Field(
        min_length=1,
        max_length=40,
        pattern=COUPON_CODE_PATTERN,
        description="The coupon code; letter case does not matter.",
        examples=["SPRING15"],
    )
    period_months: int = Field(
        1, ge=1, le=120, description="The period to price, in months.", examples=[12]
    )


class CouponCheckOut(Schema):
    """What the coupon takes off the tariff's own fee of the period, VAT excluded; the order
    bills this, with VAT as its proforma decides."""

    code: str = Field(examples=["SPRING15"])
    kind: CouponKind
    percent: str | None = Field(description="Exact percentage, e.g. 12.5.", examples=["12.5"])
    amount: MoneyOut | None = Field(description="The fixed amount off, for a fixed coupon.")
    applies_to: Recurrence
    list_price: MoneyOut = Field(description="The tariff's fee for the period.")
    discount: MoneyOut = Field(description="What the coupon takes off it.")
    net: MoneyOut = Field(description="The tariff's discounted net for the period.")


class StaffCouponOut(Schema):
    """A coupon as staff manage it, with its uses."""

    id: str = Field(examples=["cpn_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["SPRING15"])
    description: str
    kind: CouponKind
    percent: str | None
    amount: MoneyOut | None
    applies_to: Recurrence
    max_redemptions: int | None
    max_per_client: int | None
    redemption_count: int
    valid_from: date | None
    valid_until: date | None
    tariffs: list[str] = Field(description="Public ids of the tariffs it is for; empty: all.")
    families: list[str] = Field(description="Codes of the families it is for; empty: all.")
    is_active: bool


class CouponCreateIn(InputSchema):
    """A new coupon: a percentage (up to four decimals) or an amount in EUR off the tariff's
    fee of the first period or of every period."""

    code: str = Field(min_length=1, max_length=40, pattern=COUPON_CODE_PATTERN)
    description: text(200, "A note for staff.", ["Spring campaign"]) = ""
    kind: CouponKind
    value: str = Field(pattern=VALUE_PATTERN, examples=["15", "5.00"])
    applies_to: Recurrence = CouponRecurrence.FIRST_PERIOD.value
    max_redemptions: int | None = Field(None, ge=1, le=1_000_000_000)
    max_per_client: int | None = Field(None, ge=1, le=1_000_000_000)
    valid_from: InputDate | None = None
    valid_until: InputDate | None = None
    tariffs: list[str] = Field(default_factory=list, max_length=200)
    families: list[str] = Field(default_factory=list, max_length=20)


def percent_text(coupon: Coupon) -> str | None:
    return None if coupon.percent is None else format(coupon.percent.normalize(), "f")


def staff_coupon_row(coupon: Coupon) -> dict:
    return {
        "id": coupon.public_id,
        "code": coupon.code,
        "description": coupon.description,
        "kind": coupon.kind,
        "percent": percent_text(coupon),
        "amount": coupon.amount,
        "applies_to": coupon.recurrence,
        "max_redemptions": coupon.max_redemptions,
        "max_per_client": coupon.max_per_client,
        "redemption_count": coupon.redemption_count,
        "valid_from": coupon.valid_from,
        "valid_until": coupon.valid_until,
        "tariffs": sorted(tariff.public_id for tariff in coupon.tariffs.all()),
        "families": sorted(family.code for family in coupon.families.all()),
        "is_active": coupon.is_active,
    }


class QuoteLineOut(Schema):
    """One line of a quote priced as its orders will be billed: per order, then times the
    quantity."""

    position: int
    tariff_id: str = Field(examples=["trf_3k9d2m7q8w1x4z6v"])
    description: str = Field(description="The tariff's proforma line, with any discount.")
    period_months: int
    quantity: int
    os_image_id: str | None
    host_name: str
    net_each: MoneyOut
    vat_each: MoneyOut
    gross: MoneyOut = Field(description="All the line's orders, VAT included.")


class QuoteOut(Schema):
    """A quote staff sent the client, priced for its payer today as the order form prices
    it (decision 0055)."""

    id: str = Field(examples=["quo_3k9d2m7q8w1x4z6v"])
    status: Literal["sent", "accepted", "declined", "withdrawn"]
    is_expired: bool = Field(description="Sent, but past valid_until: it cannot be accepted.")
    valid_until: date
    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    coupon: str | None = Field(examples=["SPRING15"])
    discount_percent: str | None = Field(examples=["10"])
    note: str
    lines: list[QuoteLineOut]
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut
    order_ids: list[str] = Field(description="The orders the accepted quote became.")


class QuoteAcceptIn(InputSchema):
    start_at_once: bool = Field(
        False,
        description="Start the services before the 14-day withdrawal period ends; the used "
        "part is then charged on withdrawal (ORD-07).",
    )


def quote_row(quote, pricing, *, expired: bool) -> dict:
    return {
        "id": quote.public_id,
        "status": quote.status,
        "is_expired": expired,
        "valid_until": quote.valid_until,
        "payer_id": quote.payer.public_id,
        "coupon": quote.coupon.code.upper() if quote.coupon_id else None,
        "discount_percent": (
            None
            if quote.discount_percent is None
            else format(quote.discount_percent.normalize(), "f")
        ),
        "note": quote.note,
        "lines": [
            {
                "position": priced.line.position,
                "tariff_id": priced.line.tariff.public_id,
                "description": priced.quote.lines[0].description if priced.quote.lines else "",
                "period_months": priced.line.period_months,
                "quantity": priced.line.quantity,
                "os_image_id": priced.line.os_image.public_id if priced.line.os_image else None,
                "host_name": priced.line.host_name,
                "net_each": priced.quote.net,
                "vat_each": priced.quote.vat,
                "gross": priced.gross,
            }
            for priced in pricing.lines
        ],
        "net": pricing.net,
        "vat": pricing.vat,
        "gross": pricing.gross,
        "order_ids": [order.public_id for order in quote.orders.order_by("id")],
    }
