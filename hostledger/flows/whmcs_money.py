"""One WHMCS client's money: invoices, payments, refunds and the credit balance, through the
invoicing and ledger actions (BIL-01, BIL-04, BIL-06;
docs/decisions/0040-importing-from-whmcs.md).

The balance here is the sum of the entries the import posts: each payment WHMCS received
(in), each invoice WHMCS marked paid (out: charged as the invoice's gross; a refunded one is
charged and given back), each refund WHMCS paid out (out). Unpaid invoices become proformas
awaiting payment and are not charged, exactly as proformas are here: they are charged when
the balance pays them. So once a client is imported its balance equals its WHMCS credit
balance plus what WHMCS already took towards its unpaid invoices (part payments and credit
applied), which here waits on the balance for those proformas; equivalently, the balance less
the open proformas equals the WHMCS credit less the amount due. Credit that WHMCS staff added
or removed by hand has no payment or invoice behind it; the difference it leaves is carried
over as one correction naming WHMCS, in the run that first imports the client.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.imports.whmcs import cents, day, moment
from hostledger.invoicing.actions import ImportedLine, invoice_charge_key, invoice_import
from hostledger.invoicing.models import Invoice, VatScheme
from hostledger.ledger.actions import (
    charge_post,
    charge_reverse_post,
    correction_post,
    payment_import,
    refund_post,
)
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import balance_of

PAID = "Paid"
REFUNDED = "Refunded"
CANCELLED = "Cancelled"
OPEN = frozenset({"Unpaid", "Overdue", "Collections", "Payment Pending"})
SOURCE = "whmcs"


def client_money_import(work) -> None:
    """Import the client's invoices, payments and refunds and carry its credit balance over;
    runs inside the client's transaction (``work`` is the flow's ClientImport)."""
    rows, report = work.rows, work.report
    currency = work.context.currency_of(rows)
    if currency != DEFAULT_CURRENCY:
        why = f"the client's currency is {currency or 'unknown'}; balances here are in EUR"
        for table, items in (
            ("tblinvoices", rows.invoices),
            ("tblaccounts", rows.transactions),
            ("tblcredit", rows.credits),
        ):
            for item in items:
                if work.target_id(table, item["id"]) is None:
                    report.unmapped(table, item["id"], why)
        return
    numbers = {int(row["id"]): _number(row) for row in rows.invoices}
    for row in rows.transactions:
        if cents(row["amountin"]) > 0:
            _payment(work, row, numbers)
    applied = _invoices(work)
    for row in rows.transactions:
        if cents(row["amountout"]) > 0:
            _refund(work, row)
        elif cents(row["amountin"]) <= 0:
            report.unmapped("tblaccounts", row["id"], "neither money in nor money out")
    _balance(work, applied)


def _number(row: dict) -> str:
    return str(row.get("invoicenum") or "").strip() or str(row["id"])


def _payment(work, row: dict, numbers: dict[int, str]) -> None:
    key = f"tblaccounts:{row['id']}"
    if work.target_id("tblaccounts", row["id"]) is not None:
        work.report.skipped("tblaccounts")
        return
    try:
        with transaction.atomic():
            payment, _ = payment_import(
                client=work.client,
                source=SOURCE,
                external_id=key,
                amount=Money.from_minor(cents(row["amountin"])),
                received_on=day(row["date"]),
                gateway=str(row.get("gateway") or ""),
                reference=str(row.get("transid") or ""),
                description=str(row.get("description") or ""),
                named_invoice=numbers.get(int(row.get("invoiceid") or 0), ""),
            )
            work.remember("tblaccounts", row["id"], payment)
    except DomainError as error:
        work.report.unmapped("tblaccounts", row["id"], error.message)
        return
    work.report.imported("tblaccounts")


def _refund(work, row: dict) -> None:
    table = "tblaccounts:refund"
    if work.target_id(table, row["id"]) is not None:
        work.report.skipped("tblaccounts")
        return
    paid_id = work.target_id("tblaccounts", row.get("refundid") or 0)
    payment = Payment.objects.filter(pk=paid_id).first() if paid_id else None
    try:
        with transaction.atomic():
            posted = refund_post(
                client=work.client,
                amount=Money.from_minor(cents(row["amountout"])),
                idempotency_key=f"{SOURCE}:tblaccounts:{row['id']}:out",
                actor=None,
                payment=payment,
                memo=f"Refund paid out by WHMCS (transaction {row['id']})",
            )
            work.remember(table, row["id"], posted)
    except DomainError as error:
        work.report.unmapped("tblaccounts", row["id"], f"refund: {error.message}")
        return
    work.report.imported("tblaccounts")


def _lines(work, row: dict) -> tuple[list[ImportedLine], int, Decimal]:
    """The invoice's lines as WHMCS billed them, VAT spread over the taxed lines so that it
    adds up to the invoice's tax to the cent; a line makes up any difference between the
    items and the invoice's subtotal."""
    items = work.rows.invoice_items.get(int(row["id"]), [])
    rate = Decimal(row["taxrate"] or 0) + Decimal(row["taxrate2"] or 0)
    vat_total = cents(row["tax"]) + cents(row["tax2"])
    nets = [cents(item["amount"]) for item in items]
    vats = [0] * len(items)
    taxed = [index for index, item in enumerate(items) if int(item.get("taxed") or 0)]
    if vat_total and not taxed:
        taxed = list(range(len(items)))
    for index in taxed:
        vats[index] = Money.from_minor(nets[index]).percentage(rate).minor
    lines = [
        ImportedLine(
            description=str(item["description"] or item["type"] or "—"),
            net_minor=net,
            vat_minor=vat,
            vat_rate=rate if index in taxed else Decimal(0),
        )
        for index, (item, net, vat) in enumerate(zip(items, nets, vats, strict=True))
    ]
    difference = cents(row["subtotal"]) - sum(nets)
    if difference or not lines:
        lines.append(
            ImportedLine(
                description="Difference to the WHMCS subtotal" if lines else f"Invoice {row['id']}",
                net_minor=difference,
                vat_minor=0,
                vat_rate=Decimal(0),
            )
        )
    remainder = vat_total - sum(line.vat_minor for line in lines)
    if remainder:
        index = max(taxed, key=lambda position: nets[position]) if taxed else len(lines) - 1
        line = lines[index]
        lines[index] = ImportedLine(
            line.description, line.net_minor, line.vat_minor + remainder, line.vat_rate
        )
    return lines, vat_total, rate


