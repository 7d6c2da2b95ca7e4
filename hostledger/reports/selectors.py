# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""The figures of the staff reports, computed from the rows of record (read only).

Each function is a handful of set-based aggregates (``GROUP BY`` in SQL) over issued
documents, ledger entries, services or usage records; Python only adds up the grouped rows.
Amounts are integer minor units turned into :class:`~hostledger.core.money.Money`; nothing is
rounded here, because every figure is a sum of amounts that were rounded once when they were
issued or posted (BIL-02).

Dates: invoices count on the day they became final invoices (``finalised_on``, the tax point
of docs/decisions/0009), credit notes on their issue date, ledger movements on the day they
were posted and usage on the day its window started, all in the provider's time zone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hostledger.automation.models import ServiceRenewal
from hostledger.catalog.models import AddOn, MeteredItem, ProductFamily, Tariff, from_micro
from hostledger.catalog.selectors import fees_in_force
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, VatScheme
from hostledger.ledger.models import Entry, LedgerAccount, LedgerTransaction
from hostledger.metering.models import UsageCharge, UsageRecord
from hostledger.reports.periods import ReportPeriod, add_months, month_end, month_start
from hostledger.subscriptions.models import (
    Order,
    Service,
    ServiceAddOn,
    ServiceChange,
    ServiceStatus,
)

OTHER_FAMILY = "other"
"""Revenue of invoices that bill no product (staff invoices, repairs, penalties)."""
UNLINKED_SOURCE = "unlinked"
"""Ledger payments that name no payment record."""


def _as_month(value) -> date:
    """A month from ``TruncMonth``: a date, or a datetime in the provider's time zone."""
    if hasattr(value, "date"):
        value = value.date()
    return month_start(value)


# ----------------------------------------------------------------------------- revenue


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _as_day(value) -> date:
    """A date read by a raw query: PostgreSQL returns a date, SQLite text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _revenue_sql(documents: str) -> str:
    """Net amounts per day, product family and currency of the documents selected by the
    ``documents`` statement (columns: the invoice id, the day, the currency, the net amount).

    The family of an invoice is that of the order it is the proforma of, or of the service
    it renews, changes the plan of, or bills the usage of: each of those concerns one
    service. Each mapping is a join of the documents with one table, so the statement reads
    every table once whatever the number of documents (no subquery per row); invoices that
    bill no product (staff invoices, repairs) have no family.
    """
    service = _table(Service)
    return f"""
        WITH documents AS ({documents}),
        billed AS (
            SELECT o.proforma_id AS invoice_id, o.family_id
              FROM {_table(Order)} o JOIN documents d ON d.invoice_id = o.proforma_id
            UNION ALL
            SELECT r.invoice_id, s.family_id
              FROM {_table(ServiceRenewal)} r JOIN documents d ON d.invoice_id = r.invoice_id
              JOIN {service} s ON s.id = r.service_id
            UNION ALL
            SELECT c.invoice_id, s.family_id
              FROM {_table(ServiceChange)} c JOIN documents d ON d.invoice_id = c.invoice_id
              JOIN {service} s ON s.id = c.service_id
            UNION ALL
            SELECT u.invoice_id, s.family_id
              FROM {_table(UsageCharge)} u JOIN documents d ON d.invoice_id = u.invoice_id
              JOIN {service} s ON s.id = u.service_id
        ),
        families AS (
            SELECT invoice_id, MIN(family_id) AS family_id FROM billed GROUP BY invoice_id
        )
        SELECT d.day, f.family_id, d.currency, SUM(d.net_minor)
          FROM documents d LEFT JOIN families f ON f.invoice_id = d.invoice_id
         GROUP BY d.day, f.family_id, d.currency
    """


@dataclass(frozen=True, slots=True)
class RevenueRow:
    month: date
    family: str
    """The family's code, or ``other``."""
    family_name: str
    net: Money


