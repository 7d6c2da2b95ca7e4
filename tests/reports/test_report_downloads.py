"""Report pages and their CSV and XLSX files, and the exports of the staff lists: the same
numbers on the page, in the chart's table and in both files; exports apply the filters of
the list, hold only its columns, and are audited (GDPR-12).

XLSX files are read back with zipfile and the XML of their first worksheet, as a spreadsheet
program would read them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.invoicing.actions import invoice_finalise, proforma_create
from hostledger.ledger.actions import payment_record
from hostledger.reports import selectors
from hostledger.reports.periods import ReportPeriod
from tests.invoicing.conftest import line
from tests.reports.test_report_figures import ordered, people, shop  # noqa: F401  (fixtures)
from tests.web.conftest import login, make_staff_user

pytestmark = pytest.mark.django_db

RANGE = {"first_month": "2026-01", "last_month": "2026-06"}
PERIOD = ReportPeriod(date(2026, 1, 1), date(2026, 6, 1))
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[str]]:
    """The first worksheet's cells as text: shared strings resolved, numbers as written."""
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        strings = (
            [
                "".join(node.itertext())
                for node in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(
                    f"{MAIN}si"
                )
            ]
            if "xl/sharedStrings.xml" in book.namelist()
            else []
        )
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{MAIN}row"):
        cells: list[str] = []
        for cell in row.iter(f"{MAIN}c"):
            column = _column_index(cell.get("r"))
            cells.extend([""] * (column + 1 - len(cells)))
            value = cell.find(f"{MAIN}v")
            text = "" if value is None else value.text
            cells[column] = strings[int(text)] if cell.get("t") == "s" else text
        rows.append(cells)
    return rows


def _column_index(reference: str) -> int:
    """0 for "A7", 1 for "B7", 26 for "AA7"."""
    index = 0
    for char in reference:
        if char.isalpha():
            index = index * 26 + ord(char.upper()) - ord("A") + 1
    return index - 1


@pytest.fixture
def documents(shop, people):  # noqa: F811
    """Two paid orders in different months and families, and an open proforma."""
    vps = ordered(shop, people, "ee", shop.vps_start, date(2026, 1, 12))
    hosting = ordered(shop, people, "de", shop.hosting_start, date(2026, 2, 3))
    invoice_finalise(proforma=vps.proforma, paid_on=date(2026, 1, 13))
    invoice_finalise(proforma=hosting.proforma, paid_on=date(2026, 2, 4))
    client, payer = people["ee"]
    proforma_create(
        client=client, payer=payer, lines=[line(price="5.55")], issued_on=date(2026, 3, 2)
    )
    return people


@pytest.fixture
def billing(client):
    return login(client, make_staff_user("billing"))


def test_report_page_draws_an_accessible_chart_beside_its_table(documents, billing):
    page = billing.get(reverse("web:staff_report", args=["revenue"]), RANGE)
    body = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in body
    assert '<title id="chart-title">Net revenue by month and product family</title>' in body
    assert '<desc id="chart-desc">Stacked bars of net revenue in EUR' in body
    assert "Net revenue (EUR)" in body and ">Month</text>" in body, "both axes are named"
    assert "€9.90" in body and "€2.49" in body
    assert body.count("<rect ") >= 2
    assert "download.csv?first_month=2026-01&amp;last_month=2026-06" in body


def test_report_csv_and_xlsx_hold_the_numbers_of_the_selectors(documents, billing):
    rows = selectors.revenue_by_month_and_family(PERIOD)
    expected = [[f"{row.month:%Y-%m}", row.family_name, str(row.net.amount), "EUR"] for row in rows]
    assert [row[2] for row in expected] == ["9.90", "2.49"]
    url = reverse("web:staff_report_download", args=["revenue", "csv"])
    response = billing.get(url, RANGE)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="revenue-2026-01-2026-06.csv"' in response["Content-Disposition"]
    lines = csv_rows(response)
    assert lines[0] == ["Month", "Product family", "Net revenue", "Currency"]
    assert lines[1:3] == expected
    assert lines[4] == ["Revenue by month"], "the second table follows under its title"

    book = billing.get(reverse("web:staff_report_download", args=["revenue", "xlsx"]), RANGE)
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = xlsx_rows(book)
    assert cells[0] == ["Month", "Product family", "Net revenue", "Currency"]
    assert [[row[0], row[1], row[2], row[3]] for row in cells[1:]] == [
        ["2026-01", "Virtual server (VPS)", "9.90", "EUR"],
        ["2026-02", rows[1].family_name, "2.49", "EUR"],
    ]


def test_ageing_download_equals_the_buckets(documents, billing):
    response = billing.get(reverse("web:staff_report_download", args=["ageing", "csv"]), RANGE)
    buckets = selectors.receivables_ageing(date(2026, 6, 30))
    assert csv_rows(response)[1:] == [
        [bucket.label, str(bucket.invoices), str(bucket.amount.amount), "EUR"] for bucket in buckets
    ]
    assert sum(bucket.invoices for bucket in buckets) == 1


