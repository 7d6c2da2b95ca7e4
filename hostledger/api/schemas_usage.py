"""Schemas of usage records and usage totals (BIL-08, CAT-02) and the conversions that fill
them. Quantities travel as decimal strings in the metered item's unit with up to six
decimals, never JSON numbers; amounts as :class:`~hostledger.api.schemas_money.MoneyOut`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_money import MoneyOut, UnitPriceOut, unit_price_of
from hostledger.metering.actions.records import EARLIEST_YEAR, LATEST_YEAR
from hostledger.metering.selectors import ServiceUsage, UsageLine

QUANTITY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
PERIOD_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
MAX_RECORDS = 1000
"""Records per request; a module with more sends several requests."""


def _plausible_time(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"A time between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value


WindowTime = Annotated[AwareDatetime, AfterValidator(_plausible_time)]


class UsageRecordIn(InputSchema):
    """One measurement of a metered item for a service, from the provider's own accounting
    instruments (seed 003 §4.2)."""

    service: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the service that used the resource.",
        examples=["svc_3k9d2m7q8w1x4z6v"],
    )
    metered_item: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of a metered item of the service's tariff.",
        examples=["met_3k9d2m7q8w1x4z6v"],
    )
    quantity: str = Field(
        pattern=QUANTITY_PATTERN,
        description="How much was used, in the item's unit: zero or more, up to six decimals.",
        examples=["12.5"],
    )
    window_start: WindowTime = Field(
        description="Start of the measured window, with its UTC offset. The record belongs to "
        "the month this falls in, on the provider's clock.",
        examples=["2027-03-01T10:00:00+02:00"],
    )
    window_end: WindowTime = Field(
        description="End of the measured window: not before its start, not in the future.",
        examples=["2027-03-01T11:00:00+02:00"],
    )
    source: text(60, "The instrument or module that measured it.", ["traffic-meter-1"])
    external_id: text(
        200,
        "The source's own id of the measurement: sent again, it is stored once.",
        ["2027-03-01T10:svc_3k9d2m7q8w1x4z6v"],
    )


class UsageRecordsIn(InputSchema):
    rows: list[UsageRecordIn] = Field(
        min_length=1,
        max_length=MAX_RECORDS,
        description=f"The measurements, 1 to {MAX_RECORDS}; checked whole, stored whole.",
    )


class UsageIngestedOut(Schema):
    """What a delivery stored: records already stored (a repeated delivery) are counted, not
    stored again."""

    received: int = Field(description="Records in the request.", examples=[3])
    created: int = Field(description="Records stored now.", examples=[2])
    duplicates: int = Field(
        description="Records stored before with the same source and external id.",
        examples=[1],
    )


class UsagePeriodQuery(Schema):
    period: str | None = Field(
        None,
        pattern=PERIOD_PATTERN,
        description="The calendar month, YYYY-MM; omit for the current month.",
        examples=["2027-03"],
    )


class UsageItemOut(Schema):
    """One metered item's usage in the month (BIL-08, CAT-02)."""

    metered_item_id: str = Field(examples=["met_3k9d2m7q8w1x4z6v"])
    code: str = Field(examples=["vps-traffic"])
    name: str = Field(examples=["Traffic"])
    unit: str = Field(examples=["GB"])
    unit_price: UnitPriceOut
    used: str = Field(
        description="Used in the month so far (six decimals).", examples=["1234.500000"]
    )
    included: str = Field(
        description="What the fee covers each month (six decimals).", examples=["100.000000"]
    )
    billable: str = Field(
        description="Used beyond the included quantity (six decimals).", examples=["1134.500000"]
    )
    amount: MoneyOut = Field(
        description="The billable quantity priced, rounded once, half up, to the cent (net)."
    )
    billed: bool = Field(description="Whether the month was billed for this item.")
    invoice_id: str | None = Field(
        description="The invoice that billed it; null until billed or when nothing was due.",
        examples=["inv_3k9d2m7q8w1x4z6v"],
    )


class ServiceUsageOut(Schema):
    """A service's usage in one calendar month: per metered item, what was used, what the
    fee includes and what is billable; once the month is billed, the figures billed."""

    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    period: str = Field(examples=["2027-03"])
    period_start: date
    period_end: date
    billed: bool = Field(description="Whether every item used in the month was billed.")
    items: list[UsageItemOut]
    total: MoneyOut = Field(description="The sum of the items' amounts (net of VAT).")


def _quantity(micro_value) -> str:
    return f"{micro_value:.6f}"


def usage_item_row(line: UsageLine) -> dict:
    item = line.metered_item
    invoice = line.charge.invoice if line.charge is not None else None
    return {
        "metered_item_id": item.public_id,
        "code": item.code,
        "name": item.name,
        "unit": item.unit,
        "unit_price": unit_price_of(line.unit_price_micro, item.currency),
        "used": _quantity(line.used),
        "included": _quantity(line.included),
        "billable": _quantity(line.billable),
        "amount": line.amount,
        "billed": line.is_billed,
        "invoice_id": invoice.public_id if invoice is not None else None,
    }


def service_usage_row(usage: ServiceUsage) -> dict:
    return {
        "service_id": usage.service.public_id,
        "period": usage.period.label,
        "period_start": usage.period.start,
        "period_end": usage.period.end,
        "billed": usage.is_billed,
        "items": [usage_item_row(line) for line in usage.lines],
        "total": usage.total,
    }
