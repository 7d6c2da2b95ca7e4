"""Monthly acts of acceptance formed from paid invoices and credit notes (DOC-01)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from hostledger.automation.models import BillingClock
from hostledger.automation.run import billing_run
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.jobs import JobContext, get_job
from hostledger.core.models import JobRun
from hostledger.invoicing.act_models import ActFormedError
from hostledger.invoicing.act_selectors import client_act, client_acts
from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.acts import line_parts, month_start, paper_period_bounds
from hostledger.invoicing.models import AcceptanceAct, AcceptanceActLine
from tests.invoicing.act_factories import (
    FEBRUARY,
    JANUARY,
    MARCH,
    act_rows,
    act_state,
    at,
    form,
    january_service,
    paid_invoice,
)
from tests.invoicing.conftest import line, make_client, make_payer

pytestmark = pytest.mark.django_db

JAN = {"period_start": date(2025, 1, 1), "period_end": date(2025, 1, 31)}


@pytest.fixture
def company_payer(estonian_client):
    """A second billing identity of the same client: the client's company."""
    return make_payer(estonian_client, kind="legal", name="Maasikas OÜ", is_default=False)


@pytest.fixture
def january_invoices(estonian_client, estonian_payer, company_payer):
    """Two payers' paid January invoices, one invoice paid in February and an unpaid one.

    INV-2025-000001 (company, paid 6 Jan): VPS Pro 5.55 for January (VAT 1.221 -> 1.22).
    INV-2025-000002 (Mari, paid 10 Jan): Web hosting S 3 x 3.33 (net 9.99, VAT 2.1978 ->
    2.20) and VPS Start 12.00 for January (VAT 2.64). INV-2025-000003 (Mari, paid 3 Feb):
    a domain, 15.00 (VAT 3.30).
    """
    client = estonian_client
    paid_invoice(
        client,
        company_payer,
        [line("VPS Pro, January 2025", "1", "5.55", **JAN)],
        issued_on=date(2025, 1, 5),
        paid_on=date(2025, 1, 6),
    )
    paid_invoice(
        client,
        estonian_payer,
        [line("Web hosting S", "3", "3.33"), line("VPS Start, January 2025", "1", "12.00", **JAN)],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
    paid_invoice(
        client,
        estonian_payer,
        [line("Domain maasikas.ee, one year", "1", "15.00")],
        issued_on=date(2025, 1, 20),
        paid_on=date(2025, 2, 3),
    )
    proforma_create(
        client=client,
        payer=estonian_payer,
        lines=[line("VPS Start, February 2025", "1", "12.00")],
        issued_on=date(2025, 1, 25),
    )


def test_act_per_payer_per_month_from_final_invoice_lines_exact_to_the_cent__DOC_01(
    january_invoices, estonian_client, estonian_payer, company_payer
):
    formed = form(JANUARY)

    assert len(formed) == 2
    mari = AcceptanceAct.objects.get(payer=estonian_payer)
    assert act_rows(mari) == [
        ("INV-2025-000002", "Web hosting S", JANUARY, 999, 220, 1219),
        ("INV-2025-000002", "VPS Start, January 2025", JANUARY, 1200, 264, 1464),
    ]
    assert (mari.net_minor, mari.vat_minor, mari.gross_minor) == (2199, 484, 2683)
    assert (mari.period_start, mari.period_end) == (JANUARY, date(2025, 1, 31))
    assert (mari.client_id, mari.currency, mari.status) == (estonian_client.pk, "EUR", "formed")
    assert (mari.formed_on, mari.formed_at) == (date(2025, 2, 1), at(2025, 2, 1, 3))
    assert mari.payer_data["name"] == "Mari Maasikas"
    assert mari.provider_snapshot["legal_name"] == "SmartApe OÜ"
    vps_line = mari.lines.get(position=2)
    assert (vps_line.period_start, vps_line.period_end) == (date(2025, 1, 1), date(2025, 1, 31))
    assert (vps_line.net.minor, vps_line.vat.minor, vps_line.gross.minor) == (1200, 264, 1464)

    company = AcceptanceAct.objects.get(payer=company_payer)
    assert act_rows(company) == [
        ("INV-2025-000001", "VPS Pro, January 2025", JANUARY, 555, 122, 677)
    ]
    assert (company.net_minor, company.vat_minor, company.gross_minor) == (555, 122, 677)
    assert company.payer_data["name"] == "Maasikas OÜ"


def test_month_with_nothing_rendered_has_no_act_and_late_lines_go_to_their_month__DOC_01(
    january_invoices, estonian_payer, company_payer
):
    form(JANUARY)
    february = form(FEBRUARY)

    assert [act.payer_id for act in february] == [estonian_payer.pk]
    assert act_rows(february[0]) == [
        ("INV-2025-000003", "Domain maasikas.ee, one year", FEBRUARY, 1500, 330, 1830)
    ]
    assert not AcceptanceAct.objects.filter(payer=company_payer, period_start=FEBRUARY).exists()


def test_three_month_line_spread_over_months_sums_to_the_line__DOC_01(
    estonian_client, estonian_payer
):
    """100.00 + 22.00 VAT for 1 Jan - 31 Mar (31 + 28 + 31 days), paid in December: the
    largest remainder gives the spare cent of net to January (a tie with March, the earlier
    month wins) and the two spare cents of VAT to January and March."""
    invoice = paid_invoice(
        estonian_client,
        estonian_payer,
        [
            line(
                "VPS Pro, first quarter 2025",
                "1",
                "100.00",
                period_start=date(2025, 1, 1),
                period_end=date(2025, 3, 31),
            )
        ],
        issued_on=date(2024, 12, 20),
        paid_on=date(2024, 12, 28),
    )
    assert form(date(2024, 12, 1)) == []  # paid in December, nothing rendered in December

    parts = [act_rows(act)[0][2:] for month in (JANUARY, FEBRUARY, MARCH) for act in form(month)]

    assert parts == [
        (JANUARY, 3445, 758, 4203),
        (FEBRUARY, 3111, 684, 3795),
        (MARCH, 3444, 758, 4202),
    ]
    assert sum(part[1] for part in parts) == invoice.net_minor == 10000
    assert sum(part[2] for part in parts) == invoice.vat_minor == 2200
    assert sum(part[3] for part in parts) == invoice.gross_minor == 12200


@given(
    net=st.integers(min_value=-(10**9), max_value=10**9),
    vat=st.integers(min_value=-(10**8), max_value=10**8),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
)
def test_parts_of_a_line_always_sum_exactly_to_the_line__DOC_01(net, vat, start, length):
    end = start + timedelta(days=length)
    parts = line_parts(
        net_minor=net,
        vat_minor=vat,
        currency="EUR",
        period_start=start,
        period_end=end,
        fallback_day=start,
    )

    assert sum(part.net_minor for part in parts) == net
    assert sum(part.vat_minor for part in parts) == vat
    assert sum(part.gross_minor for part in parts) == net + vat
    assert parts[0].period_start == start and parts[-1].period_end == end
    assert [part.service_month for part in parts] == sorted({p.service_month for p in parts})
    total_days = length + 1
    for part in parts:
        assert month_start(part.period_start) == month_start(part.period_end) == part.service_month
        days = (part.period_end - part.period_start).days + 1
        assert abs(part.net_minor * total_days - net * days) < total_days  # within one cent
        assert abs(part.vat_minor * total_days - vat * days) < total_days


def test_line_without_a_period_is_one_part_in_the_month_it_was_paid__DOC_01():
    [part] = line_parts(
        net_minor=999,
        vat_minor=220,
        currency="EUR",
        period_start=None,
        period_end=None,
        fallback_day=date(2025, 2, 14),
    )

    assert (part.service_month, part.period_start, part.period_end) == (FEBRUARY, None, None)
    assert (part.net_minor, part.vat_minor, part.gross_minor) == (999, 220, 1219)


def test_forming_twice_gives_one_act__DOC_01(january_invoices, estonian_payer):
    first = form(JANUARY)
    before = act_state()

    assert form(JANUARY) == []
    assert form(JANUARY, on=at(2025, 3, 15)) == []
    assert form(JANUARY, payer=estonian_payer) == []
    assert act_state() == before
    assert AcceptanceAct.objects.count() == len(first) == 2


def test_the_daily_job_forms_last_month_once__DOC_01(january_invoices):
    job = get_job("invoicing.form_monthly_acts")

    for day in (1, 2):
        run = JobRun.objects.create(job_name=job.name, status=JobRun.Status.RUNNING)
        context = JobContext(run, now=at(2025, 2, day, 3))
        job.function(context)
        assert context.counts == {"acts_formed": 2 if day == 1 else 0}

    assert AcceptanceAct.objects.filter(period_start=JANUARY).count() == 2


def test_the_billing_run_forms_every_finished_month_not_yet_formed__DOC_01(
    january_invoices, estonian_payer, time_machine
):
    """The scheduler was down in February and March: the first billing run after, on 2 April
    2025, forms January's two acts and February's one (Mari's domain paid on 3 February),
    and March has nothing to form; later runs form nothing again."""
    time_machine.move_to(at(2025, 4, 2, 6), tick=True)
    counts = billing_run(as_of=at(2025, 4, 2, 6))

    assert counts["acts_formed"] == 3
    formed = AcceptanceAct.objects.order_by("period_start", "payer_id")
    assert [(act.period_start, act.payer_id) for act in formed][-1] == (
        FEBRUARY,
        estonian_payer.pk,
    )
    assert list(formed.values_list("period_start", flat=True)) == [JANUARY, JANUARY, FEBRUARY]
    assert BillingClock.objects.get().acts_formed_through == MARCH
    time_machine.move_to(at(2025, 4, 3, 6), tick=True)
    assert billing_run(as_of=at(2025, 4, 3, 6)).get("acts_formed", 0) == 0
    assert AcceptanceAct.objects.count() == 3


def test_one_payer_can_be_formed_on_its_own_for_catch_up__DOC_01(
    january_invoices, estonian_payer, company_payer
):
    [act] = form(JANUARY, payer=company_payer)

    assert act.payer_id == company_payer.pk
    assert [a.payer_id for a in form(JANUARY)] == [estonian_payer.pk]


def test_credit_notes_issued_in_the_month_are_subtracted__DOC_01(estonian_client, estonian_payer):
    """VPS Pro 59.00 for 1 Jan - 28 Feb (59 days: 31.00 in January, 28.00 in February, VAT
    22 % split the same way) and a setup fee; a credit note of 14.00 in February, another
    of the setup fee in March."""
    invoice = paid_invoice(
        estonian_client,
        estonian_payer,
        [
            line(
                "VPS Pro, January and February 2025",
                "1",
                "59.00",
                period_start=date(2025, 1, 1),
                period_end=date(2025, 2, 28),
            ),
            line("Setup fee", "1", "10.00"),
        ],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
    credit_note_issue(
        invoice=invoice,
        lines=[line("VPS Pro, February outage", "1", "14.00")],
        reason="Outage of two weeks",
        issued_on=date(2025, 2, 14),
    )
    credit_note_issue(
        invoice=invoice,
        lines=[line("Setup fee waived", "1", "10.00")],
        reason="Setup fee waived",
        issued_on=date(2025, 3, 3),
    )

    [january] = form(JANUARY)
    [february] = form(FEBRUARY)
    [march] = form(MARCH)

    assert act_rows(january) == [
        ("INV-2025-000001", "VPS Pro, January and February 2025", JANUARY, 3100, 682, 3782),
        ("INV-2025-000001", "Setup fee", JANUARY, 1000, 220, 1220),
    ]
    assert act_rows(february) == [
        ("INV-2025-000001", "VPS Pro, January and February 2025", FEBRUARY, 2800, 616, 3416),
        ("CN-2025-000001", "VPS Pro, February outage", FEBRUARY, -1400, -308, -1708),
    ]
    assert (february.net_minor, february.vat_minor, february.gross_minor) == (1400, 308, 1708)
    assert act_rows(march) == [("CN-2025-000002", "Setup fee waived", MARCH, -1000, -220, -1220)]
    # The acts of a payer add up to its paid invoices less its credit notes.
    total = sum(act.gross_minor for act in AcceptanceAct.objects.all())
    assert total == invoice.gross_minor - 1708 - 1220 == 5490


def test_services_paid_after_the_month_are_listed_in_the_month_of_payment__DOC_01(
    estonian_client, estonian_payer
):
    """The January act was formed before the invoice was paid on 10 February: the January
    service is listed, once, in the February act."""
    proforma = proforma_create(
        client=estonian_client,
        payer=estonian_payer,
        lines=[line("VPS Start, January 2025", "1", "12.00", **JAN)],
        issued_on=date(2025, 1, 2),
    )
    assert form(JANUARY) == []

    invoice_finalise(proforma=proforma, paid_on=date(2025, 2, 10))

    assert form(JANUARY, on=at(2025, 2, 11)) == []
    [february] = form(FEBRUARY)
    assert act_rows(february) == [
        ("INV-2025-000001", "VPS Start, January 2025", JANUARY, 1200, 264, 1464)
    ]


def test_month_not_over_is_refused_naming_the_field_and_writes_nothing__DOC_01(january_invoices):
    before = act_state()

    with pytest.raises(DomainError) as not_over:
        form(FEBRUARY, on=at(2025, 2, 28, 23))
    with pytest.raises(DomainError) as not_a_date:
        form(at(2025, 1, 1), on=at(2025, 2, 1))
    with pytest.raises(DomainError) as naive:
        form(JANUARY, on=at(2025, 2, 1).replace(tzinfo=None))

    assert (not_over.value.code, not_over.value.fields) == (
        "month_not_over",
        {"month": "ends on 2025-02-28"},
    )
    assert not_a_date.value.fields == {"month": "expected a date"}
    assert naive.value.fields == {"now": "not aware"}
    assert act_state() == before


def test_formed_act_and_its_lines_are_never_edited_or_deleted__DOC_01(january_invoices):
    act = form(JANUARY)[0]
    line_row = act.lines.first()
    before = act_state()

    act.net_minor = 1
    for attempt in (act.save, act.delete, line_row.save, line_row.delete):
        with pytest.raises(ActFormedError):
            attempt()

    assert act_state() == before
    assert AcceptanceActLine.objects.filter(act=act).count() == 2


def test_another_clients_act_is_not_found__DOC_01(january_invoices, estonian_client):
    act = form(JANUARY)[0]
    stranger = make_client("stranger@example.com")

    assert client_act(estonian_client, act.public_id).pk == act.pk
    assert client_acts(stranger).count() == 0
    with pytest.raises(NotFound):
        client_act(stranger, act.public_id)
    with pytest.raises(NotFound):
        client_act(estonian_client, "act_doesnotexist")


def test_paper_period_bounds_follow_the_months_setting__DOC_03():
    assert paper_period_bounds(date(2025, 2, 14), 3) == (date(2025, 1, 1), date(2025, 3, 31))
    assert paper_period_bounds(date(2025, 12, 31), 3) == (date(2025, 10, 1), date(2025, 12, 31))
    assert paper_period_bounds(date(2025, 8, 1), 6) == (date(2025, 7, 1), date(2025, 12, 31))
    assert paper_period_bounds(date(2024, 2, 29), 1) == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.django_db(transaction=True)
def test_two_runs_forming_a_month_at_once_form_each_act_once__DOC_01(seeded_tables):
    """Two job runs at the same moment on PostgreSQL: the unique key (payer, month,
    currency) lets one insert each act; the other run skips it without failing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers by itself")
    client = make_client("mari@example.com")
    for name in ("Mari Maasikas", "Maasikas OÜ", "Maasikas MTÜ"):
        january_service(client, make_payer(client, name=name, is_default=False))
    start = threading.Barrier(2)
    formed: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            formed.extend(act.pk for act in form(JANUARY))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(formed) == sorted(AcceptanceAct.objects.values_list("pk", flat=True))
    assert AcceptanceAct.objects.count() == 3
    assert AcceptanceActLine.objects.count() == 3


def _forming_queries(month: date) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert len(form(month)) == 2
    return len(queries)


def test_forming_reads_the_lines_of_a_month_in_a_fixed_number_of_queries__DOC_01(
    estonian_client, estonian_payer
):
    """Two payers with one line each in January, and the same two payers with five lines
    each in February: forming takes as many queries for either month."""
    company = make_payer(estonian_client, kind="legal", name="Maasikas OÜ", is_default=False)
    for payer in (estonian_payer, company):
        january_service(estonian_client, payer)
        paid_invoice(
            estonian_client,
            payer,
            [line(f"Web hosting S, site {number}", "1", "3.33") for number in range(5)],
            issued_on=date(2025, 2, 3),
            paid_on=date(2025, 2, 4),
        )

    assert _forming_queries(JANUARY) == _forming_queries(FEBRUARY)
    assert AcceptanceActLine.objects.filter(act__period_start=FEBRUARY).count() == 10
