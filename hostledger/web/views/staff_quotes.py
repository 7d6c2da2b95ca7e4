"""Staff pages of quotes (decision 0055): the list, a new quote, and one quote with its
prices as the client will see them, to send or withdraw. Every page needs
``services.manage``; each write is one quote action whose DomainError is shown next to the
field it names."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.subscriptions.actions import quote_create, quote_send, quote_withdraw
from hostledger.subscriptions.models import QuoteStatus
from hostledger.subscriptions.quote_selectors import (
    STAFF_LIST_LIMIT,
    quote_is_expired,
    quote_pricing,
    quotes_for_staff,
    staff_quote,
)
from hostledger.web.decorators import staff_area
from hostledger.web.forms_staff_quotes import QuoteForm
from hostledger.web.views.common import form_data, render_form_page

SERVICES_MANAGE = perms.SERVICES_MANAGE


@require_GET
@staff_area(SERVICES_MANAGE)
def quote_list(request):
    """Every client's quotes, newest first, by status when asked."""
    status = request.GET.get("status") or None
    today = timezone.localdate()
    quotes = [
        (quote, quote_is_expired(quote, today))
        for quote in quotes_for_staff(status=status)[:STAFF_LIST_LIMIT]
    ]
    context = {"quotes": quotes, "statuses": QuoteStatus.choices, "status": status}
    return render(request, "web/staff/quotes/list.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(SERVICES_MANAGE)
def quote_new(request):
    """A new draft quote for one client."""
    form = QuoteForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            quote = quote_create(
                client=form.cleaned_data["client"],
                payer=form.chosen_payer(),
                valid_until=form.cleaned_data["valid_until"],
                lines=form.lines(),
                coupon_code=form.cleaned_data.get("coupon") or "",
                discount_percent=form.cleaned_data.get("discount_percent") or None,
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Quote %(quote)s saved as a draft.") % {"quote": quote})
            return redirect("web:staff_quote", public_id=quote.public_id)
    return render_form_page(request, "web/staff/quotes/new.html", {"form": form}, form=form)


def _quote_page(request, quote, *, status=200, problem=""):
    today = timezone.localdate()
    context = {
        "quote": quote,
        "pricing": quote_pricing(quote, today=today),
        "expired": quote_is_expired(quote, today),
        "orders": list(quote.orders.order_by("id")),
        "problem": problem,
    }
    return render(request, "web/staff/quotes/detail.html", context, status=status)


@require_GET
@staff_area(SERVICES_MANAGE)
def quote_detail(request, public_id):
    """One quote with its lines priced as the client sees them."""
    return _quote_page(request, staff_quote(public_id))


@require_POST
@staff_area(SERVICES_MANAGE)
def quote_send_view(request, public_id):
    """Show the draft to the client."""
    quote = staff_quote(public_id)
    try:
        quote_send(quote=quote, actor=request.user)
    except DomainError as error:
        return _quote_page(request, quote, status=400, problem=error.message)
    messages.success(request, _("Quote sent to the client."))
    return redirect("web:staff_quote", public_id=quote.public_id)


@require_POST
@staff_area(SERVICES_MANAGE)
def quote_withdraw_view(request, public_id):
    """Take the quote back before the client decides."""
    quote = staff_quote(public_id)
    try:
        quote_withdraw(quote=quote, actor=request.user)
    except DomainError as error:
        return _quote_page(request, quote, status=400, problem=error.message)
    messages.success(request, _("Quote withdrawn."))
    return redirect("web:staff_quote", public_id=quote.public_id)
