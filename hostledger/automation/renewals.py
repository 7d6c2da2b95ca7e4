# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Renewal invoices and their payment, for a range of clients at a time (AUT-01, BIL-07).

Each function here works on the clients with ids in ``(low, high]`` inside the caller's
transaction, which holds their balance rows locked, with a handful of statements whatever
the number of services: scratch tables filled with ``INSERT … SELECT`` (or one
``executemany`` for rows priced in Python), then ``INSERT … SELECT`` and ``UPDATE … FROM``
into the real tables. The billing run calls them chunk by chunk; a payment calls
:func:`paid_renewals_apply` for one client (``low = client - 1``, ``high = client``).

Exactly once: a renewal row is unique per (service, period start) and is written in the
same transaction that moves ``Service.invoiced_through`` past its period; a proforma moves
from issued to paid in the transaction that writes its ledger charge (keyed
``invoice:<public id>``); a period is stored once per (service, start); a penalty is posted
once per invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from hostledger.accounts.models import Client
from hostledger.accounts.selectors import restricted_clients_sql
from hostledger.automation import sql
from hostledger.automation.models import PenaltyAccrual, ServiceRenewal
from hostledger.catalog.coupons import Discount, coupon_discount
from hostledger.catalog.models import (
    AddOn,
    Coupon,
    CouponRecurrence,
    OsImage,
    ProductFamily,
    Tariff,
)
from hostledger.catalog.selectors import fees_in_force
from hostledger.core.money import Money
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.incidents.actions import repair_notes_mark_invoiced
from hostledger.incidents.actions.repairs import repair_invoice_note
from hostledger.incidents.selectors import repairs_to_note
from hostledger.invoicing.actions.settlement import invoice_vat_at_tax_point, vat_rise_announce
from hostledger.invoicing.lines import UNIT_MONTH, LineInput, price_line, vat_per_rate
from hostledger.invoicing.models import Invoice, InvoiceLine, InvoiceSeriesCounter, VatRate
from hostledger.invoicing.numbering import series_lock
from hostledger.invoicing.snapshots import entity_series_codes, provider_snapshot
from hostledger.invoicing.vat import RATED_SCHEMES, vat_rate_on
from hostledger.ledger.chart import provider_account
from hostledger.ledger.models import (
    ClientBalance,
    Entry,
    LedgerAccount,
    LedgerTransaction,
    Payment,
)
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.providers.models import ProviderEntity, default_entity_id
from hostledger.providers.selectors import provider_entities
from hostledger.subscriptions.actions.order_input import PricedItem, item_line, period_end
from hostledger.subscriptions.actions.orders import _months_text
from hostledger.subscriptions.models import (
    OrderItem,
    ServiceAddOn,
    ServiceCancellation,
    ServicePeriod,
)

SERVICE = "subscriptions_service"
RENEWAL = sql.table(ServiceRenewal)
INVOICE = sql.table(Invoice)
LINE = sql.table(InvoiceLine)
BALANCE = sql.table(ClientBalance)
TXN = sql.table(LedgerTransaction)
ENTRY = sql.table(Entry)
PERIOD = sql.table(ServicePeriod)
PENALTY = sql.table(PenaltyAccrual)
PAYMENT = sql.table(Payment)
VAT_RATE = sql.table(VatRate)
PPM = Decimal(1_000_000)


