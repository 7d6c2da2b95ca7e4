"""The client area's money pages: the catalog, the balance and its statement, top-ups (CAT, BIL).

Every page gets the signed-in user's :class:`~hostledger.accounts.selectors.ClientAccess` and
reads through the selectors of the catalog and the ledger, so another client's top-up is a
404 (habit 6). Paying money in is a billing write: a trusted user without the billing scope
gets 403 and nothing changes (ACC-06). Once money has reached a balance,
:func:`money_arrived_apply` takes the next step; it is the one place that names it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from urllib.parse import unquote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hostledger.accounts.models import AccessGrant
from hostledger.catalog.models import MeteredItem
from hostledger.catalog.selectors import (
    OfferedAddOn,
    OfferedFamily,
    OfferedTariff,
    catalog_for_browsing,
)
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.ledger.actions import local_top_up_pay, top_up_start
from hostledger.ledger.actions.topups import TOP_UP_ID_PLACEHOLDER
from hostledger.ledger.bank_transfer import bank_transfer_instructions
from hostledger.ledger.conf import LOCAL_GATEWAY_ENABLED
from hostledger.ledger.gateways.interface import GatewayError
from hostledger.ledger.gateways.local import local_gateway
from hostledger.ledger.models import GatewayTopUp, Payment
from hostledger.ledger.selectors import (
    account_statement,
    account_statement_csv_rows,
    balance_of,
    client_top_up,
    payments_of,
)
from hostledger.subscriptions.actions import client_payments_apply
from hostledger.web.decorators import client_area
from hostledger.web.forms_money import (
    STATEMENT_DEFAULT_DAYS,
    StatementRangeForm,
    TopUpForm,
    offered_gateways,
)
from hostledger.web.views.common import form_data, render_form_page

BILLING = AccessGrant.Scope.BILLING
ORDER_PAGE_PATH = "/orders/new/"
"""The order form; each tariff links to it with ``?tariff=<public id>`` (ORD-01)."""
PAYMENTS_SHOWN = 50
"""The most recent payments listed on the balance page."""
TOP_UP_POLL_SECONDS = 2
"""How often the page of a pending top-up asks again whether the payment arrived."""
PAYMENT_SOURCE_LABELS = {
    Payment.Source.STAFF: gettext_lazy("Recorded by our staff"),
    Payment.Source.BANK_STATEMENT: gettext_lazy("Bank transfer"),
}


def money_arrived_apply(*, client, actor=None) -> None:
    """The next step once money reached ``client``'s balance: pay the open proformas it now
    covers, oldest first, and start the services they paid for (ORD-03, BIL-03).

    Called after a gateway notification and after the local gateway's pay page; this is the
    one place that names the step (``subscriptions.actions.client_payments_apply``).
    """
    client_payments_apply(client=client, actor=actor)


# ----------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class CatalogFamily:
    """A family as the catalog page lays it out: what every tariff of it offers (family-wide
    add-ons and metered items) once, and each tariff with what only it offers."""

    offered: OfferedFamily
    shared_add_ons: list[OfferedAddOn]
    shared_metered_items: list[MeteredItem]
    tariffs: list[tuple[OfferedTariff, list[OfferedAddOn], list[MeteredItem]]]


def catalog_family(offered: OfferedFamily) -> CatalogFamily:
    first = offered.tariffs[0] if offered.tariffs else None
    return CatalogFamily(
        offered=offered,
        shared_add_ons=[
            row for row in (first.add_ons if first else []) if not row.add_on.tariff_id
        ],
        shared_metered_items=[
            item for item in (first.metered_items if first else []) if not item.tariff_id
        ],
        tariffs=[
            (
                tariff,
                [row for row in tariff.add_ons if row.add_on.tariff_id],
                [item for item in tariff.metered_items if item.tariff_id],
            )
            for tariff in offered.tariffs
        ],
    )


@require_GET
@client_area
def catalog(request, access):
    """The offer: families with their tariffs, fees in force and announced changes (CAT-06),
    resources, add-ons, metered prices finer than a cent (CAT-02), OS images with their paid
    licences (CAT-05), minimum periods and commencement terms (CAT-03) and trials (CAT-04)."""
    offered = catalog_for_browsing(today=timezone.localdate())
    context = {
        "access": access,
        "families": [catalog_family(family) for family in offered if family.tariffs],
        "order_path": ORDER_PAGE_PATH,
        "can_order": access.can_write(AccessGrant.Scope.SERVICES),
    }
    return render(request, "web/client/money/catalog.html", context)


# ----------------------------------------------------------------------------- balance


def _statement_for(request, access):
    today = timezone.localdate()
    has_range = "from" in request.GET or "to" in request.GET
    form = StatementRangeForm(request.GET if has_range else None, today=today)
    date_from, date_to = form.chosen_range()
    statement = account_statement(access.client, date_from=date_from, date_to=date_to)
    return form, statement


@require_GET
@client_area(reads=BILLING)
def billing(request, access):
    """The prepaid balance, the statement of a date range with the running balance (BIL-01)
    and the payments received (BIL-06)."""
    form, statement = _statement_for(request, access)
    labels = {**PAYMENT_SOURCE_LABELS, **dict(offered_gateways())}
    payments = [
        (payment, labels.get(payment.source, payment.source))
        for payment in payments_of(access.client).order_by("-recorded_at", "-id")[:PAYMENTS_SHOWN]
    ]
    context = {
        "access": access,
        "balance": balance_of(access.client),
        "form": form,
        "statement": statement,
        "money_in": Money.total(line.amount for line in statement.lines if line.amount.minor > 0),
        "money_out": Money.total(-line.amount for line in statement.lines if line.amount.minor < 0),
        "payments": payments,
        "payments_shown": PAYMENTS_SHOWN,
        "default_days": STATEMENT_DEFAULT_DAYS,
        "can_write": access.can_write(BILLING),
    }
    return render_form_page(request, "web/client/money/billing.html", context, form=form)


@require_GET
@client_area(reads=BILLING)
def statement_csv(request, access):
    """The statement of the chosen days as CSV, amounts as plain decimals (BIL-01)."""
    form, statement = _statement_for(request, access)
    if form.errors:
        problems = "; ".join(str(problem) for field in form.errors.values() for problem in field)
        return HttpResponse(
            _("Choose a valid range of days: %(problems)s") % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    file_name = (
        f"statement-{access.client.public_id}-"
        f"{statement.date_from.isoformat()}-{statement.date_to.isoformat()}.csv"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    csv.writer(response).writerows(account_statement_csv_rows(statement))
    return response


# ----------------------------------------------------------------------------- top-ups


FORWARD_PARAMETER = "forward"
"""Set on the first visit of a top-up's page, right after it was started: the page then
sends the browser on to the gateway's payment page.

