"""Proformas and final invoices: amounts, due dates, snapshots, immutability (BIL-02..05)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.actions import invoice_finalise, proforma_cancel, proforma_create
from hostledger.invoicing.models import (
    DocumentIssuedError,
    Invoice,
    InvoiceLine,
    InvoiceSeriesCounter,
    VatNumberCheck,
    VatScheme,
)
from tests.invoicing.conftest import ISSUED_ON_22_PERCENT, line, make_client, make_payer

pytestmark = pytest.mark.django_db


def _state() -> dict:
    return {
        "invoices": list(Invoice.objects.order_by("id").values()),
        "lines": list(InvoiceLine.objects.order_by("id").values()),
        "checks": VatNumberCheck.objects.count(),
        "counters": list(InvoiceSeriesCounter.objects.values_list("year", "last_number")),
        "audit": AuditEvent.objects.count(),
    }


def _proforma(client, payer, lines=None, issued_on=ISSUED_ON_22_PERCENT, **kwargs):
    return proforma_create(
        client=client, payer=payer, lines=lines or [line()], issued_on=issued_on, **kwargs
    )


def test_three_times_3_33_at_22_percent_is_exact_to_the_cent__BIL_02(
    estonian_client, estonian_payer, staff
):
    invoice = _proforma(
        estonian_client, estonian_payer, [line("Web hosting S", "3", "3.33")], actor=staff
    )
    (only,) = invoice.lines.all()
    assert (only.quantity, only.unit_price_minor, only.net_minor, only.vat_minor) == (
        Decimal("3.0000"),
        333,
        999,
        220,  # 9.99 x 22 % = 2.1978 → 2.20
    )
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (999, 220, 1219)
    assert (invoice.vat_scheme, invoice.vat_rate) == (VatScheme.DOMESTIC, Decimal("22.00"))
    assert invoice.gross.amount == Decimal("12.19")


def test_vat_is_computed_once_per_rate_on_its_taxable_amount__BIL_02(
    estonian_client, estonian_payer
):
    invoice = _proforma(
        estonian_client,
        estonian_payer,
        [
            line("Backup 10 GB", "1", "0.75"),
            line("Backup 10 GB", "1", "0.75"),
            line("Backup 10 GB", "1", "0.75"),
            line("IPv4 address, half a month", "0.5", "0.01"),
        ],
    )
    vat_per_line = list(invoice.lines.order_by("position").values_list("net_minor", "vat_minor"))
    # Nets are rounded per line (0.5 x 0.01 = 0.005 → 0.01, half up); VAT once on the rate's
    # taxable amount, 2.26 x 22 % = 0.4972 → 0.50 (BR-CO-17), where rounding each line
    # (0.165 → 0.17 three times) would give 0.51. The 0.50 is shared out over the lines by
    # their nets (largest remainder), so the lines still add up to the document.
    assert vat_per_line == [(75, 17), (75, 17), (75, 16), (1, 0)]
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (226, 50, 276)


def test_due_in_five_working_days_skipping_estonian_holidays__BIL_03(
    estonian_client, estonian_payer
):
    # Friday 2024-12-20: Mon 23 (1), 24-26 Christmas, Fri 27 (2), Mon 30 (3), Tue 31 (4),
    # 1 January, Thu 2 January (5).
    invoice = _proforma(estonian_client, estonian_payer, issued_on=date(2024, 12, 20))
    assert invoice.due_on == date(2025, 1, 2)
    assert (invoice.vat_rate, invoice.gross_minor) == (Decimal("22.00"), 1220)


def test_payment_term_is_a_provider_setting__BIL_03(estonian_client, estonian_payer):
    provider_setting_change(key="invoicing.due_working_days", raw_value="10")
    invoice = _proforma(estonian_client, estonian_payer, issued_on=date(2024, 5, 2))
    # Thursday 2 May: 3, 6-10 and 13-16 May are the ten working days after it.
    assert invoice.due_on == date(2024, 5, 16)


def test_proforma_with_a_service_period_and_no_number__BIL_03(
    estonian_client, estonian_payer, staff
):
    invoice = _proforma(
        estonian_client,
        estonian_payer,
        [
            line(
                "VPS Start",
                "1",
                "12.00",
                period_start=date(2024, 6, 1),
                period_end=date(2024, 6, 30),
            )
        ],
        actor=staff,
    )
    assert (invoice.kind, invoice.status) == ("proforma", "issued")
    assert (invoice.series, invoice.number, invoice.number_display) == (None, None, "")
    assert invoice.public_id.startswith("inv_")
    only = invoice.lines.get()
    assert (only.period_start, only.period_end) == (date(2024, 6, 1), date(2024, 6, 30))
    event = AuditEvent.objects.get(action="invoice.proforma_issued")
    assert (event.object_id, event.subject_client_id, event.actor_id) == (
        invoice.public_id,
        estonian_client.pk,
        staff.pk,
    )


def test_payer_and_provider_are_snapshotted_at_issue__BIL_04(estonian_client, estonian_payer):
    invoice = _proforma(estonian_client, estonian_payer)
    estonian_payer.name = "Mari Tamm"
    estonian_payer.street = "Uus 5"
    estonian_payer.save()
    provider_setting_change(key="invoicing.provider_street", raw_value="Uus 1")
    provider_setting_change(key="invoicing.provider_email", raw_value="new@provider.example")
    invoice.refresh_from_db()
    assert invoice.payer_data["name"] == "Mari Maasikas"
    assert invoice.payer_data["street"] == "Hauptstraße 1"
    assert invoice.payer_data["country"] == "EE"
    assert invoice.payer_data["public_id"] == estonian_payer.public_id
    assert invoice.provider_snapshot == {
        "legal_name": "SmartApe OÜ",
        "registry_code": "16124388",
        "vat_number": "EE102329731",
        "street": "Ahtri tn 12",
        "city": "Tallinn",
        "postal_code": "10151",
        "country": "EE",
        "email": "billing@provider.example",
        "phone": "+372 5555 0100",
        "website": "https://provider.example",
        "iban": "EE382200221020145685",
        "bic": "DEMOEE22",
        "bank_name": "Demo Bank AS",
        "footer": "Thank you for choosing us.",
    }


def test_payer_snapshot_is_encrypted_at_rest__BIL_04(estonian_client, estonian_payer):
    invoice = _proforma(estonian_client, estonian_payer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT payer_snapshot FROM invoicing_invoice WHERE id = %s", [invoice.pk])
        (stored,) = cursor.fetchone()
    assert "Maasikas" not in stored
    assert "Maasikas" in invoice.payer_snapshot


def test_reverse_charged_company_invoice_records_the_check__BIL_05(
    german_company, german_company_payer
):
    invoice = _proforma(
        german_company, german_company_payer, [line("Dedicated server", "1", "99.99")]
    )
    assert (invoice.vat_scheme, invoice.vat_rate, invoice.vat_country) == (
        VatScheme.REVERSE_CHARGE,
        Decimal("0.00"),
        "DE",
    )
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (9999, 0, 9999)
    assert "Reverse charge" in invoice.vat_reason
    assert invoice.vat_number_check.format_valid is True


def test_us_client_pays_no_vat__BIL_05(db):
    client = make_client("joe@example.com", kind="legal", country="US")
    payer = make_payer(client, kind="legal", country="US")
    invoice = _proforma(client, payer, [line("VPS", "2", "5.55")])
    assert (invoice.vat_scheme, invoice.net_minor, invoice.vat_minor) == (
        VatScheme.OUTSIDE_EU,
        1110,
        0,
    )
    assert invoice.vat_number_check is None


def test_french_consumer_pays_french_vat__BIL_05(db):
    client = make_client("jean@example.fr", country="FR")
    payer = make_payer(client, country="FR")
    invoice = _proforma(client, payer, [line("VPS", "1", "10.00")])
    assert (invoice.vat_scheme, invoice.vat_rate, invoice.vat_minor) == (
        VatScheme.EU_CONSUMER,
        Decimal("20.00"),
        200,
    )


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([line(quantity="0")], "lines[0].quantity"),
        ([line(), line(quantity="-1")], "lines[1].quantity"),
        ([line(quantity="0.00001")], "lines[0].quantity"),
        ([line(description="  ")], "lines[0].description"),
        ([{"description": "x", "quantity": 1.5, "unit_price": None}], "lines[0].quantity"),
        ([{"description": "x", "quantity": "1", "unit_price": "10.00"}], "lines[0].unit_price"),
        (
            [
                line(price="1.00"),
                {
                    "description": "x",
                    "quantity": "1",
                    "unit_price": Money.of("1", "USD"),
                },
            ],
            "lines[1].unit_price",
        ),
        (
            [line(period_start=date(2024, 6, 30), period_end=date(2024, 6, 1))],
            "lines[0].period_end",
        ),
        ([{"what": "nothing"}], "lines[0]"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written__BIL_03(
    estonian_client, estonian_payer, lines, field
):
    before = _state()
    with pytest.raises(DomainError) as refused:
        proforma_create(
            client=estonian_client,
            payer=estonian_payer,
            lines=lines,
            issued_on=ISSUED_ON_22_PERCENT,
        )
    assert field in refused.value.fields
    assert _state() == before


def test_payer_of_another_client_is_refused__BIL_03(estonian_client, german_company_payer):
    before = _state()
    with pytest.raises(DomainError) as refused:
        _proforma(estonian_client, german_company_payer)
    assert "payer" in refused.value.fields
    assert _state() == before


def test_finalising_assigns_the_number_and_keeps_everything_else__BIL_04(
    estonian_client, estonian_payer
):
    proforma = _proforma(estonian_client, estonian_payer, [line("VPS", "3", "3.33")])
    lines_before = list(proforma.lines.values())
    invoice = invoice_finalise(proforma=proforma, paid_on=date(2024, 5, 6))
    assert (invoice.pk, invoice.kind, invoice.status) == (proforma.pk, "final", "paid")
    assert (invoice.series.code, invoice.number_year, invoice.number) == ("INV", 2024, 1)
    assert invoice.number_display == "INV-2024-000001"
    assert invoice.finalised_on == date(2024, 5, 6)
    assert (invoice.issued_on, invoice.due_on, invoice.gross_minor) == (
        proforma.issued_on,
        proforma.due_on,
        1219,
    )
    assert invoice.payer_snapshot == proforma.payer_snapshot
    assert list(invoice.lines.values()) == lines_before
    assert (
        AuditEvent.objects.filter(action="invoice.finalised", object_id=proforma.public_id).count()
        == 1
    )


def test_paying_twice_or_a_cancelled_proforma_is_refused__BIL_04(estonian_client, estonian_payer):
    paid = _proforma(estonian_client, estonian_payer)
    invoice_finalise(proforma=paid, paid_on=date(2024, 5, 6))
    cancelled = proforma_cancel(proforma=_proforma(estonian_client, estonian_payer), reason="x")
    assert cancelled.status == "cancelled"
    before = _state()
    for proforma in (paid, cancelled):
        with pytest.raises(DomainError) as refused:
            invoice_finalise(proforma=proforma, paid_on=date(2024, 5, 7))
        assert refused.value.code == "invoice_not_awaiting_payment"
        with pytest.raises(DomainError):
            proforma_cancel(proforma=proforma)
    with pytest.raises(DomainError) as early:
        invoice_finalise(
            proforma=_proforma(estonian_client, estonian_payer), paid_on=date(2024, 5, 1)
        )
    assert "paid_on" in early.value.fields
    after = _state()
    assert after["invoices"][: len(before["invoices"])] == before["invoices"]
    assert after["counters"] == before["counters"] == [(2024, 1)]


def test_cancelled_proformas_leave_no_gap__BIL_04(estonian_client, estonian_payer):
    proforma_cancel(proforma=_proforma(estonian_client, estonian_payer))
    second = invoice_finalise(
        proforma=_proforma(estonian_client, estonian_payer), paid_on=date(2024, 5, 6)
    )
    assert second.number == 1


def test_issued_invoice_refuses_any_change__BIL_04(estonian_client, estonian_payer):
    proforma = _proforma(estonian_client, estonian_payer)
    final = invoice_finalise(
        proforma=_proforma(estonian_client, estonian_payer), paid_on=date(2024, 5, 6)
    )
    before = _state()
    for invoice in (proforma, final):
        invoice.gross_minor = 1
        with pytest.raises(DocumentIssuedError):
            invoice.save()
        with pytest.raises(DocumentIssuedError):
            invoice.delete()
        only = invoice.lines.get()
        only.net_minor = 1
        with pytest.raises(DocumentIssuedError):
            only.save()
        with pytest.raises(DocumentIssuedError):
            only.delete()
        with pytest.raises(DocumentIssuedError):
            InvoiceLine.objects.create(
                invoice=invoice,
                position=2,
                description="extra",
                quantity=1,
                unit_price_minor=1,
                net_minor=1,
                vat_rate=Decimal("22.00"),
                vat_minor=0,
            )
    assert _state() == before
