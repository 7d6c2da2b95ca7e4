"""The figures of the staff reports equal a computation from the raw rows, to the cent.

Each test builds documents, payments and services through the real actions (services are
moved through their life by updating their dates, as the lifecycle would), then computes
the expected figures here, row by row in Python, from the invoices, credit notes, payments,
services and catalog fees, and compares them with the grouped SQL of
``hostledger.reports.selectors`` (BIL-01, BIL-02, BIL-04, BIL-05, BIL-06, ORD-04, CAT-06).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostledger.catalog.models import AddOn, PriceVersion, PublicationStatus
from hostledger.catalog.selectors import add_on_price_in_force, price_in_force
from hostledger.core.money import Money
from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.models import CreditNote, Invoice, VatScheme
from hostledger.ledger.actions import payment_record
from hostledger.ledger.models import Payment
from hostledger.reports import selectors
from hostledger.reports.periods import ReportPeriod, add_months, month_end, month_start
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Order, Service, ServiceAddOn, ServiceChange
from tests.invoicing.conftest import line
from tests.subscriptions.factories import build_catalog, new_client, new_payer

pytestmark = pytest.mark.django_db

PERIOD = ReportPeriod(date(2026, 1, 1), date(2026, 6, 1))
_references = itertools.count(1)


def at(day: date) -> datetime:
    """Noon of ``day`` in the provider's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def people(db):
    """Payers in Estonia (domestic VAT), Germany (an EU consumer: OSS) and the United
    States (outside the EU)."""
    estonian, german, american = new_client(), new_client(), new_client()
    return {
        "ee": (estonian, new_payer(estonian)),
        "de": (german, new_payer(german, country="DE", city="Berlin", postal_code="10115")),
        "us": (american, new_payer(american, country="US", city="Boston", postal_code="02108")),
    }


def ordered(shop, people, who: str, tariff, day: date, add_ons=()) -> Order:
    client, payer = people[who]
    return order_place(
        client=client,
        payer=payer,
        tariff=tariff,
        period_months=1,
        add_ons=add_ons,
        os_image=shop.debian if tariff.family.code in ("vps", "cloud") else None,
        actor=client.owner,
        today=day,
        host_name="shop.example.ee",
    )


# ----------------------------------------------------------------------------- expected


def family_code_of(invoice: Invoice) -> str:
    """What an invoice bills, looked up row by row: the family of its order, else other."""
    order = Order.objects.filter(proforma=invoice).select_related("family").first()
    return order.family.code if order else selectors.OTHER_FAMILY


def expected_revenue(period: ReportPeriod) -> dict[tuple[date, str], int]:
    totals: dict[tuple[date, str], int] = defaultdict(int)
    for invoice in Invoice.objects.all():
        day = invoice.finalised_on
        if invoice.kind != "final" or not (period.starts_on <= day <= period.ends_on):
            continue
        totals[(month_start(day), family_code_of(invoice))] += sum(
            invoice_line.net_minor for invoice_line in invoice.lines.all()
        )
    for note in CreditNote.objects.filter(status="issued"):
        if period.starts_on <= note.issued_on <= period.ends_on:
            totals[(month_start(note.issued_on), family_code_of(note.invoice))] += sum(
                note_line.net_minor for note_line in note.lines.all()
            )
    return dict(totals)


def reported_revenue(period: ReportPeriod) -> dict[tuple[date, str], int]:
    return {
        (row.month, row.family): row.net.minor
        for row in selectors.revenue_by_month_and_family(period)
    }


def expected_vat(period: ReportPeriod) -> dict[tuple, tuple[int, int]]:
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for invoice in Invoice.objects.filter(kind="final"):
        if period.starts_on <= invoice.finalised_on <= period.ends_on:
            for invoice_line in invoice.lines.all():
                key = (invoice.vat_country, invoice.vat_scheme, invoice_line.vat_rate)
                totals[key][0] += invoice_line.net_minor
                totals[key][1] += invoice_line.vat_minor
    for note in CreditNote.objects.filter(status="issued"):
        if period.starts_on <= note.issued_on <= period.ends_on:
            for note_line in note.lines.all():
                key = (note.invoice.vat_country, note.invoice.vat_scheme, note_line.vat_rate)
                totals[key][0] += note_line.net_minor
                totals[key][1] += note_line.vat_minor
    return {key: tuple(value) for key, value in totals.items()}


