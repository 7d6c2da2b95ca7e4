"""Quotes: staff prepare and send them; the client accepts one into orders, once, or
declines it; expired and withdrawn quotes cannot be accepted (decision 0055, ORD-01)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hostledger.catalog.actions import coupon_create
from hostledger.core.errors import DomainError
from hostledger.invoicing.models import InvoiceLine
from hostledger.subscriptions.actions import (
    QuoteLineInput,
    quote_accept,
    quote_create,
    quote_decline,
    quote_send,
    quote_withdraw,
)
from hostledger.subscriptions.models import Order, QuoteStatus
from hostledger.subscriptions.quote_selectors import client_quotes, quote_pricing
from tests.subscriptions.factories import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_quote(shop, client_record, payer, staff):
    def _make(**values):
        defaults = {
            "client": client_record,
            "payer": payer,
            "valid_until": TODAY + timedelta(days=14),
            "lines": [
                QuoteLineInput(tariff=shop.vps_start, period_months=12, os_image=shop.debian),
                QuoteLineInput(
                    tariff=shop.vps_large, period_months=1, quantity=2, os_image=shop.debian
                ),
            ],
            "actor": staff,
            "today": TODAY,
        }
        defaults.update(values)
        return quote_create(**defaults)

    return _make


def test_accepted_quote_becomes_its_orders_once__ORD_01(
    make_quote, client_record, staff, django_capture_on_commit_callbacks
):
    quote = make_quote(discount_percent="10")
    assert list(client_quotes(client_record)) == []  # a draft stays with staff
    quote_send(quote=quote, actor=staff, today=TODAY)
    pricing = quote_pricing(quote, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        orders = quote_accept(quote=quote, actor=client_record.owner, today=TODAY)
    assert len(orders) == 3
    assert sum(order.net_minor for order in orders) == pricing.net.minor
    proforma_gross = sum(order.proforma.gross_minor for order in orders)
    assert proforma_gross == pricing.gross.minor, "the quote shows what the proformas charge"
    first = orders[0]
    assert first.discount_minor == 1188  # 10 % of 9.90 x 12
    line = InvoiceLine.objects.get(invoice=first.proforma, position=1)
    assert line.net_minor == 10692
    again = quote_accept(quote=quote, actor=client_record.owner, today=TODAY)
    assert [order.pk for order in again] == [order.pk for order in orders]
    assert Order.objects.count() == 3
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED


def test_expired_quote_is_refused_with_a_field_error(make_quote, client_record, staff):
    quote = make_quote(valid_until=TODAY + timedelta(days=2))
    quote_send(quote=quote, actor=staff, today=TODAY)
    with pytest.raises(DomainError) as refused:
        quote_accept(quote=quote, actor=client_record.owner, today=TODAY + timedelta(days=3))
    assert refused.value.fields == {"quote": "This quote expired on 2027-03-03."}
    assert Order.objects.count() == 0
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_withdrawn_or_declined_quote_cannot_be_accepted(make_quote, client_record, staff):
    withdrawn = make_quote()
    quote_send(quote=withdrawn, actor=staff, today=TODAY)
    quote_withdraw(quote=withdrawn, actor=staff)
    declined = make_quote()
    quote_send(quote=declined, actor=staff, today=TODAY)
    quote_decline(quote=declined, actor=client_record.owner)
    for quote in (withdrawn, declined):
        with pytest.raises(DomainError) as refused:
            quote_accept(quote=quote, actor=client_record.owner, today=TODAY)
        assert "quote" in refused.value.fields
    assert Order.objects.count() == 0


def test_draft_cannot_be_accepted_and_bad_input_names_fields(make_quote, client_record, shop):
    draft = make_quote()
    with pytest.raises(DomainError):
        quote_accept(quote=draft, actor=client_record.owner, today=TODAY)
    coupon_create(code="Q", kind="percentage", value="5")
    with pytest.raises(DomainError) as refused:
        make_quote(
            valid_until=TODAY - timedelta(days=1),
            lines=[QuoteLineInput(tariff=shop.vps_start, period_months=7, quantity=0)],
            coupon_code="q",
            discount_percent="5",
        )
    assert set(refused.value.fields) == {
        "valid_until",
        "lines[0].period_months",
        "lines[0].quantity",
        "discount_percent",
    }


def test_a_line_the_order_form_would_refuse_refuses_the_acceptance(
    make_quote, client_record, staff, shop
):
    quote = make_quote(lines=[QuoteLineInput(tariff=shop.vps_start, period_months=1)])
    quote_send(quote=quote, actor=staff, today=TODAY)
    with pytest.raises(DomainError) as refused:
        quote_accept(quote=quote, actor=client_record.owner, today=TODAY)
    assert "lines[0].os_image" in refused.value.fields
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert Order.objects.count() == 0