def _scheme(work, vat_total: int) -> tuple[str, str]:
    if vat_total:
        return VatScheme.DOMESTIC, "VAT as WHMCS charged it."
    if str(work.rows.client.get("tax_id") or "").strip():
        return VatScheme.REVERSE_CHARGE, "No VAT charged by WHMCS; the client has a VAT number."
    return VatScheme.OUTSIDE_EU, "No VAT charged by WHMCS."


def _invoices(work) -> int:
    """Import the invoices; return what WHMCS already took towards the still unpaid ones that
    are proformas here (their gross less the amount due), in cents."""
    rows, report = work.rows, work.report
    paid_towards: dict[int, int] = defaultdict(int)
    for row in rows.transactions:
        paid_towards[int(row.get("invoiceid") or 0)] += cents(row["amountin"]) - cents(
            row["amountout"]
        )
    applied = 0
    for row in rows.invoices:
        invoice_id, status = int(row["id"]), str(row["status"])
        lines, vat_total, rate = _lines(work, row)
        gross = sum(line.net_minor + line.vat_minor for line in lines)
        if status in OPEN:
            applied_here = gross - (cents(row["total"]) - paid_towards[invoice_id])
        if work.target_id("tblinvoices", invoice_id) is not None:
            report.skipped("tblinvoices")
            if status in OPEN:
                applied += applied_here
            continue
        reason = _invoice_refusal(work, row, gross)
        if reason:
            report.unmapped("tblinvoices", invoice_id, reason)
            continue
        scheme, vat_reason = _scheme(work, vat_total)
        issued_on = day(row["date"]) or work.context.today
        target_status = (
            Invoice.Status.PAID
            if status in (PAID, REFUNDED)
            else Invoice.Status.CANCELLED
            if status == CANCELLED
            else Invoice.Status.ISSUED
        )
        try:
            with transaction.atomic():
                invoice = invoice_import(
                    source=SOURCE,
                    source_number=invoice_id,
                    number_display=_number(row),
                    client=work.client,
                    payer=work.payer,
                    status=target_status,
                    issued_on=issued_on,
                    due_on=day(row["duedate"]) or issued_on,
                    paid_on=(moment(row["datepaid"]) or moment(issued_on)).date(),
                    currency=DEFAULT_CURRENCY,
                    lines=lines,
                    vat_scheme=scheme,
                    vat_rate=rate,
                    vat_country=str(work.rows.client.get("country") or ""),
                    vat_reason=vat_reason,
                    provider=work.context.provider,
                )
                if target_status == Invoice.Status.PAID and gross > 0:
                    _charge(work, invoice, gross, vat_total, refunded=status == REFUNDED)
                work.remember("tblinvoices", invoice_id, invoice)
        except DomainError as error:
            report.unmapped("tblinvoices", invoice_id, error.message)
            continue
        report.imported("tblinvoices")
        if status in OPEN:
            applied += applied_here
    return applied