def reported_vat(period: ReportPeriod) -> dict[tuple, tuple[int, int]]:
    return {
        (row.country, row.scheme, row.rate): (row.net.minor, row.vat.minor)
        for row in selectors.vat_by_rate_and_country(period)
    }


def expected_ageing(as_of: date) -> dict[str, tuple[int, int]]:
    buckets: dict[str, list[int]] = {key: [0, 0] for key, _ in selectors.AGEING_BUCKETS}
    for invoice in Invoice.objects.all():
        if invoice.issued_on > as_of or invoice.status in ("draft", "cancelled"):
            continue
        if invoice.status == "paid" and invoice.finalised_on <= as_of:
            continue
        late = (as_of - invoice.due_on).days
        key = (
            "not_due"
            if late < 0
            else "0_30"
            if late <= 30
            else "31_60"
            if late <= 60
            else "61_90"
            if late <= 90
            else "over_90"
        )
        buckets[key][0] += 1
        buckets[key][1] += invoice.gross_minor
    return {key: tuple(value) for key, value in buckets.items()}


def reported_ageing(as_of: date) -> dict[str, tuple[int, int]]:
    return {
        bucket.key: (bucket.invoices, bucket.amount.minor)
        for bucket in selectors.receivables_ageing(as_of)
    }


# ----------------------------------------------------------------------------- revenue, VAT


def test_revenue_and_vat_equal_the_documents_to_the_cent__BIL_02_BIL_04_BIL_05(shop, people):
    """Orders of three families' tariffs in Estonia, Germany and the US, a staff invoice, a
    credit note in a later month and a proforma still open: revenue per month and family and
    VAT per country, treatment and rate match the lines summed one by one."""
    vps = ordered(shop, people, "ee", shop.vps_start, date(2026, 1, 12), [(shop.extra_ipv4, 2)])
    hosting = ordered(shop, people, "de", shop.hosting_start, date(2026, 2, 3))
    licence = ordered(shop, people, "us", shop.windows_licence, date(2026, 2, 9))
    open_order = ordered(shop, people, "ee", shop.vps_large, date(2026, 5, 4))
    paid = {
        vps.proforma: date(2026, 1, 14),
        hosting.proforma: date(2026, 3, 2),
        licence.proforma: date(2026, 2, 10),
    }
    finals = {
        proforma.pk: invoice_finalise(proforma=proforma, paid_on=day)
        for proforma, day in paid.items()
    }
    client, payer = people["ee"]
    repair = proforma_create(
        client=client,
        payer=payer,
        lines=[line("Disk replacement", "1", "33.33"), line("Remote hands", "0.5", "0.67")],
        issued_on=date(2026, 4, 1),
    )
    invoice_finalise(proforma=repair, paid_on=date(2026, 4, 2))
    credit_note_issue(
        invoice=finals[hosting.proforma.pk],
        reason="Service not delivered",
        full=True,
        issued_on=date(2026, 5, 20),
    )

    revenue = reported_revenue(PERIOD)
    assert revenue == expected_revenue(PERIOD)
    assert revenue[(date(2026, 3, 1), "shared_hosting")] == 249
    assert revenue[(date(2026, 5, 1), "shared_hosting")] == -249
    assert revenue[(date(2026, 4, 1), selectors.OTHER_FAMILY)] == 3333 + 34
    assert (date(2026, 5, 1), "vps") not in revenue, "the open proforma is not revenue"

    vat = reported_vat(PERIOD)
    assert vat == expected_vat(PERIOD)
    oss = selectors.oss_rows(selectors.vat_by_rate_and_country(PERIOD))
    assert [(row.country, row.net.minor, row.vat.minor) for row in oss] == [("DE", 0, 0)]
    assert {row.scheme for row in selectors.vat_by_rate_and_country(PERIOD)} == {
        VatScheme.DOMESTIC,
        VatScheme.EU_CONSUMER,
        VatScheme.OUTSIDE_EU,
    }
    assert open_order.proforma.status == Invoice.Status.ISSUED


