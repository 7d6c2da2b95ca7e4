"""Benchmark of the staff lists and the staff client search (issue 11 §8) on PostgreSQL.

    .venv/bin/python bench/staff_lists.py --clients 100000

Builds a throwaway PostgreSQL database ``hl_bench_lists_<pid>`` on 127.0.0.1:5432 (dropped at
the end unless ``--keep``), migrates it and writes with ``COPY``: N users and clients (names
from pools, encrypted like the application does, with their search tokens), one payer each,
2·N invoices (60 % numbered final invoices, 40 % proformas awaiting payment, issued over the
last 3 years) and N payments (5 % unmatched). Then VACUUM ANALYZE (as autovacuum would),
and each staff list and search is run as the pages run it (the same selectors),
``--repeat`` times; the median is reported in milliseconds, the whole call and its SQL
alone, with the plans (EXPLAIN ANALYZE) of each statement in ``--plans FILE``.

With ``--without-new-indexes`` the indexes this change added (the sort orders of the client,
invoice and payment lists, the invoice number) are dropped first, to measure "before".

The last line is ``clients=N invoices=M`` followed by ``name=total/sql/executing`` for each
measurement, in milliseconds: the whole call, its statements as the driver timed them (round
trips included) and the database's own execution time (EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world

FIRST_NAMES = [
    "Anna",
    "Mari",
    "Kati",
    "Liis",
    "Kadri",
    "Triin",
    "Piret",
    "Maarja",
    "Helen",
    "Kristiina",
    "Jaan",
    "Peeter",
    "Andres",
    "Mart",
    "Toomas",
    "Jüri",
    "Margus",
    "Rein",
    "Tiit",
    "Indrek",
    "Aivar",
    "Urmas",
    "Priit",
    "Raivo",
    "Siim",
    "Kaspar",
    "Karl",
    "Oliver",
    "Robin",
    "Rasmus",
    "Sofia",
    "Eliise",
    "Emma",
    "Mia",
    "Lenna",
    "Olga",
    "Irina",
    "Sergei",
    "Dmitri",
    "Andrei",
]
LAST_NAMES = [
    "Tamm",
    "Saar",
    "Sepp",
    "Mägi",
    "Kask",
    "Kukk",
    "Rebane",
    "Ilves",
    "Pärn",
    "Koppel",
    "Lepik",
    "Raudsepp",
    "Kuusk",
    "Karu",
    "Lill",
    "Oja",
    "Kaasik",
    "Luik",
    "Vaher",
    "Kivi",
    "Mets",
    "Teder",
    "Kallas",
    "Laur",
    "Sild",
    "Lõhmus",
    "Rand",
    "Aavik",
    "Jõgi",
    "Kütt",
    "Ivanov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Vassiljev",
    "Petrov",
    "Sokolov",
    "Mihhailov",
    "Novikov",
    "Fjodorov",
]
COMPANY_WORDS = [
    "Digi",
    "Pilv",
    "Serva",
    "Võrgu",
    "Andme",
    "Tarkvara",
    "Hosting",
    "Kood",
    "Valgus",
    "Tuule",
    "Metsa",
    "Mere",
    "Linna",
    "Nutika",
    "Kiire",
    "Turva",
    "Arendus",
    "Lahendused",
    "Grupp",
    "Partnerid",
    "Teenused",
    "Stuudio",
    "Labor",
    "Tehnika",
    "Süsteemid",
]
INDEXES_ADDED = {
    "accounts_client_newest_idx": "accounts_client",
    "invoicing_invoice_newest_idx": "invoicing_invoice",
    "invoicing_invoice_number_idx": "invoicing_invoice",
    "ledger_payment_newest_idx": "ledger_payment",
}


def _unlisted_defaults(table: str, columns: list[str]) -> tuple[list[str], tuple]:
    """The NOT NULL columns of ``table`` that ``columns`` leaves out and that have a model
    default (an empty string for text), with those defaults, so that a column added to a model
    later does not break the benchmark's COPY."""
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns
        and not field.null
        and not field.has_db_default()
        and (field.has_default() or field.empty_strings_allowed)
    ]
    return [field.column for field in extra], tuple(field.get_default() for field in extra)


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    extra_columns, extra_values = _unlisted_defaults(table, columns)
    names = ", ".join(f'"{column}"' for column in [*columns, *extra_columns])
    count = 0
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *extra_values))
            count += 1
    return count


