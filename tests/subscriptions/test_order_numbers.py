"""Orders are numbered for people from a yearly series (ORD-01, issue 11 §8): pages,
messages and the staff search use the number, and invoices print it as the order reference
(BT-13) in the CII and the UBL."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from lxml import etree

from hostledger.invoicing.documents import invoice_einvoice_xml, invoice_ubl_xml
from hostledger.invoicing.documents.einvoice import NAMESPACES
from hostledger.subscriptions.models import Order, OrderNumberCounter
from hostledger.subscriptions.numbering import order_number_next
from hostledger.web.templatetags.hostledger_display import order_number
from tests.subscriptions.factories import fund, new_payer

UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def test_orders_are_numbered_in_a_series_per_year__ORD_01(place, time_machine):
    first = place()
    second = place()

    assert (first.number, second.number) == ("2027-00001", "2027-00002")
    assert order_number(second) == "Order 2027-00002"
    time_machine.move_to("2028-01-01 10:00:00+02:00")
    assert place(today=date(2028, 1, 1)).number == "2028-00001"
    assert list(OrderNumberCounter.objects.order_by("year").values_list("year", "last_number")) == [
        (2027, 2),
        (2028, 1),
    ]


def test_a_rolled_back_order_gives_its_number_back__ORD_01(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        order_number_next(placed_on=date(2027, 3, 1))
        raise RuntimeError("the order was refused")

    with transaction.atomic():
        assert order_number_next(placed_on=date(2027, 3, 1)) == "2027-00001"


def test_the_invoice_of_an_order_carries_its_number_as_bt_13__ORD_01_BIL_10(
    place, client_record, apply_payments
):
    fund(client_record, "100.00")
    order = place()
    apply_payments(client_record)
    invoice = Order.objects.get(pk=order.pk).proforma

    assert invoice.order_reference == order.number == "2027-00001"
    cii = etree.fromstring(invoice_einvoice_xml(invoice))
    assert cii.xpath(
        "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NAMESPACES
    ) == ["2027-00001"]


def test_the_ubl_order_reference_is_the_order_number__BIL_10(place, other_client, apply_payments):
    other_client.kind = "legal"
    other_client.company_name = "Pilvepood OÜ"
    other_client.registry_code = "12345678"
    other_client.save()
    payer = new_payer(other_client, kind="legal", name="Pilvepood OÜ", registry_code="12345678")
    fund(other_client, "100.00")
    order = place(client=other_client, payer=payer)
    apply_payments(other_client)
    invoice = Order.objects.get(pk=order.pk).proforma

    ubl = etree.fromstring(invoice_ubl_xml(invoice))
    assert ubl.xpath("cac:OrderReference/cbc:ID/text()", namespaces=UBL) == [order.number]
    assert not order.number.startswith("ord_")