@dataclass
class Pricing:
    """What one run needs to price renewals, read once and kept for all chunks: names,
    fees in force per period start, VAT rates per country, the provider's snapshot."""

    today: date
    due_on: date
    provider_snapshot: dict
    names: dict[tuple[str, int], str] = field(default_factory=dict)
    licence_fees: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    _fees: dict[date, dict[tuple[str, int], Money]] = field(default_factory=dict)
    _rates: dict[str, Decimal] = field(default_factory=dict)
    _lines: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    shapes: dict[tuple, tuple] = field(default_factory=dict)
    family_entities: dict[int, int] = field(default_factory=dict)
    entity_snapshots: dict[int, dict] = field(default_factory=dict)
    discounts: dict[int, Discount] = field(default_factory=dict)

    def load_names(self) -> None:
        self.family_entities = dict(ProductFamily.objects.values_list("pk", "entity_id"))
        self.entity_snapshots = {
            entity.pk: provider_snapshot(entity) for entity in provider_entities()
        }
        self.names.update(
            {("tariff", pk): name for pk, name in Tariff.objects.values_list("pk", "name")}
        )
        self.names.update(
            {("add_on", pk): name for pk, name in AddOn.objects.values_list("pk", "name")}
        )
        self.licence_fees = {
            pk: (fee, currency, name)
            for pk, fee, currency, name in OsImage.objects.filter(
                requires_paid_licence=True
            ).values_list("pk", "licence_monthly_fee_minor", "currency", "name")
        }
        self.discounts = {
            coupon.pk: coupon_discount(coupon)
            for coupon in Coupon.objects.filter(recurrence=CouponRecurrence.EVERY_PERIOD)
        }

    def entity_of(self, service: dict) -> int:
        """The entity that renews ``service``: the entity of its product family."""
        family_id = service["family_id"]
        if family_id not in self.family_entities:
            self.family_entities[family_id] = default_entity_id()
        return self.family_entities[family_id]

    def snapshot_of(self, entity_id: int) -> dict:
        """The seller block of ``entity_id``'s renewals, read once per run (BIL-04)."""
        snapshot = self.entity_snapshots.get(entity_id)
        return snapshot if snapshot is not None else self.provider_snapshot

    def renewal_due_on(self, starts_on: date) -> date:
        """The due date of the renewal of a period starting on ``starts_on``: the usual
        term, never after the period starts, and never before the day it is invoiced. A
        period that has already begun (billed late, after downtime or a lifted verification
        restriction) is due the day it is invoiced, so no penalty runs for days before the
        invoice existed (BIL-07)."""
        return max(self.today, min(self.due_on, starts_on))

    def fee(self, kind: str, pk: int, starts_on: date) -> Money:
        fees = self._fees.get(starts_on)
        if fees is None:
            fees = fees_in_force(
                period_start=starts_on,
                tariff_ids=[pk for kind_, pk in self.names if kind_ == "tariff"],
                add_on_ids=[pk for kind_, pk in self.names if kind_ == "add_on"],
            )
            self._fees[starts_on] = fees
        return fees[(kind, pk)]

    def vat_rate(self, billed_rate: Decimal, country: str) -> Decimal:
        """The rate of the renewal: none where the last invoice charged none (reverse charge,
        outside the EU), otherwise the rate of the same country in force today (BIL-05)."""
        if not billed_rate:
            return Decimal("0.00")
        if country not in self._rates:
            self._rates[country] = vat_rate_on(country, self.today)
        return self._rates[country]

    def line_amounts(self, fee: Money, quantity: int, rate: Decimal) -> tuple[int, int]:
        key = (fee.minor, quantity, rate)
        amounts = self._lines.get(key)
        if amounts is None:
            net, vat = price_line(quantity=Decimal(quantity), unit_price=fee, vat_rate=rate)
            amounts = self._lines[key] = (net.minor, vat.minor)
        return amounts


def renewal_lines(pricing: Pricing, service: dict, starts_on: date, ends_on: date):
    """The lines of one renewal: the tariff, each add-on and a paid OS licence, each for the
    whole period at the monthly fee in force on its first day (CAT-06), as orders bill them
    (ORD-01); the tariff's line lowered by the service's every-period coupon, as the order
    lowered it (decision 0055)."""
    months = service["months"]
    items = [("tariff", service["tariff_id"], 1)]
    items += [("add_on", add_on_id, quantity) for add_on_id, quantity in service["add_ons"]]
    discount = pricing.discounts.get(service.get("coupon_id"))
    lines = []
    for kind, pk, quantity in items:
        fee = pricing.fee(kind, pk, starts_on)
        lines.append(
            item_line(
                PricedItem(
                    kind=kind,
                    code="",
                    name=pricing.names[(kind, pk)],
                    monthly_fee=fee,
                    quantity=quantity,
                    months=months,
                ),
                starts_on,
                ends_on,
                discount if kind == OrderItem.Kind.TARIFF else None,
            )
        )
    licence = pricing.licence_fees.get(service["os_image_id"])
    if licence is not None:
        fee, currency, name = licence
        lines.append(
            LineInput(
                description=f"{name} licence, {_months_text(months)}",
                quantity=Decimal(months),
                unit_price=Money(fee, currency),
                period_start=starts_on,
                period_end=ends_on,
                unit_code=UNIT_MONTH,
            )
        )
    return lines


