"""How every client and staff page writes dates, document numbers and prices (issue 11 §8).

Loaded into every template (``TEMPLATES`` builtins), so no page needs ``{% load %}``:

* ``{{ day|day }}``, ``{{ moment|moment }}`` and ``{{ day|month }}``: the one date format of
  HostLedger, the one date-and-time format (in the provider's time zone) and the month with
  its year, in the page's language. English uses ``settings.DATE_FORMAT`` ("7 Dec 2026") and
  ``settings.DATETIME_FORMAT`` ("7 Dec 2026, 14:05"); Estonian and Russian their CLDR medium
  formats through Babel ("7. dets 2026", "7. dets 2026 14:05"); the month is CLDR's
  "December 2026", "detsember 2026";
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

from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from hostledger.core.money import Money, format_money
from hostledger.invoicing.vat import vat_decision

register = template.Library()

INCLUDING_VAT = pgettext_lazy("price label", "incl. VAT")
EXCLUDING_VAT = pgettext_lazy("price label", "excl. VAT")
_VAT_CACHE_ATTRIBUTE = "_hostledger_consumer_vat_rate"
SETTINGS_FORMAT_LANGUAGES = ("en",)
"""Languages whose dates follow ``settings.DATE_FORMAT``/``DATETIME_FORMAT``; the others
write CLDR's medium formats."""


def display_locale() -> str:
    """The locale of the page being written: its language ("en", "et", "ru")."""
    return (get_language() or "en").split("-")[0]


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def day(value) -> str:
    """A date (or the date of a moment) in the one date format; "" for nothing."""
    if isinstance(value, datetime):
        value = _local(value).date()
    if not isinstance(value, date):
        return ""
    locale = display_locale()
    if locale in SETTINGS_FORMAT_LANGUAGES:
        return dateformat.format(value, settings.DATE_FORMAT)
    return format_date(value, "medium", locale=locale)


@register.filter
def moment(value) -> str:
    """A moment in the one date-and-time format, in the provider's time zone."""
    if not isinstance(value, datetime):
        return day(value)
    value = _local(value)
    locale = display_locale()
    if locale in SETTINGS_FORMAT_LANGUAGES:
        return dateformat.format(value, settings.DATETIME_FORMAT)
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", format_date(value.date(), "medium", locale=locale)).replace(
        "{0}", format_time(value.time(), "HH:mm", locale=locale)
    )


@register.filter
def month(value) -> str:
    """The month and year of a date or moment ("December 2026"), in the page's language."""
    if isinstance(value, datetime):
        value = _local(value).date()
    if not isinstance(value, date):
        return ""
    return format_skeleton("yMMMM", value, locale=display_locale())


@register.filter
def document_number(document) -> str:
    """An invoice's or credit note's number; a proforma, unnumbered until paid, is
    "Proforma" with its reader number."""
    if document is None:
        return ""
    number = getattr(document, "number_display", "")
    if number:
        return number
    return _("Proforma %(number)s") % {"number": document.pk}


@register.filter
def order_number(order) -> str:
    """The order as people name it, "Order 2026-00042", by its number from the yearly series
    (ORD-01); an order without a number reads by its row number."""
    if order is None:
        return ""
    return _("Order %(number)s") % {"number": getattr(order, "number", "") or order.pk}


@register.filter
def service_name(service) -> str:
    """The tariff's name with the service's reader number; "Service no. 311" where the
    page did not load the tariff (never a query per row)."""
    if service is None:
        return ""
    tariff_field = type(service)._meta.get_field("tariff")
    if not tariff_field.is_cached(service):
        return _("Service no. %(number)s") % {"number": service.pk}
    return _("%(tariff)s · no. %(number)s") % {"tariff": service.tariff.name, "number": service.pk}


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
        format_money(amount, display_locale()),
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
    return _("no. %(number)s") % {"number": service.pk} if service is not None else ""


@register.simple_tag(takes_context=True)
def price_text(context, net) -> str:
    """The price the viewer pays as plain text, for places that hold no markup (a select's
    option): "€12.28 incl. VAT" for a natural person in the client area, else
    "€9.90 excl. VAT"."""
    if not isinstance(net, Money):
        return "" if net is None else str(net)
    rate = _consumer_vat_rate(context)
    if rate is None:
        return f"{format_money(net, display_locale())} {EXCLUDING_VAT}"
    gross = net.multiply(Decimal(1) + rate / Decimal(100))
    return f"{format_money(gross, display_locale())} {INCLUDING_VAT}"
