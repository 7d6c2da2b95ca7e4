"""What each staff report page shows: its tables and its chart, from the report selectors.

The tables here are exactly what the CSV and XLSX downloads hold (``web.exports``), and the
chart draws the numbers of the first table, so the page, its chart and its files agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.reports import selectors
from hostledger.reports.periods import ReportPeriod
from hostledger.web.charts import BarChart, Series, bar_chart
from hostledger.web.exports import Table


@dataclass(frozen=True, slots=True)
class ReportContent:
    tables: list[Table]
    chart: BarChart
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReportPage:
    slug: str
    title: str
    lead: str
    build: Callable[[ReportPeriod], ReportContent]
    period_kind: str = "months"
    """``months`` for a range of months; ``as_of`` for a state on the range's last day."""


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _amounts(minor_by_key: dict, keys, currency: str) -> list:
    return [Money(minor_by_key.get(key, 0), currency).amount for key in keys]


def _currency(amounts) -> str:
    currencies = {amount.currency for amount in amounts}
    return currencies.pop() if len(currencies) == 1 else DEFAULT_CURRENCY


def revenue(period: ReportPeriod) -> ReportContent:
    rows = selectors.revenue_by_month_and_family(period)
    currency = _currency(row.net for row in rows)
    families: dict[str, str] = {}
    for row in rows:
        families.setdefault(row.family, row.family_name)
    by_family: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_family[row.family][row.month] += row.net.minor
    months = period.months
    totals = [sum(by_family[family][month] for family in families) for month in months]
    table = Table(
        _("Revenue by month and product family"),
        [_("Month"), _("Product family"), _("Net revenue"), _("Currency")],
        [[_month(row.month), row.family_name, row.net, row.net.currency] for row in rows],
    )
    monthly = Table(
        _("Revenue by month"),
        [_("Month"), _("Net revenue"), _("Currency")],
        [
            [_month(month), Money(total, currency), currency]
            for month, total in zip(months, totals, strict=True)
        ],
    )
    chart = bar_chart(
        title=_("Net revenue by month and product family"),
        description=_(
            "Stacked bars of net revenue in %(currency)s for each month from %(period)s, one "
            "colour per product family; the table beside the chart lists the same amounts."
        )
        % {"currency": currency, "period": period.label},
        categories=[_month(month) for month in months],
        series=[
            Series(name, _amounts(by_family[code], months, currency))
            for code, name in families.items()
        ],
        y_label=_("Net revenue (%(currency)s)") % {"currency": currency},
        x_label=_("Month"),
    )
    return ReportContent([table, monthly], chart)


def mrr(period: ReportPeriod) -> ReportContent:
    rows = selectors.mrr_movements(period)
    currency = rows[0].closing.currency if rows else DEFAULT_CURRENCY
    table = Table(
        _("MRR and its movements"),
        [
            _("Month"),
            _("Opening MRR"),
            _("New"),
            _("Expansion"),
            _("Contraction"),
            _("Churn"),
            _("Closing MRR"),
        ],
        [
            [
                _month(row.month),
                row.opening,
                row.new,
                row.expansion,
                row.contraction,
                row.churn,
                row.closing,
            ]
            for row in rows
        ],
    )
    categories = [_month(row.month) for row in rows]
    chart = bar_chart(
        title=_("MRR movements by month"),
        description=_(
            "Stacked bars for each month from %(period)s: new and expansion MRR above zero, "
            "contraction and churn below, in %(currency)s. The table beside the chart also "
            "gives the MRR at the start and end of each month."
        )
        % {"currency": currency, "period": period.label},
        categories=categories,
        series=[
            Series(_("New"), [row.new.amount for row in rows]),
            Series(_("Expansion"), [row.expansion.amount for row in rows]),
            Series(_("Contraction"), [row.contraction.amount for row in rows]),
            Series(_("Churn"), [row.churn.amount for row in rows]),
        ],
        y_label=_("MRR movement (%(currency)s)") % {"currency": currency},
        x_label=_("Month"),
    )
    return ReportContent([table], chart)


def ageing(period: ReportPeriod) -> ReportContent:
    buckets = selectors.receivables_ageing(period.ends_on)
    currency = _currency(bucket.amount for bucket in buckets)
    table = Table(
        _("Open invoices on %(day)s by days past due") % {"day": period.ends_on.isoformat()},
        [_("Days past due"), _("Invoices"), _("Amount due"), _("Currency")],
        [
            [bucket.label, bucket.invoices, bucket.amount, bucket.amount.currency]
            for bucket in buckets
        ],
    )
    chart = bar_chart(
        title=_("Receivables ageing on %(day)s") % {"day": period.ends_on.isoformat()},
        description=_(
            "One bar per age bucket with the amount due in %(currency)s of the invoices open "
            "on %(day)s; the table beside the chart lists the same amounts and the number of "
            "invoices."
        )
        % {"currency": currency, "day": period.ends_on.isoformat()},
        categories=[bucket.label for bucket in buckets],
        series=[Series(_("Amount due"), [bucket.amount.amount for bucket in buckets])],
        y_label=_("Amount due (%(currency)s)") % {"currency": currency},
        x_label=_("Days past the due date"),
    )
    return ReportContent([table], chart)


