"""Money, dates and binary downloads in API v1 (BIL-02).

Amounts travel as ``{"amount": "12.40", "currency": "EUR"}``: the amount is a decimal
*string* with exactly the currency's decimals, never a JSON number, so no client parses it
into a binary float. Input amounts are read with :meth:`hostledger.core.money.Money.of`,
which refuses more decimals than the currency has; a refusal names the body field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from hostledger.api.schemas import InputSchema
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.limits import date_input_bounds
from hostledger.core.money import Money, parse_staff_amount, require_confirmation

AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""The dates a filter or range may name; wider ranges mean nothing to a ledger and would
overflow the time-zone arithmetic of day boundaries."""

MULTILINE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

BINARY_SCHEMA = {"type": "string", "format": "binary"}


class MoneyOut(Schema):
    """An exact amount: a decimal string with the currency's decimals, and its currency."""

    amount: str = Field(
        description="Decimal string with exactly the currency's decimals; never a float.",
        pattern=r"^-?[0-9]+(\.[0-9]+)?$",
        examples=["12.40"],
    )
    currency: str = Field(description="ISO 4217 currency code.", examples=["EUR"])

    @staticmethod
    def resolve_amount(money: Money) -> str:
        return str(money.amount)


class UnitPriceOut(Schema):
    """A metered unit price, finer than a cent: up to six decimals (``"0.004300"``)."""

    amount: str = Field(
        description="Decimal string with six decimals.",
        pattern=r"^[0-9]+\.[0-9]{6}$",
        examples=["0.004300"],
    )
    currency: str = Field(description="ISO 4217 currency code.", examples=["EUR"])


class MoneyIn(InputSchema):
    """An amount of zero or more; at most the currency's decimals (EUR: cents)."""

    amount: str = Field(
        pattern=AMOUNT_PATTERN,
        description="Decimal string; at most the currency's decimals.",
        examples=["12.40"],
    )
    currency: str = Field(
        pattern=CURRENCY_PATTERN, description="ISO 4217 currency code.", examples=["EUR"]
    )


class SignedMoneyIn(InputSchema):
    """An amount that may be negative (a correction down)."""

    amount: str = Field(
        pattern=SIGNED_AMOUNT_PATTERN,
        description="Decimal string, negative to take money off; at most the currency's decimals.",
        examples=["-5.00"],
    )
    currency: str = Field(
        pattern=CURRENCY_PATTERN, description="ISO 4217 currency code.", examples=["EUR"]
    )


def to_money(value: MoneyIn | SignedMoneyIn, field: str) -> Money:
    """The exact :class:`Money` of an input amount; a refusal names ``field``."""
    try:
        return Money.of(value.amount, value.currency, field=field)
    except DomainError as error:
        problem = next(iter(error.fields.values()), error.message)
        raise DomainError(
            error.code,
            _("%(field)s: %(message)s") % {"field": field, "message": error.message},
            fields={field: problem},
        ) from None


CONFIRM_DESCRIPTION = (
    "Set to true to confirm an amount above the provider's confirmation threshold; without "
    "it such an amount is refused with 400 confirmation_required naming this field."
)


def confirm_flag() -> Any:
    """The ``confirm`` flag of a staff operation that takes an amount."""
    return Field(False, description=CONFIRM_DESCRIPTION)


def staff_money(
    value: MoneyIn | SignedMoneyIn,
    field: str,
    *,
    maximum: Money,
    threshold: Money | None = None,
    confirmed: bool = False,
) -> Money:
    """An amount staff send, read by the one strict parser of staff amounts: digits and at
    most the currency's decimals, at most ``maximum`` (by size, for a signed correction), and
    above ``threshold`` only with ``confirm: true``. A refusal names ``field`` or ``confirm``."""
    try:
        Money.zero(value.currency)
        if value.currency != maximum.currency:
            raise DomainError(
                "invalid_currency",
                _("%(field)s: amounts are in %(currency)s, not %(currency2)s.")
                % {"field": field, "currency": maximum.currency, "currency2": value.currency},
                fields={field: f"must be in {maximum.currency}"},
            )
        text = value.amount
        negative = text.startswith("-")
        amount = parse_staff_amount(
            text.removeprefix("-"), field=field, currency=value.currency, maximum=maximum
        )
    except DomainError as error:
        problem = error.fields.get(field) or next(iter(error.fields.values()), error.message)
        raise DomainError(
            error.code,
            _("%(field)s: %(problem)s") % {"field": field, "problem": problem},
            fields={field: problem},
        ) from None
    if threshold is not None:
        require_confirmation(amount, threshold=threshold, confirmed=confirmed)
    return -amount if negative else amount


def unit_price_of(micro: int, currency: str) -> dict[str, str]:
    """A micro-unit price as :class:`UnitPriceOut` (4300 → ``"0.004300"``)."""
    return {"amount": f"{Decimal(micro).scaleb(-6):.6f}", "currency": currency}


def _refuse_control_characters_but_line_breaks(value: str) -> str:
    if MULTILINE_CONTROL_CHARACTERS.search(value):
        raise ValueError("Control characters are not allowed.")
    return value


def multiline_text(max_length: int, description: str, examples: list[str]) -> Any:
    """A text that may hold line breaks (a description, a reason) but no other control
    characters."""
    return Annotated[
        str,
        Field(
            max_length=max_length,
            description=description,
            examples=examples,
            json_schema_extra={"pattern": NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS},
        ),
        AfterValidator(_refuse_control_characters_but_line_breaks),
    ]


def _within_input_years(value: date | None) -> date | None:
    """A date typed in lies within the provider's input years (``core.date_input_*``)."""
    if value is None:
        return None
    first, last = date_input_bounds()
    if not first <= value <= last:
        raise ValueError(f"Give a date between {first.isoformat()} and {last.isoformat()}.")
    return value


InputDate = Annotated[date, AfterValidator(_within_input_years)]
"""A date in a request: within 1900-01-01 … 2999-12-31 by the document, and within the
provider's input years (``core.date_input_first_year`` … ``core.date_input_last_year``) when
the request is read; outside them it is 400 naming the field."""


def day(description: str) -> Any:
    """A calendar date between 1900-01-01 and 2999-12-31 (use with :data:`InputDate`)."""
    return Field(None, ge=FIRST_DAY, le=LAST_DAY, description=description)


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    """Refuse a range that ends before it starts, naming ``date_to``."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise DomainError(
            "invalid_input",
            _("date_to: The range ends before it starts."),
            fields={"date_to": "On or after date_from."},
        )


def referenced[T](look_up: Callable[[], T], field: str) -> T:
    """An object named in the request body: unknown is bad input naming ``field`` (400),
    not a 404 of the address itself."""
    try:
        return look_up()
    except NotFound as error:
        raise DomainError(
            "invalid_input",
            _("%(field)s: %(message)s") % {"field": field, "message": error.message},
            fields={field: error.message},
        ) from None


def binary_download(media_type: str, description: str) -> dict:
    """The ``openapi_extra`` of an operation answering a file of ``media_type``."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": BINARY_SCHEMA}},
            }
        }
    }