def revenue_by_month_and_family(period: ReportPeriod) -> list[RevenueRow]:
    """Net revenue (without VAT) per month and product family: final invoices less credit
    notes, each in the month of its date (BIL-02, BIL-04). Two grouped statements, by day;
    the days are folded into months here."""
    totals: dict[tuple[date, int | None, str], int] = defaultdict(int)
    invoices = f"""
        SELECT id AS invoice_id, finalised_on AS day, currency, net_minor
          FROM {_table(Invoice)}
         WHERE kind = %s AND status IN (%s, %s) AND finalised_on >= %s AND finalised_on <= %s
    """
    notes = f"""
        SELECT invoice_id, issued_on AS day, currency, net_minor
          FROM {_table(CreditNote)}
         WHERE status = %s AND issued_on >= %s AND issued_on <= %s
    """
    first, last = period.starts_on.isoformat(), period.ends_on.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            _revenue_sql(invoices),
            [Invoice.Kind.FINAL, Invoice.Status.ISSUED, Invoice.Status.PAID, first, last],
        )
        rows = cursor.fetchall()
        cursor.execute(_revenue_sql(notes), [CreditNote.Status.ISSUED, first, last])
        rows += cursor.fetchall()
    for day, family_id, currency, net in rows:
        totals[(month_start(_as_day(day)), family_id, currency)] += int(net)
    families = {
        pk: (code, name)
        for pk, code, name in ProductFamily.objects.values_list("pk", "code", "name")
    }
    rows = []
    for (month, family_id, currency), net in totals.items():
        code, name = families.get(family_id, (OTHER_FAMILY, _("Other")))
        rows.append(RevenueRow(month, code, name, Money(net, currency)))
    order = {code: index for index, (code, __) in enumerate(sorted(families.values()))}
    rows.sort(key=lambda row: (row.month, order.get(row.family, len(order)), row.family))
    return rows


# ----------------------------------------------------------------------------- MRR


@dataclass(frozen=True, slots=True)
class MrrMonth:
    """Monthly recurring revenue at the end of ``month`` and how it moved from the end of
    the month before: ``opening + new + expansion + contraction + churn == closing``
    (contraction and churn are negative)."""

    month: date
    opening: Money
    new: Money
    expansion: Money
    contraction: Money
    churn: Money
    closing: Money


def _live_services():
    """Services that ever ran as paid services: activated, and not on a free trial now."""
    return Service.objects.filter(activated_at__isnull=False).exclude(status=ServiceStatus.TRIAL)


def _is_live(started: date, ended: date | None, month: date) -> bool:
    """Live at the end of ``month``: activated in or before it, not terminated by its end."""
    return started <= month and (ended is None or ended > month)


class _Movements:
    """Adds up recurring items month by month: each item is worth ``value(day)`` at a month
    end while its service is live; a service live at both ends moves by the difference."""

    def __init__(self, months: list[date]):
        self.months = months
        self.closing = [0] * len(months)
        self.new = [0] * len(months)
        self.expansion = [0] * len(months)
        self.contraction = [0] * len(months)
        self.churn = [0] * len(months)
        self.opening_total = 0

    def add(self, *, started, ended, values: list[int], opening_value: int, count: int = 1):
        """``values[i]`` is the item's worth at the end of ``months[i]``; ``opening_value``
        at the end of the month before the first."""
        before = add_months(self.months[0], -1)
        live_before = _is_live(started, ended, before)
        if live_before:
            self.opening_total += opening_value * count
        previous_value = opening_value
        for index, month in enumerate(self.months):
            live = _is_live(started, ended, month)
            value = values[index]
            if live:
                self.closing[index] += value * count
            if live and not live_before:
                self.new[index] += value * count
            elif live_before and not live:
                self.churn[index] -= previous_value * count
            elif live and live_before:
                difference = (value - previous_value) * count
                if difference > 0:
                    self.expansion[index] += difference
                else:
                    self.contraction[index] += difference
            live_before, previous_value = live, value