def vat(period: ReportPeriod) -> ReportContent:
    rows = selectors.vat_by_rate_and_country(period)
    oss = selectors.oss_rows(rows)
    currency = _currency(row.net for row in rows)
    columns = [
        _("Country"),
        _("VAT treatment"),
        _("Rate %"),
        _("Taxable amount"),
        _("VAT"),
        _("Currency"),
    ]
    table = Table(
        _("VAT by country and rate"),
        columns,
        [
            [row.country, row.scheme_label, row.rate, row.net, row.vat, row.net.currency]
            for row in rows
        ],
    )
    oss_table = Table(
        _("EU OSS: sales to consumers in other member states"),
        [
            _("Member state of consumption"),
            _("Rate %"),
            _("Taxable amount"),
            _("VAT"),
            _("Currency"),
        ],
        [[row.country, row.rate, row.net, row.vat, row.net.currency] for row in oss],
    )
    by_country: dict[str, int] = defaultdict(int)
    for row in rows:
        by_country[row.country] += row.vat.minor
    countries = sorted(by_country)
    chart = bar_chart(
        title=_("VAT by customer country"),
        description=_(
            "One bar per customer country with the VAT in %(currency)s charged on invoices "
            "less credit notes from %(period)s; the tables beside the chart split it by VAT "
            "treatment and rate, and list the OSS return."
        )
        % {"currency": currency, "period": period.label},
        categories=countries,
        series=[Series(_("VAT"), _amounts(by_country, countries, currency))],
        y_label=_("VAT (%(currency)s)") % {"currency": currency},
        x_label=_("Customer country"),
    )
    return ReportContent([table, oss_table], chart)


def payment_source_name(source: str) -> str:
    """How a payment's source reads to staff: the ledger's own sources by name, a gateway
    by its registered name."""
    names = {
        "staff": _("Entered by staff"),
        "bank_statement": _("Bank statement"),
        selectors.UNLINKED_SOURCE: _("Not linked to a payment"),
    }
    return names.get(source) or _("Gateway: %(source)s") % {"source": source}


def payments(period: ReportPeriod) -> ReportContent:
    rows = selectors.payments_by_method(period)
    currency = _currency(row.amount for row in rows)
    sources = sorted({row.source for row in rows})
    by_source: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_source[row.source][row.month] += row.amount.minor
    table = Table(
        _("Payments by month and method"),
        [_("Month"), _("Method"), _("Amount received"), _("Ledger movements"), _("Currency")],
        [
            [
                _month(row.month),
                payment_source_name(row.source),
                row.amount,
                row.movements,
                row.amount.currency,
            ]
            for row in rows
        ],
    )
    chart = bar_chart(
        title=_("Payments received by month and method"),
        description=_(
            "Stacked bars of the money received on clients' balances in %(currency)s for each "
            "month from %(period)s, one colour per payment method, refunds below zero; the "
            "table beside the chart lists the same amounts."
        )
        % {"currency": currency, "period": period.label},
        categories=[_month(month) for month in period.months],
        series=[
            Series(
                payment_source_name(source), _amounts(by_source[source], period.months, currency)
            )
            for source in sources
        ],
        y_label=_("Amount (%(currency)s)") % {"currency": currency},
        x_label=_("Month"),
    )
    return ReportContent([table], chart)


def usage(period: ReportPeriod) -> ReportContent:
    rows = selectors.usage_by_metered_item(period)
    items: dict[str, str] = {}
    for row in rows:
        items.setdefault(row.item_code, f"{row.item_name} ({row.unit})")
    services: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows:
        services[row.item_code][row.month] = row.services
    table = Table(
        _("Usage by month and metered item"),
        [
            _("Month"),
            _("Metered item"),
            _("Unit"),
            _("Quantity"),
            _("Services measured"),
            _("Usage records"),
        ],
        [
            [_month(row.month), row.item_name, row.unit, row.quantity, row.services, row.records]
            for row in rows
        ],
    )
    chart = bar_chart(
        title=_("Services measured by month and metered item"),
        description=_(
            "Bars side by side for each month from %(period)s: how many services reported "
            "usage of each metered item. Quantities are in each item's own unit and are "
            "listed in the table beside the chart."
        )
        % {"period": period.label},
        categories=[_month(month) for month in period.months],
        series=[
            Series(name, [services[code].get(month, 0) for month in period.months])
            for code, name in items.items()
        ],
        y_label=_("Services measured"),
        x_label=_("Month"),
        stacked=False,
    )
    return ReportContent([table], chart)


REPORTS: dict[str, ReportPage] = {
    page.slug: page
    for page in (
        ReportPage(
            "revenue",
            gettext_lazy("Revenue"),
            gettext_lazy(
                "Net revenue (without VAT) of final invoices less credit notes, by the month of "
                "their date and the product family they bill."
            ),
            revenue,
        ),
        ReportPage(
            "mrr",
            gettext_lazy("Monthly recurring revenue"),
            gettext_lazy(
                "The monthly fees of live services at each month end, and how they moved: new "
                "services, upgrades and price rises, downgrades and price cuts, and services that "
                "ended."
            ),
            mrr,
        ),
        ReportPage(
            "ageing",
            gettext_lazy("Receivables ageing"),
            gettext_lazy(
                "Invoices awaiting payment on the last day of the range, by how many days they are "
                "past their due date."
            ),
            ageing,
            period_kind="as_of",
        ),
        ReportPage(
            "vat",
            gettext_lazy("VAT"),
            gettext_lazy(
                "Taxable amounts and VAT by customer country, VAT treatment and rate for the VAT "
                "return, and the sales to consumers in other EU member states for the OSS return."
            ),
            vat,
        ),
        ReportPage(
            "payments",
            gettext_lazy("Payments by method"),
            gettext_lazy(
                "Money received on clients' balances by month and payment method, from the ledger; "
                "refunds count against the method of the payment they return."
            ),
            payments,
        ),
        ReportPage(
            "usage",
            gettext_lazy("Usage by metered item"),
            gettext_lazy("Usage measured by month and metered item, from the usage records."),
            usage,
        ),
    )
}
