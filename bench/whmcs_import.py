"""Benchmark of ``hostledger import whmcs`` (docs/decisions/0040-importing-from-whmcs.md).

    .venv/bin/python bench/whmcs_import.py --clients 1000 [--database sqlite|postgres]

Builds a throwaway WHMCS database ``whmcs_bench_<pid>_1`` in the local MariaDB (127.0.0.1:3306,
root, no password; HOSTLEDGER_TEST_MARIADB_URL overrides) with the tables of
``tests/data/whmcs/schema.sql`` and, per client: one contact, two services (hosting monthly,
a dedicated server quarterly), six invoices with their items (four paid, one unpaid with a part
payment, one cancelled), the five payments of those, a credit balance with one credit added by
hand, and a ticket with two replies. A fresh HostLedger database (SQLite in a temporary
directory, or ``hl_bench_whmcs_<pid>`` on the local PostgreSQL) is migrated, then the import
runs through the same flow as the command, and runs again (the rerun must import nothing).
Both databases are dropped at the end.

Target: 1,000 clients in at most 60 s. The last line is
``clients=N seconds=X rerun_seconds=Y rate=R/s balances_equal=True``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world
from tests.imports.whmcs_source import SourceDatabase, unreachable_reason, whmcs_database

CHUNK = 500


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def build_source(db: SourceDatabase, clients: int) -> dict[int, int]:
    """Write the WHMCS rows; return each client's expected balance in cents (its credit plus
    what was paid towards its unpaid invoice)."""
    db.insert("tblcurrencies", id=1, code="EUR", prefix="€", suffix="", format=2, default=1)
    db.insert("tblproductgroups", id=1, name="Shared Hosting", orderfrmtpl="", disabledgateways="")
    db.insert("tblproductgroups", id=2, name="Dedicated", orderfrmtpl="", disabledgateways="")
    for product_id, kind, group, name, monthly in (
        (1, "hostingaccount", 1, "Start", "4.99"),
        (2, "server", 2, "Dedicated E3", "89.00"),
    ):
        db.insert("tblproducts", id=product_id, type=kind, gid=group, name=name, description="")
        db.insert(
            "tblpricing",
            type="product",
            currency=1,
            relid=product_id,
            monthly=monthly,
            quarterly="-1.00",
            semiannually="-1.00",
            annually="-1.00",
            biennially="-1.00",
            triennially="-1.00",
        )
    db.insert("tblticketdepartments", id=1, name="Technical Support", description="", email="")
    expected: dict[int, int] = {}
    rows: dict[str, list[tuple]] = {name: [] for name in COLUMNS}

    def flush() -> None:
        for table, batch in rows.items():
            db.insert_many(table, COLUMNS[table], batch)
            batch.clear()

    for number in range(1, clients + 1):
        _client_rows(number, rows, expected)
        if number % CHUNK == 0:
            flush()
    flush()
    return expected


COLUMNS = {
    "tblclients": [
        "id", "firstname", "lastname", "companyname", "email", "address1", "address2", "city",
        "state", "postcode", "country", "phonenumber", "currency", "credit", "datecreated",
        "status", "language",
    ],
    "tblcontacts": ["id", "userid", "firstname", "lastname", "email", "phonenumber",
                    "invoiceemails"],
    "tblhosting": ["id", "userid", "orderid", "packageid", "regdate", "domain", "amount",
                   "billingcycle", "nextduedate", "domainstatus", "paymentmethod"],
    "tblinvoices": ["id", "userid", "invoicenum", "date", "duedate", "datepaid", "subtotal",
                    "credit", "tax", "tax2", "total", "taxrate", "taxrate2", "status",
                    "paymentmethod", "notes"],
    "tblinvoiceitems": ["invoiceid", "userid", "type", "relid", "description", "amount",
                        "taxed", "paymentmethod", "notes"],
    "tblaccounts": ["id", "userid", "currency", "gateway", "date", "description", "amountin",
                    "amountout", "transid", "invoiceid"],
    "tblcredit": ["id", "clientid", "date", "description", "amount", "relid"],
    "tbltickets": ["id", "tid", "did", "userid", "date", "title", "message", "status",
                   "urgency", "lastreply"],
    "tblticketreplies": ["tid", "userid", "date", "message", "admin"],
}  # fmt: skip


def _client_rows(number: int, rows: dict[str, list[tuple]], expected: dict[int, int]) -> None:
    started = date(2025, 1, 1) + timedelta(days=number % 300)
    manual_credit = Decimal(number % 7)
    rows["tblclients"].append(
        (number, "Client", f"Number{number}", "", f"client{number}@example.ee",
         f"Pikk {number}", "", "Tallinn", "", "10123", "EE", f"+372.5{number:06d}", 1,
         _money(manual_credit), started, "Active", "english")
    )  # fmt: skip
    rows["tblcontacts"].append(
        (number, number, "Billing", f"Person{number}", f"billing{number}@example.ee", "", 1)
    )
    rows["tblhosting"].append(
        (number * 2, number, number, 1, started, f"site{number}.example.ee", "4.99", "Monthly",
         date(2027, 1, 1), "Active", "banktransfer")
    )  # fmt: skip
    rows["tblhosting"].append(
        (number * 2 + 1, number, number, 2, started, f"srv{number}.example.ee", "267.00",
         "Quarterly", date(2027, 2, 1), "Active", "banktransfer")
    )  # fmt: skip
    paid_in = 0
    for offset in range(6):
        invoice_id = number * 10 + offset
        issued = started + timedelta(days=30 * offset)
        net = Decimal("4.99") if offset % 2 else Decimal("267.00")
        vat = (net * Decimal("0.24")).quantize(Decimal("0.01"))
        status = "Paid" if offset < 4 else ("Unpaid" if offset == 4 else "Cancelled")
        paid_at = datetime.combine(issued, datetime.min.time()) if status == "Paid" else None
        rows["tblinvoices"].append(
            (invoice_id, number, f"{issued.year}-{invoice_id:07d}", issued,
             issued + timedelta(days=7), paid_at, _money(net), "0.00", _money(vat), "0.00",
             _money(net + vat), "24.00", "0.00", status, "banktransfer", "")
        )  # fmt: skip
        rows["tblinvoiceitems"].append(
            (invoice_id, number, "Hosting", number * 2 + offset % 2, f"Service period {offset}",
             _money(net), 1, "banktransfer", "")
        )  # fmt: skip
        amount = net + vat if status == "Paid" else (Decimal("50.00") if offset == 4 else None)
        if amount is not None:
            rows["tblaccounts"].append(
                (invoice_id, number, 0, "banktransfer" if offset % 2 else "stripe",
                 datetime.combine(issued, datetime.min.time()) + timedelta(hours=2),
                 f"Invoice Payment (#{invoice_id})", _money(amount), "0.00",
                 f"T{invoice_id}", invoice_id)
            )  # fmt: skip
            if status == "Unpaid":
                paid_in += int(amount * 100)
    rows["tblcredit"].append((number, number, started, "Goodwill credit", _money(manual_credit), 0))
    when = datetime.combine(started, datetime.min.time()) + timedelta(hours=9)
    rows["tbltickets"].append(
        (number, f"TCK-{number}", 1, number, when, "Site is slow",
         "My site loads slowly since this morning.", "Closed", "Medium", when)
    )  # fmt: skip
    rows["tblticketreplies"].append(
        (number, 0, when + timedelta(hours=1), "We moved you to a faster node.", "Support Agent")
    )
    rows["tblticketreplies"].append((number, number, when + timedelta(hours=2), "Thanks!", ""))
    expected[number] = int(manual_credit * 100) + paid_in


def measure(source: SourceDatabase, expected: dict[int, int]) -> dict:
    from hostledger.accounts.models import Client
    from hostledger.flows.whmcs_import import whmcs_import
    from hostledger.imports.models import SourceRecord
    from hostledger.imports.whmcs import ConnectionSettings, WhmcsDatabase
    from hostledger.ledger.models import ClientBalance

    settings = ConnectionSettings.from_url(source.url)
    started = time.perf_counter()
    with WhmcsDatabase(settings) as database:
        _, report = whmcs_import(database=database)
    seconds = time.perf_counter() - started
    print(report.text(reasons_per_table=5))
    started = time.perf_counter()
    with WhmcsDatabase(settings) as database:
        _, again = whmcs_import(database=database)
    rerun_seconds = time.perf_counter() - started
    rerun_imported = sum(part.imported for part in again.tables.values())
    records = dict(
        SourceRecord.objects.filter(table="tblclients").values_list("target_id", "source_key")
    )
    balances = {
        int(records[client_id]): minor
        for client_id, minor in ClientBalance.objects.values_list("client_id", "balance_minor")
    }
    equal = all(balances.get(number, 0) == minor for number, minor in expected.items())
    return {
        "clients": Client.objects.count(),
        "seconds": seconds,
        "rerun_seconds": rerun_seconds,
        "rerun_imported": rerun_imported,
        "balances_equal": equal,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the import")
    args = parser.parse_args(argv)
    reason = unreachable_reason()
    if reason:
        parser.error(reason)
    workdir = Path(tempfile.mkdtemp(prefix="hl_bench_whmcs_"))
    name = f"hl_bench_whmcs_{os.getpid()}"
    try:
        with whmcs_database(prefix="whmcs_bench") as source:
            started = time.perf_counter()
            expected = build_source(source, args.clients)
            print(f"WHMCS source with {args.clients} clients built in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            if args.database == "postgres":
                url = bench_world.postgres_create(name)
            else:
                url = bench_world.sqlite_url(workdir / "bench.sqlite3")
            bench_world.configure(url, workdir)
            started = time.perf_counter()
            bench_world.migrate()
            print(f"{args.database}: migrated in {time.perf_counter() - started:.1f} s")
            if args.profile:
                profiler = cProfile.Profile()
                result = profiler.runcall(measure, source, expected)
                profiler.dump_stats(args.profile)
            else:
                result = measure(source, expected)
            from django.db import connections

            connections.close_all()
    finally:
        if args.database == "postgres":
            bench_world.postgres_drop(name)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"clients={result['clients']} seconds={result['seconds']:.2f} "
        f"rerun_seconds={result['rerun_seconds']:.2f} "
        f"rate={result['clients'] / result['seconds']:.0f}/s "
        f"rerun_imported={result['rerun_imported']} balances_equal={result['balances_equal']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