The top-up form cannot answer with a redirect to the gateway itself: browsers apply the
Content Security Policy's ``form-action 'self'`` to the redirects that follow a form, and
refuse a payment page on another origin. A page of our own that moves on by itself is an
ordinary navigation, outside ``form-action``.
"""


def _top_up_return_url() -> str:
    """The page the gateway sends the client back to; the action fills in the top-up's id."""
    return unquote(reverse("web:top_up_done", args=[TOP_UP_ID_PLACEHOLDER]))


@require_http_methods(["GET", "POST"])
@client_area(reads=BILLING)
def top_up(request, access):
    """Pay money into the prepaid balance through a payment gateway (BIL-01), or by bank
    transfer with the client's reference (BIL-06). ``?amount=`` fills in the amount, as the
    invoice pages do with what a proforma still needs. A started top-up goes to its own
    page, which forwards the browser to the gateway."""
    access.require_write(BILLING)
    form = TopUpForm(form_data(request), initial={"amount": request.GET.get("amount", "")})
    if request.method == "POST" and form.is_valid():
        try:
            started = top_up_start(
                client=access.client,
                gateway_name=form.cleaned_data["gateway"],
                amount=form.amount_money(),
                actor=request.user,
                return_url=_top_up_return_url(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            done = reverse("web:top_up_done", args=[started.public_id])
            return redirect(f"{done}?{FORWARD_PARAMETER}=1")
    context = {
        "access": access,
        "form": form,
        "balance": balance_of(access.client),
        "bank_transfer": bank_transfer_instructions(access.client),
    }
    return render_form_page(request, "web/client/money/top_up.html", context, form=form)


@require_GET
@client_area(reads=BILLING)
def top_up_done(request, access, top_up_id):
    """Where the client comes back from the gateway: the top-up's state, asked again every
    few seconds while the payment is still on its way (BIL-06). The page never takes the
    gateway's return for proof of payment: only the verified notification records one."""
    found = client_top_up(access.client, top_up_id)
    is_pending = found.status == GatewayTopUp.Status.PENDING
    forward = is_pending and request.GET.get(FORWARD_PARAMETER) == "1" and found.redirect_url
    context = {
        "access": access,
        "top_up": found,
        "is_pending": is_pending,
        "forward_url": found.redirect_url if forward else "",
        "poll_seconds": TOP_UP_POLL_SECONDS,
        "cancelled_at_gateway": request.GET.get("payment") == "cancelled",
        "balance": balance_of(access.client),
    }
    template = "web/client/money/top_up_done.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@client_area(reads=BILLING)
def local_gateway_pay(request, access, top_up_id):
    """The local test gateway's payment page (no real money; only where the provider switched
    it on). "Pay" and "Decline" write the signed notification a real gateway would send and
    record it once, however often the form is sent (BIL-06)."""
    if not setting_value(LOCAL_GATEWAY_ENABLED):
        raise Http404("The local test gateway is switched off.")
    found = client_top_up(access.client, top_up_id)
    if found.gateway != local_gateway.name:
        raise Http404("Not a top-up of the local test gateway.")
    can_pay = access.can_write(BILLING)
    if request.method == "POST":
        access.require_write(BILLING)
        return _local_gateway_answer(request, access, found)
    context = {
        "access": access,
        "top_up": found,
        "can_pay": can_pay,
        "is_pending": found.status == GatewayTopUp.Status.PENDING,
    }
    return render(request, "web/client/money/local_gateway.html", context)


def _local_gateway_answer(request, access, found: GatewayTopUp):
    done = redirect("web:top_up_done", top_up_id=found.public_id)
    outcome = request.POST.get("outcome")
    if outcome not in ("pay", "decline"):
        messages.error(request, _("Choose to pay or to decline."))
        return redirect("web:local_gateway_pay", top_up_id=found.public_id)
    if found.status != GatewayTopUp.Status.PENDING:
        messages.info(request, _("This top-up was already answered; nothing more happened."))
        return done
    try:
        payment = local_top_up_pay(top_up=found, succeeded=outcome == "pay")
    except (DomainError, GatewayError) as error:
        messages.error(request, error.message)
        return done
    if payment is not None:
        money_arrived_apply(client=access.client, actor=request.user)
    return done
