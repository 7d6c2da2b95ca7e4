"""Tests of hostledger.core.money: exact money and the one rounding rule (BIL-02)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostledger.core.errors import DomainError
from hostledger.core.money import (
    CurrencyMismatchError,
    Money,
    format_money,
    minor_unit_places,
    round_half_up,
)

CURRENCIES = st.sampled_from(["EUR", "JPY", "BHD", "USD"])
MINOR = st.integers(min_value=-(10**15), max_value=10**15)


@st.composite
def money_in(draw, currency: str | None = None) -> Money:
    return Money(draw(MINOR), currency or draw(CURRENCIES))


@st.composite
def same_currency(draw, count: int) -> list[Money]:
    currency = draw(CURRENCIES)
    return [Money(draw(MINOR), currency) for _ in range(count)]


def reference_half_up(value: Decimal, places: int) -> Decimal:
    """Half-up rounding by hand on the exact integer scaled value, independent of quantize."""
    scaled = value.scaleb(places)
    whole = int(abs(scaled))
    fraction = abs(scaled) - whole
    if fraction >= Decimal("0.5"):
        whole += 1
    signed = -whole if scaled < 0 else whole
    return Decimal(signed).scaleb(-places)


# Properties -------------------------------------------------------------------------------


@given(same_currency(3))
def test_addition_is_associative__BIL_02(amounts):
    a, b, c = amounts
    assert (a + b) + c == a + (b + c)


@given(same_currency(2))
def test_addition_is_commutative__BIL_02(amounts):
    a, b = amounts
    assert a + b == b + a


@given(money_in())
def test_amount_minus_itself_is_zero__BIL_02(a):
    difference = a - a
    assert difference == Money.zero(a.currency)
    assert difference.is_zero()
    assert a + (-a) == Money.zero(a.currency)


@given(same_currency(2))
def test_subtraction_undoes_addition__BIL_02(amounts):
    a, b = amounts
    assert (a + b) - b == a


@given(money_in(), st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12))
def test_allocate_sums_to_original_and_stays_within_one_unit_of_share__BIL_02(a, ratios):
    if sum(ratios) == 0:
        ratios[0] = 1
    parts = a.allocate(ratios)
    assert len(parts) == len(ratios)
    assert Money.total(parts, a.currency) == a
    total = sum(ratios)
    for part, ratio in zip(parts, ratios, strict=True):
        exact_share = Decimal(a.minor) * ratio / total
        assert abs(Decimal(part.minor) - exact_share) < 1
        if ratio == 0:
            assert part.is_zero()


@given(money_in(), st.integers(min_value=1, max_value=50))
def test_allocate_equal_parts_differ_by_at_most_one_minor_unit__BIL_02(a, count):
    parts = a.allocate([1] * count)
    assert Money.total(parts, a.currency) == a
    minors = [part.minor for part in parts]
    assert max(minors) - min(minors) <= 1


@given(
    money_in(),
    st.decimals(
        min_value=Decimal("-1000"),
        max_value=Decimal("1000"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
)
def test_multiply_matches_exact_decimal_math_rounded_half_up__BIL_02(a, factor):
    expected_amount = reference_half_up(a.amount * factor, a.places)
    result = a.multiply(factor)
    assert result.currency == a.currency
    assert result.amount == expected_amount
    assert a.multiply(str(factor)) == result


@given(money_in())
def test_round_trip_through_string_and_minor_units__BIL_02(a):
    assert Money.of(str(a.amount), a.currency) == a
    assert Money.of(a.amount, a.currency) == a
    assert Money.from_minor(a.to_minor(), a.currency) == a
    number, currency = str(a).split(" ")
    assert Money.of(number, currency) == a


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=5, min_value=-(10**9), max_value=10**9
    ),
    st.integers(min_value=0, max_value=4),
)
def test_round_half_up_matches_reference_rounding__BIL_02(value, places):
    assert round_half_up(value, places) == reference_half_up(value, places)
    assert round_half_up(value, places).as_tuple().exponent == -places


@given(same_currency(2))
def test_ordering_follows_minor_units__BIL_02(amounts):
    a, b = amounts
    assert (a < b) == (a.minor < b.minor)
    assert (a <= b) == (a.minor <= b.minor)
    assert (a > b) == (a.minor > b.minor)
    assert (a >= b) == (a.minor >= b.minor)


# Exact examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("2.675", "2.68"),
        ("-2.675", "-2.68"),
        ("1.004999", "1.00"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("-0.0049", "0.00"),
        ("7", "7.00"),
    ],
)
def test_round_half_up_rounds_halves_away_from_zero__BIL_02(value, expected):
    rounded = round_half_up(Decimal(value), 2)
    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == -2


def test_round_half_up_to_other_places__BIL_02():
    assert round_half_up(Decimal("0.5"), 0) == Decimal("1")
    assert round_half_up(Decimal("-1.5"), 0) == Decimal("-2")
    assert round_half_up(Decimal("1.2345"), 3) == Decimal("1.235")
    assert round_half_up(Decimal("125"), -1) == Decimal("130")
    assert round_half_up(12, 2) == Decimal("12.00")


def test_money_of_with_rounding_uses_half_up__BIL_02():
    assert Money.of("0.005", rounding=True) == Money(1, "EUR")
    assert Money.of("-0.005", rounding=True) == Money(-1, "EUR")
    assert Money.of("2.675", "EUR", rounding=True) == Money(268, "EUR")
    assert Money.of(Decimal("2.675"), rounding=True).amount == Decimal("2.68")
    assert Money.of("0.5", "JPY", rounding=True) == Money(1, "JPY")


def test_money_of_refuses_extra_decimals_without_rounding__BIL_02():
    with pytest.raises(DomainError) as error:
        Money.of("0.125", "EUR")
    assert error.value.code == "too_many_decimals"
    assert "amount" in error.value.fields
    with pytest.raises(DomainError) as error:
        Money.of("12.5", "JPY", field="unit_price")
    assert "unit_price" in error.value.fields
    assert Money.of("12.340", "EUR") == Money(1234, "EUR")
    assert Money.of("1.234", "BHD") == Money(1234, "BHD")


@pytest.mark.parametrize("bad", ["", "abc", "1,5", "NaN", "Infinity", "-inf", "1e40"])
def test_money_of_refuses_non_numbers_naming_the_field__BIL_02(bad):
    with pytest.raises(DomainError) as error:
        Money.of(bad, field="price")
    assert error.value.code == "invalid_amount"
    assert "price" in error.value.fields


def test_minor_units_follow_iso_4217__BIL_02():
    assert minor_unit_places("EUR") == 2
    assert minor_unit_places("JPY") == 0
    assert minor_unit_places("BHD") == 3
    assert Money.of("12.34").minor == 1234
    assert Money.of("1234", "JPY").minor == 1234
    assert Money.of("1.234", "BHD").amount == Decimal("1.234")
    assert Money(1230, "EUR").amount == Decimal("12.30")
    assert str(Money(1230, "EUR").amount) == "12.30"


def test_currency_is_validated_and_normalised__BIL_02():
    assert Money(100, "eur") == Money(100, "EUR")
    assert Money(100, "eur").currency == "EUR"
    with pytest.raises(DomainError) as error:
        Money(100, "EURO")
    assert error.value.code == "invalid_currency"
    assert "currency" in error.value.fields
    with pytest.raises(DomainError):
        Money.of("1.00", "QQQ")


def test_currency_mismatch_raises__BIL_02():
    euros = Money.of("1.00", "EUR")
    dollars = Money.of("1.00", "USD")
    with pytest.raises(CurrencyMismatchError) as error:
        euros + dollars
    assert "EUR" in error.value.message and "USD" in error.value.message
    assert isinstance(error.value, DomainError)
    with pytest.raises(CurrencyMismatchError):
        euros - dollars
    with pytest.raises(CurrencyMismatchError):
        assert euros < dollars
    with pytest.raises(CurrencyMismatchError):
        assert euros >= dollars
    with pytest.raises(CurrencyMismatchError):
        Money.total([euros, dollars], "EUR")
    assert euros != dollars


def test_floats_are_refused__BIL_02():
    with pytest.raises(TypeError, match="float"):
        Money.of(1.5)
    with pytest.raises(TypeError, match="float"):
        Money.of("1.00").multiply(0.5)
    with pytest.raises(TypeError, match="float"):
        Money.of("1.00").percentage(22.0)
    with pytest.raises(TypeError, match="float"):
        Money.of("1.00").allocate([0.5, 0.5])
    with pytest.raises(TypeError, match="float"):
        round_half_up(2.675, 2)
    with pytest.raises(TypeError):
        Money(1.0, "EUR")
    with pytest.raises(TypeError):
        Money(True, "EUR")


def test_money_does_not_mix_with_bare_numbers__BIL_02():
    with pytest.raises(TypeError):
        Money.of("1.00") + 1
    with pytest.raises(TypeError):
        assert Money.of("1.00") < 2
    assert Money.of("1.00") != 100


def test_negation_abs_and_signs__BIL_02():
    a = Money.of("-12.34")
    assert a.is_negative()
    assert not a.is_zero()
    assert -a == Money.of("12.34")
    assert abs(a) == Money.of("12.34")
    assert +a == a
    assert Money.zero().is_zero()
    assert not Money.zero()
    assert Money.of("0.01")
    assert Money.zero("JPY").currency == "JPY"


def test_money_is_hashable_and_immutable__BIL_02():
    prices = {Money.of("1.00"): "one", Money.of("1.00", "USD"): "dollar"}
    assert prices[Money(100, "EUR")] == "one"
    assert len({Money.of("1.00"), Money(100), Money.of("1.000")}) == 1
    with pytest.raises(AttributeError):
        Money.of("1.00").minor = 5


def test_multiply_rounds_once_half_up__BIL_02():
    assert Money.of("0.01").multiply("0.5") == Money.of("0.01")
    assert Money.of("-0.01").multiply("0.5") == Money.of("-0.01")
    assert Money.of("0.10").multiply(Decimal("0.5")) == Money.of("0.05")
    assert Money.of("10.00").multiply(3) == Money.of("30.00")
    # 1.15 * 1.1 = 1.265 exactly; a float would give 1.2649999… and round down.
    assert Money.of("1.15").multiply("1.1") == Money.of("1.27")
    # Rounding happens once, on the exact product, not on a rounded intermediate.
    assert Money.of("19.99").multiply("0.333333") == Money.of("6.66")
    with pytest.raises(DomainError) as error:
        Money.of("1.00").multiply("x")
    assert "factor" in error.value.fields


def test_percentage__BIL_02():
    assert Money.of("100.00").percentage(Decimal("22")) == Money.of("22.00")
    assert Money.of("12.35").percentage("24") == Money.of("2.96")  # 2.964
    assert Money.of("0.125", rounding=True).percentage(50) == Money.of("0.07")  # 0.13 * 0.5
    assert Money.of("10.25").percentage("20") == Money.of("2.05")
    assert Money.of("0.05").percentage("50") == Money.of("0.03")  # 0.025 rounds up
    assert Money.of("-0.05").percentage("50") == Money.of("-0.03")


def test_allocate_examples__BIL_02():
    assert Money.of("100.00").allocate([1, 1, 1]) == [
        Money.of("33.34"),
        Money.of("33.33"),
        Money.of("33.33"),
    ]
    assert Money.of("0.05").allocate([3, 7]) == [Money.of("0.02"), Money.of("0.03")]
    assert Money.of("-0.05").allocate([1, 1]) == [Money.of("-0.03"), Money.of("-0.02")]
    assert Money.of("10.00").allocate(["0.25", Decimal("0.75"), 0]) == [
        Money.of("2.50"),
        Money.of("7.50"),
        Money.zero(),
    ]
    assert Money.of("5", "JPY").allocate([1, 1]) == [Money(3, "JPY"), Money(2, "JPY")]


@pytest.mark.parametrize(
    ("ratios", "problem"),
    [([], "empty"), ([0, 0], "all zero"), ([1, -1], "negative ratio")],
)
def test_allocate_refuses_bad_ratios__BIL_02(ratios, problem):
    with pytest.raises(DomainError) as error:
        Money.of("1.00").allocate(ratios)
    assert error.value.fields == {"ratios": problem}


def test_total_sums_amounts_of_one_currency__BIL_02():
    assert Money.total([Money.of("1.10"), Money.of("2.20")]) == Money.of("3.30")
    assert Money.total([], "JPY") == Money.zero("JPY")
    assert sum([Money.of("1.00"), Money.of("2.00")], Money.zero()) == Money.of("3.00")


def test_str_and_storage_helpers__BIL_02():
    assert str(Money.of("12.34", "EUR")) == "12.34 EUR"
    assert str(Money.of("-0.50")) == "-0.50 EUR"
    assert str(Money.of("1200", "JPY")) == "1200 JPY"
    assert Money.of("12.34").to_minor() == 1234
    assert Money.from_minor(-5, "EUR") == Money.of("-0.05")
    with pytest.raises(TypeError):
        Money.from_minor("5", "EUR")


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money.of("1234.56"), "en", "€1,234.56"),
        (Money.of("-1234.56"), "en", "-€1,234.56"),
        (Money.of("1234.56"), "et", "1\xa0234,56\xa0€"),
        (Money.of("1234.56"), "et_EE", "1\xa0234,56\xa0€"),
        (Money.of("1234.56"), "et-ee", "1\xa0234,56\xa0€"),
        (Money.of("1234.56"), "ru", "1\xa0234,56\xa0€"),
        (Money.of("1234.5"), "de", "1.234,50\xa0€"),
        (Money.of("1234", "JPY"), "en", "¥1,234"),
        (Money.of("1.234", "BHD"), "en", "BHD1.234"),
    ],
)
def test_format_money_per_locale__BIL_02(money, locale, expected):
    assert format_money(money, locale) == expected


def test_format_money_refuses_unknown_locale__BIL_02():
    with pytest.raises(DomainError) as error:
        format_money(Money.of("1.00"), "xx_YY")
    assert "locale" in error.value.fields