NEW_RENEWALS = "automation_new_renewal"
NEW_LINES = "automation_new_line"


def _candidates(low: int, high: int, horizon: date, today: date) -> list[dict]:
    """Live services of the clients in (low, high] whose billed periods end before
    ``horizon``, with what their last invoice says about the payer and VAT; not those of a
    client an overdue data verification request restricts ``today`` (ACC-10: no extension
    until the answer; the periods missed are billed when the restriction lifts, §2.2.10)."""
    restricted, restricted_params = restricted_clients_sql(today)
    rows = sql.fetchall(
        f"""
        SELECT s.id, s.client_id, s.payer_id, s.tariff_id, s.os_image_id, s.coupon_id,
               s.invoiced_through,
               s.renewal_months, s.notice_effective_on, bi.payer_id, bi.payer_snapshot,
               bi.vat_scheme, bi.vat_rate, bi.vat_country, bi.vat_reason,
               bi.vat_number_check_id, bi.currency, bi.created_at,
               (SELECT MAX(h.history_date) FROM accounts_historicalpayer h
                 WHERE h.id = s.payer_id),
               (SELECT MIN(c.effective_on) FROM {sql.table(ServiceCancellation)} c
                 WHERE c.service_id = s.id AND c.state = 'requested'),
               s.family_id
        FROM {SERVICE} s JOIN {INVOICE} bi ON bi.id = s.billing_invoice_id
        WHERE s.client_id > %s AND s.client_id <= %s
          AND s.status IN ('provisioning', 'active', 'suspended')
          AND s.renewal_months IS NOT NULL
          AND s.invoiced_through < %s
          AND s.client_id NOT IN ({restricted})
        ORDER BY s.id
        """,
        [low, high, sql.day(horizon), *restricted_params],
    )
    services = []
    for row in rows:
        (
            service_id,
            client_id,
            payer_id,
            tariff_id,
            os_image_id,
            coupon_id,
            invoiced_through,
            months,
            notice_effective_on,
            billed_payer_id,
            snapshot,
            scheme,
            rate,
            country,
            reason,
            check_id,
            currency,
            billed_at,
            payer_changed_at,
            cancellation_on,
            family_id,
        ) = row
        invoiced_through = _as_date(invoiced_through)
        starts_on = invoiced_through + timedelta(days=1)
        ends = [_as_date(day) for day in (notice_effective_on, cancellation_on) if day]
        if any(end <= starts_on for end in ends):
            continue  # the service ends before this period would start (ORD-06, ORD-08)
        services.append(
            {
                "id": service_id,
                "client_id": client_id,
                "payer_id": payer_id,
                "tariff_id": tariff_id,
                "family_id": family_id,
                "os_image_id": os_image_id,
                "coupon_id": coupon_id,
                "starts_on": starts_on,
                "months": months,
                "snapshot": snapshot,
                "scheme": scheme,
                "rate": Decimal(str(rate)),
                "country": country,
                "reason": reason,
                "check_id": check_id,
                "currency": currency,
                "add_ons": [],
                "payer_same": billed_payer_id == payer_id
                and (
                    payer_changed_at is None
                    or _as_datetime(payer_changed_at) <= _as_datetime(billed_at)
                ),
            }
        )
    by_id = {service["id"]: service for service in services}
    if by_id:
        add_ons = ServiceAddOn.objects.filter(
            service__client_id__gt=low, service__client_id__lte=high
        ).values_list("service_id", "add_on_id", "quantity")
        for service_id, add_on_id, quantity in add_ons.order_by("service_id", "id"):
            if service_id in by_id:
                by_id[service_id]["add_ons"].append((add_on_id, quantity))
    return services


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_datetime(value) -> datetime:
    """A timestamp read by a raw query: SQLite returns text in UTC, PostgreSQL a datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def renewals_issue(
    *, low: int, high: int, pricing: Pricing, horizon: date, now: datetime
) -> tuple[int, list[str]]:
    """Issue the next renewal proforma of every service of the clients in (low, high] whose
    billed periods end before ``horizon`` (AUT-01); a service behind by several periods gets
    one per pass until it is billed up to ``horizon``. Returns how many were issued and what
    went wrong with the services that could not be renewed (they are left for staff)."""
    issued = 0
    failed: dict[int, str] = {}
    while True:
        services = [
            service
            for service in _candidates(low, high, horizon, pricing.today)
            if service["id"] not in failed
        ]
        if not services:
            return issued, list(failed.values())
        notes = repairs_to_note([service["id"] for service in services])
        for service in services:
            if _issued_alone(service, notes):
                problem = _issue_one(service, pricing, now, notes=notes.get(service["id"], ()))
                if problem:
                    failed[service["id"]] = problem
                else:
                    issued += 1
        fast = [service for service in services if not _issued_alone(service, notes)]
        issued += _issue_many(fast, pricing, now)


def _issued_alone(service: dict, notes) -> bool:
    """Whether a renewal goes through ``proforma_create`` on its own rather than in the set:
    the payer changed, a repair is to be told, or an every-period coupon lowers it (its
    discounted line is one amount, not months at a fee, decision 0055)."""
    return (
        not service["payer_same"] or service["id"] in notes or service.get("coupon_id") is not None
    )


def _priced_shape(pricing: Pricing, service: dict, rate: Decimal, day):
    """The period end, the priced lines (without the invoice id) and the net and VAT totals
    of a renewal, computed once per distinct shape (tariff, add-ons, licence, start, length,
    VAT rate): most services of a run share a handful of shapes."""
    key = (
        service["tariff_id"],
        tuple(service["add_ons"]),
        service["os_image_id"],
        service["starts_on"],
        service["months"],
        rate,
    )
    shape = pricing.shapes.get(key)
    if shape is None:
        starts_on = service["starts_on"]
        ends_on = period_end(starts_on, service["months"])
        lines = []
        renewal = renewal_lines(pricing, service, starts_on, ends_on)
        nets = [
            pricing.line_amounts(line.unit_price, int(line.quantity), rate)[0] for line in renewal
        ]
        # VAT once on the rate's taxable amount, shared out over the lines (BR-CO-17, BIL-02).
        currency = renewal[0].unit_price.currency
        shares = vat_per_rate([Money(net, currency) for net in nets], rate, currency)
        net_total = sum(nets)
        vat_total = sum(share.minor for share in shares)
        for position, (line, net, share) in enumerate(zip(renewal, nets, shares, strict=True), 1):
            vat = share.minor
            lines.append(
                (
                    position,
                    line.description,
                    line.quantity,
                    line.unit_price.minor,
                    net,
                    rate,
                    vat,
                    day(starts_on),
                    day(ends_on),
                )
            )
        shape = pricing.shapes[key] = (ends_on, tuple(lines), net_total, vat_total)
    return shape


def _day_writer():
    """``sql.day`` with the database vendor looked up once, for loops over many rows."""
    return (lambda value: value) if sql.is_postgres() else date.isoformat


def _issue_many(services: list[dict], pricing: Pricing, now: datetime) -> int:
    """Issue renewal proformas for ``services`` with a fixed number of statements."""
    if not services:
        return 0
    sql.temp_table(
        NEW_RENEWALS,
        "public_id varchar(24), service_id bigint, client_id bigint, payer_id bigint, "
        "starts_on date, ends_on date, due_on date, net_minor bigint, vat_minor bigint, "
        "vat_scheme varchar(24), vat_rate decimal(5,2), vat_country varchar(2), "
        "vat_reason text, vat_number_check_id bigint, payer_snapshot text, currency varchar(3), "
        "entity_id bigint",
    )
    sql.temp_table(
        NEW_LINES,
        "public_id varchar(24), position integer, description text, quantity decimal(14,4), "
        "unit_price_minor bigint, net_minor bigint, vat_rate decimal(5,2), vat_minor bigint, "
        "period_start date, period_end date",
    )
    from hostledger.core.ids import new_public_id

    renewal_rows = []
    line_rows = []
    day = _day_writer()
    for service in services:
        starts_on = service["starts_on"]
        rate = pricing.vat_rate(service["rate"], service["country"])
        ends_on, lines, net_total, vat_total = _priced_shape(pricing, service, rate, day)
        public_id = new_public_id("inv")
        line_rows.extend((public_id, *line) for line in lines)
        renewal_rows.append(
            (
                public_id,
                service["id"],
                service["client_id"],
                service["payer_id"],
                day(starts_on),
                day(ends_on),
                day(pricing.renewal_due_on(starts_on)),
                net_total,
                vat_total,
                service["scheme"],
                rate,
                service["country"],
                service["reason"],
                service["check_id"],
                service["snapshot"],
                service["currency"],
                pricing.entity_of(service),
            )
        )
    sql.load(NEW_RENEWALS, renewal_rows)
    sql.load(NEW_LINES, line_rows)
    stamp = sql.timestamp(now)
    # One statement per provider entity renewing in this chunk: each prints its own seller.
    for entity_id in sorted({row[-1] for row in renewal_rows}):
        sql.execute(
            f"""
            INSERT INTO {INVOICE} (public_id, kind, status, client_id, payer_id, payer_snapshot,
                provider_snapshot, entity_id, number_display, issued_on, due_on, currency,
                net_minor, vat_minor, gross_minor, vat_scheme, vat_rate, vat_country,
                vat_reason, vat_number_check_id, created_at)
            SELECT public_id, 'proforma', 'issued', client_id, payer_id, payer_snapshot,
                {sql.json_parameter()}, entity_id, '', %s, due_on, currency, net_minor,
                vat_minor, net_minor + vat_minor, vat_scheme, vat_rate, vat_country,
                vat_reason, vat_number_check_id, %s
            FROM {NEW_RENEWALS}
            WHERE entity_id = %s
            """,
            [sql.json_value(pricing.snapshot_of(entity_id)), day(pricing.today), stamp, entity_id],
        )
    sql.execute(
        f"""
        INSERT INTO {LINE} (invoice_id, position, description, quantity, unit_price_minor,
            net_minor, vat_rate, vat_minor, period_start, period_end, unit_code)
        SELECT i.id, l.position, l.description, l.quantity, l.unit_price_minor, l.net_minor,
            l.vat_rate, l.vat_minor, l.period_start, l.period_end, '{UNIT_MONTH}'
        FROM {NEW_LINES} l JOIN {INVOICE} i ON i.public_id = l.public_id
        """
    )
    sql.execute(
        f"""
        INSERT INTO {RENEWAL} (service_id, client_id, starts_on, ends_on, invoice_id,
            net_minor, currency, state, issued_at)
        SELECT n.service_id, n.client_id, n.starts_on, n.ends_on, i.id, n.net_minor,
            n.currency, 'invoiced', %s
        FROM {NEW_RENEWALS} n JOIN {INVOICE} i ON i.public_id = n.public_id
        """,
        [stamp],
    )
    sql.execute(
        f"""
        UPDATE {SERVICE} SET invoiced_through = n.ends_on, billing_invoice_id = i.id,
            updated_at = %s
        FROM {NEW_RENEWALS} n JOIN {INVOICE} i ON i.public_id = n.public_id
        WHERE {SERVICE}.id = n.service_id
        """,
        [stamp],
    )
    return len(renewal_rows)


def _issue_one(service: dict, pricing: Pricing, now: datetime, notes=()) -> str:
    """Issue one renewal through ``proforma_create`` when the payer changed since the last
    invoice, so that the payer is snapshotted and VAT decided afresh (BIL-05), or when the
    service's paid period was extended for a repair since its last invoice: each extension
    is told in a line of its own at no charge (SUP-07)."""
    from hostledger.accounts.models import Payer
    from hostledger.core.errors import DomainError
    from hostledger.invoicing.actions import proforma_create
    from hostledger.subscriptions.models import Service

    starts_on = service["starts_on"]
    ends_on = period_end(starts_on, service["months"])
    try:
        with transaction.atomic():
            payer = Payer.objects.get(pk=service["payer_id"])
            client = Client.objects.get(pk=service["client_id"])
            lines = renewal_lines(pricing, service, starts_on, ends_on)
            currency = lines[0].unit_price.currency
            lines += [
                LineInput(
                    description=repair_invoice_note(repair)[:500],
                    quantity=Decimal(1),
                    unit_price=Money.zero(currency),
                )
                for repair in notes
            ]
            invoice = proforma_create(
                client=client,
                payer=payer,
                lines=lines,
                issued_on=pricing.today,
                entity=ProviderEntity.objects.get(pk=pricing.entity_of(service)),
            )
            if notes:
                repair_notes_mark_invoiced(
                    repair_ids=[repair.pk for repair in notes],
                    invoice_ids={repair.pk: invoice.pk for repair in notes},
                )
            Invoice.objects.filter(pk=invoice.pk).update(due_on=pricing.renewal_due_on(starts_on))
            ServiceRenewal.objects.create(
                service_id=service["id"],
                client=client,
                starts_on=starts_on,
                ends_on=ends_on,
                invoice=invoice,
                net_minor=invoice.net_minor,
                currency=invoice.currency,
                issued_at=now,
            )
            Service.objects.filter(pk=service["id"]).update(
                invoiced_through=ends_on, billing_invoice=invoice, updated_at=now
            )
    except DomainError as error:
        return f"Service {service['id']}: renewal from {starts_on} not issued: {error.message}"
    return ""


@client_selection(
    SelectionPurpose.CONTRACT,
    "renewal invoices issued to the client: carrying out the contract",
)
def issued_renewals_announce(*, low: int, high: int, now: datetime) -> int:
    """Tell the clients in (low, high] about the renewal proformas this run issued them and
    did not pay at once from their balance (AUT-01, NTF-01): a proforma issued and paid in
    the same run is announced once, by the "renewed" message that carries its invoice.
    ``now`` is the run's moment, stored on the renewals it issued."""
    return notifications_enqueue_select(
        event="renewal_invoice_issued",
        select_sql=(
            "SELECT 'renewal_invoice_issued:' || i.public_id, r.client_id, r.service_id, "
            f"i.id, i.gross_minor, i.due_on FROM {RENEWAL} r "
            f"JOIN {INVOICE} i ON i.id = r.invoice_id "
            "WHERE r.client_id > %s AND r.client_id <= %s AND r.issued_at = %s "
            "AND r.state = 'invoiced' AND i.status = 'issued'"
        ),
        params=[low, high, sql.timestamp(now)],
        now=now,
    )


