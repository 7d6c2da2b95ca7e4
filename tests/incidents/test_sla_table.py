"""The SLA table is a provider setting staff edit on the settings page; the code picks the
band and computes the month's charge, never staff (BIL-09, SUP-03)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change, setting_value
from hostledger.incidents import sla
from tests.incidents.conftest import at


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("99.9=0; 99=10", "a band for availability 0 % is needed"),
        ("99=10; 99=20; 0=100", "appears twice"),
        ("101=0; 0=100", "from 0 to 100"),
        ("99.9=50; 0=10", "less than above it"),
        ("ninety=5; 0=100", "is not availability=percent"),
    ],
)
def test_a_wrong_table_is_refused_naming_the_problem_BIL_09(db, raw, problem):
    with pytest.raises(DomainError) as refused:
        provider_setting_change(key="incidents.sla_table", raw_value=raw)
    assert problem in refused.value.fields["incidents.sla_table"]
    assert setting_value("incidents.sla_table") == "99.9=0; 99.5=5; 99=10; 95=25; 90=50; 0=100"


def test_a_table_is_stored_in_order_and_bands_are_inclusive_BIL_09(db):
    provider_setting_change(key="incidents.sla_table", raw_value="0=100, 99.95=0 ,99%=10%")
    assert setting_value("incidents.sla_table") == "99.95=0; 99=10; 0=100"
    assert sla.compensation_percent(Fraction(9995, 10000)) == Decimal("0")
    assert sla.compensation_percent(Fraction(9994, 10000)) == Decimal("10")
    assert sla.compensation_percent(Fraction(99, 100)) == Decimal("10")
    assert sla.compensation_percent(Fraction(0)) == Decimal("100")


def test_overlapping_reports_count_once_and_only_inside_the_month_SUP_03(db):
    march_start, april_start = sla.month_bounds(date(2027, 3, 1))
    spans = [
        (at(date(2027, 2, 28), 22), at(date(2027, 3, 1), 2)),  # 2 h in March
        (at(date(2027, 3, 5), 10), at(date(2027, 3, 5), 14)),
        (at(date(2027, 3, 5), 12), at(date(2027, 3, 5), 16)),  # overlaps: 10-16 is 6 h
    ]
    assert sla.downtime_seconds(spans, march_start, april_start) == 8 * 3600


@dataclass
class _Invoice:
    vat_rate: Decimal


@dataclass
class _Period:
    starts_on: date
    ends_on: date
    amount_minor: int
    currency: str
    invoice: _Invoice | None


def test_the_month_charge_prorates_periods_to_the_day_with_their_vat_BIL_09():
    """A year from 15 January 2027 (118.80 net at 24 %) covers all of March: 31/365 of
    147.312 = 12.51; a month from 15 February (9.90, no VAT) covers 1-14 March: 14/28 of 9.90
    = 4.95. Together 17.46, rounded once."""
    periods = [
        _Period(date(2027, 1, 15), date(2028, 1, 14), 11880, "EUR", _Invoice(Decimal("24"))),
        _Period(date(2027, 2, 15), date(2027, 3, 14), 990, "EUR", _Invoice(Decimal("0"))),
    ]
    assert sla.month_charge(periods, date(2027, 3, 1)).minor == 1746
    assert sla.month_charge([], date(2027, 3, 1)).minor == 0