def test_a_reversed_range_is_a_clear_error_naming_the_field(billing, db):
    page = billing.get(
        reverse("web:staff_report", args=["vat"]),
        {"first_month": "2026-06", "last_month": "2026-01"},
    )
    assert page.status_code == 400
    assert "must not be before the first month" in page.content.decode()
    download = billing.get(
        reverse("web:staff_report_download", args=["vat", "csv"]), {"first_month": "June"}
    )
    assert download.status_code == 400
    assert b"first_month: Enter a month as YYYY-MM" in download.content


def test_unknown_report_or_format_is_not_found(billing, db):
    assert billing.get(reverse("web:staff_report", args=["profits"])).status_code == 404
    url = reverse("web:staff_report_download", args=["vat", "pdf"])
    assert billing.get(url).status_code == 404


# ----------------------------------------------------------------------------- list exports


def test_invoice_export_applies_the_list_filters_and_is_audited__GDPR_12(documents, billing):
    response = billing.get(
        reverse("web:staff_invoices_export", args=["xlsx"]), {"status": "issued"}
    )
    cells = xlsx_rows(response)
    assert cells[0] == [
        "Invoice",
        "Invoice id",
        "Client",
        "Issued",
        "Due",
        "Paid",
        "Status",
        "Net",
        "VAT",
        "Total",
        "Currency",
    ]
    assert len(cells) == 2, "only the open proforma matches the filter"
    assert cells[1][0] == "Proforma" and cells[1][6] == "Issued, awaiting payment"
    assert cells[1][7:10] == ["5.55", "1.33", "6.88"]
    event = AuditEvent.objects.get(action="staff.list_exported")
    assert event.data == {"list": "invoices", "format": "xlsx", "rows": 1, "filters": ["status"]}
    everything = csv_rows(billing.get(reverse("web:staff_invoices_export", args=["csv"])))
    assert len(everything) == 4


def test_payment_export_writes_formula_like_text_as_text(documents, billing):
    client, _ = documents["ee"]
    payment_record(
        client=client,
        amount=Money.of("12.00"),
        value_date=date(2026, 3, 3),
        reference="=HYPERLINK(1)",
        actor=None,
    )
    lines = csv_rows(billing.get(reverse("web:staff_payments_export", args=["csv"])))
    assert lines[0] == [
        "Payment",
        "Paid",
        "Recorded",
        "Source",
        "Reference",
        "Client",
        "Status",
        "Amount",
        "Currency",
    ]
    assert lines[1][4] == "'=HYPERLINK(1)"
    assert lines[1][7] == "12.00"


def test_client_export_shows_names_only_as_the_search_page_does__GDPR_12(documents, client):
    client_a, _ = documents["ee"]
    officer = login(client, make_staff_user("billing"))
    plain = csv_rows(officer.get(reverse("web:staff_clients_export", args=["csv"])))
    assert plain[0] == ["Client", "Type", "Country", "Joined"], "the newest clients: no names"
    assert not AuditEvent.objects.filter(action="personal_data.read").exists()

    searched = officer.post(reverse("web:staff_client_search"), {"q": client_a.public_id})
    search_id = searched["Location"].rstrip("/").rsplit("/", 1)[-1]
    lines = csv_rows(
        officer.get(reverse("web:staff_clients_export", args=["csv"]), {"search": search_id})
    )
    assert lines[0] == ["Client", "Name", "Type", "Country", "Joined"]
    assert [(line[0], line[1]) for line in lines[1:]] == [
        (client_a.public_id, client_a.display_name)
    ]
    assert client_a.display_name.startswith("Mari Tamm")
    reads = AuditEvent.objects.filter(action="personal_data.read")
    assert reads.count() == len(lines) - 1
    assert {event.data["what"] for event in reads} == {"client list export: name"}

    expired = officer.get(reverse("web:staff_clients_export", args=["csv"]), {"search": "nope"})
    assert expired.status_code == 400


def test_service_export_applies_the_product_filter_and_refuses_a_bad_one(documents, billing):
    lines = csv_rows(
        billing.get(reverse("web:staff_services_export", args=["csv"]), {"family": "vps"})
    )
    assert lines[0] == [
        "Service",
        "Service id",
        "Tariff",
        "Client",
        "Product",
        "Status",
        "Paid until",
        "Trial until",
        "Starts by",
        "Module",
    ]
    assert [line[2] for line in lines[1:]] == ["VPS Start"], "the hosting service is left out"
    refused = billing.get(reverse("web:staff_services_export", args=["csv"]), {"family": "x"})
    assert refused.status_code == 400
    assert b"family:" in refused.content
    assert AuditEvent.objects.filter(action="staff.list_exported").count() == 1


def test_ticket_export_holds_the_queue_columns(documents, client):
    support = login(client, make_staff_user("support"))
    lines = csv_rows(support.get(reverse("web:staff_tickets_export", args=["csv"])))
    assert lines == [
        ["Ticket", "Opened", "Subject", "Client", "Department", "Status", "Priority", "Assignee"]
    ]
