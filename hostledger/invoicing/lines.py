"""Invoice lines given by callers, checked and priced (BIL-02).

A line's net amount is its unit price times its quantity, rounded half up to the cent. VAT is
computed once per rate, on the rate's taxable amount — the sum of the nets of the lines at
that rate — and rounded half up to the cent (EN 16931 BR-CO-17); that amount is then shared
out over the lines in proportion to their nets (largest remainder), so the stored line VAT
amounts add up to it exactly and a document's totals stay the sums of its lines. Both
roundings go through :mod:`hostledger.core.money`, so the PDF, the e-invoice, the ledger
entry and these rows agree to the cent (docs/decisions/0012-e-invoices-peppol-and-vat-per-rate.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from hostledger.core.errors import DomainError
from hostledger.core.money import Money

QUANTITY_PLACES = 4
UNIT_ONE = "C62"
"""UN/ECE Recommendation 20 "one": pieces, or a line that is one amount."""
UNIT_MONTH = "MON"
"""UN/ECE Recommendation 20 "month": a line priced per month of service."""
UNIT_CODES = (UNIT_ONE, UNIT_MONTH)
MAX_DESCRIPTION_LENGTH = 500
MAX_LINES = 500


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line as a caller asks for it: what, how many, at which unit price (net of VAT).

    ``period_start``/``period_end`` name the service period a line bills (BIL-03), if any.
    """

    description: str
    quantity: Decimal | int | str
    unit_price: Money
    period_start: date | None = None
    period_end: date | None = None
    unit_code: str = UNIT_ONE


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A checked line with its amounts: ``net`` and ``vat`` rounded once each (BIL-02)."""

    position: int
    description: str
    quantity: Decimal
    unit_price: Money
    vat_rate: Decimal
    net: Money
    vat: Money
    period_start: date | None = None
    period_end: date | None = None
    unit_code: str = UNIT_ONE

    def model_fields(self, *, sign: int = 1) -> dict:
        """The fields of an invoice or credit-note line row; ``sign=-1`` for a credit."""
        return {
            "position": self.position,
            "description": self.description,
            "quantity": sign * self.quantity,
            "unit_price_minor": self.unit_price.minor,
            "net_minor": sign * self.net.minor,
            "vat_rate": self.vat_rate,
            "vat_minor": sign * self.vat.minor,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "unit_code": self.unit_code,
        }


def price_line(*, quantity: Decimal, unit_price: Money, vat_rate: Decimal) -> tuple[Money, Money]:
    """Net and VAT of one line alone, each rounded half up to the cent (BIL-02)."""
    net = unit_price.multiply(quantity)
    return net, net.percentage(vat_rate)


def vat_per_rate(nets: list[Money], vat_rate: Decimal, currency: str) -> list[Money]:
    """The VAT of lines with ``nets`` at one rate: computed once on their sum, rounded half up
    (BR-CO-17), then shared out in proportion to the nets so the parts sum to it (BIL-02)."""
    taxable = Money.total(nets, currency)
    total = taxable.percentage(vat_rate)
    if taxable.is_zero():
        return [Money.zero(currency) for _ in nets]
    return total.allocate([net.minor for net in nets])


def _quantity(raw, field: str) -> Decimal:
    if isinstance(raw, float | bool):
        raise DomainError(
            "invalid_quantity",
            gettext("%(field)s: give the quantity as a decimal number, not %(type)s.")
            % {"field": field, "type": type(raw).__name__},
            fields={field: "not a decimal number"},
        )
    try:
        quantity = Decimal(str(raw).strip()) if isinstance(raw, str) else Decimal(raw)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(
            "invalid_quantity",
            gettext("%(field)s: '%(raw)s' is not a number.") % {"field": field, "raw": raw},
            fields={field: "not a number"},
        ) from None
    if not quantity.is_finite() or quantity <= 0:
        raise DomainError(
            "invalid_quantity",
            gettext("%(field)s: the quantity must be above zero.") % {"field": field},
            fields={field: "must be above zero"},
        )
    if quantity.as_tuple().exponent < -QUANTITY_PLACES or quantity.adjusted() >= 10:
        raise DomainError(
            "invalid_quantity",
            gettext(
                "%(field)s: at most %(quantity_places)s decimals and 10 digits before the point."
            )
            % {"field": field, "quantity_places": QUANTITY_PLACES},
            fields={field: f"at most {QUANTITY_PLACES} decimals"},
        )
    return quantity


def _line_input(raw, index: int) -> LineInput:
    if isinstance(raw, LineInput):
        return raw
    if isinstance(raw, Mapping):
        try:
            return LineInput(**raw)
        except TypeError:
            pass
    raise DomainError(
        "invalid_line",
        gettext("lines[%(index)s]: expected a description, a quantity and a unit price.")
        % {"index": index},
        fields={f"lines[{index}]": "expected description, quantity and unit_price"},
    )


def price_lines(lines: Iterable, *, vat_rate: Decimal) -> tuple[list[PricedLine], str]:
    """Check the caller's lines and price them at ``vat_rate``; returns them and the currency.

    Every line must be in the same currency, have a description, a quantity above zero and a
    unit price of zero or more. Errors name the line (``lines[2].quantity``).
    """
    if isinstance(lines, str | bytes | Mapping):
        lines = [lines]
    raw_lines = list(lines or [])
    if not raw_lines:
        raise DomainError(
            "no_lines",
            gettext("lines: an invoice needs at least one line."),
            fields={"lines": "empty"},
        )
    if len(raw_lines) > MAX_LINES:
        raise DomainError(
            "too_many_lines",
            gettext("lines: at most %(max_lines)s lines.") % {"max_lines": MAX_LINES},
            fields={"lines": f"at most {MAX_LINES}"},
        )
    priced: list[PricedLine] = []
    currency = None
    for index, raw in enumerate(raw_lines):
        line = _line_input(raw, index)
        field = f"lines[{index}]"
        description = (line.description or "").strip() if isinstance(line.description, str) else ""
        if not description or len(description) > MAX_DESCRIPTION_LENGTH:
            raise DomainError(
                "invalid_line",
                gettext(
                    "%(field)s.description: required, at most %(max_description_length)s "
                    "characters."
                )
                % {"field": field, "max_description_length": MAX_DESCRIPTION_LENGTH},
                fields={f"{field}.description": "required, at most 500 characters"},
            )
        quantity = _quantity(line.quantity, f"{field}.quantity")
        if not isinstance(line.unit_price, Money) or line.unit_price.is_negative():
            raise DomainError(
                "invalid_unit_price",
                gettext("%(field)s.unit_price: an amount of zero or more is needed.")
                % {"field": field},
                fields={f"{field}.unit_price": "an amount of zero or more"},
            )
        if currency is None:
            currency = line.unit_price.currency
        elif line.unit_price.currency != currency:
            raise DomainError(
                "currency_mismatch",
                gettext("%(field)s.unit_price: every line must be in %(currency)s.")
                % {"field": field, "currency": currency},
                fields={f"{field}.unit_price": f"expected {currency}"},
            )
        if (line.period_start is None) != (line.period_end is None) or (
            line.period_start is not None and line.period_end < line.period_start
        ):
            raise DomainError(
                "invalid_period",
                gettext(
                    "%(field)s.period_end: give both ends of the period, the end not before "
                    "the start."
                )
                % {"field": field},
                fields={f"{field}.period_end": "both ends, end not before start"},
            )
        unit_code = getattr(line, "unit_code", UNIT_ONE)
        if unit_code not in UNIT_CODES:
            raise DomainError(
                "invalid_unit",
                gettext("%(field)s.unit_code: one of %(unit_codes)s.")
                % {"field": field, "unit_codes": ", ".join(UNIT_CODES)},
                fields={f"{field}.unit_code": f"one of {', '.join(UNIT_CODES)}"},
            )
        net, vat = price_line(quantity=quantity, unit_price=line.unit_price, vat_rate=vat_rate)
        priced.append(
            PricedLine(
                position=index + 1,
                description=description,
                quantity=quantity,
                unit_price=line.unit_price,
                vat_rate=vat_rate,
                net=net,
                vat=vat,
                period_start=line.period_start,
                period_end=line.period_end,
                unit_code=unit_code,
            )
        )
    shares = vat_per_rate([line.net for line in priced], vat_rate, currency)
    priced = [replace(line, vat=vat) for line, vat in zip(priced, shares, strict=True)]
    return priced, currency


def line_totals(lines: Iterable[PricedLine], currency: str) -> tuple[Money, Money]:
    """The net and VAT totals of priced lines: plain sums, no further rounding."""
    lines = list(lines)
    return (
        Money.total((line.net for line in lines), currency),
        Money.total((line.vat for line in lines), currency),
    )
