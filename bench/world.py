"""A world of clients and services for the billing run, built fast with bulk SQL.

Shared by ``bench/billing_run.py`` and the billing-run tests (crash, concurrency, benchmark
smoke). :func:`build_world` writes, for each client, the rows the order and payment path
leaves behind (a user, a client and its default payer with encrypted personal data, an
order with its items, the order's proforma paid and finalised with its lines, the service
with its status changes, provisioning call and first period, the client's ledger account and
balance, one bank payment and the charge of the order), but with ``COPY`` on PostgreSQL and
one ``executemany`` per table on SQLite instead of the actions, so a million services take
minutes, not hours. The rows are made as COPY text from templates per variant (kind, shape,
profile), and encrypted values are encrypted once per variant.

Not written: audit events and the history tables of clients and services, which the run
does not read (the payer history, which it reads, is written).

The mix, each service due on :data:`RUN_DAY`:

* ``covered`` (~80 %): the balance covers the renewal, which the run issues and charges;
* ``short`` (~10 %): it does not, and the run suspends the service (AUT-02);
* ``overdue`` (~5 %): last month's renewal is unpaid and the service suspended for debt; the
  run accrues the penalty (BIL-07) and proposes termination (AUT-02, AUT-06);
* ``trial`` (~5 %): a free trial ending a few days before or after the run day (CAT-04).

:func:`state_snapshot` reads the money and service state of a database with plain SQL, keyed
on what stays the same between two runs (public ids of rows written before the run, periods,
idempotency keys), so a crashed and rerun database can be compared with a clean run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import sqlite3
import sys
from base64 import b32encode
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DAY = date(2027, 4, 1)
"""The day every service of the world is due; the run is made as of 06:00 on it."""
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
KINDS = ("covered", "short", "overdue", "trial")
MIX = {"covered": 0.80, "short": 0.10, "overdue": 0.05, "trial": 0.05}
BLOCK = 20_000  # clients written per round of bulk inserts; bounds the builder's memory


# -- databases -------------------------------------------------------------------------------


def configure(database_url: str, var_dir: Path) -> None:
    """Point HostLedger at ``database_url`` and ``var_dir`` and set Django up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["HOSTLEDGER_DATABASE_URL"] = database_url
    os.environ["HOSTLEDGER_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def postgres_url(name: str) -> str:
    return f"{POSTGRES_SERVER}/{name}"


def _postgres_admin():
    import psycopg

    return psycopg.connect(postgres_url("postgres"), autocommit=True)


def postgres_create(name: str, template: str | None = None) -> str:
    """A fresh PostgreSQL database (a copy of ``template`` if given); returns its URL."""
    with _postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return postgres_url(name)


def postgres_drop(name: str) -> None:
    with _postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database file that no process is writing, its WAL folded in first."""
    with sqlite3.connect(source) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    shutil.copyfile(source, target)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


# -- what the world is made of ---------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A product a client has: tariff code, months per period, add-ons, OS image."""

    tariff: str
    months: int
    add_ons: tuple[tuple[str, int], ...]
    os_image: str | None
    weight: int


SHAPES = (
    Shape("vps-start", 1, (), "debian-12", 50),
    Shape("vps-large", 1, (("vps-backups", 1),), "debian-12", 15),
    Shape("hosting-start", 12, (), None, 15),
    Shape("vps-start", 3, (("vps-extra-ipv4", 2),), "windows-2022", 10),
    Shape("cloud-pool", 1, (("cloud-backups", 1),), "debian-12", 10),
)


@dataclass(frozen=True)
class Profile:
    """A payer: kind and country, which decide VAT (BIL-05)."""

    code: str
    kind: str
    country: str
    weight: int
    registry_code: str = ""


PROFILES = (
    Profile("ee", "natural", "EE", 70),
    Profile("ee-company", "legal", "EE", 10, registry_code="16124380"),
    Profile("fi", "natural", "FI", 10),
    Profile("lv", "natural", "LV", 5),
    Profile("us", "natural", "US", 5),
)


@dataclass
class Priced:
    """One shape billed to one profile: the lines of a period and the totals."""

    lines: list[tuple[str, Decimal, int, int, Decimal, int]]  # description, qty, unit, net…
    net: int
    vat: int
    rate: Decimal
    scheme: str
    reason: str
    country: str
    items: list[tuple[str, int | None, int | None, int | None, str, str, int, int, int]]

    @property
    def gross(self) -> int:
        return self.net + self.vat


@dataclass
class World:
    """What :func:`build_world` made: the kind of each client and the counts by kind."""

    services: int
    run_day: date
    kinds: Counter = field(default_factory=Counter)
    trials_ended: int = 0
    trials_ending_notice: int = 0
    overdue_renewals_due: int = 0
    first_client_id: int = 0

    def expected(self) -> dict[str, int]:
        """The counts the run must report for this world, as of :data:`RUN_DAY`."""
        return {
            "renewals_charged": self.kinds["covered"],
            "periods_paid": self.kinds["covered"],
            "suspended": self.kinds["short"],
            "trials_ended": self.trials_ended,
            "terminations_proposed": self.kinds["overdue"],
            "penalties_accrued": self.kinds["overdue"],
        }


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _at(day: date, hour: int = 8, seconds: float = 0.0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(seconds=seconds)


_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_FROM_BASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET.encode())
_ID_BITS = (1 << 80) - 1


def _public_id(prefix: str, number: int, salt: int) -> str:
    """A public id in the project's format, unique per (prefix, number) and different per
    world (``salt``): 80 bits in 16 base-32 digits, the least significant first."""
    value = ((number * 0x9E3779B1 + salt) & _ID_BITS) ^ (number << 40)
    digits = b32encode((value & _ID_BITS).to_bytes(10, "big")).translate(_FROM_BASE32)
    return f"{prefix}_{digits[::-1].decode()}"


_CLOCK = [f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}" for s in range(86_400)]
"""``HH:MM:SS`` of each second of a day, for writing timestamps without datetime objects."""


# -- bulk writing ----------------------------------------------------------------------------

NULL = r"\N"
"""NULL in the COPY text format."""

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def copy_text(value) -> str:
    """``value`` as one field of PostgreSQL's COPY text format, which the SQLite path reads
    back: NULL as ``\\N``, booleans as ``1``/``0`` (both databases read them), timestamps as
    naive UTC (``YYYY-MM-DD HH:MM:SS[.ffffff]``, what Django stores on SQLite; the PostgreSQL
    session writing them is in UTC), JSON as ``json.dumps``, backslashes and control
    characters escaped."""
    if value is None:
        return NULL
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).translate(_COPY_ESCAPES)


