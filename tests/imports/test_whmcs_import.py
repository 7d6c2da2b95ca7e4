"""``hostledger import whmcs``: a WHMCS database in the local MariaDB (tests/imports/
whmcs_sample.py) imported into HostLedger through the owning apps' actions.

The import runs once for the module (it is the expensive part) and every test reads what it
left; the rerun test runs it again inside its own savepoint. Without a reachable MariaDB the
module is skipped with the reason (CI has one at 127.0.0.1:3306).
"""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from hostledger.accounts.models import Client, Contact, Payer
from hostledger.catalog.models import Tariff
from hostledger.core.money import Money
from hostledger.flows.whmcs_import import whmcs_import
from hostledger.imports.models import ImportRun, SourceRecord
from hostledger.imports.whmcs import ConnectionSettings, WhmcsDatabase
from hostledger.invoicing.models import Invoice, InvoiceSeriesCounter
from hostledger.ledger.models import Entry, LedgerTransaction, Payment
from hostledger.ledger.selectors import balance_from_entries, balance_of
from hostledger.notifications.models import Notification
from hostledger.subscriptions.models import Order, Service
from hostledger.support.models import Ticket, TicketMessage
from tests.imports import whmcs_sample
from tests.imports.whmcs_source import unreachable_reason, whmcs_database
from tests.module_world import kept_for_the_module
from tests.support.conftest import ensure_default_departments

pytestmark = pytest.mark.skipif(bool(unreachable_reason()), reason=unreachable_reason())

MARI_EMAIL = "mari@example.ee"


@pytest.fixture(scope="module")
def source():
    with whmcs_database() as database:
        whmcs_sample.build(database)
        yield database


