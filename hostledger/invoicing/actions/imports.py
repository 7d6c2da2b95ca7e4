"""Invoices imported from another billing system with the numbers they were issued under
(BIL-04, docs/decisions/0040-importing-from-whmcs.md).

An imported invoice was issued by the other system, so it must not take a number of this
provider's own gapless series: a paid one becomes a final invoice of the series
``import-<source>`` (one per source system, whose counter is never advanced), numbered with
the source's row id and printed with the source's own invoice number; an unpaid one becomes
an issued proforma that carries the source's number for people to find it, and takes this
provider's next number only when it is paid here, as every proforma does. Amounts, VAT and
lines are stored as the source issued them; nothing is repriced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.invoicing.models import Invoice, InvoiceLine, InvoiceSeries, VatScheme
from hostledger.invoicing.numbering import NEVER_RESTARTS
from hostledger.invoicing.snapshots import payer_snapshot, provider_snapshot

IMPORTED_STATUSES = (Invoice.Status.PAID, Invoice.Status.ISSUED, Invoice.Status.CANCELLED)


@dataclass(frozen=True, slots=True)
class ImportedLine:
    """One line as the source system issued it: net and VAT in minor units."""

    description: str
    net_minor: int
    vat_minor: int
    vat_rate: Decimal


def import_series(source: str) -> InvoiceSeries:
    """The numbering series that holds the invoices imported from ``source``; made on first
    use. Its counter is never advanced: the numbers are the source's."""
    series, _ = InvoiceSeries.objects.get_or_create(
        code=f"import-{source}"[:20],
        defaults={
            "name": f"Imported from {source}"[:100],
            "prefix": "",
            "digits": 0,
            "restart_yearly": False,
        },
    )
    return series


def _check(
    lines: list[ImportedLine], status: str, number_display: str, currency: str, scheme: str
) -> None:
    if status not in IMPORTED_STATUSES:
        raise DomainError(
            "invalid_status",
            gettext("status: an imported invoice is paid, issued or cancelled, not '%(status)s'.")
            % {"status": status},
            fields={"status": "paid, issued or cancelled"},
        )
    if not lines:
        raise DomainError(
            "invalid_input",
            gettext("lines: an invoice has at least one line."),
            fields={"lines": "empty"},
        )
    if not (number_display or "").strip() or len(number_display) > 64:
        raise DomainError(
            "invalid_input",
            gettext("number_display: the source's invoice number, at most 64 characters."),
            fields={"number_display": "required, at most 64 characters"},
        )
    if scheme not in VatScheme.values:
        raise DomainError(
            "invalid_input",
            gettext("vat_scheme: unknown scheme '%(scheme)s'.") % {"scheme": scheme},
            fields={"vat_scheme": "?"},
        )
    if not currency or len(currency) != 3:
        raise DomainError(
            "invalid_currency",
            gettext("currency: a three-letter code."),
            fields={"currency": "invalid"},
        )


@transaction.atomic
def invoice_import(
    *,
    source: str,
    source_number: int,
    number_display: str,
    client,
    payer,
    status: str,
    issued_on: date,
    due_on: date,
    paid_on: date | None,
    currency: str,
    lines: list[ImportedLine],
    vat_scheme: str,
    vat_rate: Decimal,
    vat_country: str,
    vat_reason: str,
    provider: dict | None = None,
    actor=None,
) -> Invoice:
    """Store an invoice issued by another system as it was issued (BIL-04).

    ``status`` paid: a final invoice of the ``import-<source>`` series numbered
    ``source_number`` (the source's row id, unique there) and printed ``number_display``;
    issued: a proforma awaiting payment; cancelled: a cancelled proforma. The totals are the
    sums of ``lines``. Nothing here posts to the ledger: the caller charges a paid invoice
    through the ledger's actions, with :func:`invoice_charge_key` as the key. ``provider``
    is the provider's snapshot to print (:func:`~hostledger.invoicing.snapshots.
    provider_snapshot`, taken now when not given; an import of many invoices takes it once).
    """
    _check(lines, status, number_display, currency, vat_scheme)
    if payer.client_id != client.pk:
        raise DomainError(
            "payer_of_another_client",
            gettext("payer: not this client's."),
            fields={"payer": "invalid"},
        )
    final = status == Invoice.Status.PAID
    series = import_series(source) if final else None
    try:
        with transaction.atomic():
            invoice = _insert(
                final=final,
                series=series,
                source_number=source_number,
                number_display=number_display,
                client=client,
                payer=payer,
                issued_on=issued_on,
                due_on=due_on,
                paid_on=paid_on,
                currency=currency,
                lines=lines,
                vat_scheme=vat_scheme,
                vat_rate=vat_rate,
                vat_country=vat_country,
                vat_reason=vat_reason,
                provider=provider if provider is not None else provider_snapshot(),
                actor=actor,
            )
    except IntegrityError as error:  # the series' unique number: imported before
        raise DomainError(
            "already_exists",
            gettext("number: invoice %(number_display)s of %(source)s was imported before.")
            % {"number_display": number_display, "source": source},
            fields={"number": "already imported"},
            status=409,
        ) from error
    Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DRAFT).update(status=status)
    invoice.status = status
    record_audit_event(
        action="invoice.imported",
        actor=actor,
        obj=invoice,
        subject_client_id=client.pk,
        data={"source": source, "number": invoice.number_display, "status": status},
    )
    return invoice


def _insert(
    *,
    final,
    series,
    source_number,
    number_display,
    client,
    payer,
    issued_on,
    due_on,
    paid_on,
    currency,
    lines,
    vat_scheme,
    vat_rate,
    vat_country,
    vat_reason,
    provider,
    actor,
) -> Invoice:
    """The invoice as a draft with its lines."""
    net = sum(line.net_minor for line in lines)
    vat = sum(line.vat_minor for line in lines)
    invoice = Invoice.objects.create(
        kind=Invoice.Kind.FINAL if final else Invoice.Kind.PROFORMA,
        status=Invoice.Status.DRAFT,
        client=client,
        payer=payer,
        payer_snapshot=payer_snapshot(payer),
        provider_snapshot=provider,
        series=series,
        number_year=NEVER_RESTARTS if final else None,
        number=source_number if final else None,
        number_display=number_display.strip(),
        issued_on=issued_on,
        due_on=due_on,
        finalised_on=paid_on if final else None,
        currency=currency,
        net_minor=net,
        vat_minor=vat,
        gross_minor=net + vat,
        vat_scheme=vat_scheme,
        vat_rate=vat_rate,
        vat_country=(vat_country or "")[:2],
        vat_reason=vat_reason,
        created_by=actor,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line.description or "—",
            quantity=Decimal(1),
            unit_price_minor=line.net_minor,
            net_minor=line.net_minor,
            vat_rate=line.vat_rate,
            vat_minor=line.vat_minor,
        )
        for position, line in enumerate(lines, start=1)
    )
    return invoice