def test_revenue_outside_the_period_is_left_out(shop, people):
    order = ordered(shop, people, "ee", shop.vps_start, date(2025, 12, 20))
    invoice_finalise(proforma=order.proforma, paid_on=date(2025, 12, 31))
    assert reported_revenue(PERIOD) == {}
    assert reported_vat(PERIOD) == {}


# ----------------------------------------------------------------------------- ageing


def test_ageing_sorts_open_invoices_by_days_past_due__BIL_03(shop, people):
    """Open on the day: still awaiting payment, or paid only after it; buckets by days past
    the due date."""
    client, payer = people["ee"]
    days = [
        date(2026, 1, 5),
        date(2026, 3, 2),
        date(2026, 4, 20),
        date(2026, 5, 25),
        date(2026, 6, 22),
    ]
    proformas = [
        proforma_create(
            client=client, payer=payer, lines=[line(price=f"{10 + n}.01")], issued_on=day
        )
        for n, day in enumerate(days)
    ]
    invoice_finalise(proforma=proformas[1], paid_on=date(2026, 7, 3))  # paid after the day
    invoice_finalise(proforma=proformas[2], paid_on=date(2026, 5, 1))  # paid before it
    as_of = date(2026, 6, 30)
    reported = reported_ageing(as_of)
    assert reported == expected_ageing(as_of)
    assert sum(count for count, _ in reported.values()) == 4
    assert reported["over_90"][0] == 2


# ----------------------------------------------------------------------------- payments


def test_payments_by_method_equal_the_payments_recorded__BIL_06(shop, people):
    client, _ = people["ee"]
    amounts = ["10.00", "0.01", "123.45"]
    for amount in amounts:
        payment_record(
            client=client,
            amount=Money.of(amount),
            value_date=timezone.localdate(),
            reference=f"BANK-{next(_references)}",
            actor=None,
        )
    today = timezone.localdate()
    period = ReportPeriod(month_start(today), month_start(today))
    rows = selectors.payments_by_method(period)
    expected = sum(p.amount_minor for p in Payment.objects.filter(status="matched"))
    assert [(row.month, row.source, row.amount.minor, row.movements) for row in rows] == [
        (month_start(today), Payment.Source.STAFF, expected, 3)
    ]
    assert expected == 13346


# ----------------------------------------------------------------------------- MRR


def expected_mrr(months: list[date]) -> list[tuple[int, int, int, int, int, int]]:
    """Per service, per item, month end by month end, with the catalog's own one-item price
    functions; the plan of a changed service from its applied changes."""
    month_ends = [month_end(add_months(months[0], -1)), *[month_end(m) for m in months]]

    def plan(service, day):
        changes = list(
            ServiceChange.objects.filter(service=service, state="applied").order_by(
                "effective_on", "id"
            )
        )
        before = [c for c in changes if c.effective_on <= day]
        if before:
            chosen = before[-1]
            return chosen.to_tariff, {a["add_on"]: a["quantity"] for a in chosen.to_add_ons}
        if changes:
            return changes[0].from_tariff, {
                a["add_on"]: a["quantity"] for a in changes[0].from_add_ons
            }
        return service.tariff, {
            a.add_on_id: a.quantity for a in ServiceAddOn.objects.filter(service=service)
        }

    def items(service, day) -> dict:
        tariff, add_ons = plan(service, day)
        worth = {("tariff", tariff.pk): price_in_force(tariff, period_start=day).minor}
        for pk, quantity in add_ons.items():
            worth[("add_on", pk)] = (
                add_on_price_in_force(AddOn.objects.get(pk=pk), period_start=day).minor * quantity
            )
        return worth

    def live(service, day) -> bool:
        if service.activated_at is None or service.status == "trial":
            return False
        started = timezone.localdate(service.activated_at)
        ended = timezone.localdate(service.terminated_at) if service.terminated_at else None
        return started <= day and (ended is None or ended > day)

    rows = []
    services = list(Service.objects.all())
    for index in range(1, len(month_ends)):
        before, after = month_ends[index - 1], month_ends[index]
        opening = closing = new = expansion = contraction = churn = 0
        for service in services:
            was, now = live(service, before), live(service, after)
            old = items(service, before) if was else {}
            fresh = items(service, after) if now else {}
            opening += sum(old.values())
            closing += sum(fresh.values())
            if now and not was:
                new += sum(fresh.values())
            elif was and not now:
                churn -= sum(old.values())
            elif was and now:
                for key in set(old) | set(fresh):
                    difference = fresh.get(key, 0) - old.get(key, 0)
                    if difference > 0:
                        expansion += difference
                    else:
                        contraction += difference
        rows.append((opening, new, expansion, contraction, churn, closing))
    return rows