@pytest.fixture(scope="module")
def imported(source, django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        ensure_default_departments()  # an earlier test on a real transaction may have emptied them
        with WhmcsDatabase(ConnectionSettings.from_url(source.url)) as database:
            run, report = whmcs_import(database=database)
        yield run, report


@pytest.fixture
def report(imported, db):
    return imported[1].as_dict()


@pytest.fixture
def mari(imported, db) -> Client:
    return Client.objects.get(owner__email=MARI_EMAIL)


def reasons(report: dict, table: str) -> dict[str, str]:
    return {item["key"]: item["reason"] for item in report[table]["unmapped_reasons"]}


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_clients_arrive_with_encrypted_profile_payer_and_contacts__ACC_01_ACC_05(mari):
    assert (mari.kind, mari.first_name, mari.last_name) == ("natural", "Mari", "Maasikas")
    assert (mari.street, mari.city, mari.postal_code, mari.country) == (
        "Pikk 12, korter 3",
        "Tallinn",
        "10123",
        "EE",
    )
    assert mari.phone == "+3725123456"
    assert mari.owner.preferred_language == "et"
    assert not mari.owner.has_usable_password()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_name FROM {Client._meta.db_table} WHERE id = %s", [mari.pk])
        assert "Maasikas" not in str(cursor.fetchone()[0])  # stored encrypted (GDPR-11)
    payer = Payer.objects.get(client=mari)
    assert (payer.name, payer.city, payer.invoice_email) == ("Mari Maasikas", "Tallinn", MARI_EMAIL)
    contacts = {contact.email: contact for contact in Contact.objects.filter(client=mari)}
    assert contacts["jaan@example.ee"].role == "billing"
    assert contacts["jaan@example.ee"].phone == "+3725550001"
    assert contacts["tiit@example.ee"].role == "technical"


def test_products_become_draft_tariffs_of_their_family__CAT_01(imported, db):
    start = Tariff.objects.get(code="whmcs-1")
    assert (start.family.code, start.monthly_fee_minor, start.status) == (
        "shared_hosting",
        499,
        "draft",
    )
    assert Tariff.objects.get(code="whmcs-2").monthly_fee_minor == 999  # 29.97 a quarter
    assert Tariff.objects.get(code="whmcs-4").family.code == "dedicated"
    assert not Tariff.objects.filter(code__in=["whmcs-3", "whmcs-5"]).exists()


def test_services_arrive_with_status_period_and_paid_through__ORD_02(mari):
    services = {service.host_name: service for service in Service.objects.filter(client=mari)}
    assert set(services) == {"mari.ee", "shop.mari.ee", "new.mari.ee"}
    active = services["mari.ee"]
    assert (active.status, active.renewal_months, active.tariff.code) == ("active", 1, "whmcs-1")
    assert active.paid_through == date(2026, 12, 31)
    assert active.contract_started_on == date(2025, 3, 1)
    assert active.contract_ends_on >= date(2026, 12, 7)
    assert active.order.number == "WHMCS-10" and active.order.status == Order.Status.PAID
    assert active.status_changes.get().reason.startswith("Imported from WHMCS service 10")
    assert services["shop.mari.ee"].status == "terminated"
    assert services["shop.mari.ee"].renewal_months == 3
    assert (services["new.mari.ee"].status, services["new.mari.ee"].paid_through) == (
        "pending",
        None,
    )
    company = Service.objects.get(client__owner__email="arved@naidis.ee")
    assert (company.status, company.suspension_reason) == ("suspended", "other")


def test_invoices_keep_their_numbers_and_never_take_one_of_the_own_series__BIL_04(mari):
    invoices = {invoice.number_display: invoice for invoice in Invoice.objects.filter(client=mari)}
    assert set(invoices) == {"2025-0100", "2025-0101", "102", "105", "2025-0106"}
    paid = invoices["2025-0100"]
    assert (paid.kind, paid.status, paid.series.code, paid.number) == (
        "final",
        "paid",
        "import-whmcs",
        100,
    )
    assert (paid.net_minor, paid.vat_minor, paid.gross_minor) == (499, 120, 619)
    assert paid.finalised_on == date(2025, 3, 3)
    line = paid.lines.get()
    assert (line.description, line.net_minor, line.vat_minor) == (
        "Start - mari.ee (01/03/2025 - 31/03/2025)",
        499,
        120,
    )
    assert invoices["2025-0101"].gross_minor == 1240  # the credit applied is a payment here
    unpaid = invoices["102"]
    assert (unpaid.kind, unpaid.status, unpaid.number, unpaid.gross_minor) == (
        "proforma",
        "issued",
        None,
        2480,
    )
    assert invoices["105"].status == "cancelled"
    assert not InvoiceSeriesCounter.objects.exists()


def test_payments_arrive_once_per_transaction_without_receipts__BIL_06(mari):
    payments = Payment.objects.filter(client=mari, source="whmcs").order_by("external_id")
    assert [(p.external_id, p.amount_minor) for p in payments] == [
        ("tblaccounts:500", 619),
        ("tblaccounts:501", 740),
        ("tblaccounts:502", 1000),
        ("tblaccounts:503", 3000),
        ("tblaccounts:504", 6200),
    ]
    bank = payments.get(external_id="tblaccounts:500")
    assert (bank.counter_account.code, bank.reference, bank.named_invoice) == (
        "bank",
        "LHV-2025-0301",
        "2025-0100",
    )
    assert payments.get(external_id="tblaccounts:502").counter_account.code == "gateway:paypal"
    assert payments.get(external_id="tblaccounts:504").status == "refunded"
    assert not Notification.objects.filter(client=mari).exists()


def test_the_balance_equals_the_whmcs_credit_to_the_cent__BIL_01(mari):
    """WHMCS: credit 27.50, 14.80 due on invoice 102 (24.80, of which 10.00 paid). Here the
    10.00 waits on the balance for the proforma, so the balance is 37.50 and the balance less
    the open proforma is 27.50 less 14.80."""
    assert balance_of(mari) == Money.of("37.50")
    assert balance_from_entries(mari) == Money.of("37.50")
    open_proformas = sum(
        invoice.gross_minor for invoice in Invoice.objects.filter(client=mari, status="issued")
    )
    assert balance_of(mari).minor - open_proformas == 2750 - 1480
    correction = LedgerTransaction.objects.get(client=mari, kind="correction")
    assert (
        Entry.objects.filter(transaction=correction, account__client=mari).get().amount_minor == 250
    )
    assert "WHMCS" in correction.memo
    kinds = sorted(LedgerTransaction.objects.filter(client=mari).values_list("kind", flat=True))
    assert kinds == ["charge"] * 3 + ["correction", "credit_note"] + ["payment"] * 5 + ["refund"]


def test_a_client_whose_money_all_maps_needs_no_correction__BIL_01(imported, db):
    company = Client.objects.get(owner__email="arved@naidis.ee")
    assert balance_of(company) == Money.zero()
    assert not LedgerTransaction.objects.filter(client=company, kind="correction").exists()
    invoice = Invoice.objects.get(client=company)
    assert (invoice.vat_scheme, invoice.gross_minor) == ("reverse_charge", 8900)
    assert Payer.objects.get(client=company).vat_number == "EE100247019"


def test_tickets_arrive_with_every_message_and_nothing_is_mailed__SUP_01(mari):
    tickets = {ticket.subject: ticket for ticket in Ticket.objects.filter(client=mari)}
    assert set(tickets) == {"Website is down", "Question about invoice 2025-0101"}
    down = tickets["Website is down"]
    assert (down.status, down.priority, down.department.slug) == ("open", "normal", "support")
    messages = list(TicketMessage.objects.filter(ticket=down).order_by("created_at"))
    assert [(m.author_kind, m.body) for m in messages] == [
        ("client", "mari.ee shows an error 500 since 9:00."),
        ("staff", "We restarted PHP-FPM; please check again."),
        ("client", "Works now, thank you!"),
    ]
    assert messages[0].author == mari.owner and messages[1].author is None
    assert down.first_response_at == messages[1].created_at
    billing = tickets["Question about invoice 2025-0101"]
    assert (billing.status, billing.department.slug) == ("closed", "billing")
    assert billing.resolved_at is not None


def test_unmapped_rows_are_reported_with_their_reasons(report):
    assert report["tblproducts"]["imported"] == 3
    products = reasons(report, "tblproducts")
    assert "cpu, ram_gb and disk_gb" in products["3"] and "--product 3=" in products["3"]
    assert "product type 'other'" in products["5"]
    assert "product 3 was not mapped" in reasons(report, "tblhosting")["11"]
    clients = reasons(report, "tblclients")
    assert set(clients) == {"4"} and "phone" in clients["4"]
    invoices = reasons(report, "tblinvoices")
    assert "draft" in invoices["104"]
    assert "Add Funds" in invoices["103"]
    assert "USD" in invoices["120"]
    assert invoices["130"] == "its client 4 was not imported"
    assert "USD" in reasons(report, "tblaccounts")["520"]
    tickets = reasons(report, "tbltickets")
    assert "merged into WHMCS ticket 700" in tickets["702"]
    assert "visitor" in tickets["710"]
    assert "domains are not imported" in reasons(report, "tbldomains")["30"]
    notes = {item["key"]: item["note"] for item in report["tblclients"]["notes"]}
    assert "registry code" in notes["2"]
    assert report["tblinvoices"]["imported"] == 6  # Mari 5, the company 1
    assert report["tblaccounts"]["imported"] == 7  # Mari's 5 payments and refund, the company's


def test_the_run_and_the_source_keys_are_stored(imported, db):
    run = ImportRun.objects.get()
    assert run.finished_at is not None
    assert run.summary["tblclients"]["imported"] == 3
    mari = Client.objects.get(owner__email=MARI_EMAIL)
    record = SourceRecord.objects.get(source="whmcs", table="tblclients", source_key="1")
    assert (record.target_model, record.target_id) == ("accounts.Client", mari.pk)


def test_a_rerun_imports_nothing_and_changes_nothing__AUT_01(source, imported, db):
    before = row_counts()
    balance = balance_of(Client.objects.get(owner__email=MARI_EMAIL))
    with WhmcsDatabase(ConnectionSettings.from_url(source.url)) as database:
        _, again = whmcs_import(database=database)
    after = row_counts()
    changed = {
        table: (before[table], after[table])
        for table in before
        if before[table] != after[table] and table != ImportRun._meta.db_table
    }
    assert changed == {}
    assert after[ImportRun._meta.db_table] == before[ImportRun._meta.db_table] + 1
    summary = again.as_dict()
    assert {table: part["imported"] for table, part in summary.items() if part["imported"]} == {}
    assert summary["tblclients"]["skipped"] == 3
    assert summary["tblinvoices"]["skipped"] == 6
    assert balance_of(Client.objects.get(owner__email=MARI_EMAIL)) == balance


def test_the_command_prints_the_summary_per_table(source, imported, db):
    out = StringIO()
    call_command("import", "whmcs", source.url, stdout=out)
    text = out.getvalue()
    assert f"WHMCS import from {source.host_port}/{source.name}" in text
    assert "tblclients" in text and "tblinvoices: not imported" in text
    assert "104: a draft: WHMCS never issued it" in text