def _unescape(field: str) -> str:
    out, chars = [], iter(field)
    for char in chars:
        out.append(_COPY_UNESCAPES[next(chars)] if char == "\\" else char)
    return "".join(out)


def _sqlite_row(line: str) -> list[str | None]:
    """One COPY text line as the values of a SQLite insert (column affinity turns ``"12"``
    into 12 in integer, boolean and decimal columns, as Django stores them)."""
    fields = line[:-1].split("\t")
    if "\\" in line:
        return [None if f == NULL else _unescape(f) if "\\" in f else f for f in fields]
    return [None if f == NULL else f for f in fields]


class Writer:
    """Bulk inserts of COPY text lines into the tables of models, for the database in use:
    ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def columns(self, model) -> list[str]:
        return [f.column for f in model._meta.concrete_fields]

    def insert(self, cursor, table: str, columns: Sequence[str], lines: list[str]) -> None:
        """Write ``lines`` (COPY text, one row each, newline included) with ``cursor`` (a
        DB-API cursor of the connection)."""
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for at in range(0, len(lines), 10_000):
                    copy.write("".join(lines[at : at + 10_000]))
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", map(_sqlite_row, lines)
            )

    def database(self):
        """The DB-API connection under Django's, for :meth:`write`."""
        self.connection.ensure_connection()
        return self.connection.connection

    def write(self, database, tables: Sequence[Table], blocks: Sequence[list[str]]) -> None:
        """Write each table's block of lines with ``database`` (from :meth:`database`), in the
        given order (that of the foreign keys: SQLite checks them row by row)."""
        cursor = database.cursor()
        try:
            if self.postgres:
                # The timestamps are naive UTC text; Django keeps the session in UTC anyway.
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            for table, lines in zip(tables, blocks, strict=True):
                if lines:
                    self.insert(cursor, table.name, table.columns, lines)
        finally:
            cursor.close()

    def next_id(self, model) -> int:
        pk = model._meta.pk.column
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) + 1 FROM {model._meta.db_table}")
            return cursor.fetchone()[0]

    def reset_sequences(self, models) -> None:
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


class Table:
    """The rows of one model's table, collected per block as COPY text lines.

    ``constants`` are the values every row of the world has in that column; the other
    columns are given per row, to :meth:`Template.add`, already as COPY text (str, int, or a
    date, which formats as ISO). ``ids`` hands out primary keys after those in the table.
    """

    def __init__(self, writer: Writer, model, **constants):
        self.model = model
        self.name = model._meta.db_table
        self.columns = writer.columns(model)
        unknown = set(constants) - set(self.columns)
        if unknown:
            raise RuntimeError(
                f"{self.name}: the builder writes {sorted(unknown)}, which the table does not "
                f"have ({sorted(self.columns)}); update bench/world.py."
            )
        self.constants = constants
        self.ids = itertools.count(writer.next_id(model))
        self.lines: list[str] = []

    def template(self, **constants) -> Template:
        """Rows with these values (besides the table's constants) in these columns."""
        return Template(self, {**self.constants, **constants})

    def take(self) -> list[str]:
        """The lines collected so far; the table starts a new block."""
        lines, self.lines = self.lines, []
        return lines


class Template:
    """A row format of a :class:`Table`: the constant fields already in COPY text, the others
    ``str.format`` fields named after their columns, so a missing value raises KeyError."""

    def __init__(self, table: Table, constants: dict):
        unknown = set(constants) - set(table.columns)
        if unknown:
            raise RuntimeError(f"{table.name}: no columns {sorted(unknown)}.")
        self.table = table
        fields = [
            copy_text(constants[c]).replace("{", "{{").replace("}", "}}")
            if c in constants
            else f"{{{c}}}"
            for c in table.columns
        ]
        self._format = ("\t".join(fields) + "\n").format

    def add(self, **values) -> None:
        self.table.lines.append(self._format(**values))


# -- the builder -----------------------------------------------------------------------------


def _catalog():
    """The catalog of the subscriptions tests, made through the catalog actions, once."""
    from hostledger.catalog.models import Tariff

    if not Tariff.objects.filter(code="vps-start").exists():
        from tests.subscriptions.factories import build_catalog

        build_catalog()


def _price(shape: Shape, profile: Profile, pricing, catalog) -> Priced:
    from hostledger.automation.renewals import renewal_lines
    from hostledger.invoicing.vat import vat_decision

    tariffs, add_ons, images = catalog
    decision = vat_decision(
        buyer_country=profile.country,
        buyer_is_business=profile.kind == "legal",
        buyer_vat_number=None,
        supply_date=RUN_DAY,
    )
    tariff = tariffs[shape.tariff]
    image = images.get(shape.os_image)
    service = {
        "months": shape.months,
        "tariff_id": tariff.pk,
        "add_ons": [(add_ons[code].pk, quantity) for code, quantity in shape.add_ons],
        "os_image_id": image.pk if image else None,
    }
    lines, net_total, vat_total = [], 0, 0
    for line in renewal_lines(pricing, service, RUN_DAY, RUN_DAY):
        net, vat = pricing.line_amounts(line.unit_price, int(line.quantity), decision.rate)
        lines.append((line.description, line.quantity, line.unit_price.minor, net, vat))
        net_total += net
        vat_total += vat
    items = [
        (
            "tariff",
            tariff.pk,
            None,
            None,
            tariff.code,
            tariff.name,
            pricing.fee("tariff", tariff.pk, RUN_DAY).minor,
            1,
        )
    ]
    for code, quantity in shape.add_ons:
        add_on = add_ons[code]
        fee = pricing.fee("add_on", add_on.pk, RUN_DAY).minor
        items.append(("add_on", None, add_on.pk, None, add_on.code, add_on.name, fee, quantity))
    if image is not None and image.requires_paid_licence:
        items.append(
            (
                "os_licence",
                None,
                None,
                image.pk,
                image.code,
                f"{image.name} licence",
                image.licence_monthly_fee_minor,
                1,
            )
        )
    return Priced(
        lines=lines,
        net=net_total,
        vat=vat_total,
        rate=decision.rate,
        scheme=str(decision.scheme),
        reason=decision.reason,
        country=decision.country,
        items=items,
    )