def reported_mrr(period: ReportPeriod) -> list[tuple[int, int, int, int, int, int]]:
    return [
        (
            row.opening.minor,
            row.new.minor,
            row.expansion.minor,
            row.contraction.minor,
            row.churn.minor,
            row.closing.minor,
        )
        for row in selectors.mrr_movements(period)
    ]


def started(service: Service, day: date, *, ended: date | None = None) -> None:
    """Move a service through its life as the lifecycle would: active from ``day``,
    terminated on ``ended``."""
    Service.objects.filter(pk=service.pk).update(
        status="terminated" if ended else "active",
        activated_at=at(day),
        terminated_at=at(ended) if ended else None,
    )


def test_mrr_and_its_movements_equal_the_services_item_by_item__ORD_04_CAT_06(shop, people):
    """New services, one ended (churn), a plan change up and one down with add-ons (ORD-04),
    a price rise of a tariff (CAT-06) and a trial that brings nothing: the grouped figures
    equal a walk over every service and month end, and each month adds up."""
    services = {}
    for name, who, tariff, day, add_ons in [
        ("vps", "ee", shop.vps_start, date(2025, 11, 3), [(shop.backups, 1)]),
        ("vps2", "de", shop.vps_start, date(2026, 2, 14), [(shop.extra_ipv4, 3)]),
        ("hosting", "us", shop.hosting_start, date(2026, 1, 31), []),
        ("ended", "ee", shop.hosting_start, date(2025, 12, 1), []),
        ("changed", "de", shop.vps_start, date(2025, 10, 10), [(shop.extra_ipv4, 1)]),
        ("down", "us", shop.vps_large, date(2026, 1, 5), [(shop.backups, 1)]),
        ("trial", "ee", shop.vps_start, date(2026, 1, 5), []),
    ]:
        services[name] = ordered(shop, people, who, tariff, day, add_ons).services.get()
    started(services["vps"], date(2025, 11, 4))
    started(services["vps2"], date(2026, 2, 28))
    started(services["hosting"], date(2026, 1, 31))
    started(services["ended"], date(2025, 12, 2), ended=date(2026, 3, 15))
    started(services["changed"], date(2025, 10, 11))
    started(services["down"], date(2026, 1, 6))
    Service.objects.filter(pk=services["trial"].pk).update(
        status="trial", activated_at=at(date(2026, 1, 6))
    )
    ipv4 = {"add_on": shop.extra_ipv4.pk, "code": "vps-extra-ipv4", "name": "IPv4", "quantity": 1}
    backups = {"add_on": shop.backups.pk, "code": "vps-backups", "name": "Backups", "quantity": 1}
    for service, change_day, to_tariff, from_add_ons, to_add_ons, direction in [
        (
            services["changed"],
            date(2026, 4, 9),
            shop.vps_large,
            [ipv4],
            [{**ipv4, "quantity": 4}, backups],
            "upgrade",
        ),
        (services["down"], date(2026, 3, 1), shop.vps_start, [backups], [], "downgrade"),
    ]:
        ServiceChange.objects.create(
            service=service,
            direction=direction,
            state=ServiceChange.State.APPLIED,
            from_tariff=service.tariff,
            to_tariff=to_tariff,
            from_add_ons=from_add_ons,
            to_add_ons=to_add_ons,
            effective_on=change_day,
            amount_minor=0,
            requested_at=at(change_day),
            applied_at=at(change_day),
        )
        Service.objects.filter(pk=service.pk).update(tariff=to_tariff)
        ServiceAddOn.objects.filter(service=service).delete()
        for item in to_add_ons:
            ServiceAddOn.objects.create(
                service=service, add_on_id=item["add_on"], quantity=item["quantity"]
            )
    PriceVersion.objects.create(
        tariff=shop.hosting_start,
        monthly_fee_minor=299,
        announced_at=at(date(2026, 1, 2)),
        effective_from=date(2026, 5, 1),
        status=PublicationStatus.PUBLISHED,
    )

    reported = reported_mrr(PERIOD)
    assert reported == expected_mrr(PERIOD.months)
    for opening, new, expansion, contraction, churn, closing in reported:
        assert opening + new + expansion + contraction + churn == closing
    by_month = dict(zip(PERIOD.months, reported, strict=True))
    assert by_month[date(2026, 3, 1)][4] == -249, "the hosting ended in March"
    assert by_month[date(2026, 5, 1)][2] == 50, "the price of Hosting Start rose by 0.50"
    assert by_month[date(2026, 1, 1)][0] == 990 + 349 + 249 + 990 + 200


