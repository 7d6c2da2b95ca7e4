"""Gapless numbers per series, safe under concurrent payments (BIL-04)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections, transaction

from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import invoice_finalise, proforma_create
from hostledger.invoicing.models import Invoice, InvoiceSeries, InvoiceSeriesCounter
from hostledger.invoicing.numbering import series_next_number
from tests.invoicing.conftest import line, make_client, make_payer

PAID_ON = date(2025, 8, 4)


class Rollback(Exception):
    """Raised inside a transaction to make it roll back."""


@pytest.mark.django_db
def test_numbers_run_without_gaps_and_restart_each_year__BIL_04():
    taken = [
        series_next_number(series_code="INV", issued_on=day).display
        for day in (date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2), date(2025, 1, 3))
    ]
    assert taken == ["INV-2024-000001", "INV-2024-000002", "INV-2025-000001", "INV-2025-000002"]
    assert series_next_number(series_code="CN", issued_on=date(2025, 1, 3)).number == 1


@pytest.mark.django_db
def test_a_series_that_never_restarts_keeps_counting__BIL_04():
    InvoiceSeries.objects.create(
        code="ALL", name="All", prefix="A-", digits=3, restart_yearly=False
    )
    first = series_next_number(series_code="ALL", issued_on=date(2024, 12, 31))
    second = series_next_number(series_code="ALL", issued_on=date(2025, 1, 1))
    assert (first.display, second.display, second.year) == ("A-001", "A-002", 0)


@pytest.mark.django_db
def test_a_rolled_back_transaction_does_not_use_a_number__BIL_04():
    with pytest.raises(Rollback), transaction.atomic():
        assert series_next_number(series_code="INV", issued_on=PAID_ON).number == 1
        raise Rollback
    assert series_next_number(series_code="INV", issued_on=PAID_ON).number == 1


@pytest.mark.django_db
def test_unknown_series_is_refused__BIL_04():
    with pytest.raises(DomainError) as refused:
        series_next_number(series_code="NOPE", issued_on=PAID_ON)
    assert "series_code" in refused.value.fields
    assert InvoiceSeriesCounter.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_taken_inside_the_documents_transaction__BIL_04(seeded_tables):
    with pytest.raises(RuntimeError):
        series_next_number(series_code="INV", issued_on=PAID_ON)
    assert InvoiceSeriesCounter.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_finalisation_uses_no_number__BIL_04(monkeypatch):
    client = make_client("mari@example.com")
    payer = make_payer(client)
    first = proforma_create(client=client, payer=payer, lines=[line()], issued_on=PAID_ON)
    second = proforma_create(client=client, payer=payer, lines=[line()], issued_on=PAID_ON)

    def broken_audit(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("hostledger.invoicing.actions.invoices.record_audit_event", broken_audit)
    with pytest.raises(RuntimeError):
        invoice_finalise(proforma=first, paid_on=PAID_ON)
    monkeypatch.undo()
    first.refresh_from_db()
    assert (first.kind, first.status, first.number) == ("proforma", "issued", None)
    assert invoice_finalise(proforma=second, paid_on=PAID_ON).number == 1
    assert invoice_finalise(proforma=first, paid_on=PAID_ON).number == 2


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_payments_get_gapless_numbers__BIL_04(seeded_tables):
    """8 threads each finalise one distinct proforma at once: numbers 1..8, no gap, no twin."""
    _needs_postgresql()
    client = make_client("mari@example.com")
    payer = make_payer(client)
    proformas = [
        proforma_create(client=client, payer=payer, lines=[line()], issued_on=PAID_ON)
        for _ in range(8)
    ]
    start = threading.Barrier(len(proformas))

    def pay(proforma: Invoice) -> int:
        try:
            start.wait()
            return invoice_finalise(proforma=proforma, paid_on=PAID_ON).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(proformas)) as pool:
        numbers = list(pool.map(pay, proformas))

    assert sorted(numbers) == list(range(1, 9))
    stored = Invoice.objects.filter(kind="final").order_by("number")
    assert list(stored.values_list("number", flat=True)) == list(range(1, 9))
    assert list(stored.values_list("number_display", flat=True)) == [
        f"INV-2025-{number:06d}" for number in range(1, 9)
    ]
    assert InvoiceSeriesCounter.objects.get(series__code="INV", year=2025).last_number == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_waiting_payment_gets_the_number_a_rolled_back_one_released__BIL_04(seeded_tables):
    """One transaction takes number 1 and holds it; a second waits on the series lock; the
    first rolls back, and the second gets number 1."""
    _needs_postgresql()
    holding = threading.Event()
    release = threading.Event()

    def take_and_roll_back() -> int:
        try:
            with pytest.raises(Rollback), transaction.atomic():
                number = series_next_number(series_code="INV", issued_on=PAID_ON).number
                holding.set()
                release.wait(timeout=10)
                raise Rollback
            return number
        finally:
            connections.close_all()

    def take_after_waiting() -> int:
        try:
            holding.wait(timeout=10)
            with transaction.atomic():
                return series_next_number(series_code="INV", issued_on=PAID_ON).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        rolled_back = pool.submit(take_and_roll_back)
        waiting = pool.submit(take_after_waiting)
        holding.wait(timeout=10)
        assert not waiting.done()  # blocked on the series row's lock
        release.set()
        assert rolled_back.result(timeout=20) == 1
        assert waiting.result(timeout=20) == 1
    assert InvoiceSeriesCounter.objects.get(series__code="INV", year=2025).last_number == 1
