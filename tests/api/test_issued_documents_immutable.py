"""Issued documents never change (BIL-04), downloaded from the web and the API (BIL-10).

A final invoice and a credit note are downloaded as PDF, CII and Peppol UBL through the
client area and the API; then every provider setting a document prints is changed, the payer
is edited, days pass and another language is active — and every download returns the same
bytes (same SHA-256) as the first. Rendering itself is deterministic: the same document
renders to the same bytes on another day. A proforma is a request for payment, not an issued
invoice: its PDF is rendered each time from its snapshots, the same bytes while its state
stays the same.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import translation
from pypdf import PdfReader

from hostledger.accounts import actions as accounts
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing import actions as invoicing
from hostledger.invoicing.actions import issued_files_store_pending
from hostledger.invoicing.documents import document_pdf, invoice_einvoice_xml
from hostledger.invoicing.documents.einvoice import einvoice_content
from hostledger.invoicing.documents.pdf import _render_with_einvoice
from hostledger.invoicing.models import IssuedDocumentFile
from hostledger.invoicing.snapshots import PROVIDER_SNAPSHOT_SETTINGS
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "postal_code": "10117",
    "country": "EE",
    "invoice_email": "arved@pilvepood.example",
    "buyer_reference": "Cost centre 4410",
}
NEW_PROVIDER_VALUES = {
    "legal_name": "Renamed Hosting AS",
    "registry_code": "10000000",
    "vat_number": "EE100000000",
    "street": "Uus 1",
    "city": "Tartu",
    "postal_code": "50001",
    "country": "FI",
    "email": "arved@renamed.example",
    "phone": "+372 600 0000",
    "website": "https://renamed.example",
    "iban": "EE471000001020145685",
    "bic": "NEWBEE22",
    "bank_name": "New Bank AS",
    "footer": "A new footer.",
}
FORMATS = {"pdf": "pdf", "xml": "xml", "ubl": "ubl"}


@pytest.fixture
def payer(client_a):
    return accounts.payer_create(client=client_a.client, actor=client_a, data=COMPANY)


@pytest.fixture
def issued(client_a, payer):
    with time_machine.travel(MONDAY, tick=False):
        invoice = factories.make_final_invoice(client_a.client, payer, "20.00")
        note = factories.make_credit_note(invoice)
    return {"invoices": invoice, "credit-notes": note}


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _downloads(user, issued) -> dict:
    """SHA-256 of every file of every issued document, by channel, kind and format."""
    api = api_by_token(user)
    web = HttpClient()
    web.force_login(user)
    web_paths = {"invoices": "invoices", "credit-notes": "credit-notes"}
    found = {}
    for kind, document in issued.items():
        for name in FORMATS:
            answer = api.get(f"/{kind}/{document.public_id}/{name}")
            assert answer.status_code == 200, (kind, name, answer.content[:300])
            found[("api", kind, name)] = _sha(answer.content)
            page = web.get(f"/{web_paths[kind]}/{document.public_id}/{name}/")
            assert page.status_code == 200, (kind, name)
            found[("web", kind, name)] = _sha(page.content)
    return found


def test_issued_files_keep_their_bytes_whatever_changes_later__BIL_04(client_a, payer, issued):
    first = _downloads(client_a, issued)
    for kind in issued:
        for name in FORMATS:
            assert first[("api", kind, name)] == first[("web", kind, name)]
    stored = dict(
        IssuedDocumentFile.objects.values_list("format", "sha256").filter(
            invoice=issued["invoices"]
        )
    )
    assert stored == {
        "pdf": first[("api", "invoices", "pdf")],
        "cii": first[("api", "invoices", "xml")],
        "ubl": first[("api", "invoices", "ubl")],
    }

    assert set(NEW_PROVIDER_VALUES) == set(PROVIDER_SNAPSHOT_SETTINGS)  # every printed setting
    for name, key in PROVIDER_SNAPSHOT_SETTINGS.items():
        provider_setting_change(key=key, raw_value=NEW_PROVIDER_VALUES[name])
    accounts.payer_update(
        payer=payer,
        actor=client_a,
        data={"name": "Renamed Client OÜ", "street": "Pärnu mnt 1", "buyer_reference": "X"},
    )
    with time_machine.travel(MONDAY + timedelta(days=400), tick=False), translation.override("et"):
        again = _downloads(client_a, issued)

    assert again == first
    assert IssuedDocumentFile.objects.count() == 6  # 2 documents x PDF, CII, UBL, stored once


def test_a_final_invoice_renders_to_the_same_bytes_on_any_day__BIL_04(client_a, payer, issued):
    invoice = issued["invoices"]
    xml = invoice_einvoice_xml(invoice)
    with time_machine.travel(MONDAY, tick=False):
        first = _render_with_einvoice(einvoice_content(invoice), xml)
    with time_machine.travel(MONDAY + timedelta(days=33, hours=5), tick=False):
        later = _render_with_einvoice(einvoice_content(invoice), xml)
    assert _sha(first) == _sha(later)
    metadata = PdfReader(io.BytesIO(first)).metadata
    moment = datetime(2026, 3, 2, tzinfo=UTC)  # the invoice's day, not the rendering's
    assert (metadata.creation_date, metadata.modification_date) == (moment, moment)


def test_a_proforma_is_rendered_each_time_the_same_while_its_state_is__BIL_04(client_a, payer):
    with time_machine.travel(MONDAY, tick=False):
        proforma = factories.make_proforma(client_a.client, payer)
        first = document_pdf(proforma)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        again = document_pdf(proforma)
        cancelled = document_pdf(invoicing.proforma_cancel(proforma=proforma))
    assert _sha(first) == _sha(again)
    assert _sha(cancelled) != _sha(first)  # the state it shows changed: not an issued invoice
    assert not IssuedDocumentFile.objects.filter(invoice=proforma).exists()


def test_the_job_keeps_the_files_of_documents_nobody_downloaded_yet__BIL_04(
    client_a, payer, issued
):
    assert issued_files_store_pending() == 2
    stored = set(IssuedDocumentFile.objects.values_list("format", flat=True))
    assert stored == {"pdf", "cii", "ubl"}
    assert IssuedDocumentFile.objects.count() == 6
    assert issued_files_store_pending() == 0  # once
    pdf = api_by_token(client_a).get(f"/invoices/{issued['invoices'].public_id}/pdf")
    assert (
        _sha(pdf.content)
        == IssuedDocumentFile.objects.get(invoice=issued["invoices"], format="pdf").sha256
    )