# ----------------------------------------------------------------------------- property


DOCUMENT = st.fixed_dictionaries(
    {
        "who": st.sampled_from(["ee", "de", "us"]),
        "price": st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2),
        "quantity": st.integers(min_value=1, max_value=7),
        "issued": st.integers(min_value=0, max_value=200),
        "paid_after": st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
        "credited_after": st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
    }
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    documents=st.lists(DOCUMENT, min_size=1, max_size=6),
    payments=st.lists(st.integers(min_value=1, max_value=10**7), max_size=4),
)
def test_random_invoices_and_payments_add_up_in_every_report__BIL_01_BIL_02(
    people, documents, payments
):
    """Random proformas, paid or not, some credited in full, and random payments: revenue,
    VAT, ageing and payments by method equal the sums of the raw rows, to the cent."""
    first_day = date(2025, 12, 15)
    with transaction.atomic():
        for document in documents:
            client, payer = people[document["who"]]
            issued = first_day + timedelta(days=document["issued"])
            proforma = proforma_create(
                client=client,
                payer=payer,
                lines=[
                    line("Work", str(document["quantity"]), str(document["price"])),
                    line("Parts", "1", "0.99"),
                ],
                issued_on=issued,
            )
            if document["paid_after"] is None:
                continue
            final = invoice_finalise(
                proforma=proforma, paid_on=issued + timedelta(days=document["paid_after"])
            )
            if document["credited_after"] is not None:
                credit_note_issue(
                    invoice=final,
                    reason="Refused",
                    full=True,
                    issued_on=final.finalised_on + timedelta(days=document["credited_after"]),
                )
        client, _ = people["ee"]
        for amount in payments:
            payment_record(
                client=client,
                amount=Money(amount, "EUR"),
                value_date=timezone.localdate(),
                reference=f"BANK-{next(_references)}",
                actor=None,
            )

        assert reported_revenue(PERIOD) == expected_revenue(PERIOD)
        assert reported_vat(PERIOD) == expected_vat(PERIOD)
        for as_of in (date(2026, 1, 31), date(2026, 4, 30), date(2026, 6, 30)):
            assert reported_ageing(as_of) == expected_ageing(as_of)
        today = timezone.localdate()
        this_month = ReportPeriod(month_start(today), month_start(today))
        total = sum(row.amount.minor for row in selectors.payments_by_method(this_month))
        assert total == sum(payments)
        transaction.set_rollback(True)
