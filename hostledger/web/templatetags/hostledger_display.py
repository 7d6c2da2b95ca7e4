"""How every client and staff page writes dates, document numbers and prices (issue 11 §8).

Loaded into every template (``TEMPLATES`` builtins), so no page needs ``{% load %}``:

* ``{{ day|day }}`` and ``{{ moment|moment }}``: the one date format of HostLedger
  (``settings.DATE_FORMAT``, "7 Dec 2026") and the one date-and-time format
  (``settings.DATETIME_FORMAT``, "7 Dec 2026, 14:05", in the provider's time zone);
* ``{{ invoice|document_number }}``, ``{{ order|order_number }}``,
  ``{{ service|service_name }}``: what people read instead of ``inv_…``/``ord_…``/``svc_…``
  ids (the ids stay in URLs): an invoice's number, "Proforma 1042" for a proforma that has
  none yet, "Order 1042", "Cloud VPS M · no. 311";
* ``{% price amount %}``: a price labelled the same everywhere, "€12.40 incl. VAT" or
  "€10.00 excl. VAT". In the client area a natural person sees prices with VAT (the EU
  price indication rules, Directive 98/6/EC), a business without; ``{% price net gross %}``
  writes both where both are known.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.html import format_html

from hostledger.core.money import Money, format_money
from hostledger.invoicing.vat import vat_decision

register = template.Library()

DISPLAY_LOCALE = "en"
INCLUDING_VAT = "incl. VAT"
EXCLUDING_VAT = "excl. VAT"
_VAT_CACHE_ATTRIBUTE = "_hostledger_consumer_vat_rate"


@register.filter
def day(value) -> str:
    """A date (or the date of a moment) in the one date format; "" for nothing."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, date):
        return ""
    return dateformat.format(value, settings.DATE_FORMAT)


@register.filter
def moment(value) -> str:
    """A moment in the one date-and-time format, in the provider's time zone."""
    if not isinstance(value, datetime):
        return day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, settings.DATETIME_FORMAT)


@register.filter
def document_number(document) -> str:
    """An invoice's or credit note's number; a proforma, unnumbered until paid, is
    "Proforma" with its reader number."""
    if document is None:
        return ""
    number = getattr(document, "number_display", "")
    if number:
        return number
    return f"Proforma {document.pk}"


@register.filter
def order_number(order) -> str:
    """The order as people name it, "Order 2026-00042", by its number from the yearly series
    (ORD-01); an order without a number reads by its row number."""
    if order is None:
        return ""
    return f"Order {getattr(order, 'number', '') or order.pk}"


@register.filter
def service_name(service) -> str:
    """The tariff's name with the service's reader number; "Service no. 311" where the
    page did not load the tariff (never a query per row)."""
    if service is None:
        return ""
    tariff_field = type(service)._meta.get_field("tariff")
    if not tariff_field.is_cached(service):
        return f"Service no. {service.pk}"
    return f"{service.tariff.name} · no. {service.pk}"


def _consumer_vat_rate(context) -> Decimal | None:
    """The VAT rate in percent a natural person of the client area is shown prices with, or
    None when prices are shown without VAT (a business, staff, no client). Decided once per
    request with the rules of the invoices (``invoicing.vat``)."""
    request = context.get("request")
    if request is not None and hasattr(request, _VAT_CACHE_ATTRIBUTE):
        return getattr(request, _VAT_CACHE_ATTRIBUTE)
    access = context.get("access")  # client-area views pass it; staff pages never do
    client = getattr(access, "client", None)
    rate = None
    if client is not None and client.kind == "natural":
        decision = vat_decision(
            buyer_country=client.country,
            buyer_is_business=False,
            buyer_vat_number=None,
            supply_date=timezone.localdate(),
        )
        rate = decision.rate
    if request is not None:
        setattr(request, _VAT_CACHE_ATTRIBUTE, rate)
    return rate


def _labelled(amount: Money, label: str, css: str = "price") -> str:
    return format_html(
        '<span class="{}">{} <span class="price-vat">{}</span></span>',
        css,
        format_money(amount, DISPLAY_LOCALE),
        label,
    )


@register.simple_tag(takes_context=True)
def price(context, net, gross=None) -> str:
    """A price with its VAT label. With ``gross`` both amounts are written, the one the
    viewer pays first; with a net amount alone, a natural person in the client area sees it
    with VAT at the rate that applies to them, everyone else without VAT."""
    if not isinstance(net, Money):
        return "" if net is None else str(net)
    rate = _consumer_vat_rate(context)
    if gross is None and rate is not None:
        gross = net.multiply(Decimal(1) + rate / Decimal(100))
    if gross is None:
        return _labelled(net, EXCLUDING_VAT)
    if rate is not None:
        return format_html(
            '{} <span class="price-other">{}</span>',
            _labelled(gross, INCLUDING_VAT),
            _labelled(net, EXCLUDING_VAT),
        )
    return format_html(
        '{} <span class="price-other">{}</span>',
        _labelled(net, EXCLUDING_VAT),
        _labelled(gross, INCLUDING_VAT),
    )


@register.filter
def event_title(code) -> str:
    """A message's event code in words: "renewal_invoice_issued" → "Renewal invoice issued"."""
    return str(code or "").replace("_", " ").capitalize()


@register.filter
def service_number(service) -> str:
    """The service's reader number alone ("no. 311"), beside its tariff's name."""
    return f"no. {service.pk}" if service is not None else ""


@register.simple_tag(takes_context=True)
def price_text(context, net) -> str:
    """The price the viewer pays as plain text, for places that hold no markup (a select's
    option): "€12.28 incl. VAT" for a natural person in the client area, else
    "€9.90 excl. VAT"."""
    if not isinstance(net, Money):
        return "" if net is None else str(net)
    rate = _consumer_vat_rate(context)
    if rate is None:
        return f"{format_money(net, DISPLAY_LOCALE)} {EXCLUDING_VAT}"
    gross = net.multiply(Decimal(1) + rate / Decimal(100))
    return f"{format_money(gross, DISPLAY_LOCALE)} {INCLUDING_VAT}"
