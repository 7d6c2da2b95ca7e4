"""Benchmark of the export of a heavy client's personal data (GDPR-02, issue 12 acceptance).

    .venv/bin/python bench/privacy_export.py --database sqlite
    .venv/bin/python bench/privacy_export.py --database postgres --scale 0.1

Builds a throwaway database (a SQLite file in a temporary directory, or a fresh PostgreSQL
database ``hl_bench_export_<pid>`` on 127.0.0.1:5432, dropped at the end), migrates it, makes
the test catalog with its metered items and one client with a payer and a VPS service through
the actions, then writes the heavy part with multi-row INSERTs (``bulk_create``, a few
thousand rows a statement):

* 10,000 invoices (issued proformas, each with its encrypted payer snapshot);
* 100,000 usage records of the service;
* 5,000 messages: a notification each with its email delivery (subject, body, encrypted
  recipient).

``--scale`` multiplies the three numbers (0.1: a tenth). Then the export is started and built
exactly as the worker builds it (``personal_data_export_build``: every asset from the
declarations, CSV and JSON, ZIP, encrypted file), timed, with the process's peak resident
memory while it runs. The file is opened again and its row counts checked.

The last line is ``invoices=N usage=N seconds=S peak_rss_mb=M``; the target is S ≤ 3 at full
size, on SQLite and on PostgreSQL, with M bounded (it must not grow with the rows).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import world as bench_world
from bench.billing_run import PeakRss

FULL = {"invoices": 10_000, "usage": 100_000, "messages": 5_000}
BATCH = 2_000
START = datetime(2026, 1, 1, tzinfo=UTC)


def build_client(invoices: int, usage: int, messages: int):
    """The heavy client: catalog, client, payer and service through the actions, then the
    invoices, usage records and messages in multi-row INSERTs. Returns the client."""
    from django.db import transaction

    from hostledger.invoicing.models import Invoice, VatScheme
    from hostledger.metering.models import UsageRecord
    from hostledger.notifications.models import Category, Channel, Delivery, Notification
    from tests.metering.factories import add_metered_items, ordered_service
    from tests.subscriptions.factories import build_catalog, new_client, new_payer

    shop = build_catalog()
    items = add_metered_items(shop)
    client = new_client()
    payer = new_payer(client)
    service = ordered_service(
        client, payer, tariff=shop.vps_start, os_image=shop.debian, on=date(2026, 1, 1)
    )
    snapshot = json.dumps(
        {
            "name": payer.name,
            "street": payer.street,
            "city": payer.city,
            "postal_code": payer.postal_code,
            "country": payer.country,
            "invoice_email": payer.invoice_email,
        }
    )
    with transaction.atomic():
        for first in range(0, invoices, BATCH):
            Invoice.objects.bulk_create(
                [
                    Invoice(
                        kind=Invoice.Kind.PROFORMA,
                        status=Invoice.Status.ISSUED,
                        client=client,
                        payer=payer,
                        payer_snapshot=snapshot,
                        provider_snapshot={"name": "Demo Hosting OÜ"},
                        issued_on=date(2020, 1, 1) + timedelta(days=n % 2000),
                        due_on=date(2020, 1, 15) + timedelta(days=n % 2000),
                        net_minor=990,
                        vat_minor=238,
                        gross_minor=1228,
                        vat_scheme=VatScheme.DOMESTIC,
                        vat_rate="24.00",
                        vat_country="EE",
                        vat_reason="Estonian VAT 24 %",
                    )
                    for n in range(first, min(first + BATCH, invoices))
                ]
            )
        metered = [items.traffic, items.cpu]
        for first in range(0, usage, BATCH):
            UsageRecord.objects.bulk_create(
                [
                    UsageRecord(
                        client=client,
                        service=service,
                        metered_item=metered[n % 2],
                        window_start=START + timedelta(hours=n // 2),
                        window_end=START + timedelta(hours=n // 2 + 1),
                        quantity_micro=1_500_000 + n,
                        source="meter-1",
                        external_id=f"bench:{n}",
                        recorded_at=START + timedelta(hours=n // 2 + 1),
                    )
                    for n in range(first, min(first + BATCH, usage))
                ]
            )
        for first in range(0, messages, BATCH):
            batch = range(first, min(first + BATCH, messages))
            notices = Notification.objects.bulk_create(
                [
                    Notification(
                        key=f"bench_notice:{n}",
                        public_id=f"ntf_bench{n:011d}",
                        client=client,
                        event="payment_received",
                        category=Category.BILLING,
                        amount_minor=1228,
                        context={"invoice": f"inv_bench{n}"},
                        created_at=START + timedelta(hours=n),
                        fanned_out_at=START + timedelta(hours=n),
                    )
                    for n in batch
                ]
            )
            if not all(notice.pk for notice in notices):  # SQLite before 3.35 gives no ids
                notices = list(
                    Notification.objects.filter(key__startswith="bench_notice:").order_by("pk")[
                        first : first + len(batch)
                    ]
                )
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        notification=notice,
                        channel=Channel.EMAIL,
                        state="sent",
                        next_attempt_at=notice.created_at,
                        sent_at=notice.created_at,
                        language="en",
                        subject="Payment received",
                        body=f"Dear {client.first_name}, we received 12.28 EUR. Thank you.",
                        recipient=client.owner.email,
                        created_at=notice.created_at,
                    )
                    for notice in notices
                ]
            )
    return client


def measure(scale: float, profile_path: str | None = None) -> dict:
    from hostledger.privacy.export_build import personal_data_export_build
    from hostledger.privacy.exports import (
        personal_data_export_open,
        personal_data_export_start,
    )

    counts = {name: max(1, round(number * scale)) for name, number in FULL.items()}
    started = time.perf_counter()
    client = build_client(**counts)
    print(
        f"built the client in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{name}={number}" for name, number in counts.items())
    )
    export = personal_data_export_start(client=client, requested_by=client.owner)
    profiler = cProfile.Profile() if profile_path else None
    with PeakRss() as rss:
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        built = personal_data_export_build(export_id=export.pk)
        if profiler:
            profiler.disable()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if profiler:
        profiler.dump_stats(profile_path)
        text = io.StringIO()
        pstats.Stats(profile_path, stream=text).sort_stats("tottime").print_stats(25)
        print(text.getvalue())
    if built is None or built.status != built.Status.READY:
        raise SystemExit(f"the export did not build: {built and built.error}")
    rows = built.row_counts
    print(f"export {built.public_id}: {built.file_size / 1e6:.1f} MB ZIP, rows per asset:")
    for label, number in sorted(rows.items()):
        if number:
            print(f"  {label}: {number}")
    content = io.BytesIO(b"".join(personal_data_export_open(export=built, actor=client.owner)))
    with zipfile.ZipFile(content) as archive, archive.open("invoicing.invoice.csv") as lines:
        invoice_lines = sum(1 for _ in lines) - 1
    # The order of the service made one proforma and a message or two of its own.
    assert rows["invoicing.invoice"] == invoice_lines >= counts["invoices"], rows
    assert rows["metering.usagerecord"] == counts["usage"], rows
    assert rows["notifications.delivery"] >= counts["messages"], rows
    print(
        f"built in {seconds:.2f} s wall clock, {cpu_seconds:.2f} s of CPU in this process "
        f"(os.getloadavg() {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return {
        "invoices": rows["invoicing.invoice"],
        "usage": rows["metering.usagerecord"],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_rss_mb": rss.mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the numbers of rows (0.1: a tenth)"
    )
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the build")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale: more than 0, at most 10.")
    workdir = Path(tempfile.mkdtemp(prefix="hl_bench_export_"))
    name = f"hl_bench_export_{os.getpid()}"
    try:
        if args.database == "postgres":
            url = bench_world.postgres_create(name)
        else:
            url = bench_world.sqlite_url(workdir / "bench.sqlite3")
        bench_world.configure(url, workdir)
        started = time.perf_counter()
        bench_world.migrate()
        print(f"{args.database}: migrated in {time.perf_counter() - started:.1f} s")
        result = measure(args.scale, args.profile)
    finally:
        from django.db import connections

        connections.close_all()
        if args.database == "postgres":
            bench_world.postgres_drop(name)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"invoices={result['invoices']} usage={result['usage']} "
        f"seconds={result['seconds']:.2f} peak_rss_mb={result['peak_rss_mb']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
