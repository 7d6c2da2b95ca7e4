"""Printable acts of acceptance: HTML rendered to PDF by WeasyPrint (DOC-01, DOC-02, DOC-03).

The template ``invoicing/documents/act.html`` shares the stylesheet of invoices
(``document.css``), so an act looks like the provider's other documents. It prints what the
act stored when it was formed — the parties as snapshotted, the lines with their net, VAT
and gross amounts, the totals — and the act's state on the day it is printed: open for
dispute until the deadline, disputed, or accepted (003 §3.4 to §3.6). The same PDF is the
download of the client area and what staff post for a paper-act request.

Amounts are the stored minor units; the totals are checked against the sums of the lines
and an act whose totals differ is refused, as for invoices. Rendering fetches nothing: the
stylesheet is inline and the URL fetcher refuses every address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.act_selectors import act_status
from hostledger.invoicing.documents.content import (
    Party,
    VatGroup,
    client_language,
    country_name,
    document_language,
    provider_details,
    seller_party,
    vat_groups_of,
)
from hostledger.invoicing.models import AcceptanceAct

TEMPLATE = "invoicing/documents/act.html"


class _NothingFetched(URLFetcher):
    """A URL fetcher that fetches nothing: an act is self-contained."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Acts load no external resources ({url[:60]}).")


@dataclass(frozen=True, slots=True)
class ActLine:
    """One line as printed: a month's part of an invoice line, or a credit-note line
    (negative amounts)."""

    position: int
    document_number: str
    description: str
    service_month: date
    period_start: date | None
    period_end: date | None
    vat_rate: Decimal
    net: Money
    vat: Money
    is_credit: bool

    @property
    def gross(self) -> Money:
        return self.net + self.vat


@dataclass(frozen=True, slots=True)
class ActContent:
    """Everything a printed act says, in the order a reader meets it."""

    public_id: str
    period_start: date
    period_end: date
    currency: str
    seller: Party
    buyer: Party
    lines: list[ActLine]
    vat_groups: list[VatGroup]
    net: Money
    vat: Money
    gross: Money
    formed_on: date
    dispute_deadline: date
    status: str
    acceptance: str
    accepted_on: date | None
    footer: str = ""
    language: str = "en"

    @property
    def reference(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return self.status == AcceptanceAct.Status.FORMED

    @property
    def is_accepted(self) -> bool:
        return self.status == AcceptanceAct.Status.ACCEPTED

    @property
    def is_disputed(self) -> bool:
        return self.status == AcceptanceAct.Status.DISPUTED

    @property
    def is_dispute_upheld(self) -> bool:
        return self.status == AcceptanceAct.Status.DISPUTE_UPHELD


def _buyer(payer: dict, language: str) -> Party:
    country = payer.get("country", "") or ""
    return Party(
        name=payer.get("name", "") or "",
        country=country,
        country_name=country_name(country, language),
        registry_code=payer.get("registry_code", "") or "",
        vat_number=payer.get("vat_number", "") or "",
        street=payer.get("street", "") or "",
        postal_code=payer.get("postal_code", "") or "",
        city=payer.get("city", "") or "",
        email=payer.get("invoice_email", "") or "",
        is_business=payer.get("kind") == "legal",
    )


def _lines(act: AcceptanceAct) -> list[ActLine]:
    currency = act.currency
    return [
        ActLine(
            position=row.position,
            document_number=row.document_number,
            description=row.description,
            service_month=row.service_month,
            period_start=row.period_start,
            period_end=row.period_end,
            vat_rate=row.vat_rate,
            net=Money(row.net_minor, currency),
            vat=Money(row.vat_minor, currency),
            is_credit=row.credit_note_line_id is not None,
        )
        for row in act.lines.order_by("position", "id")
    ]


def _check_totals(act: AcceptanceAct, lines: list[ActLine]) -> None:
    """The stored totals must be the sums of the stored lines; refuse to print otherwise."""
    net = Money.total((line.net for line in lines), act.currency)
    vat = Money.total((line.vat for line in lines), act.currency)
    if (net.minor, vat.minor, (net + vat).minor) != (act.net_minor, act.vat_minor, act.gross_minor):
        raise DomainError(
            "document_totals_inconsistent",
            _("%(act)s: the stored totals differ from the sums of its lines.") % {"act": act},
            fields={"act": "totals differ from the sum of the lines"},
            status=409,
        )


def act_content(act: AcceptanceAct, *, today: date | None = None) -> ActContent:
    """What ``act`` prints, with its status as of today (or ``today``) (DOC-01, DOC-02)."""
    language = document_language()
    snapshot = act.provider_snapshot or {}
    lines = _lines(act)
    _check_totals(act, lines)
    return ActContent(
        public_id=act.public_id,
        period_start=act.period_start,
        period_end=act.period_end,
        currency=act.currency,
        seller=seller_party(snapshot, language),
        buyer=_buyer(act.payer_data, language),
        lines=lines,
        vat_groups=vat_groups_of(lines, act.currency),
        net=act.net,
        vat=act.vat,
        gross=act.gross,
        formed_on=act.formed_on,
        dispute_deadline=act.dispute_deadline,
        status=act_status(act, today=today),
        acceptance=act.acceptance,
        accepted_on=act.accepted_at.date() if act.accepted_at else None,
        footer=provider_details(snapshot).get("footer") or "",
        language=language,
    )


def act_html(act: AcceptanceAct, *, today: date | None = None) -> str:
    """The act as a self-contained HTML page, the same as its PDF (DOC-01).

    The caller must have loaded ``act`` through an ownership-checked selector
    (``hostledger.invoicing.act_selectors.client_act``) or be staff. Printed in the
    client's language (:func:`~.content.client_language`), whoever looks.
    """
    with translation.override(client_language(act.client)):
        return render_to_string(TEMPLATE, {"act": act_content(act, today=today)})


def act_pdf(act: AcceptanceAct, *, today: date | None = None) -> bytes:
    """The act as PDF bytes (DOC-01). Reads only."""
    html = HTML(string=act_html(act, today=today), url_fetcher=_NothingFetched())
    return html.write_pdf()


def act_file_name(act: AcceptanceAct) -> str:
    """A download name such as ``act-2025-01-act_3k9….pdf``."""
    stem = f"act-{act.period_start:%Y-%m}-{act.public_id}"
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('-')}.pdf"
