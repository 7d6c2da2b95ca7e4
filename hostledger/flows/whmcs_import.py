"""A provider moves in from WHMCS: its catalog, clients, services, invoices, money and tickets
imported through the owning apps' actions (docs/decisions/0040-importing-from-whmcs.md).

The run reads the WHMCS database (:mod:`hostledger.imports.whmcs`), maps the products to
draft tariffs first, then imports one client at a time in one transaction of its own: the
account and payer (accounts), contacts, services (subscriptions), invoices with their original
numbers (invoicing), payments, refunds and the credit balance (ledger), and tickets (support).
Every object is stored together with its source key (imports), so a rerun finds what an
earlier run imported and imports nothing twice, and a run that stopped half-way goes on
where it stopped. What cannot be mapped is left out of that client's transaction and listed
with the reason in the returned :class:`~hostledger.imports.report.ImportReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import Client
from hostledger.catalog.models import Tariff
from hostledger.core.errors import DomainError
from hostledger.flows.whmcs_catalog import products_import
from hostledger.flows.whmcs_money import client_money_import
from hostledger.flows.whmcs_support import client_tickets_import
from hostledger.imports import actions as imports
from hostledger.imports.models import ImportRun, ImportSource
from hostledger.imports.report import ImportReport
from hostledger.imports.selectors import imported_keys, imported_object
from hostledger.imports.whmcs import ClientRows, WhmcsDatabase, cents, day
from hostledger.invoicing.snapshots import provider_snapshot
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.subscriptions.actions import service_import
from hostledger.subscriptions.models import ServiceStatus

SOURCE = ImportSource.WHMCS

SERVICE_STATUSES = {
    "Pending": ServiceStatus.PENDING,
    "Active": ServiceStatus.ACTIVE,
    "Suspended": ServiceStatus.SUSPENDED,
    "Terminated": ServiceStatus.TERMINATED,
    "Cancelled": ServiceStatus.TERMINATED,
    "Completed": ServiceStatus.TERMINATED,
}
BILLING_CYCLE_MONTHS = {
    "Monthly": 1,
    "Quarterly": 3,
    "Semi-Annually": 6,
    "Annually": 12,
    "Biennially": 24,
    "Triennially": 36,
}
LANGUAGES = {"english": "en", "estonian": "et", "russian": "ru", "german": "de", "finnish": "fi"}


@dataclass
class ImportContext:
    """What a run knows while it goes: the source's currencies and departments, the tariffs
    the products became, and the source keys imported before (refreshed as clients commit)."""

    run: ImportRun
    database: WhmcsDatabase
    currencies: dict[int, str]
    default_currency: int | None
    departments: dict[int, str]
    tariffs: dict[int, Tariff | str] = field(default_factory=dict)
    keys: dict[str, dict[str, int]] = field(default_factory=dict)
    local_departments: list | None = None
    provider: dict = field(default_factory=provider_snapshot)
    today: date = field(default_factory=timezone.localdate)

    def known(self, table: str) -> dict[str, int]:
        if table not in self.keys:
            self.keys[table] = imported_keys(source=SOURCE, table=table)
        return self.keys[table]

    def currency_of(self, rows: ClientRows) -> str:
        currency_id = int(rows.client.get("currency") or 0) or self.default_currency
        return self.currencies.get(currency_id or 0, "")


@dataclass
class ClientImport:
    """One client's import in progress: its report and the source keys it stored, merged
    into the run's only when its transaction commits."""

    context: ImportContext
    rows: ClientRows
    report: ImportReport = field(default_factory=ImportReport)
    stored: list[tuple[str, str, int]] = field(default_factory=list)
    targets: list[tuple[str, str, object]] = field(default_factory=list)
    client: Client | None = None
    payer: object = None
    client_is_new: bool = False

    def target_id(self, table: str, key) -> int | None:
        key = str(key)
        for stored_table, stored_key, target in self.stored:
            if stored_table == table and stored_key == key:
                return target
        return self.context.known(table).get(key)

    def remember(self, table: str, key, target) -> None:
        """Note that ``key`` of ``table`` became ``target``; the notes are stored together
        when the client's rows are all written (:meth:`store`), in the same transaction."""
        self.stored.append((table, str(key), target.pk))
        self.targets.append((table, str(key), target))

    def store(self) -> None:
        if self.targets:
            imports.source_records_add(
                run=self.context.run, records=self.targets, client=self.client
            )


