"""Several provider entities in one installation: each numbers its documents in its own
gapless series and prints its own seller details on the PDF and the e-invoice (BIL-04,
BIL-10)."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from hostledger.core.errors import DomainError
from hostledger.flows.provider_entities import provider_entity_open
from hostledger.invoicing.actions import credit_note_issue, invoice_finalise, proforma_create
from hostledger.invoicing.documents import document_pdf, invoice_ubl_xml
from hostledger.invoicing.models import InvoiceSeries
from hostledger.providers.models import ProviderEntity
from hostledger.providers.selectors import default_entity
from tests.invoicing.conftest import line, make_client, make_payer
from tests.invoicing.einvoice_validation import (
    UBL_EN16931_XSLT,
    artefact,
    assert_no_findings,
)
from tests.invoicing.entity_factories import TELEPHONY, telephony_entity
from tests.invoicing.test_documents_pdf import pdf_text

pytestmark = pytest.mark.django_db

ISSUED = date(2025, 8, 1)
PAID = date(2025, 8, 4)
UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def _company():
    client = make_client("arved@pilvepood.example", kind="legal")
    payer = make_payer(
        client,
        kind="legal",
        name="Pilvepood OÜ",
        registry_code="12345678",
        vat_number="EE102329731",
        street="Narva mnt 5",
        city="Tallinn",
        postal_code="10117",
    )
    return client, payer


def _paid(client, payer, entity=None, paid_on=PAID):
    proforma = proforma_create(
        client=client, payer=payer, lines=[line()], issued_on=ISSUED, entity=entity
    )
    return invoice_finalise(proforma=proforma, paid_on=paid_on)


def test_two_entities_number_in_their_own_gapless_series__BIL_04():
    client, payer = _company()
    telephony = telephony_entity()
    numbers = [
        _paid(client, payer).number_display,
        _paid(client, payer, telephony).number_display,
        _paid(client, payer, default_entity()).number_display,
        _paid(client, payer, telephony).number_display,
        _paid(client, payer, telephony).number_display,
    ]
    assert numbers == [
        "INV-2025-000001",
        "TEL-2025-000001",
        "INV-2025-000002",
        "TEL-2025-000002",
        "TEL-2025-000003",
    ]


def test_a_credit_note_takes_the_number_of_its_invoices_entity__BIL_04():
    client, payer = _company()
    invoice = _paid(client, payer, telephony_entity())
    note = credit_note_issue(invoice=invoice, full=True, reason="Cancelled", issued_on=PAID)
    assert (note.entity_id, note.number_display) == (invoice.entity_id, "TEL-CN-2025-000001")
    assert note.provider_snapshot["legal_name"] == TELEPHONY["legal_name"]


def test_the_default_entity_prints_the_provider_settings_as_before__BIL_04():
    client, payer = _company()
    invoice = _paid(client, payer)
    assert invoice.entity == default_entity()
    assert invoice.provider_snapshot["legal_name"] == "SmartApe OÜ"
    assert "brand_name" not in invoice.provider_snapshot


def test_pdf_prints_the_seller_of_the_documents_entity__BIL_10():
    client, payer = _company()
    ours = pdf_text(document_pdf(_paid(client, payer)))
    theirs = pdf_text(document_pdf(_paid(client, payer, telephony_entity())))
    assert "SmartApe OÜ" in ours and "SmartApe Telecom OÜ" not in ours
    assert "SmartApe Telecom OÜ" in theirs and "16999990" in theirs


def test_ubl_seller_is_the_documents_entity_and_passes_en16931__BIL_10():
    client, payer = _company()
    for entity, name, registry in (
        (None, "SmartApe OÜ", "16124388"),
        (telephony_entity(), TELEPHONY["legal_name"], TELEPHONY["registry_code"]),
    ):
        xml = invoice_ubl_xml(_paid(client, payer, entity))
        tree = etree.fromstring(xml)
        seller = tree.find("cac:AccountingSupplierParty/cac:Party", UBL)
        assert seller.findtext("cac:PartyLegalEntity/cbc:RegistrationName", None, UBL) == name
        assert seller.findtext("cac:PartyLegalEntity/cbc:CompanyID", None, UBL) == registry
        assert_no_findings(artefact(UBL_EN16931_XSLT), xml)


def test_a_second_entity_needs_its_own_legal_details_and_a_free_prefix():
    with pytest.raises(DomainError) as refused:
        provider_entity_open(code="telephony", details={"invoice_series_prefix": "TEL"})
    assert {"legal_name", "iban"} <= set(refused.value.fields)
    assert not ProviderEntity.objects.filter(code="telephony").exists()
    assert not InvoiceSeries.objects.filter(code__startswith="TELEPHONY").exists()
    with pytest.raises(DomainError) as taken:
        provider_entity_open(code="other", details={**TELEPHONY, "invoice_series_prefix": "INV"})
    assert "invoice_series_prefix" in taken.value.fields