def build(clients: int, seed: int = 11) -> dict[str, int]:
    """Write the world with COPY; returns the row counts."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    from hostledger.accounts.search import SearchableText, client_tokens
    from hostledger.core.crypto import blind_index, encrypt_text
    from hostledger.core.ids import new_public_id
    from hostledger.invoicing.models import InvoiceSeries
    from hostledger.ledger.chart import provider_account
    from hostledger.ledger.models import LedgerAccount
    from hostledger.providers.models import default_entity_id

    rng = random.Random(seed)
    encrypted: dict[str, str] = {}

    def enc(text: str) -> str:
        if not text:
            return ""
        if text not in encrypted:
            encrypted[text] = encrypt_text(text)
        return encrypted[text]

    series = InvoiceSeries.objects.order_by("pk").first()
    if series is None:
        series = InvoiceSeries.objects.create(code="INV", name="Invoices", prefix="{year}-")
    bank = provider_account(LedgerAccount.Kind.BANK)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    people = []
    for number in range(1, clients + 1):
        legal = rng.random() < 0.3
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)} OÜ" if legal else ""
        created = start + timedelta(seconds=span * number / clients)
        people.append(
            {
                "id": number,
                "legal": legal,
                "first": "" if legal else first,
                "last": "" if legal else last,
                "company": company,
                "email": f"client{number}@example.com",
                "phone": f"+3725{number:07d}",
                "created": created,
            }
        )
    counts = {}
    password = "!"  # an unusable password: nobody signs in to the benchmark
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        counts["users"] = _copy(
            cursor,
            "accounts_user",
            [
                "id",
                "password",
                "is_superuser",
                "public_id",
                "email",
                "full_name",
                "is_active",
                "is_staff",
                "date_joined",
                "preferred_language",
                "extra_permissions",
            ],
            (
                (
                    p["id"],
                    password,
                    False,
                    new_public_id("usr"),
                    p["email"],
                    enc(p["company"] or f"{p['first']} {p['last']}"),
                    True,
                    False,
                    p["created"],
                    "en",
                    Jsonb([]),
                )
                for p in people
            ),
        )
        counts["clients"] = _copy(
            cursor,
            "accounts_client",
            [
                "id",
                "public_id",
                "owner_id",
                "kind",
                "first_name",
                "last_name",
                "company_name",
                "registry_code",
                "vat_number",
                "street",
                "city",
                "postal_code",
                "country",
                "phone",
                "phone_index",
                "created_at",
            ],
            (
                (
                    p["id"],
                    new_public_id("cli"),
                    p["id"],
                    "legal" if p["legal"] else "natural",
                    enc(p["first"]),
                    enc(p["last"]),
                    enc(p["company"]),
                    enc("12345678") if p["legal"] else "",
                    "",
                    enc("Ahtri 12"),
                    enc("Tallinn"),
                    enc("10151"),
                    "EE",
                    encrypt_text(p["phone"]),
                    blind_index(p["phone"], purpose="phone"),
                    p["created"],
                )
                for p in people
            ),
        )
        counts["payers"] = _copy(
            cursor,
            "accounts_payer",
            [
                "id",
                "public_id",
                "client_id",
                "kind",
                "name",
                "registry_code",
                "vat_number",
                "vat_number_format_valid",
                "street",
                "city",
                "postal_code",
                "country",
                "invoice_email",
                "buyer_reference",
                "is_default",
                "created_at",
            ],
            (
                (
                    p["id"],
                    new_public_id("pay"),
                    p["id"],
                    "legal" if p["legal"] else "natural",
                    enc(p["company"] or f"{p['first']} {p['last']}"),
                    "",
                    "",
                    False,
                    enc("Ahtri 12"),
                    enc("Tallinn"),
                    enc("10151"),
                    "EE",
                    enc(p["email"]),
                    "",
                    True,
                    p["created"],
                )
                for p in people
            ),
        )

        def tokens():
            word_tokens: dict[tuple, set[str]] = {}
            for p in people:
                key = (p["first"], p["last"], p["company"])
                if key not in word_tokens:
                    word_tokens[key] = client_tokens(
                        SearchableText(first_name=key[0], last_name=key[1], company_name=key[2])
                    )
                own = client_tokens(SearchableText(email=p["email"], phone=p["phone"]))
                for token in word_tokens[key] | own:
                    yield (p["id"], token)

        counts["search_tokens"] = _copy(
            cursor, "accounts_clientsearchtoken", ["client_id", "token"], tokens()
        )
        snapshot = enc('{"name": "Client"}')
        invoice_rows = []
        entity = default_entity_id()
        numbers_by_year: dict[int, int] = {}
        for number in range(1, 2 * clients + 1):
            owner = people[rng.randrange(clients)]
            issued = (start + timedelta(seconds=span * number / (2 * clients))).date()
            final = rng.random() < 0.6
            net = rng.choice((990, 1990, 2490, 4990, 9900))
            vat = net * 24 // 100
            year_number = None
            if final:
                numbers_by_year[issued.year] = numbers_by_year.get(issued.year, 0) + 1
                year_number = numbers_by_year[issued.year]
            invoice_rows.append(
                (
                    number,
                    new_public_id("inv"),
                    "final" if final else "proforma",
                    "paid" if final else "issued",
                    owner["id"],
                    owner["id"],
                    snapshot,
                    Jsonb({}),
                    series.pk if final else None,
                    issued.year if final else None,
                    year_number,
                    f"{issued.year}-{year_number:06d}" if final else "",
                    issued,
                    issued + timedelta(days=7),
                    issued if final else None,
                    "EUR",
                    net,
                    vat,
                    net + vat,
                    "domestic",
                    "24.00",
                    "EE",
                    "Domestic supply in EE.",
                    now,
                    entity,
                )
            )
        counts["invoices"] = _copy(
            cursor,
            "invoicing_invoice",
            [
                "id",
                "public_id",
                "kind",
                "status",
                "client_id",
                "payer_id",
                "payer_snapshot",
                "provider_snapshot",
                "series_id",
                "number_year",
                "number",
                "number_display",
                "issued_on",
                "due_on",
                "finalised_on",
                "currency",
                "net_minor",
                "vat_minor",
                "gross_minor",
                "vat_scheme",
                "vat_rate",
                "vat_country",
                "vat_reason",
                "created_at",
                "entity_id",
            ],
            invoice_rows,
        )
        counts["payments"] = _copy(
            cursor,
            "ledger_payment",
            [
                "id",
                "public_id",
                "source",
                "external_id",
                "amount_minor",
                "currency",
                "value_date",
                "reference",
                "payer_name",
                "payer_account",
                "remittance_information",
                "counter_account_id",
                "client_id",
                "status",
                "review_note",
                "recorded_at",
            ],
            (
                (
                    number,
                    new_public_id("pmt"),
                    "bank_statement",
                    f"LINE-{number}",
                    rng.choice((1228, 2468, 3088, 6188)),
                    "EUR",
                    (start + timedelta(seconds=span * number / clients)).date(),
                    "",
                    "",
                    "",
                    "",
                    bank.pk,
                    None if number % 20 == 0 else people[rng.randrange(clients)]["id"],
                    "unmatched" if number % 20 == 0 else "matched",
                    "",
                    start + timedelta(seconds=span * number / clients),
                )
                for number in range(1, clients + 1)
            ),
        )
    from django.apps import apps

    bench_world.Writer().reset_sequences(
        [
            apps.get_model(label)
            for label in (
                "accounts.User",
                "accounts.Client",
                "accounts.Payer",
                "accounts.ClientSearchToken",
                "invoicing.Invoice",
                "ledger.Payment",
            )
        ]
    )
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics and the visibility map (which
        # lets the search token look-ups be index-only scans).
        cursor.execute("VACUUM ANALYZE")
    return counts


def measurements(clients: int) -> dict:
    """What each staff page runs, as callables returning the rows the page shows."""
    from hostledger.invoicing.models import Invoice
    from hostledger.invoicing.staff_selectors import invoices_for_staff
    from hostledger.ledger.staff_selectors import payments_for_staff
    from hostledger.web.overviews import find_clients

    middle = clients // 2
    invoice = (
        Invoice.objects.filter(kind="final")
        .order_by("-pk")
        .values_list("number_display", flat=True)[100]
    )
    return {
        "client_list": lambda: find_clients(""),
        "invoice_list": lambda: invoices_for_staff(),
        "invoice_list_issued": lambda: invoices_for_staff(status="issued"),
        "payment_list": lambda: payments_for_staff(),
        "search_word": lambda: find_clients("tamm"),
        "search_two_words": lambda: find_clients("mari saa"),
        "search_company": lambda: find_clients("pilv"),
        "search_email": lambda: find_clients(f"client{middle}@example.com"),
        "search_phone": lambda: find_clients(f"+372 5{middle:07d}"),
        "search_invoice_number": lambda: find_clients(invoice),
        "search_order_number": lambda: find_clients(f"#{middle}"),
    }


def _explained(connection, queries) -> tuple[float, list[str]]:
    """The database's own execution time of ``queries`` (EXPLAIN ANALYZE, milliseconds,
    without the round trips) and their plans."""
    total, lines = 0.0, []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            total += sum(
                float(line.split(":")[1].split()[0])
                for line in plan
                if line.startswith("Execution Time:")
            )
            lines.extend([query["sql"], *plan, ""])
    return total, lines


def measure(clients: int, repeat: int, plans: Path | None) -> dict[str, tuple[float, ...]]:
    """Per measurement the median milliseconds of the whole call (queries, decryption, model
    instances), of its SQL statements as the driver timed them (round trips included), and
    the database's execution time of its statements (EXPLAIN ANALYZE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    plan_text = []
    for name, call in measurements(clients).items():
        call()  # warm the cache, as a page that staff open again and again
        timings, sql_timings = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                call()
                timings.append((time.perf_counter() - began) * 1000)
            sql_timings.append(sum(float(query["time"]) for query in queries.captured_queries))
        executed, plan = _explained(connection, queries.captured_queries)
        total, sql = statistics.median(timings), statistics.median(sql_timings) * 1000
        results[name] = (total, sql, executed)
        plan_text.append(
            f"== {name}: {total:.2f} ms, {sql:.2f} ms in SQL, {executed:.2f} ms executing "
            f"(median of {repeat})"
        )
        plan_text.extend(plan)
    if plans is not None:
        plans.write_text("\n".join(plan_text) + "\n")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--plans", type=Path, default=None)
    parser.add_argument("--without-new-indexes", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", default=f"hl_bench_lists_{os.getpid()}")
    args = parser.parse_args()

    url = bench_world.postgres_create(args.database)
    var_dir = Path(tempfile.mkdtemp(prefix="hl_bench_lists_"))
    try:
        bench_world.configure(url, var_dir)
        bench_world.migrate()
        began = time.perf_counter()
        counts = build(args.clients)
        print(f"built {counts} in {time.perf_counter() - began:.1f} s", flush=True)
        if args.without_new_indexes:
            from django.db import connection

            with connection.cursor() as cursor:
                for index in INDEXES_ADDED:
                    cursor.execute(f'DROP INDEX IF EXISTS "{index}"')
                cursor.execute("ANALYZE")
        results = measure(args.clients, args.repeat, args.plans)
        figures = " ".join(
            f"{name}={ms:.1f}/{sql:.1f}/{db:.2f}" for name, (ms, sql, db) in results.items()
        )
        print(f"clients={args.clients} invoices={counts['invoices']} {figures}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            bench_world.postgres_drop(args.database)


if __name__ == "__main__":
    main()