def _invoice_refusal(work, row: dict, gross: int) -> str:
    status = str(row["status"])
    items = work.rows.invoice_items.get(int(row["id"]), [])
    if status == "Draft":
        return "a draft: WHMCS never issued it"
    if status not in OPEN and status not in (PAID, REFUNDED, CANCELLED):
        return f"status '{status}' has no counterpart here"
    if items and all(str(item["type"]) == "AddFunds" for item in items):
        return "an Add Funds invoice: a deposit, not a sale; its payment is on the balance"
    if gross < 0:
        return "a negative total"
    return ""


def _charge(work, invoice: Invoice, gross: int, vat_total: int, *, refunded: bool) -> None:
    vat = Money.from_minor(min(max(vat_total, 0), gross))
    charge_post(
        client=work.client,
        amount=Money.from_minor(gross),
        idempotency_key=invoice_charge_key(invoice),
        vat_amount=vat,
        allow_negative_balance=True,
        memo=f"WHMCS invoice {invoice.number_display}",
    )
    if refunded:
        charge_reverse_post(
            client=work.client,
            amount=Money.from_minor(gross),
            idempotency_key=f"{SOURCE}:tblinvoices:{invoice.number}:refunded",
            vat_amount=vat,
            memo=f"WHMCS invoice {invoice.number_display} refunded",
        )


def source_balance_minor(rows, applied_to_open: int) -> int:
    """What the client's balance here must be: its WHMCS credit plus what WHMCS already took
    towards its unpaid invoices."""
    return cents(rows.client["credit"]) + applied_to_open


def _balance(work, applied: int) -> None:
    rows, report = work.rows, work.report
    target = source_balance_minor(rows, applied)
    difference = target - balance_of(work.client).minor
    new_credits = [row for row in rows.credits if work.target_id("tblcredit", row["id"]) is None]
    if not work.client_is_new:
        report.skipped("tblcredit", len(rows.credits) - len(new_credits))
        for row in new_credits:
            report.unmapped(
                "tblcredit",
                row["id"],
                "credit changed in WHMCS after the client was imported: not carried over; "
                "correct the balance here",
            )
        if difference:
            report.note(
                "tblclients",
                rows.id,
                f"the balance differs from WHMCS by {Money.from_minor(difference)} since the "
                "first import; it is not carried over again",
            )
        return
    target_object = work.client
    if difference:
        target_object = correction_post(
            client=work.client,
            amount=Money.from_minor(difference),
            idempotency_key=f"{SOURCE}:tblclients:{rows.id}:credit",
            actor=None,
            memo="Credit balance carried over from WHMCS: credit its staff added or removed "
            "by hand, with no payment or invoice behind it",
        )
        report.note(
            "tblcredit",
            f"client {rows.id}",
            f"{Money.from_minor(difference)} of credit with no payment or invoice behind it, "
            "carried over as a correction",
        )
    for row in new_credits:
        work.remember("tblcredit", row["id"], target_object)
        report.imported("tblcredit")
