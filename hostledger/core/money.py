"""Money: an exact amount in integer minor units of one currency (SPEC BIL-02).

Amounts are never floats. A :class:`Money` holds whole minor units (cents for EUR, yen for
JPY, fils for BHD; the number of decimals comes from ISO 4217 through Babel's CLDR data), so
sums of ledger entries are exact and store as a ``BigIntegerField`` (``to_minor()`` /
``from_minor()``). Whenever a computation produces more decimals than the currency has —
a price times a quantity, a VAT percentage, a proration factor — the result is rounded once,
by :func:`round_half_up`, the only rounding function of HostLedger. Code elsewhere must not
call ``quantize`` or ``round`` on amounts itself, so that an invoice line, its PDF and the
ledger entry always agree to the cent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache, lru_cache

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import gettext

from hostledger.core.errors import DomainError

DEFAULT_CURRENCY = "EUR"

Number = Decimal | int | str

# No amount, factor or ratio has more integer digits than this; far beyond any bill and the
# ``BigIntegerField`` range, it only keeps absurd input such as "1e999999999" from
# allocating gigabytes while being rounded.
MAX_INTEGER_DIGITS = 30


class CurrencyMismatchError(DomainError):
    """Two amounts of different currencies were added, subtracted or compared.

    Converting between currencies is a business decision (which rate, which day), so Money
    never does it implicitly.
    """

    def __init__(self, left: str, right: str):
        super().__init__(
            "currency_mismatch",
            gettext("Cannot combine amounts in %(left)s and %(right)s; convert one of them first.")
            % {"left": left, "right": right},
            fields={"currency": f"expected {left}, got {right}"},
        )
        self.left = left
        self.right = right


def _exact_context(*operands: Decimal, extra: int = 0) -> Context:
    """A decimal context wide enough that operations on ``operands`` never round silently."""
    digits = sum(len(operand.as_tuple().digits) + abs(operand.adjusted()) for operand in operands)
    return Context(prec=max(28, digits + extra + 2), rounding=ROUND_HALF_UP)


def round_half_up(value: Decimal | int, places: int = 2) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero (0.005 → 0.01, -0.005 → -0.01).

    This is the one rounding rule of HostLedger (BIL-02); every amount that needs rounding
    goes through here. ``value`` must be an exact ``Decimal`` or ``int``: a float such as
    ``2.675`` is already ``2.67499999…`` in binary and would round the wrong way, so it is
    refused. The result always has exactly ``places`` decimals (``places`` may be negative to
    round to tens, hundreds, …).
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(
            f"round_half_up() takes a Decimal or int, not {type(value).__name__}; "
            "pass amounts as Decimal or str to stay exact."
        )
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"round_half_up() places must be an int, not {type(places).__name__}.")
    value = Decimal(value)
    if not value.is_finite():
        raise DomainError(
            "invalid_amount",
            gettext("Cannot round %(value)s.") % {"value": value},
            fields={"amount": "must be a number"},
        )
    exponent = Decimal(1).scaleb(-places)
    context = _exact_context(value, extra=abs(places))
    return value.quantize(exponent, rounding=ROUND_HALF_UP, context=context)


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=512)
def minor_unit_places(currency: str) -> int:
    """How many decimals the minor unit of ``currency`` has (EUR 2, JPY 0, BHD 3; ISO 4217)."""
    return get_currency_precision(_normalise_currency(currency))


def _normalise_currency(currency: object) -> str:
    if not isinstance(currency, str):
        raise TypeError(f"A currency is a three-letter ISO 4217 code, not {currency!r}.")
    code = currency.strip().upper()
    if len(code) != 3 or code not in _known_currencies():
        raise DomainError(
            "invalid_currency",
            gettext("'%(currency)s' is not an ISO 4217 currency code.") % {"currency": currency},
            fields={"currency": "not an ISO 4217 currency code"},
        )
    return code


def _to_decimal(value: object, *, field: str) -> Decimal:
    """Read an exact number from a Decimal, int or str; floats are refused outright."""
    if isinstance(value, float):
        raise TypeError(
            f"{field}: float {value!r} is not accepted for money because binary floats are "
            "inexact; pass a Decimal or a string such as '12.34'."
        )
    if isinstance(value, bool):
        raise TypeError(f"{field}: a bool is not a number.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise DomainError(
                "invalid_amount",
                gettext("%(field)s: '%(value)s' is not a number.")
                % {"field": field, "value": value},
                fields={field: "not a number"},
            ) from None
    else:
        raise TypeError(f"{field}: expected a Decimal, int or str, not {type(value).__name__}.")
    if not number.is_finite():
        raise DomainError(
            "invalid_amount",
            gettext("%(field)s: '%(value)s' is not a finite number.")
            % {"field": field, "value": value},
            fields={field: "not a finite number"},
        )
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise DomainError(
            "invalid_amount",
            gettext("%(field)s: '%(value)s' is too large.") % {"field": field, "value": value},
            fields={field: "too large"},
        )
    return number


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: ``minor`` whole minor units of ``currency`` (BIL-02).

    Immutable and hashable, so it can key a dict or sit in a set. Equality is exact and
    includes the currency (``Money(100, "EUR") != Money(100, "USD")``); ordering, addition and
    subtraction between different currencies raise :class:`CurrencyMismatchError`. Amounts do
    not mix with bare numbers: use :meth:`multiply`, :meth:`percentage` or :meth:`allocate`,
    each of which rounds at most once, with :func:`round_half_up`.
    """

    minor: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(
                f"Money.minor is a whole number of minor units, not {type(self.minor).__name__}; "
                "use Money.of() to build an amount from a decimal value."
            )
        object.__setattr__(self, "currency", _normalise_currency(self.currency))

    # Construction -----------------------------------------------------------------------

    @classmethod
    def of(
        cls,
        value: Number,
        currency: str = DEFAULT_CURRENCY,
        *,
        rounding: bool = False,
        field: str = "amount",
    ) -> Money:
        """The amount ``value`` (a str such as ``"12.34"``, a Decimal or an int) in ``currency``.

        A value with more decimals than the currency has (``"0.125"`` EUR) is refused with a
        DomainError naming ``field``, unless ``rounding=True`` asks for it to be rounded with
        :func:`round_half_up`. Trailing zeros are fine (``"12.340"`` is 12.34). Floats raise
        TypeError.
        """
        code = _normalise_currency(currency)
        places = minor_unit_places(code)
        number = _to_decimal(value, field=field)
        rounded = round_half_up(number, places)
        if rounded != number and not rounding:
            raise DomainError(
                "too_many_decimals",
                gettext(
                    "%(field)s: %(code)s amounts have at most %(places)s decimals; got '%(value)s'."
                )
                % {"field": field, "code": code, "places": places, "value": value},
                fields={field: f"at most {places} decimals"},
            )
        return cls(int(rounded.scaleb(places, context=_exact_context(rounded, extra=places))), code)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        """Nothing, in ``currency``; the start value of a sum."""
        return cls(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str = DEFAULT_CURRENCY) -> Money:
        """Rebuild an amount from its stored minor units (the ``BigIntegerField`` value)."""
        return cls(minor, currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str = DEFAULT_CURRENCY) -> Money:
        """The sum of ``amounts``, all in ``currency``; zero in ``currency`` when empty."""
        result = cls.zero(currency)
        for amount in amounts:
            result = result + amount
        return result

    def to_minor(self) -> int:
        """The whole minor units to store in a ``BigIntegerField``."""
        return self.minor

    # Reading ----------------------------------------------------------------------------

    @property
    def places(self) -> int:
        """Decimals of this currency's minor unit."""
        return minor_unit_places(self.currency)

    @property
    def amount(self) -> Decimal:
        """The exact decimal value with exactly the currency's decimals (``Decimal("12.30")``)."""
        minor = Decimal(self.minor)
        return minor.scaleb(-self.places, context=_exact_context(minor, extra=self.places))

    def is_zero(self) -> bool:
        return self.minor == 0

    def is_negative(self) -> bool:
        return self.minor < 0

    def is_positive(self) -> bool:
        return self.minor > 0

    def __bool__(self) -> bool:
        return self.minor != 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    # Arithmetic -------------------------------------------------------------------------

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor < other.minor

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor <= other.minor

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor > other.minor

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor >= other.minor

    def multiply(self, factor: Number) -> Money:
        """This amount times ``factor`` (a quantity, a proration fraction), rounded once, half up.

        The product is computed exactly and only then rounded to the currency's minor unit
        with :func:`round_half_up`, so ``Money.of("0.10").multiply("0.5")`` is 0.05 and
        ``Money.of("0.01").multiply("0.5")`` is 0.01.
        """
        number = _to_decimal(factor, field="factor")
        amount = self.amount
        product = _exact_context(amount, number).multiply(amount, number)
        return Money.of(round_half_up(product, self.places), self.currency)

    def percentage(self, percent: Number) -> Money:
        """``percent`` per cent of this amount (VAT, a discount), rounded once, half up."""
        number = _to_decimal(percent, field="percent")
        return self.multiply(number.scaleb(-2, context=_exact_context(number, extra=2)))

    def allocate(self, ratios: Sequence[Number]) -> list[Money]:
        """Split this amount in proportion to ``ratios`` without losing or creating a minor unit.

        Largest-remainder method: every part first gets the whole minor units of its exact
        share; the units left over go one each to the parts with the largest fractional
        remainders, earlier parts first on a tie. The parts always sum to this amount, each
        part is within one minor unit of its exact share, and a zero ratio gets zero. A
        negative amount is split like its absolute value, with every part negative.
        """
        if isinstance(ratios, (str, bytes)) or not isinstance(ratios, Sequence):
            raise TypeError("allocate() takes a sequence of ratios, e.g. [1, 1, 2].")
        weights = [Fraction(_to_decimal(ratio, field="ratios")) for ratio in ratios]
        if not weights:
            raise DomainError(
                "invalid_ratios",
                gettext("ratios: at least one ratio is needed."),
                fields={"ratios": "empty"},
            )
        if any(weight < 0 for weight in weights):
            raise DomainError(
                "invalid_ratios",
                gettext("ratios: ratios cannot be negative."),
                fields={"ratios": "negative ratio"},
            )
        total_weight = sum(weights, Fraction(0))
        if total_weight == 0:
            raise DomainError(
                "invalid_ratios",
                gettext("ratios: at least one ratio must be above zero."),
                fields={"ratios": "all zero"},
            )
        units = abs(self.minor)
        shares = [units * weight / total_weight for weight in weights]
        parts = [share.numerator // share.denominator for share in shares]
        left_over = units - sum(parts)
        by_remainder = sorted(
            range(len(shares)), key=lambda index: (-(shares[index] - parts[index]), index)
        )
        for index in by_remainder[:left_over]:
            parts[index] += 1
        sign = -1 if self.minor < 0 else 1
        return [Money(sign * part, self.currency) for part in parts]


def format_money(money: Money, locale: str = "en") -> str:
    """``money`` written the way readers of ``locale`` expect, using Babel's CLDR data.

    ``format_money(Money.of("1234.56"), "en")`` is ``"€1,234.56"``; in ``"et"`` or ``"ru"``
    it is ``"1 234,56 €"`` with no-break spaces. Django language codes such as ``"et-ee"``
    are accepted. The amount is shown with exactly the currency's decimals, never rounded.
    """
    if not isinstance(money, Money):
        raise TypeError(f"format_money() takes a Money, not {type(money).__name__}.")
    babel_locale = locale.replace("-", "_")
    try:
        return format_currency(money.amount, money.currency, locale=babel_locale)
    except (UnknownLocaleError, ValueError):
        raise DomainError(
            "invalid_locale",
            gettext("locale: '%(locale)s' is not a known locale.") % {"locale": locale},
            fields={"locale": "unknown locale"},
        ) from None


# Staff input -----------------------------------------------------------------------------

STAFF_AMOUNT_MAX_DIGITS = 15
"""Whole digits an amount typed by staff may have before the provider's maximum is applied."""

_STAFF_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_staff_decimal(value: object, *, field: str, places: int) -> Decimal:
    """A non-negative decimal typed by staff, read strictly: digits, then optionally a point
    and at most ``places`` digits (``"1250"``, ``"9.90"``).

    Refused, naming ``field``: an exponent (``"1e6"`` would be a million), a sign, grouping
    (``"1,000"``, ``"1 000"``, ``"1_000"``), a comma as decimal mark, ``NaN``/``Infinity`` and
    more than ``places`` decimals. Surrounding spaces are ignored. Decimals and ints (from an
    already typed schema) are held to the same rules.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise DomainError(
            "invalid_amount",
            gettext("%(field)s: an amount is required.") % {"field": field},
            fields={field: "required"},
        )
    if isinstance(value, str):
        text = value.strip()
    else:
        text = str(value) if isinstance(value, int) else format(value, "f")
    if not text:
        raise DomainError(
            "invalid_amount",
            gettext("%(field)s: an amount is required.") % {"field": field},
            fields={field: "required"},
        )
    if not _STAFF_NUMBER.match(text):
        raise DomainError(
            "invalid_amount",
            gettext(
                "%(field)s: '%(value)s' is not an amount; write digits with a point "
                "before the decimals, e.g. 1250.00 (no exponent, sign or thousands "
                "separator)."
            )
            % {"field": field, "value": value},
            fields={field: "digits and a decimal point only, e.g. 1250.00"},
        )
    whole, _, decimals = text.partition(".")
    if len(decimals) > places:
        raise DomainError(
            "too_many_decimals",
            gettext("%(field)s: at most %(places)s decimals; got '%(value)s'.")
            % {"field": field, "places": places, "value": value},
            fields={field: f"at most {places} decimals"},
        )
    if len(whole.lstrip("0")) > STAFF_AMOUNT_MAX_DIGITS:
        raise DomainError(
            "amount_too_large",
            gettext("%(field)s: '%(value)s' is too large.") % {"field": field, "value": value},
            fields={field: "too large"},
        )
    return Decimal(text)


def parse_staff_amount(
    value: object,
    *,
    field: str,
    currency: str = DEFAULT_CURRENCY,
    maximum: Money | None = None,
) -> Money:
    """An amount of money typed by staff (a price, a payment, a refund), read strictly by
    :func:`parse_staff_decimal` with the currency's decimals (cents for EUR), and at most
    ``maximum`` (a provider setting of the caller). A :class:`Money` is checked against the
    same bounds. Every refusal is a DomainError naming ``field``; nothing is rounded."""
    if isinstance(value, Money):
        amount = value
        if amount.currency != _normalise_currency(currency):
            raise CurrencyMismatchError(_normalise_currency(currency), amount.currency)
        if amount.is_negative():
            raise DomainError(
                "invalid_amount",
                gettext("%(field)s: the amount cannot be negative.") % {"field": field},
                fields={field: "cannot be negative"},
            )
    else:
        number = parse_staff_decimal(value, field=field, places=minor_unit_places(currency))
        amount = Money.of(number, currency, field=field)
    if maximum is not None:
        refuse_above_maximum(amount, maximum=maximum, field=field)
    return amount


def refuse_above_maximum(amount: Money, *, maximum: Money, field: str) -> None:
    """A DomainError naming ``field`` when ``amount`` is above ``maximum``."""
    if amount > maximum:
        raise DomainError(
            "amount_too_large",
            gettext("%(field)s: at most %(amount)s %(currency)s; got %(amount2)s.")
            % {
                "field": field,
                "amount": maximum.amount,
                "currency": maximum.currency,
                "amount2": amount.amount,
            },
            fields={field: f"at most {maximum.amount} {maximum.currency}"},
        )


def require_confirmation(
    amount: Money, *, threshold: Money, confirmed: bool, field: str = "confirm"
) -> None:
    """Refuse an amount above ``threshold`` unless the person confirmed it (``confirmed``).

    Staff guard rail: a large price or payment is taken only when asked for twice. The
    DomainError names ``field`` (the confirmation checkbox or flag)."""
    if amount > threshold and not confirmed:
        raise DomainError(
            "confirmation_required",
            gettext(
                "%(amount)s %(currency)s is above %(amount2)s %(currency2)s; confirm that"
                " the amount is right."
            )
            % {
                "amount": amount.amount,
                "currency": amount.currency,
                "amount2": threshold.amount,
                "currency2": threshold.currency,
            },
            fields={field: f"confirm the amount of {amount.amount} {amount.currency}"},
        )
