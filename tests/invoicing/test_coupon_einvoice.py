"""An invoice with a coupon's discounted tariff line passes the official EN 16931 rules, as
CII and as UBL (decision 0055, BIL-10, BIL-02)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hostledger.catalog.coupons import Discount
from hostledger.core.money import Money
from hostledger.invoicing.documents import invoice_einvoice_xml, invoice_ubl_xml
from hostledger.subscriptions.actions.order_input import PricedItem, item_line
from hostledger.subscriptions.models import OrderItem
from tests.invoicing.einvoice_validation import (
    CII_EN16931_XSLT,
    UBL_EN16931_XSLT,
    artefact,
    assert_no_findings,
)
from tests.invoicing.test_einvoice_validation import estonian_company, paid

pytestmark = pytest.mark.django_db

STARTS_ON = date(2025, 8, 1)
ENDS_ON = date(2026, 7, 31)


def discounted_invoice():
    client, payer = estonian_company()
    tariff = PricedItem(
        kind=OrderItem.Kind.TARIFF,
        code="vps-start",
        name="VPS Start",
        monthly_fee=Money.of("9.99", "EUR"),
        quantity=1,
        months=12,
    )
    add_on = PricedItem(
        kind=OrderItem.Kind.ADD_ON,
        code="backups",
        name="Daily backups",
        monthly_fee=Money.of("3.49", "EUR"),
        quantity=1,
        months=12,
    )
    discount = Discount(kind="percentage", percent=Decimal("12.5"), label="SPRING")
    lines = [
        item_line(tariff, STARTS_ON, ENDS_ON, discount),
        item_line(add_on, STARTS_ON, ENDS_ON, discount),
    ]
    return paid(client, payer, lines, order_reference="ord_3k9d2m7q8w1x4z6v")


def test_discounted_line_is_one_amount_rounded_once__BIL_02():
    invoice = discounted_invoice()
    first, second = invoice.lines.order_by("position")
    # 9.99 x 12 = 119.88; less 12.5 % = 104.895, rounded once half up: 104.90.
    assert (first.quantity, first.unit_price_minor, first.net_minor) == (Decimal(1), 10490, 10490)
    assert "SPRING: 12.5 % off (119.88 EUR less 14.98 EUR)" in first.description
    assert second.net_minor == 4188  # add-ons keep their price
    assert invoice.net_minor == 10490 + 4188


def test_discounted_invoice_passes_the_en16931_schematron_as_cii__BIL_10():
    assert_no_findings(CII_EN16931_XSLT, invoice_einvoice_xml(discounted_invoice()))


def test_discounted_invoice_passes_the_en16931_schematron_as_ubl__BIL_10():
    assert_no_findings(artefact(UBL_EN16931_XSLT), invoice_ubl_xml(discounted_invoice()))