def _kind_of(rng: random.Random) -> str:
    roll = rng.random()
    for kind in KINDS:
        roll -= MIX[kind]
        if roll < 0:
            return kind
    return "covered"


@dataclass
class _Day:
    """The text of the dates and times that follow from one order day."""

    iso: str
    day_before: str
    due_on: str
    contract_ends_on: date

    def at(self, second: int) -> str:
        """A timestamp on this day, ``second`` seconds after midnight UTC."""
        return f"{self.iso} {_CLOCK[second]}"


@dataclass
class _Variant:
    """One kind of client with one shape and one profile: what all its rows share, as row
    templates with those values filled in, and its amounts."""

    kind: str
    shape: Shape
    profile: Profile
    bill: Priced
    order_day: date | None  # None for trials, whose day is drawn per client
    templates: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def build_world(services: int, *, seed: int = 1, run_day: date = RUN_DAY) -> World:
    """Write ``services`` clients, each with one payer and one service due on ``run_day``,
    in the mix of :data:`MIX`; returns what was made.

    The rows are made as COPY text, :data:`BLOCK` clients at a time, from row templates per
    variant (kind, shape, profile) in which all but the per-client values are filled in; on
    PostgreSQL most of the time is then the database's (COPY, indexes, the deferred foreign
    key checks at commit), and making the next block in a second thread while one is
    copied did not shorten the build.
    """
    if run_day != RUN_DAY:
        raise ValueError("The world is priced for RUN_DAY.")
    from django.db import transaction

    from hostledger.accounts.models import Client, HistoricalPayer, Payer, User
    from hostledger.automation.models import ServiceRenewal
    from hostledger.automation.renewals import Pricing
    from hostledger.catalog.models import AddOn, OsImage, Tariff
    from hostledger.core.calendar import add_working_days
    from hostledger.core.crypto import encrypt_text
    from hostledger.core.registry import setting_value
    from hostledger.invoicing import conf as invoicing_conf
    from hostledger.invoicing.models import Invoice, InvoiceLine, InvoiceSeriesCounter
    from hostledger.invoicing.numbering import series_lock
    from hostledger.invoicing.snapshots import PAYER_SNAPSHOT_FIELDS, provider_snapshot
    from hostledger.ledger.chart import provider_account
    from hostledger.ledger.models import (
        ClientBalance,
        Entry,
        LedgerAccount,
        LedgerTransaction,
        Payment,
    )
    from hostledger.providers.models import default_entity_id
    from hostledger.provisioning.models import ProvisioningOperation
    from hostledger.subscriptions.actions.order_input import period_end
    from hostledger.subscriptions.models import (
        Order,
        OrderItem,
        Service,
        ServiceAddOn,
        ServicePeriod,
        ServiceStatusChange,
    )

    _catalog()
    rng = random.Random(seed)
    salt = rng.getrandbits(64)
    writer = Writer()
    tariffs = {t.code: t for t in Tariff.objects.all()}
    add_ons = {a.code: a for a in AddOn.objects.all()}
    images = {i.code: i for i in OsImage.objects.all()}
    pricing = Pricing(today=RUN_DAY, due_on=RUN_DAY, provider_snapshot={})
    pricing.load_names()
    priced = {
        (s, p): _price(shape, profile, pricing, (tariffs, add_ons, images))
        for s, shape in enumerate(SHAPES)
        for p, profile in enumerate(PROFILES)
    }
    provider = provider_snapshot()
    due_days = setting_value(invoicing_conf.DUE_WORKING_DAYS)
    with transaction.atomic():
        bank = provider_account(LedgerAccount.Kind.BANK).pk
        revenue = provider_account(LedgerAccount.Kind.REVENUE).pk
        vat_payable = provider_account(LedgerAccount.Kind.VAT_PAYABLE).pk
        provider_account(LedgerAccount.Kind.PENALTIES)
        series = series_lock(setting_value(invoicing_conf.INVOICE_SERIES))

    # Encrypted personal data: a few variants, each encrypted once.
    first_names = [copy_text(encrypt_text(n)) for n in ("Mari", "Jaan", "Kadri", "Andres", "Liis")]
    last_names = [copy_text(encrypt_text(n)) for n in ("Tamm", "Saar", "Sepp", "Mägi", "Kask")]
    streets = [copy_text(encrypt_text(n)) for n in ("Pikk 1", "Narva mnt 5", "Tartu mnt 12")]
    cities = {
        p.code: copy_text(encrypt_text({"EE": "Tallinn"}.get(p.country, "Capital")))
        for p in PROFILES
    }
    payer_fields = {}
    for profile in PROFILES:
        plain = {
            "public_id": "",
            "kind": profile.kind,
            "name": "Mari Tamm" if profile.kind == "natural" else "Näidis OÜ",
            "registry_code": profile.registry_code,
            "vat_number": "",
            "street": "Pikk 1",
            "city": "Tallinn" if profile.country == "EE" else "Capital",
            "postal_code": "10123",
            "country": profile.country,
            "invoice_email": "billing@example.com",
            "buyer_reference": "",
        }
        payer_fields[profile.code] = {
            "name": encrypt_text(plain["name"]),
            "street": encrypt_text(plain["street"]),
            "city": encrypt_text(plain["city"]),
            "postal_code": encrypt_text(plain["postal_code"]),
            "invoice_email": encrypt_text(plain["invoice_email"]),
            "registry_code": encrypt_text(plain["registry_code"]) if plain["registry_code"] else "",
            "snapshot": encrypt_text(
                json.dumps(
                    {k: plain[k] for k in PAYER_SNAPSHOT_FIELDS}, ensure_ascii=False, sort_keys=True
                )
            ),
        }

    # The tables, in the order of their foreign keys, with what all their rows share.
    user = Table(
        writer,
        User,
        password="!" + "x" * 40,
        last_login=None,
        is_superuser=False,
        full_name="",
        is_active=True,
        is_staff=False,
        preferred_language="en",
        extra_permissions=[],
    )
    client = Table(
        writer,
        Client,
        company_name="",
        registry_code="",
        vat_number="",
        postal_code="",
        phone="",
        phone_index="",
        age_declared_at=None,
        phone_confirmed_at=None,
    )
    payer_constants = {
        "vat_number": "",
        "buyer_reference": "",
        "vat_number_format_valid": False,
        "is_default": True,
        "archived_at": None,
    }
    payer = Table(writer, Payer, **payer_constants)
    payer_history = Table(
        writer,
        HistoricalPayer,
        **payer_constants,
        history_change_reason=None,
        history_type="+",
        history_user_id=None,
    )
    account = Table(writer, LedgerAccount, kind="client_balance", currency="EUR")
    balance = Table(writer, ClientBalance, currency="EUR")
    payment = Table(
        writer,
        Payment,
        source="staff",
        currency="EUR",
        payer_name="",
        payer_account="",
        remittance_information="",
        status="matched",
        review_note="",
        bank_account="",
        bank_references="",
        named_invoice="",
        counter_account_id=bank,
        matched_by_id=None,
        recorded_by_id=None,
        statement_import_id=None,
    )
    txn = Table(writer, LedgerTransaction)
    entry = Table(writer, Entry, currency="EUR")
    invoice = Table(
        writer,
        Invoice,
        provider_snapshot=provider,
        entity_id=default_entity_id(),
        currency="EUR",
        vat_number_check_id=None,
        order_reference="",
    )
    line = Table(writer, InvoiceLine, unit_code="MON")
    order = Table(
        writer,
        Order,
        number="",  # generated orders carry no number of the yearly series
        start_at_once=False,
        currency="EUR",
        cancelled_at=None,
        trial_service_id=None,
        coupon_id=None,  # generated orders carry no coupon and come from no quote
        discount_minor=0,
        quote_id=None,
    )
    item = Table(writer, OrderItem, currency="EUR")
    service = Table(
        writer,
        Service,
        terminated_at=None,
        module_name="manual",
        module_service_id="",
        module_data={},
        notice_effective_on=None,
        notice_given_at=None,
        notice_given_by_id=None,
        notice_kind="",
        notice_party="",
        host_name="",
        host_name_index="",
        coupon_id=None,
    )
    service_add_on = Table(writer, ServiceAddOn)
    change = Table(writer, ServiceStatusChange)
    operation = Table(
        writer,
        ProvisioningOperation,
        module_name="manual",
        changes={},
        status="done",
        attempts=0,
        next_attempt_at=None,
        message="Done by staff.",
        retry_can_help=False,
        completed_by_id=None,
    )
    period = Table(writer, ServicePeriod, currency="EUR")
    renewal = Table(writer, ServiceRenewal, currency="EUR", state="invoiced", paid_on=None)
    tables = [
        user,
        client,
        payer,
        payer_history,
        account,
        balance,
        payment,
        txn,
        entry,
        invoice,
        line,
        order,
        item,
        service,
        service_add_on,
        change,
        operation,
        period,
        renewal,
    ]

    # Row templates shared by every client.
    user_row = user.template()
    client_row = client.template()
    account_row = account.template()
    balance_row = balance.template()
    payment_row = payment.template()
    payment_txn_row = txn.template(kind="payment", actor_id=None)
    charge_txn_row = txn.template(kind="charge", payment_id=None)
    entry_row = entry.template()
    period_row = period.template()
    create_row = operation.template(operation="create", key="create")
    suspend_row = operation.template(operation="suspend")
    change_row = change.template()

    days: dict[date, _Day] = {}

    def day_of(order_day: date) -> _Day:
        if order_day not in days:
            days[order_day] = _Day(
                iso=order_day.isoformat(),
                day_before=(order_day - timedelta(days=1)).isoformat(),
                due_on=add_working_days(order_day, due_days).isoformat(),
                contract_ends_on=period_end(order_day, 12),
            )
        return days[order_day]

    def lines_of(bill: Priced, starts_on: date, ends_on: date) -> list[Template]:
        return [
            line.template(
                position=position,
                description=description,
                quantity=quantity,
                unit_price_minor=unit,
                net_minor=net,
                vat_rate=bill.rate,
                vat_minor=vat,
                period_start=starts_on,
                period_end=ends_on,
            )
            for position, (description, quantity, unit, net, vat) in enumerate(bill.lines, 1)
        ]

    def variant_of(kind: str, s: int, p: int) -> _Variant:
        """The templates and amounts of one variant."""
        shape, profile, bill = SHAPES[s], PROFILES[p], priced[(s, p)]
        tariff, image = tariffs[shape.tariff], images.get(shape.os_image)
        trial = kind == "trial"
        if trial:
            order_day = None
        elif kind == "overdue":
            order_day = _months_back(_months_back(run_day, 1), shape.months)
        else:
            order_day = _months_back(run_day, shape.months)
        v = _Variant(kind, shape, profile, bill, order_day)
        encrypted = payer_fields[profile.code]
        payer_values = {
            "kind": profile.kind,
            "name": encrypted["name"],
            "registry_code": encrypted["registry_code"],
            "street": encrypted["street"],
            "city": encrypted["city"],
            "postal_code": encrypted["postal_code"],
            "country": profile.country,
            "invoice_email": encrypted["invoice_email"],
        }
        v.templates["payer"] = payer.template(**payer_values)
        v.templates["payer_history"] = payer_history.template(**payer_values)
        bill_values = {
            "payer_snapshot": encrypted["snapshot"],
            "net_minor": bill.net,
            "vat_minor": bill.vat,
            "gross_minor": bill.gross,
            "vat_scheme": bill.scheme,
            "vat_rate": bill.rate,
            "vat_country": bill.country,
            "vat_reason": bill.reason,
        }
        order_values = {
            "tariff_specs": tariff.specs,
            "period_months": shape.months,
            "is_trial": trial,
            "trial_days": 10 if trial else None,
            "net_minor": 0 if trial else bill.net,
            "status": "free_trial" if trial else "paid",
            "family_id": tariff.family_id,
            "os_image_id": image.pk if image else None,
            "tariff_id": tariff.pk,
        }
        service_values = {
            "specs": tariff.specs,
            "family_id": tariff.family_id,
            "os_image_id": image.pk if image else None,
            "tariff_id": tariff.pk,
            "is_trial": trial,
            "suspension_reason": "",
        }
        if trial:
            order_values.update(proforma_id=None, paid_at=None)
            service_values.update(
                status="trial",
                activated_at=None,
                billing_invoice_id=None,
                invoiced_through=None,
                paid_through=None,
                renewal_months=None,
            )
        else:
            service_values.update(renewal_months=shape.months, trial_ends_on=None)
            ends_on = period_end(order_day, shape.months)
            v.values["ends_on"] = ends_on.isoformat()
            v.templates["invoice"] = invoice.template(
                **bill_values,
                kind="final",
                status="paid",
                issued_on=order_day,
                finalised_on=order_day,
                series_id=series.pk,
            )
            v.templates["lines"] = lines_of(bill, order_day, ends_on)
            # The charge's entries: (provider account, or None for the client's, amount).
            v.values["charges"] = [
                (account_id, amount)
                for account_id, amount in (
                    (None, -bill.gross),
                    (revenue, bill.net),
                    (vat_payable, bill.vat),
                )
                if amount
            ]
        if kind == "overdue":
            # Last month's renewal, issued ten days ahead, unpaid; the service was suspended
            # for it when its period began (AUT-02).
            renewal_start = _months_back(run_day, 1)
            issued_on = renewal_start - timedelta(days=10)
            renewal_ends = period_end(renewal_start, shape.months)
            suspended_at = _at(renewal_start, 4)
            v.templates["renewal_invoice"] = invoice.template(
                **bill_values,
                kind="proforma",
                status="issued",
                number_year=None,
                number=None,
                number_display="",
                issued_on=issued_on,
                due_on=min(add_working_days(issued_on, due_days), renewal_start),
                finalised_on=None,
                created_by_id=None,
                series_id=None,
                created_at=_at(issued_on, 4),
            )
            v.templates["renewal_lines"] = lines_of(bill, renewal_start, renewal_ends)
            v.templates["renewal"] = renewal.template(
                starts_on=renewal_start,
                ends_on=renewal_ends,
                net_minor=bill.net,
                issued_at=_at(issued_on, 4),
            )
            service_values.update(
                status="suspended",
                status_changed_at=suspended_at,
                suspension_reason="debt",
                invoiced_through=renewal_ends,
                updated_at=suspended_at,
            )
            v.templates["suspension"] = change.template(
                from_status="active",
                to_status="suspended",
                reason="The renewal invoice is unpaid and the period is not covered (AUT-02).",
                changed_at=suspended_at,
                actor_id=None,
            )
            v.values["suspended_at"] = copy_text(suspended_at)
        elif not trial:
            service_values.update(status="active")
        v.templates["order"] = order.template(**order_values)
        v.templates["items"] = [
            item.template(
                position=position,
                kind=item_kind,
                code=code,
                name=name,
                monthly_fee_minor=fee,
                quantity=qty,
                months=shape.months,
                amount_minor=fee * qty * shape.months,
                add_on_id=add_on_id,
                os_image_id=image_id,
                tariff_id=tariff_id,
            )
            for position, (item_kind, tariff_id, add_on_id, image_id, code, name, fee, qty) in (
                enumerate(bill.items, 1)
            )
        ]
        v.templates["service"] = service.template(**service_values)
        v.templates["add_ons"] = [
            service_add_on.template(add_on_id=add_ons[code].pk, quantity=quantity)
            for code, quantity in shape.add_ons
        ]
        return v

    # Every variant and order day up front: making the rows then reads nothing from the
    # database.
    variants = {
        (kind, s, p): variant_of(kind, s, p)
        for kind in KINDS
        for s in range(len(SHAPES))
        for p in range(len(PROFILES))
    }
    for v in variants.values():
        if v.order_day is not None:
            day_of(v.order_day)
    for offset in range(-3, 5):
        day_of(run_day + timedelta(days=offset - 9))

    numbers: dict[int, int] = {}
    world = World(services=services, run_day=run_day)
    shape_weights = list(itertools.accumulate(s.weight for s in SHAPES))
    profile_weights = list(itertools.accumulate(p.weight for p in PROFILES))
    shapes_index = range(len(SHAPES))
    profiles_index = range(len(PROFILES))
    world_tag = salt % 100000
    ids = {table.name: table.ids for table in tables}
    user_ids, client_ids, payer_ids = ids[user.name], ids[client.name], ids[payer.name]
    history_ids, account_ids, balance_ids = (
        ids[payer_history.name],
        ids[account.name],
        ids[balance.name],
    )
    payment_ids, txn_ids, entry_ids = ids[payment.name], ids[txn.name], ids[entry.name]
    invoice_ids, line_ids, order_ids = ids[invoice.name], ids[line.name], ids[order.name]
    item_ids, service_ids, add_on_ids = ids[item.name], ids[service.name], ids[service_add_on.name]
    change_ids, operation_ids = ids[change.name], ids[operation.name]
    period_ids, renewal_ids = ids[period.name], ids[renewal.name]

    def make_client(n: int) -> None:
        """The rows of client number ``n`` (from 1), appended to the tables' blocks."""
        kind = _kind_of(rng)
        s = rng.choices(shapes_index, cum_weights=shape_weights)[0] if kind != "trial" else 0
        p = rng.choices(profiles_index, cum_weights=profile_weights)[0]
        v = variants[(kind, s, p)]
        bill, templates = v.bill, v.templates
        world.kinds[kind] += 1
        # The paid period before the run day; overdue ones paid a period less.
        if kind == "trial":
            trial_ends_on = run_day + timedelta(days=rng.randint(-3, 4))
            order_day = trial_ends_on - timedelta(days=9)
            if trial_ends_on < run_day:
                world.trials_ended += 1
        else:
            order_day = v.order_day
        day = days[order_day]
        second = 7 * 3600 + n % 3600
        clock = _CLOCK[second]
        placed = f"{day.iso} {clock}"
        day_before = f"{day.day_before} {clock}"
        paid_at = day.at(second + 1)
        active_at = day.at(second + 2)
        user_id = next(user_ids)
        user_row.add(
            id=user_id,
            public_id=_public_id("usr", n, salt),
            email=f"client{n}.{world_tag}@bench.example",
            date_joined=day_before,
        )
        client_id = next(client_ids)
        client_row.add(
            id=client_id,
            public_id=_public_id("cli", n, salt),
            kind=v.profile.kind,
            first_name=first_names[n % 5],
            last_name=last_names[n % 5],
            street=streets[n % 3],
            city=cities[v.profile.code],
            country=v.profile.country,
            created_at=day_before,
            owner_id=user_id,
        )
        if kind != "trial" and not world.first_client_id:
            world.first_client_id = client_id
        payer_id = next(payer_ids)
        payer_public_id = _public_id("pay", n, salt)
        templates["payer"].add(
            id=payer_id, public_id=payer_public_id, created_at=day_before, client_id=client_id
        )
        templates["payer_history"].add(
            id=payer_id,
            public_id=payer_public_id,
            created_at=day_before,
            client_id=client_id,
            history_id=next(history_ids),
            history_date=day_before,
        )
        account_id = next(account_ids)
        account_row.add(
            id=account_id,
            public_id=_public_id("acc", n, salt),
            code=f"client:{client_id}",
            created_at=day.at(second - 3600),
            client_id=client_id,
        )
        # Money: one bank payment, the order's charge, what is left on the balance.
        if kind == "covered":
            left = bill.gross + rng.randint(0, 3000)
        elif kind == "trial":
            left = rng.choice((500, 1500, 3000))
        else:
            left = rng.randint(0, bill.gross - 1)
        paid_in = left if kind == "trial" else bill.gross + left
        payment_id = next(payment_ids)
        payment_public_id = _public_id("pmt", n, salt)
        half_hour_before = day.at(second - 1800)
        payment_row.add(
            id=payment_id,
            public_id=payment_public_id,
            external_id=f"bank:BENCH-{n}-{world_tag}",
            amount_minor=paid_in,
            value_date=day.iso,
            booking_date=day.iso,
            reference=f"BENCH-{n}",
            recorded_at=half_hour_before,
            matched_at=half_hour_before,
            client_id=client_id,
        )
        txn_id = next(txn_ids)
        payment_txn_row.add(
            id=txn_id,
            public_id=_public_id("txn", 2 * n, salt),
            idempotency_key=f"payment:{payment_public_id}",
            memo=f"Payment {payment_public_id} (staff)",
            created_at=half_hour_before,
            client_id=client_id,
            payment_id=payment_id,
        )
        for account_of_entry, amount in ((account_id, paid_in), (bank, -paid_in)):
            entry_row.add(
                id=next(entry_ids),
                amount_minor=amount,
                client_id=client_id,
                account_id=account_of_entry,
                transaction_id=txn_id,
            )
        balance_row.add(
            id=next(balance_ids),
            balance_minor=left,
            updated_at=paid_at,
            client_id=client_id,
            account_id=account_id,
        )
        # The order's proforma, paid from the balance and finalised with a number.
        if kind != "trial":
            year = order_day.year if series.restart_yearly else 0
            number = numbers[year] = numbers.get(year, 0) + 1
            prefix = series.prefix.replace("{year}", str(order_day.year))
            invoice_public_id = _public_id("inv", 2 * n, salt)
            invoice_id = next(invoice_ids)
            templates["invoice"].add(
                id=invoice_id,
                public_id=invoice_public_id,
                number_year=year,
                number=number,
                number_display=f"{prefix}{str(number).zfill(series.digits)}",
                due_on=day.due_on,
                created_at=f"{placed}.500000",
                client_id=client_id,
                created_by_id=user_id,
                payer_id=payer_id,
            )
            for line_row in templates["lines"]:
                line_row.add(id=next(line_ids), invoice_id=invoice_id)
            charge_id = next(txn_ids)
            charge_txn_row.add(
                id=charge_id,
                public_id=_public_id("txn", 2 * n + 1, salt),
                idempotency_key=f"invoice:{invoice_public_id}",
                memo=f"Payment of proforma {invoice_public_id}",
                created_at=paid_at,
                actor_id=user_id,
                client_id=client_id,
            )
            for provider_account_id, amount in v.values["charges"]:
                entry_row.add(
                    id=next(entry_ids),
                    amount_minor=amount,
                    client_id=client_id,
                    account_id=provider_account_id or account_id,
                    transaction_id=charge_id,
                )
            ends_on = v.values["ends_on"]
        else:
            invoice_id = NULL
            ends_on = period_end(order_day, v.shape.months).isoformat()
        order_id = next(order_ids)
        order_public_id = _public_id("ord", n, salt)
        order_values = {
            "id": order_id,
            "public_id": order_public_id,
            "period_starts_on": day.iso,
            "period_ends_on": ends_on,
            "placed_at": placed,
            "client_id": client_id,
            "payer_id": payer_id,
            "placed_by_id": user_id,
        }
        if kind != "trial":
            order_values.update(paid_at=paid_at, proforma_id=invoice_id)
        templates["order"].add(**order_values)
        for item_row in templates["items"]:
            item_row.add(id=next(item_ids), order_id=order_id)
        service_id = next(service_ids)
        service_values = {
            "id": service_id,
            "public_id": _public_id("svc", n, salt),
            "contract_started_on": day.iso,
            "commencement_deadline": order_day + timedelta(days=1),
            "contract_ends_on": day.contract_ends_on,
            "created_at": placed,
            "client_id": client_id,
            "order_id": order_id,
            "payer_id": payer_id,
            "status_changed_at": active_at,
            "updated_at": active_at,
            "activated_at": active_at,
            "billing_invoice_id": invoice_id,
            "invoiced_through": ends_on,
            "paid_through": ends_on,
        }
        if kind == "trial":
            service_values["trial_ends_on"] = trial_ends_on
        renewal_invoice_id = None
        if kind == "overdue":
            renewal_invoice_id = next(invoice_ids)
            service_values["billing_invoice_id"] = renewal_invoice_id
        templates["service"].add(**service_values)
        for add_on_row in templates["add_ons"]:
            add_on_row.add(id=next(add_on_ids), service_id=service_id)
        order_placed = f"Order {order_public_id} placed."
        change_row.add(
            id=next(change_ids),
            from_status="",
            to_status="pending",
            reason=order_placed,
            changed_at=placed,
            actor_id=user_id,
            service_id=service_id,
        )
        if kind == "trial":
            change_row.add(
                id=next(change_ids),
                from_status="pending",
                to_status="trial",
                reason=f"Free trial of 10 days, until {trial_ends_on}.",
                changed_at=placed,
                actor_id=user_id,
                service_id=service_id,
            )
        else:
            for from_status, to_status, reason in (
                ("pending", "provisioning", "Period paid; provisioning started."),
                ("provisioning", "active", "Activated by staff."),
            ):
                change_row.add(
                    id=next(change_ids),
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    changed_at=paid_at,
                    actor_id=NULL,
                    service_id=service_id,
                )
        create_row.add(
            id=next(operation_ids),
            public_id=_public_id("pop", 2 * n, salt),
            handed_to_worker_at=paid_at,
            created_at=paid_at,
            updated_at=paid_at,
            finished_at=paid_at,
            service_id=service_id,
        )
        if kind != "trial":
            period_row.add(
                id=next(period_ids),
                starts_on=day.iso,
                ends_on=ends_on,
                amount_minor=bill.net,
                created_at=paid_at,
                invoice_id=invoice_id,
                order_id=order_id,
                service_id=service_id,
            )
        if kind == "overdue":
            templates["renewal_invoice"].add(
                id=renewal_invoice_id,
                public_id=_public_id("inv", 2 * n + 1, salt),
                client_id=client_id,
                payer_id=payer_id,
            )
            for line_row in templates["renewal_lines"]:
                line_row.add(id=next(line_ids), invoice_id=renewal_invoice_id)
            templates["renewal"].add(
                id=next(renewal_ids),
                service_id=service_id,
                client_id=client_id,
                invoice_id=renewal_invoice_id,
            )
            change_id = next(change_ids)
            templates["suspension"].add(id=change_id, service_id=service_id)
            suspended_at = v.values["suspended_at"]
            suspend_row.add(
                id=next(operation_ids),
                public_id=_public_id("pop", 2 * n + 1, salt),
                key=f"suspend:{change_id}",
                handed_to_worker_at=suspended_at,
                created_at=suspended_at,
                updated_at=suspended_at,
                finished_at=suspended_at,
                service_id=service_id,
            )

    with transaction.atomic():
        database = writer.database()
        for start in range(0, services, BLOCK):
            for n in range(start + 1, min(services, start + BLOCK) + 1):
                make_client(n)
            writer.write(database, tables, [table.take() for table in tables])
        for year, last in numbers.items():
            counter, _ = InvoiceSeriesCounter.objects.get_or_create(series=series, year=year)
            InvoiceSeriesCounter.objects.filter(pk=counter.pk).update(
                last_number=counter.last_number + last
            )
        writer.reset_sequences([table.model for table in tables])
    if writer.postgres:
        with writer.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world


