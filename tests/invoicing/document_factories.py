"""Issued documents for the PDF and e-invoice tests (BIL-10): made through the real actions."""

from __future__ import annotations

from datetime import date

from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.models import CreditNote, Invoice
from tests.invoicing.conftest import line, make_client, make_payer

ISSUED = date(2025, 8, 1)  # Estonia's 24 % rate applies
PAID = date(2025, 8, 4)
CREDITED = date(2025, 8, 20)
AUGUST = {"period_start": date(2025, 8, 1), "period_end": date(2025, 8, 31)}


def domestic_lines() -> list:
    """VPS Pro 1 x 100.00 (VAT 24.00) and Web hosting S 3 x 3.33 (net 9.99, VAT 2.40)."""
    return [
        line("VPS Pro, August 2025", "1", "100.00", **AUGUST),
        line("Web hosting S", "3", "3.33"),
    ]


def proforma_for(client, payer, lines=None) -> Invoice:
    return proforma_create(
        client=client, payer=payer, lines=lines or domestic_lines(), issued_on=ISSUED
    )


def final_invoice_for(client, payer, lines=None) -> Invoice:
    return invoice_finalise(proforma=proforma_for(client, payer, lines), paid_on=PAID)


def outside_eu_payer():
    """A company in the United States: no EU VAT (BIL-05)."""
    client = make_client("ops@example.us", kind="legal", country="US")
    return client, make_payer(
        client,
        kind="legal",
        country="US",
        name="Acme Hosting Inc.",
        registry_code="",
        street="1 Main Street",
        city="New York",
        postal_code="10001",
    )


def partial_credit_note(invoice: Invoice) -> CreditNote:
    """Credits one month of VPS Pro back: net -100.00 at the invoice's rate."""
    return credit_note_issue(
        invoice=invoice,
        lines=[line("VPS Pro, August 2025 (service interrupted)", "1", "100.00", **AUGUST)],
        reason="Service interrupted for the whole month",
        issued_on=CREDITED,
    )