CHARGES = "automation_charge"


def renewals_charge(*, low: int, high: int, today: date, now: datetime) -> int:
    """Pay from the balance every renewal proforma of the clients in (low, high] that is due
    by ``today``, oldest first, while the balance covers it (AUT-01, BIL-01, BIL-04): each
    becomes a final invoice with the next number of its series, and one ledger charge keyed
    by the invoice moves its gross amount to revenue and VAT. Returns how many were paid.
    The caller holds the clients' balance rows locked."""
    sql.temp_table(
        CHARGES,
        "invoice_id bigint, client_id bigint, public_id varchar(24), gross_minor bigint, "
        "net_minor bigint, vat_minor bigint, seq bigint, paid_on date, entity_id bigint",
    )
    day = sql.day(today)
    count = sql.execute(
        f"""
        INSERT INTO {CHARGES}
        SELECT d.invoice_id, d.client_id, d.public_id, d.gross_minor, d.net_minor,
            d.vat_minor,
            ROW_NUMBER() OVER (PARTITION BY d.entity_id
                ORDER BY d.client_id, d.due_on, d.invoice_id),
            {_paid_on_sql()}, d.entity_id
        FROM (
            SELECT i.id AS invoice_id, i.client_id, i.public_id, i.gross_minor, i.net_minor,
                i.vat_minor, i.due_on, i.entity_id,
                SUM(i.gross_minor) OVER (PARTITION BY i.client_id
                    ORDER BY i.due_on, i.issued_on, i.id ROWS UNBOUNDED PRECEDING) AS running
            FROM {RENEWAL} r JOIN {INVOICE} i ON i.id = r.invoice_id
            JOIN {SERVICE} s ON s.id = r.service_id
            WHERE r.client_id > %s AND r.client_id <= %s AND r.state = 'invoiced'
              AND i.status = 'issued' AND i.kind = 'proforma' AND i.due_on <= %s
              AND s.status <> 'terminated'
        ) d JOIN {BALANCE} b ON b.client_id = d.client_id
        WHERE d.running <= b.balance_minor
        """,
        [day, day, day, day, low, high, day],
    )
    if not count:
        return 0
    sql.analyze(CHARGES)
    rises = _charges_vat_at_tax_point()
    moved = 0
    # Each provider entity numbers its invoices in its own gapless series (BIL-04): one
    # counter move and one UPDATE per entity paid in this chunk, in a fixed order of locks.
    per_entity = dict(sql.fetchall(f"SELECT entity_id, COUNT(*) FROM {CHARGES} GROUP BY entity_id"))
    entities = ProviderEntity.objects.in_bulk(list(per_entity))
    for entity_id in sorted(per_entity):
        series = series_lock(entity_series_codes(entities[entity_id])[0])
        year = today.year if series.restart_yearly else 0
        counter, _ = InvoiceSeriesCounter.objects.get_or_create(series=series, year=year)
        base = InvoiceSeriesCounter.objects.get(pk=counter.pk).last_number
        InvoiceSeriesCounter.objects.filter(pk=counter.pk).update(
            last_number=base + per_entity[entity_id]
        )
        prefix = series.prefix.replace("{year}", str(today.year))
        number = f"({base} + c.seq)"
        moved += sql.execute(
            f"""
            UPDATE {INVOICE} SET kind = 'final', status = 'paid', series_id = %s,
                number_year = %s, number = {number},
                number_display = %s || {sql.padded_number(number, series.digits)},
                finalised_on = c.paid_on
            FROM {CHARGES} c
            WHERE {INVOICE}.id = c.invoice_id AND {INVOICE}.status = 'issued'
              AND c.entity_id = %s
            """,
            [series.pk, year, prefix, entity_id],
        )
    stamp = sql.timestamp(now)
    if moved != count:
        raise RuntimeError(f"{count - moved} renewal proformas changed while being paid.")
    for invoice in Invoice.objects.filter(pk__in=rises).order_by("id"):
        vat_rise_announce(invoice=invoice, difference_minor=rises[invoice.pk], now=now)
    sql.execute(
        f"""
        INSERT INTO {TXN} (public_id, kind, idempotency_key, client_id, memo, created_at)
        SELECT {sql.random_public_id_sql("txn_")}, 'charge', 'invoice:' || c.public_id,
            c.client_id, 'Payment of proforma ' || c.public_id, %s
        FROM {CHARGES} c WHERE c.gross_minor > 0
        """,
        [stamp],
    )
    revenue = provider_account(LedgerAccount.Kind.REVENUE).pk
    vat = provider_account(LedgerAccount.Kind.VAT_PAYABLE).pk
    _charge_entries(revenue, vat)
    sql.execute(
        f"""
        UPDATE {BALANCE} SET balance_minor = {BALANCE}.balance_minor - s.total, updated_at = %s
        FROM (SELECT client_id, SUM(gross_minor) AS total FROM {CHARGES} GROUP BY client_id) s
        WHERE {BALANCE}.client_id = s.client_id
        """,
        [stamp],
    )
    return count