def set_chunk_clients(value: int) -> None:
    """Store the provider setting ``automation.chunk_clients`` (many chunks in small tests)."""
    from hostledger.automation import conf
    from hostledger.core.registry import provider_setting_change

    provider_setting_change(key=conf.CHUNK_CLIENTS, raw_value=value, reason="benchmark world")


# -- comparing states ------------------------------------------------------------------------


STATE_QUERIES = {
    # Invoices by a key that is the same in every run: their own public id if they existed
    # before the run, else (service, period start) of their renewal.
    "invoice_keys": """
        SELECT i.id, COALESCE(s.public_id || '@' || CAST(r.starts_on AS varchar(10)),
            i.public_id)
        FROM invoicing_invoice i
        LEFT JOIN automation_servicerenewal r ON r.invoice_id = i.id
        LEFT JOIN subscriptions_service s ON s.id = r.service_id
    """,
    "invoices": """
        SELECT i.id, i.kind, i.status, i.number_display, i.number, i.number_year, i.net_minor,
            i.vat_minor, i.gross_minor, CAST(i.vat_rate AS varchar(10)), i.vat_scheme,
            CAST(i.issued_on AS varchar(10)), CAST(i.due_on AS varchar(10)),
            CAST(i.finalised_on AS varchar(10)), c.public_id, i.payer_snapshot
        FROM invoicing_invoice i JOIN accounts_client c ON c.id = i.client_id
    """,
    "lines": """
        SELECT invoice_id, position, description, CAST(quantity AS varchar(20)),
            unit_price_minor, net_minor, CAST(vat_rate AS varchar(10)), vat_minor,
            CAST(period_start AS varchar(10)), CAST(period_end AS varchar(10))
        FROM invoicing_invoiceline
    """,
    "transactions": """
        SELECT t.id, t.kind, t.idempotency_key, c.public_id, t.memo
        FROM ledger_ledgertransaction t LEFT JOIN accounts_client c ON c.id = t.client_id
    """,
    "entries": """
        SELECT e.transaction_id, a.code, e.amount_minor, e.currency
        FROM ledger_entry e JOIN ledger_ledgeraccount a ON a.id = e.account_id
    """,
    "balances": """
        SELECT c.public_id, b.balance_minor FROM ledger_clientbalance b
        JOIN accounts_client c ON c.id = b.client_id
    """,
    "services": """
        SELECT id, public_id, status, CAST(paid_through AS varchar(10)),
            CAST(invoiced_through AS varchar(10)), suspension_reason, billing_invoice_id,
            terminated_at IS NOT NULL
        FROM subscriptions_service
    """,
    "renewals": """
        SELECT id, service_id, CAST(starts_on AS varchar(10)), CAST(ends_on AS varchar(10)),
            invoice_id, net_minor, state, CAST(paid_on AS varchar(10))
        FROM automation_servicerenewal
    """,
    "periods": """
        SELECT service_id, CAST(starts_on AS varchar(10)), CAST(ends_on AS varchar(10)),
            invoice_id, amount_minor FROM subscriptions_serviceperiod
    """,
    "penalties": """
        SELECT invoice_id, base_minor, rate_ppm, days, amount_minor,
            CAST(delay_from AS varchar(10)), CAST(accrued_through AS varchar(10)), settled,
            transaction_id IS NOT NULL
        FROM automation_penaltyaccrual
    """,
    "changes": """
        SELECT id, service_id, from_status, to_status, reason FROM subscriptions_servicestatuschange
    """,
    "operations": """
        SELECT service_id, operation, key, status FROM provisioning_provisioningoperation
    """,
    "notifications": """
        SELECT key, event, client_id, service_id, invoice_id, amount_minor,
            CAST(on_date AS varchar(10)) FROM notifications_notification
    """,
    "decisions": """
        SELECT kind, subject_key, state, automatic, service_id, invoice_id
        FROM automation_automateddecision
    """,
    "counter": "SELECT series_id, year, last_number FROM invoicing_invoiceseriescounter",
}