def mrr_movements(period: ReportPeriod) -> list[MrrMonth]:
    """MRR at each month end and its movements: new, expansion, contraction, churn.

    An item of recurring revenue is a service's tariff or one of its add-ons, worth its
    monthly fee in force at the month end (CAT-06) times its quantity, while the service is
    live: activated on or before that day and not terminated by it, free trials left out.
    The tariff and add-ons are those the service had on that day: its current ones, or for
    a service whose plan changed (ORD-04), those its applied changes say. Services without
    a plan change are read as counts grouped by tariff, activation and termination month
    (one ``GROUP BY`` each for tariffs and add-ons), so the work does not grow with them.
    """
    months = period.months
    month_ends = [month_end(month) for month in [add_months(months[0], -1), *months]]
    tariff_ids = list(Tariff.objects.values_list("pk", flat=True))
    add_on_ids = list(AddOn.objects.values_list("pk", flat=True))
    fees = {
        day: fees_in_force(period_start=day, tariff_ids=tariff_ids, add_on_ids=add_on_ids)
        for day in month_ends
    }
    currencies = {fee.currency for by_item in fees.values() for fee in by_item.values()}
    currency = currencies.pop() if len(currencies) == 1 else DEFAULT_CURRENCY

    def worth(kind: str, pk: int) -> tuple[int, list[int]]:
        values = [fees[day][(kind, pk)].minor for day in month_ends]
        return values[0], values[1:]

    movements = _Movements(months)
    changed = ServiceChange.objects.filter(
        service_id=OuterRef("pk"), state=ServiceChange.State.APPLIED
    )
    unchanged = _live_services().exclude(Exists(changed))
    tariffs = (
        unchanged.annotate(started=TruncMonth("activated_at"), ended=TruncMonth("terminated_at"))
        .values("started", "ended", item_id=F("tariff_id"))
        .annotate(count=Count("id"))
        .order_by()
    )
    add_ons = (
        ServiceAddOn.objects.filter(service__in=unchanged)
        .annotate(
            started=TruncMonth("service__activated_at"),
            ended=TruncMonth("service__terminated_at"),
        )
        .values("started", "ended", item_id=F("add_on_id"))
        .annotate(count=Sum("quantity"))
        .order_by()
    )
    for kind, grouped in (("tariff", tariffs), ("add_on", add_ons)):
        for row in grouped:
            opening, values = worth(kind, row["item_id"])
            movements.add(
                started=_as_month(row["started"]),
                ended=_as_month(row["ended"]) if row["ended"] else None,
                values=values,
                opening_value=opening,
                count=row["count"],
            )
    _add_changed_services(movements, month_ends, fees)
    rows = []
    opening = movements.opening_total
    for index, month in enumerate(months):
        closing = movements.closing[index]
        rows.append(
            MrrMonth(
                month=month,
                opening=Money(opening, currency),
                new=Money(movements.new[index], currency),
                expansion=Money(movements.expansion[index], currency),
                contraction=Money(movements.contraction[index], currency),
                churn=Money(movements.churn[index], currency),
                closing=Money(closing, currency),
            )
        )
        opening = closing
    return rows


def plan_on(day: date, current: tuple[int, dict[int, int]], changes: list) -> tuple:
    """The tariff and add-on quantities a service had on ``day``: the plan after the last
    change applied on or before it, else the plan before the first later change, else the
    current plan. ``changes`` are applied changes, oldest first."""
    done = [change for change in changes if change.effective_on <= day]
    if done:
        last = done[-1]
        return last.to_tariff_id, _quantities(last.to_add_ons)
    if changes:
        first = changes[0]
        return first.from_tariff_id, _quantities(first.from_add_ons)
    return current


def _quantities(add_ons) -> dict[int, int]:
    quantities: dict[int, int] = defaultdict(int)
    for item in add_ons or []:
        quantities[int(item["add_on"])] += int(item.get("quantity", 1))
    return dict(quantities)


def _add_changed_services(movements: _Movements, month_ends: list[date], fees) -> None:
    """Services whose plan changed, one by one: few next to all services."""
    changes: dict[int, list] = defaultdict(list)
    for change in ServiceChange.objects.filter(state=ServiceChange.State.APPLIED).order_by(
        "service_id", "effective_on", "id"
    ):
        changes[change.service_id].append(change)
    if not changes:
        return
    services = (
        _live_services()
        .filter(pk__in=list(changes))
        .annotate(started=TruncMonth("activated_at"), ended=TruncMonth("terminated_at"))
    )
    current_add_ons: dict[int, dict[int, int]] = defaultdict(dict)
    for service_id, add_on_id, quantity in ServiceAddOn.objects.filter(
        service_id__in=list(changes)
    ).values_list("service_id", "add_on_id", "quantity"):
        current_add_ons[service_id][add_on_id] = quantity
    for service in services.values("pk", "tariff_id", "started", "ended"):
        current = (service["tariff_id"], current_add_ons.get(service["pk"], {}))
        plans = [plan_on(day, current, changes[service["pk"]]) for day in month_ends]
        items: set[tuple[str, int]] = set()
        for tariff_id, quantities in plans:
            items.add(("tariff", tariff_id))
            items.update(("add_on", pk) for pk in quantities)
        for kind, pk in sorted(items):
            values = []
            for day, (tariff_id, quantities) in zip(month_ends, plans, strict=True):
                quantity = (
                    (1 if tariff_id == pk else 0) if kind == "tariff" else quantities.get(pk, 0)
                )
                values.append(fees[day][(kind, pk)].minor * quantity)
            movements.add(
                started=_as_month(service["started"]),
                ended=_as_month(service["ended"]) if service["ended"] else None,
                values=values[1:],
                opening_value=values[0],
            )