def whmcs_import(
    *, database: WhmcsDatabase, product_tariffs: dict[int, str] | None = None
) -> tuple[ImportRun, ImportReport]:
    """Import everything the WHMCS ``database`` holds that maps to HostLedger; return the
    run and its report. ``product_tariffs`` maps WHMCS product ids to the codes of existing
    tariffs, for products this import cannot make a tariff of by itself (a VPS tariff needs
    its resources, which WHMCS does not hold)."""
    run = imports.import_run_start(source=SOURCE, source_database=database.settings.label)
    context = ImportContext(
        run=run,
        database=database,
        currencies=database.currencies(),
        default_currency=database.default_currency_id(),
        departments=database.ticket_departments(),
    )
    report = ImportReport()
    products_import(context, report, product_tariffs or {})
    for rows in database.clients():
        report.merge(client_import(context, rows))
    _rows_of_no_client(database, report)
    run = imports.import_run_finish(run=run, summary=report.as_dict())
    return run, report


def _rows_of_no_client(database: WhmcsDatabase, report: ImportReport) -> None:
    """Tickets of visitors without an account are listed, not imported: a ticket here
    belongs to a client."""
    for ticket_id in database.visitor_ticket_ids():
        report.unmapped("tbltickets", ticket_id, "opened by a visitor without a client account")


# ---- one client ------------------------------------------------------------------------------


def client_import(context: ImportContext, rows: ClientRows) -> ImportReport:
    """Import one WHMCS client with all its rows in one transaction; return its report.

    A failure that is not a refusal of one row (a fault, not bad data) rolls the whole client
    back and is reported against the client; the next run tries it again."""
    work = ClientImport(context=context, rows=rows)
    try:
        with transaction.atomic():
            if _account(work):
                _contacts(work)
                _services(work)
                client_money_import(work)
                client_tickets_import(work)
            work.store()
    except Exception as error:  # one client's fault must not stop the others
        failed = ImportReport()
        failed.unmapped("tblclients", rows.id, f"import failed and was rolled back: {error!r}")
        return failed
    for table, key, target in work.stored:
        context.known(table)[key] = target
    return work.report


def _phone(raw: str) -> str:
    """WHMCS keeps ``+CC.NUMBER``; the accounts app reads E.164 with any separators."""
    return (raw or "").replace(".", " ").strip()


def _profile(row: dict) -> dict:
    street = ", ".join(part.strip() for part in (row["address1"], row["address2"]) if part.strip())
    first, last = str(row["firstname"]).strip(), str(row["lastname"]).strip()
    return {
        "email": str(row["email"]).strip(),
        "full_name": f"{first} {last}".strip(),
        "preferred_language": LANGUAGES.get(str(row.get("language") or "").lower(), "en"),
        "kind": Client.Kind.NATURAL,
        "first_name": first,
        "last_name": last,
        "street": street,
        "city": str(row["city"]),
        "postal_code": str(row["postcode"]),
        "country": str(row["country"]).strip().upper(),
        "phone": _phone(row["phonenumber"]),
    }


def _reason(error: DomainError) -> str:
    if error.fields:
        return "; ".join(f"{name}: {text}" for name, text in error.fields.items())
    return error.message


def _account(work: ClientImport) -> bool:
    """The client account and its payer: found from an earlier run, or made now. False
    when the client cannot be imported; then none of its rows are."""
    row, report = work.rows.client, work.report
    known = work.target_id("tblclients", work.rows.id)
    if known is not None:
        work.client = imported_object(Client, known)
        if work.client is None:
            _refuse_all(work, "the client an earlier run imported is no longer here")
            return False
        payers = work.client.payers
        work.payer = payers.filter(is_default=True).first() or payers.first()
        report.skipped("tblclients")
        return True
    if str(row.get("status")) == "Closed":
        _refuse_all(work, "a closed account in WHMCS")
        return False
    profile = _profile(row)
    try:
        with transaction.atomic():
            work.client = accounts.client_import(profile=profile)
            client_payment_reference_ensure(client=work.client)
            work.payer = _payer(work, profile)
            work.remember("tblclients", work.rows.id, work.client)
    except DomainError as error:
        work.client = None
        _refuse_all(work, _reason(error))
        return False
    work.client_is_new = True
    report.imported("tblclients")
    if str(row.get("companyname") or "").strip():
        report.note(
            "tblclients",
            work.rows.id,
            "a company in WHMCS, which holds no registry code: imported as the natural person "
            "who holds the account; complete the legal person's data in the staff area",
        )
    return True