def _paid_on_sql() -> str:
    """The day each charge counts as paid, for ``renewals_charge`` (parameters: today four
    times): today for a renewal due today; for one past its due date, the value date of the
    payment that made the balance cover it (003 §5.2), or the due date if the balance already
    did then, however late the run that applies it. The balance on a day is taken as at
    least the balance now less the payments received after that day, as
    :func:`hostledger.ledger.selectors.balance_covered_on` does for one client. This day
    dates the final invoice, fixes its VAT (BIL-05) and ends its penalty (BIL-07)."""
    matched = Payment.Status.MATCHED
    received = f"{PAYMENT} p WHERE p.client_id = d.client_id AND p.status = '{matched}'"
    later = f"{PAYMENT} q WHERE q.client_id = d.client_id AND q.status = '{matched}'"
    return f"""CASE WHEN d.due_on >= %s THEN %s ELSE COALESCE(
            (SELECT MIN(p.value_date) FROM {received}
             AND p.value_date > d.due_on AND p.value_date <= %s
             AND b.balance_minor - (SELECT COALESCE(SUM(q.amount_minor), 0) FROM {later}
                 AND q.value_date > p.value_date AND q.value_date <= %s) >= d.running),
            d.due_on) END"""


def _charges_vat_at_tax_point() -> dict[int, int]:
    """Reprice the charges whose VAT rate is not the one in force on their paid day (BIL-05),
    and carry the new amounts into the charges; returns the gross rise per invoice. Only the
    few invoices whose rate changed between issue and payment go through Python, one by one,
    so the amounts are rounded by the money module like every other invoice line."""
    rated = ", ".join(f"'{scheme}'" for scheme in sorted(RATED_SCHEMES))
    stale = sql.fetchall(
        f"""
        SELECT c.invoice_id, c.paid_on FROM {CHARGES} c JOIN {INVOICE} i ON i.id = c.invoice_id
        WHERE i.vat_scheme IN ({rated}) AND NOT EXISTS (SELECT 1 FROM {VAT_RATE} v
            WHERE v.country = i.vat_country AND v.rate = i.vat_rate
              AND v.valid_from <= c.paid_on AND (v.valid_to IS NULL OR v.valid_to >= c.paid_on))
        """
    )
    rises: dict[int, int] = {}
    for invoice_id, paid_on in stale:
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        difference = invoice_vat_at_tax_point(invoice=invoice, tax_point=_as_date(paid_on))
        sql.execute(
            f"UPDATE {CHARGES} SET gross_minor = %s, vat_minor = %s WHERE invoice_id = %s",
            [invoice.gross_minor, invoice.vat_minor, invoice_id],
        )
        if difference > 0:
            rises[invoice_id] = difference
    return rises


def _charge_entries(revenue: int, vat: int) -> None:
    """The entries of the charges just posted: the client's balance gives the gross amount,
    revenue takes the net and VAT payable the VAT; zero amounts get no entry (BIL-01)."""
    sql.execute(
        f"""
        INSERT INTO {ENTRY} (transaction_id, account_id, client_id, amount_minor, currency)
        SELECT t.id, CASE p.part WHEN 1 THEN b.account_id WHEN 2 THEN %s ELSE %s END,
            c.client_id,
            CASE p.part WHEN 1 THEN -c.gross_minor WHEN 2 THEN c.net_minor ELSE c.vat_minor END,
            'EUR'
        FROM {CHARGES} c
        JOIN {TXN} t ON t.idempotency_key = 'invoice:' || c.public_id
        JOIN {BALANCE} b ON b.client_id = c.client_id
        CROSS JOIN (SELECT 1 AS part UNION ALL SELECT 2 UNION ALL SELECT 3) p
        WHERE CASE p.part WHEN 1 THEN c.gross_minor WHEN 2 THEN c.net_minor
            ELSE c.vat_minor END <> 0
        ORDER BY t.id, p.part
        """,
        [revenue, vat],
    )