# ----------------------------------------------------------------------------- ageing

AGEING_BUCKETS = (
    ("not_due", gettext_lazy("Not yet due")),
    ("0_30", gettext_lazy("0 to 30 days past due")),
    ("31_60", gettext_lazy("31 to 60 days past due")),
    ("61_90", gettext_lazy("61 to 90 days past due")),
    ("over_90", gettext_lazy("More than 90 days past due")),
)


@dataclass(frozen=True, slots=True)
class AgeingBucket:
    key: str
    label: str
    invoices: int
    amount: Money


def receivables_ageing(as_of: date) -> list[AgeingBucket]:
    """Open invoices on ``as_of`` by days past their due date (BIL-03, BIL-07).

    Open on that day: issued on or before it and not paid by it — still awaiting payment,
    or paid (finalised) later. Cancelled proformas are left out. One grouped query.
    """
    open_invoices = Invoice.objects.filter(issued_on__lte=as_of).filter(
        Q(status=Invoice.Status.ISSUED) | Q(status=Invoice.Status.PAID, finalised_on__gt=as_of)
    )
    bucket = Case(
        When(due_on__gte=as_of + timedelta(days=1), then=Value(0)),
        When(due_on__gte=as_of - timedelta(days=30), then=Value(1)),
        When(due_on__gte=as_of - timedelta(days=60), then=Value(2)),
        When(due_on__gte=as_of - timedelta(days=90), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    grouped = (
        open_invoices.annotate(bucket=bucket)
        .values("bucket", "currency")
        .annotate(count=Count("id"), gross=Sum("gross_minor"))
        .order_by()
    )
    counts: dict[int, int] = defaultdict(int)
    amounts: dict[int, int] = defaultdict(int)
    currency = DEFAULT_CURRENCY
    for row in grouped:
        counts[row["bucket"]] += row["count"]
        amounts[row["bucket"]] += row["gross"]
        currency = row["currency"]
    return [
        AgeingBucket(key, str(label), counts[index], Money(amounts[index], currency))
        for index, (key, label) in enumerate(AGEING_BUCKETS)
    ]


# ----------------------------------------------------------------------------- VAT


@dataclass(frozen=True, slots=True)
class VatRow:
    country: str
    scheme: str
    rate: Decimal
    """The VAT rate in percent."""
    net: Money
    vat: Money

    @property
    def scheme_label(self) -> str:
        return VatScheme(self.scheme).label


def vat_by_rate_and_country(period: ReportPeriod) -> list[VatRow]:
    """Taxable amounts and VAT per customer country, VAT scheme and rate for the VAT return
    (BIL-05): the lines of final invoices dated in the period less those of credit notes
    issued in it. Two grouped queries."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    invoice_lines = (
        InvoiceLine.objects.filter(
            invoice__kind=Invoice.Kind.FINAL,
            invoice__status__in=[Invoice.Status.ISSUED, Invoice.Status.PAID],
            invoice__finalised_on__gte=period.starts_on,
            invoice__finalised_on__lte=period.ends_on,
        )
        .values(
            country=F("invoice__vat_country"),
            scheme=F("invoice__vat_scheme"),
            currency=F("invoice__currency"),
            rate=F("vat_rate"),
        )
        .annotate(net=Sum("net_minor"), vat=Sum("vat_minor"))
        .order_by()
    )
    note_lines = (
        CreditNoteLine.objects.filter(
            credit_note__status=CreditNote.Status.ISSUED,
            credit_note__issued_on__gte=period.starts_on,
            credit_note__issued_on__lte=period.ends_on,
        )
        .values(
            country=F("credit_note__invoice__vat_country"),
            scheme=F("credit_note__invoice__vat_scheme"),
            currency=F("credit_note__currency"),
            rate=F("vat_rate"),
        )
        .annotate(net=Sum("net_minor"), vat=Sum("vat_minor"))
        .order_by()
    )
    for row in [*invoice_lines, *note_lines]:
        key = (row["country"], row["scheme"], _rate(row["rate"]), row["currency"])
        totals[key][0] += row["net"]
        totals[key][1] += row["vat"]
    return [
        VatRow(country, scheme, rate, Money(net, currency), Money(vat, currency))
        for (country, scheme, rate, currency), (net, vat) in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])
        )
    ]


def oss_rows(rows: list[VatRow]) -> list[VatRow]:
    """The EU One-Stop-Shop return: sales to consumers in other member states."""
    return [row for row in rows if row.scheme == VatScheme.EU_CONSUMER]


def _rate(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# ----------------------------------------------------------------------------- payments


@dataclass(frozen=True, slots=True)
class PaymentRow:
    month: date
    source: str
    amount: Money
    movements: int


def payments_by_method(period: ReportPeriod) -> list[PaymentRow]:
    """Money received on clients' balances per month and payment method (BIL-01, BIL-06):
    what payment and refund transactions moved onto clients' balances, by the source of the
    payment they record (``staff``, ``bank_statement`` or a gateway's name), refunds
    negative. One grouped query over ledger entries: since a transaction's entries sum to
    zero, it reads the entries on the provider's few accounts (bank, cash, gateway clearing)
    and turns their sign, instead of joining every client's balance account."""
    provider_accounts = list(
        LedgerAccount.objects.exclude(kind=LedgerAccount.Kind.CLIENT_BALANCE).values_list(
            "pk", flat=True
        )
    )
    grouped = (
        Entry.objects.filter(
            account_id__in=provider_accounts,
            transaction__kind__in=[LedgerTransaction.Kind.PAYMENT, LedgerTransaction.Kind.REFUND],
            transaction__created_at__gte=_start_of(period.starts_on),
            transaction__created_at__lt=_start_of(period.ends_on + timedelta(days=1)),
        )
        .annotate(
            month=TruncMonth("transaction__created_at"),
            source=Coalesce("transaction__payment__source", Value(UNLINKED_SOURCE)),
        )
        .values("month", "source", "currency")
        .annotate(amount=-Sum("amount_minor"), movements=Count("id"))
        .order_by()
    )
    rows = [
        PaymentRow(
            _as_month(row["month"]),
            row["source"],
            Money(row["amount"], row["currency"]),
            row["movements"],
        )
        for row in grouped
    ]
    rows.sort(key=lambda row: (row.month, row.source))
    return rows


def _start_of(day: date):
    """Midnight starting ``day`` in the provider's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


# ----------------------------------------------------------------------------- usage


@dataclass(frozen=True, slots=True)
class UsageRow:
    month: date
    item_code: str
    item_name: str
    unit: str
    quantity: Decimal
    """In the item's unit."""
    services: int
    records: int


def usage_by_metered_item(period: ReportPeriod) -> list[UsageRow]:
    """Usage measured per month and metered item (BIL-08): the sum of the usage records whose
    window starts in the month, with how many services used the item. One grouped query."""
    grouped = (
        UsageRecord.objects.filter(
            window_start__gte=_start_of(period.starts_on),
            window_start__lt=_start_of(period.ends_on + timedelta(days=1)),
        )
        .annotate(month=TruncMonth("window_start"))
        .values("month", "metered_item_id")
        .annotate(
            quantity=Sum("quantity_micro"),
            services=Count("service_id", distinct=True),
            records=Count("id"),
        )
        .order_by()
    )
    items = {
        pk: (code, name, unit)
        for pk, code, name, unit in MeteredItem.objects.values_list("pk", "code", "name", "unit")
    }
    rows = []
    for row in grouped:
        code, name, unit = items[row["metered_item_id"]]
        rows.append(
            UsageRow(
                _as_month(row["month"]),
                code,
                name,
                unit,
                from_micro(row["quantity"]),
                row["services"],
                row["records"],
            )
        )
    rows.sort(key=lambda row: (row.month, row.item_code))
    return rows
