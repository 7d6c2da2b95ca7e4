"""Reads of quotes for the client area, the staff area and the API (decision 0055).

A client reads only quotes staff sent (or that were sent and then decided), through
:func:`client_quotes` and :func:`client_quote` scoped to the client (habit 6). The prices of
a quote are those of the order form: each line priced by ``order_quote`` for the quote's
payer today, with the quote's coupon or discount, as the proformas of its orders will bill
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from hostledger.catalog.coupons import coupon_discount, coupon_problem
from hostledger.core.errors import NotFound
from hostledger.core.money import Money
from hostledger.subscriptions.actions.quotes import quote_discount
from hostledger.subscriptions.models import Quote, QuoteLine, QuoteStatus
from hostledger.subscriptions.web_selectors import OrderQuote, order_quote

CLIENT_VISIBLE = (
    QuoteStatus.SENT,
    QuoteStatus.ACCEPTED,
    QuoteStatus.DECLINED,
    QuoteStatus.WITHDRAWN,
)
STAFF_LIST_LIMIT = 200


def _quotes() -> QuerySet[Quote]:
    return Quote.objects.select_related("client", "payer", "coupon")


def client_quotes(client) -> QuerySet[Quote]:
    """The quotes staff sent the client, newest first (drafts stay with staff)."""
    return _quotes().filter(client=client, status__in=CLIENT_VISIBLE)


def client_quote(client, public_id: str) -> Quote:
    found = client_quotes(client).filter(public_id=public_id).first()
    if found is None:
        raise NotFound("quote")
    return found


def quotes_for_staff(*, status: str | None = None) -> QuerySet[Quote]:
    quotes = _quotes()
    if status in QuoteStatus.values:
        quotes = quotes.filter(status=status)
    return quotes


def staff_quote(public_id: str) -> Quote:
    found = _quotes().filter(public_id=public_id).first()
    if found is None:
        raise NotFound("quote")
    return found


def quote_is_expired(quote: Quote, today: date) -> bool:
    return quote.status == QuoteStatus.SENT and quote.valid_until < today


@dataclass(frozen=True)
class PricedQuoteLine:
    line: QuoteLine
    quote: OrderQuote
    """The proforma of one order of the line."""

    @property
    def gross(self) -> Money:
        return self.quote.gross.multiply(self.line.quantity)


@dataclass(frozen=True)
class QuotePricing:
    """Each line priced as its orders will be billed, and the totals of all of them."""

    lines: list[PricedQuoteLine]
    net: Money
    vat: Money
    gross: Money
    problem: str = ""


def quote_pricing(quote: Quote, *, today: date) -> QuotePricing:
    """The quote's lines priced for its payer today as the order form prices them: VAT as
    the proforma of each order will carry it, the coupon or discount on each tariff."""
    _code, discount = quote_discount(quote)
    priced = []
    net_minor = vat_minor = 0
    currency = "EUR"
    problem = ""
    for line in quote.lines.select_related("tariff", "os_image"):
        coupon_problem_text = ""
        if quote.coupon is not None:
            coupon_problem_text = coupon_problem(
                quote.coupon, client=quote.client, tariff=line.tariff, today=today
            )
            discount = None if coupon_problem_text else coupon_discount(quote.coupon)
        offer = order_quote(
            payer=quote.payer,
            tariff=line.tariff,
            add_ons=[],
            os_image=line.os_image,
            period_months=line.period_months,
            today=today,
            discount=discount,
            coupon_problem=coupon_problem_text,
        )
        currency = offer.net.currency
        problem = problem or offer.problem or coupon_problem_text
        net_minor += offer.net.minor * line.quantity
        vat_minor += offer.vat.minor * line.quantity
        priced.append(PricedQuoteLine(line=line, quote=offer))
    return QuotePricing(
        lines=priced,
        net=Money(net_minor, currency),
        vat=Money(vat_minor, currency),
        gross=Money(net_minor + vat_minor, currency),
        problem=problem,
    )
