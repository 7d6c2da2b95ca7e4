"""The monthly usage report of licence keys (CAT-01; seed 003, annex 9): per product and month,
how many keys were allocated at any moment of the month and the key-days (each day a key was
allocated at any moment of), and the same per client and service, as rows and as CSV.

The allocations below are made through the actions at chosen moments; the test writes down
each allocation itself as it makes it and recounts the figures day by day from those notes,
independently of the report's own arithmetic, besides checking the figures worked out by
hand.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceKey

STANDARD = "windows-server-std"
SQL = "sql-server-std"
pytestmark = pytest.mark.django_db


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@dataclass
class Held:
    """One allocation as the test noted it."""

    key: str
    product: str
    client: str
    service: str
    start: datetime
    end: datetime | None = None


class Ledger:
    """Makes allocations and releases at given moments and notes each one."""

    def __init__(self, clock):
        self.clock = clock
        self.notes: list[Held] = []

    def at(self, moment: datetime) -> None:
        self.clock.move_to(moment, tick=False)

    def allocate(self, moment, product, service, client) -> str:
        self.at(moment)
        open_note = self._open(service)
        key = actions.key_allocate(product_code=product, service_id=service, client_id=client)
        if open_note is not None and open_note.product != product:
            open_note.end = moment  # the plan changed: the old key went back at once
        self.notes.append(Held(key.public_id, product, client, service, moment))
        return key.public_id

    def release(self, moment, service) -> None:
        self.at(moment)
        actions.key_release(service_id=service)
        self._open(service).end = moment

    def _open(self, service) -> Held | None:
        return next((n for n in self.notes if n.service == service and n.end is None), None)


def recount(notes: list[Held], month: date, now: datetime) -> tuple[dict, dict]:
    """The figures of ``month`` counted day by day from the notes: for each local day up to
    today, every noted allocation that overlaps [midnight, next midnight)."""
    products: dict[str, dict] = defaultdict(lambda: {"keys": set(), "days": set(), "svc": set()})
    services: dict[tuple, dict] = defaultdict(lambda: {"keys": set(), "days": set()})
    day = month
    while day.month == month.month and day <= timezone.localdate(now):
        starts = timezone.make_aware(datetime.combine(day, time.min))
        ends = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        for note in notes:
            until = note.end if note.end is not None else now
            if note.start < ends and until > starts and note.start <= now:
                products[note.product]["keys"].add(note.key)
                products[note.product]["days"].add((note.key, day))
                products[note.product]["svc"].add(note.service)
                row = (note.product, note.client, note.service)
                services[row]["keys"].add(note.key)
                services[row]["days"].add((note.key, day))
        day += timedelta(days=1)
    return (
        {code: (len(v["keys"]), len(v["days"]), len(v["svc"])) for code, v in products.items()},
        {row: (len(v["keys"]), len(v["days"])) for row, v in services.items()},
    )


def as_figures(report) -> tuple[dict, dict]:
    return (
        {p.product_code: (p.keys, p.key_days, p.services) for p in report.products if p.keys},
        {
            (s.product_code, s.client_public_id, s.service_public_id): (s.keys, s.key_days)
            for s in report.services
        },
    )


@pytest.fixture
def history(stock, key_manager, time_machine):
    """February to April 2027 of two products (Tallinn time; summer time from 28 March)."""
    ledger = Ledger(time_machine)
    ledger.at(local(2027, 1, 31, 9))
    stock(STANDARD, 6, name="Windows Server Standard")
    stock(SQL, 2, name="SQL Server Standard")
    ledger.allocate(local(2027, 2, 1, 10), STANDARD, "svc_5", "cli_5")
    ledger.allocate(local(2027, 2, 20, 12), STANDARD, "svc_1", "cli_1")
    ledger.release(local(2027, 3, 1), "svc_5")  # exactly at midnight: not a day of March
    ledger.release(local(2027, 3, 3, 10), "svc_1")
    ledger.allocate(local(2027, 3, 3, 15), STANDARD, "svc_2", "cli_2")  # never released
    ledger.at(local(2027, 3, 5, 9))
    retired = LicenceKey.objects.filter(product__code=STANDARD).order_by("-id").first()
    actions.key_retire(key=retired, actor=key_manager, reason="Revoked.")
    ledger.allocate(local(2027, 3, 10, 9), STANDARD, "svc_3", "cli_1")
    ledger.release(local(2027, 3, 10, 17), "svc_3")  # hours only: one day
    ledger.allocate(local(2027, 3, 15, 8), SQL, "svc_6", "cli_6")
    ledger.allocate(local(2027, 3, 20, 11), STANDARD, "svc_6", "cli_6")  # a plan change
    ledger.allocate(local(2027, 3, 31, 23, 30), STANDARD, "svc_4", "cli_4")
    ledger.release(local(2027, 4, 1), "svc_4")
    ledger.at(local(2027, 4, 5, 12))
    return ledger


def test_a_past_month_counts_keys_and_key_days_per_product_and_service__CAT_01(history):
    report = selectors.usage_report(month=date(2027, 3, 1))

    assert report.counted_until == date(2027, 3, 31)
    products, services = as_figures(report)
    # By hand: the first key 29 days (3-31) with svc_2; the second 1-3 (svc_1), 10 (svc_3)
    # and 20-31 (svc_6) = 16; the third on the 31st (svc_4): 3 keys, 46 key-days.
    assert products == {STANDARD: (3, 46, 5), SQL: (1, 6, 1)}
    assert services == {
        (STANDARD, "cli_1", "svc_1"): (1, 3),
        (STANDARD, "cli_1", "svc_3"): (1, 1),
        (STANDARD, "cli_2", "svc_2"): (1, 29),
        (STANDARD, "cli_4", "svc_4"): (1, 1),
        (STANDARD, "cli_6", "svc_6"): (1, 12),
        (SQL, "cli_6", "svc_6"): (1, 6),
    }
    assert (products, services) == recount(history.notes, date(2027, 3, 1), timezone.now())
    by_service = {row.service_public_id + row.product_code: row for row in report.services}
    assert (by_service["svc_2" + STANDARD].first_day, by_service["svc_2" + STANDARD].last_day) == (
        date(2027, 3, 3),
        date(2027, 3, 31),
    )
    assert [p.product_code for p in report.products] == [SQL, STANDARD]
    assert report.products[0].product_name == "SQL Server Standard"


def test_an_allocation_begun_before_the_month_counts_from_its_first_day__CAT_01(history):
    products, services = as_figures(selectors.usage_report(month=date(2027, 2, 1)))

    assert products == {STANDARD: (2, 28 + 9, 2)}
    assert services == {
        (STANDARD, "cli_5", "svc_5"): (1, 28),
        (STANDARD, "cli_1", "svc_1"): (1, 9),
    }
    assert (products, services) == recount(history.notes, date(2027, 2, 1), timezone.now())


def test_the_running_month_counts_up_to_today__CAT_01(history):
    report = selectors.usage_report(month=date(2027, 4, 1))

    assert report.counted_until == date(2027, 4, 5)
    products, services = as_figures(report)
    assert products == {STANDARD: (2, 10, 2)}  # svc_4's key went back at midnight
    assert services == {
        (STANDARD, "cli_2", "svc_2"): (1, 5),
        (STANDARD, "cli_6", "svc_6"): (1, 5),
    }
    assert (products, services) == recount(history.notes, date(2027, 4, 1), timezone.now())


def test_a_month_before_any_allocation_lists_every_product_at_zero__CAT_01(history):
    report = selectors.usage_report(month=date(2027, 1, 1))
    assert [(p.product_code, p.keys, p.key_days, p.services) for p in report.products] == [
        (SQL, 0, 0, 0),
        (STANDARD, 0, 0, 0),
    ]
    assert report.services == []


def test_the_csv_has_a_product_row_then_its_services__CAT_01(history):
    report = selectors.usage_report(month=date(2027, 3, 1))

    rows = list(csv.reader(io.StringIO(selectors.usage_report_csv(report))))

    assert rows[0] == list(selectors.CSV_COLUMNS)
    assert rows[1:3] == [
        ["2027-03", "product", SQL, "SQL Server Standard", "", "", "1", "6"],
        ["2027-03", "service", SQL, "SQL Server Standard", "cli_6", "svc_6", "1", "6"],
    ]
    assert rows[3] == ["2027-03", "product", STANDARD, "Windows Server Standard", "", "", "3", "46"]
    assert [row[5] for row in rows[4:]] == ["svc_1", "svc_3", "svc_2", "svc_4", "svc_6"]
    assert sum(int(row[7]) for row in rows[4:]) == 3 + 1 + 29 + 1 + 12
    for key in LicenceKey.objects.all():
        assert key.key_text not in selectors.usage_report_csv(report)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", date(2027, 4, 1)), ("2027-03", date(2027, 3, 1)), (" 2026-12 ", date(2026, 12, 1))],
)
def test_a_month_is_read_as_year_and_month__CAT_01(value, expected):
    assert selectors.clean_month(value, today=date(2027, 4, 5)) == expected


@pytest.mark.parametrize("value", ["2027-13", "2027-5", "March", "2027-05", "1999-12", 202703])
def test_a_month_not_begun_or_not_a_month_is_refused_naming_it__CAT_01(value):
    with pytest.raises(DomainError) as refused:
        selectors.clean_month(value, today=date(2027, 4, 5))
    assert "month" in refused.value.fields
