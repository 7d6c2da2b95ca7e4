"""One way to hand staff a table as a file: rows → CSV or XLSX download.

Reports and staff lists both call :func:`table_response`. Cells may be text, integers,
decimals, dates, datetimes or :class:`~hostledger.core.money.Money` (written as its amount in
the currency's unit, the currency in a column of its own where it matters). Text that a
spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is written with a leading apostrophe in CSV and always as a plain string in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.money import Money

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: the column headings and the rows, in the order shown on screen."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def csv_bytes(tables: Iterable[Table]) -> bytes:
    """The tables one after another, each under its title, separated by an empty line; UTF-8
    with a byte-order mark so that spreadsheet programs read the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
            writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """One worksheet per table, headings in bold, numbers as numbers, dates as dates."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    for index, table in enumerate(tables):
        sheet = book.add_worksheet(_sheet_name(table.title, index, used))
        sheet.write_row(0, 0, list(table.columns), bold)
        money_places: dict[int, int] = {}
        for row_index, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                _write_cell(book, sheet, row_index, column, value, day, moment, money_places)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, max(len(table.columns) - 1, 0), 18)
    book.close()
    return out.getvalue()


def _write_cell(book, sheet, row, column, value, day, moment, money_places) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    elif isinstance(value, Money):
        places = value.places
        if places not in money_places:
            money_places[places] = book.add_format(
                {"num_format": "#,##0" + ("." + "0" * places if places else "")}
            )
        sheet.write_number(row, column, value.amount, money_places[places])
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | Decimal):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime):
        naive = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, column, naive, moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), day)
    else:
        sheet.write_string(row, column, str(value))


def _sheet_name(title: str, index: int, used: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    name = (cleaned or _("Sheet %(number)s") % {"number": index + 1})[:SHEET_NAME_MAX]
    while name.lower() in used:
        suffix = f" {index + 1}"
        name = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        index += 1
    used.add(name.lower())
    return name


def table_response(tables: Sequence[Table], *, file_name: str, file_format: str) -> HttpResponse:
    """The tables as a download named ``file_name`` plus the format's extension."""
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(tables), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