def _rows(connection, query: str) -> list[tuple]:
    cursor = connection.cursor()
    cursor.execute(query)
    return [tuple(row) for row in cursor.fetchall()]


def open_database(url: str):
    """A plain DB-API connection to the database at ``url`` (no Django)."""
    if is_postgres_url(url):
        import psycopg

        return psycopg.connect(url)
    return sqlite3.connect(url.removeprefix("sqlite:///"))


def state_snapshot(url: str) -> dict:
    """The money and service state of the database at ``url``, on keys that are the same for
    two runs that did the same things (ids and public ids of rows written by the run differ,
    and so do timestamps)."""
    connection = open_database(url)
    try:
        raw = {name: _rows(connection, query) for name, query in STATE_QUERIES.items()}
    finally:
        connection.close()
    invoice_key = dict(raw["invoice_keys"])
    service_key = {row[0]: row[1] for row in raw["services"]}
    renewal_key = {row[0]: (service_key[row[1]], row[2]) for row in raw["renewals"]}
    invoices = {}
    for row in raw["invoices"]:
        key = invoice_key[row[0]]
        invoices[key] = row[1:]
    # A ledger key names an invoice by public id; the run's invoices are named by renewal.
    run_invoice_public = {}
    connection = open_database(url)
    try:
        for invoice_id, public_id in _rows(
            connection, "SELECT id, public_id FROM invoicing_invoice"
        ):
            run_invoice_public[public_id] = invoice_key[invoice_id]
    finally:
        connection.close()

    def stable(text: str) -> str:
        prefix, _, rest = text.partition(":")
        if rest in run_invoice_public:
            return f"{prefix}:{run_invoice_public[rest]}"
        return text

    lines = {}
    for row in raw["lines"]:
        lines.setdefault(invoice_key[row[0]], []).append(row[1:])
    entries: dict[int, list] = {}
    for row in raw["entries"]:
        entries.setdefault(row[0], []).append(row[1:])
    transactions = {}
    for txn_id, kind, key, client, _memo in raw["transactions"]:
        stable_key = stable(key)
        if stable_key in transactions:
            raise AssertionError(f"Two ledger transactions with the key {stable_key}.")
        transactions[stable_key] = (kind, client, sorted(entries.get(txn_id, [])))
    changes_per_service: dict[str, Counter] = {}
    change_key = {}
    for change_id, service_id, from_status, to_status, _reason in sorted(raw["changes"]):
        counter = changes_per_service.setdefault(service_key[service_id], Counter())
        counter[(from_status, to_status)] += 1
        change_key[change_id] = (
            f"{service_key[service_id]}:{from_status}>{to_status}"
            f"#{counter[(from_status, to_status)]}"
        )

    def operation_key(key: str) -> str:
        name, _, ref = key.partition(":")
        return f"{name}:{change_key[int(ref)]}" if ref.isdigit() else key

    def notification_key(key: str) -> str:
        event, _, ref = key.partition(":")
        if ref in run_invoice_public:
            return f"{event}:{run_invoice_public[ref]}"
        if ref.isdigit():
            if event == "service_renewed":
                return f"{event}:{renewal_key[int(ref)]}"
            if int(ref) in change_key:
                return f"{event}:{change_key[int(ref)]}"
        return key

    notification_keys = [notification_key(row[0]) for row in raw["notifications"]]
    if len(set(notification_keys)) != len(notification_keys):
        raise AssertionError("Two notifications with the same key.")
    numbers = [row[3] for row in raw["invoices"] if row[3]]
    if len(set(numbers)) != len(numbers):
        raise AssertionError("Two invoices with the same number.")
    return {
        "invoices": invoices,
        "lines": {key: sorted(value) for key, value in lines.items()},
        "transactions": transactions,
        "balances": dict(raw["balances"]),
        "services": {
            row[1]: (*row[2:6], invoice_key.get(row[6]), row[7]) for row in raw["services"]
        },
        "renewals": {
            (service_key[row[1]], row[2]): (row[3], invoice_key[row[4]], *row[5:])
            for row in raw["renewals"]
        },
        "periods": {
            (service_key[row[0]], row[1]): (row[2], invoice_key.get(row[3]), row[4])
            for row in raw["periods"]
        },
        "penalties": {invoice_key[row[0]]: row[1:] for row in raw["penalties"]},
        "changes": {key: dict(counter) for key, counter in changes_per_service.items()},
        "operations": sorted(
            (service_key[row[0]], row[1], operation_key(row[2]), row[3])
            for row in raw["operations"]
        ),
        "notifications": sorted(
            (
                notification_key(row[0]),
                row[1],
                service_key.get(row[3]),
                invoice_key.get(row[4]),
                row[5],
                row[6],
            )
            for row in raw["notifications"]
        ),
        "decisions": sorted(
            (row[0], stable(row[1]), row[2], bool(row[3]), service_key.get(row[4]))
            for row in raw["decisions"]
        ),
        "counter": sorted(raw["counter"]),
    }


def state_differences(expected: dict, actual: dict, limit: int = 5) -> list[str]:
    """Human-readable differences between two :func:`state_snapshot` results."""
    problems = []
    for part in expected:
        want, got = expected[part], actual.get(part)
        if want == got:
            continue
        if isinstance(want, dict) and isinstance(got, dict):
            keys = sorted(set(want) | set(got), key=str)
            bad = [k for k in keys if want.get(k) != got.get(k)]
            for k in bad[:limit]:
                problems.append(f"{part}[{k}]: clean {want.get(k)!r} != {got.get(k)!r}")
            problems.append(f"{part}: {len(bad)} keys differ")
        else:
            problems.append(f"{part}: clean {str(want)[:300]} != {str(got)[:300]}")
    return problems
