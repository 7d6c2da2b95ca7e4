"""The client's quotes (decision 0055): the offers staff sent, each priced with VAT as the
order form prices it, accepted into orders or declined. Reading needs the services scope;
accepting and declining the owner or a trusted user who may order (ACC-06)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError
from hostledger.subscriptions.actions import quote_accept, quote_decline
from hostledger.subscriptions.models import QuoteStatus
from hostledger.subscriptions.quote_selectors import (
    client_quote,
    client_quotes,
    quote_is_expired,
    quote_pricing,
)
from hostledger.web.decorators import client_area

SERVICES = AccessGrant.Scope.SERVICES


@require_GET
@client_area(reads=SERVICES)
def quote_list(request, access):
    """The quotes staff sent the client, newest first."""
    today = timezone.localdate()
    quotes = [(quote, quote_is_expired(quote, today)) for quote in client_quotes(access.client)]
    return render(request, "web/client/quotes/list.html", {"access": access, "quotes": quotes})


def _quote_page(request, access, quote, *, status=200, problem=""):
    today = timezone.localdate()
    expired = quote_is_expired(quote, today)
    context = {
        "access": access,
        "quote": quote,
        "pricing": quote_pricing(quote, today=today),
        "expired": expired,
        "problem": problem,
        "orders": list(quote.orders.order_by("id")),
        "can_decide": access.can_write(SERVICES)
        and quote.status == QuoteStatus.SENT
        and not expired,
        "natural_person": access.client.kind == access.client.Kind.NATURAL,
    }
    return render(request, "web/client/quotes/detail.html", context, status=status)


@require_GET
@client_area(reads=SERVICES)
def quote_detail(request, access, public_id):
    """One quote: its lines priced for the client as the order form prices them, VAT
    included, and the orders it became once accepted."""
    return _quote_page(request, access, client_quote(access.client, public_id))


@require_POST
@client_area(reads=SERVICES)
def quote_accept_view(request, access, public_id):
    """Accept the quote into orders (once; accepting again changes nothing)."""
    quote = client_quote(access.client, public_id)
    access.require_write(SERVICES)
    try:
        orders = quote_accept(
            quote=quote,
            actor=request.user,
            start_at_once=request.POST.get("start_at_once") == "on",
        )
    except DomainError as error:
        problem = (
            next(iter(error.fields.values()), error.message) if error.fields else error.message
        )
        return _quote_page(request, access, quote, status=400, problem=problem)
    messages.success(
        request,
        _("Quote accepted: %(n)d orders placed.") % {"n": len(orders)},
    )
    return redirect("web:order_list")


@require_POST
@client_area(reads=SERVICES)
def quote_decline_view(request, access, public_id):
    """Turn the quote down."""
    quote = client_quote(access.client, public_id)
    access.require_write(SERVICES)
    try:
        quote_decline(quote=quote, actor=request.user)
    except DomainError as error:
        return _quote_page(request, access, quote, status=400, problem=error.message)
    messages.success(request, _("Quote declined."))
    return redirect("web:quote_list")