def _payer(work: ClientImport, profile: dict):
    data = {
        "kind": "natural",
        "name": profile["full_name"] or profile["email"],
        "street": profile["street"],
        "city": profile["city"],
        "postal_code": profile["postal_code"],
        "country": profile["country"],
        "invoice_email": profile["email"],
        "vat_number": str(work.rows.client.get("tax_id") or "").strip(),
    }
    owner = work.client.owner
    if data["vat_number"]:
        try:
            return accounts.payer_create(client=work.client, actor=owner, data=data)
        except DomainError as error:
            if "vat_number" not in (error.fields or {}):
                raise
            work.report.note(
                "tblclients", work.rows.id, "tax_id is not a valid EU VAT number: left out"
            )
            data["vat_number"] = ""
    return accounts.payer_create(client=work.client, actor=owner, data=data)


def _refuse_all(work: ClientImport, reason: str) -> None:
    """The client is not imported: it and every row of it are reported with the reason."""
    rows, report = work.rows, work.report
    report.unmapped("tblclients", rows.id, reason)
    why = f"its client {rows.id} was not imported"
    for table, items in (
        ("tblcontacts", rows.contacts),
        ("tblhosting", rows.services),
        ("tbldomains", rows.domains),
        ("tblinvoices", rows.invoices),
        ("tblaccounts", rows.transactions),
        ("tblcredit", rows.credits),
        ("tbltickets", rows.tickets),
    ):
        for item in items:
            report.unmapped(table, item["id"], why)


def _contacts(work: ClientImport) -> None:
    for row in work.rows.contacts:
        if work.target_id("tblcontacts", row["id"]) is not None:
            work.report.skipped("tblcontacts")
            continue
        data = {
            "role": "billing" if int(row.get("invoiceemails") or 0) else "technical",
            "name": f"{row['firstname']} {row['lastname']}".strip(),
            "email": str(row["email"]).strip(),
            "phone": _phone(row["phonenumber"]),
        }
        try:
            with transaction.atomic():
                contact = accounts.contact_create(
                    client=work.client, actor=work.client.owner, data=data
                )
                work.remember("tblcontacts", row["id"], contact)
        except DomainError as error:
            work.report.unmapped("tblcontacts", row["id"], _reason(error))
            continue
        work.report.imported("tblcontacts")
        if int(row.get("subaccount") or 0):
            work.report.note(
                "tblcontacts",
                row["id"],
                "a WHMCS sub-account: its sign-in is not carried over; grant trusted access",
            )


def _services(work: ClientImport) -> None:
    for row in work.rows.services:
        if work.target_id("tblhosting", row["id"]) is not None:
            work.report.skipped("tblhosting")
            continue
        reason = _service_refusal(work, row)
        if reason:
            work.report.unmapped("tblhosting", row["id"], reason)
            continue
        tariff = work.context.tariffs[int(row["packageid"])]
        months = BILLING_CYCLE_MONTHS[str(row["billingcycle"])]
        status = SERVICE_STATUSES[str(row["domainstatus"])]
        started = (
            day(row["regdate"]) or day(work.rows.client.get("datecreated")) or work.context.today
        )
        due = day(row["nextduedate"])
        paid_through = None
        if status != ServiceStatus.PENDING:
            paid_through = (due or started) - timedelta(days=1)
        fee = int(
            (Decimal(row["amount"] or 0) * 100 / months).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
        try:
            with transaction.atomic():
                service = service_import(
                    client=work.client,
                    payer=work.payer,
                    tariff=tariff,
                    status=status,
                    started_on=min(started, work.context.today),
                    renewal_months=months,
                    paid_through=paid_through,
                    monthly_fee_minor=max(fee, 0),
                    order_reference=f"WHMCS-{row['id']}",
                    source="WHMCS",
                    host_name=str(row.get("domain") or ""),
                    reason=f"Imported from WHMCS service {row['id']} of order {row['orderid']}.",
                    today=work.context.today,
                )
                work.remember("tblhosting", row["id"], service)
        except DomainError as error:
            work.report.unmapped("tblhosting", row["id"], _reason(error))
            continue
        work.report.imported("tblhosting")
    for row in work.rows.domains:
        if work.target_id("tbldomains", row["id"]) is None:
            work.report.unmapped(
                "tbldomains",
                row["id"],
                "domains are not imported: a domain here is registered through a registrar "
                "module with its admin contact; order it again or transfer it in",
            )


def _service_refusal(work: ClientImport, row: dict) -> str:
    tariff = work.context.tariffs.get(int(row["packageid"] or 0))
    if tariff is None:
        return f"its product {row['packageid']} is not in tblproducts"
    if isinstance(tariff, str):
        return tariff
    if str(row["domainstatus"]) not in SERVICE_STATUSES:
        return f"status '{row['domainstatus']}' has no counterpart here"
    if str(row["billingcycle"]) not in BILLING_CYCLE_MONTHS:
        return f"billing cycle '{row['billingcycle']}' is not a recurring period"
    if cents(row["amount"]) < 0:
        return "a negative recurring amount"
    return ""
