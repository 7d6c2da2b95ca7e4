"""The client area's domain pages (DOM-01, DOM-02, DOM-03): the client's domains with where
each stands at its registry, a domain's page with its expiry as the registry reports it, its
name servers, transfer lock and transfer code, and the transfer of a domain held elsewhere.

Domains are loaded through the domains selectors scoped to the client, so another client's
domain is a 404 (habit 6). Reading needs the services area (ACC-06); changing name servers or
the lock, revealing the transfer code (audited) and ordering a transfer need the owner or a
trusted user with the services scope. A registry that refuses or does not answer is shown on
the form, never as a server error.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.catalog.models import FamilyCode
from hostledger.catalog.selectors import catalog_for_browsing
from hostledger.core.errors import DomainError
from hostledger.domains import selectors
from hostledger.flows.domain_controls import (
    domain_auth_code_show,
    domain_check_now,
    domain_lock_set,
    domain_name_servers_change,
)
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.conf import allowed_periods
from hostledger.web.decorators import client_area
from hostledger.web.forms_domains import DomainTransferForm, LockForm, NameServersForm
from hostledger.web.views.datacenter_common import refusal_on_form

AREA = AccessGrant.Scope.SERVICES
LIST_LIMIT = 500


@require_GET
@client_area(reads=AREA)
def domain_list(request, access):
    """The client's domains with their status and expiry (DOM-02)."""
    domains = list(selectors.client_domains(access.client)[:LIST_LIMIT])
    return render(
        request,
        "web/client/domains/domain_list.html",
        {"domains": domains, "can_order": access.can_write(AREA)},
    )


def _detail(request, access, domain, *, bound=None, auth_code: str = "", status: int = 200):
    bound = bound or {}
    can_change = access.can_write(AREA)
    context = {
        "domain": domain,
        "can_change": can_change,
        "name_servers_form": bound.get("name_servers")
        or NameServersForm(initial={"name_servers": "\n".join(domain.name_servers)}),
        "auth_code": auth_code,
        "operations": selectors.domain_operations(domain),
    }
    return render(request, "web/client/domains/domain_detail.html", context, status=status)


@require_GET
@client_area(reads=AREA)
def domain_detail(request, access, public_id):
    """One domain as its registry last reported it: status, expiry, statuses, name servers,
    lock (DOM-02)."""
    return _detail(request, access, selectors.client_domain(access.client, public_id))


@require_POST
@client_area(reads=AREA)
def domain_check(request, access, public_id):
    """Ask the registry about the domain now (it stores the answer: a write)."""
    domain = selectors.client_domain(access.client, public_id)
    access.require_write(AREA)
    try:
        domain_check_now(domain=domain)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registry's answer is shown below."))
    return redirect("web:domain_detail", public_id=domain.public_id)


@require_POST
@client_area(reads=AREA)
def domain_name_servers(request, access, public_id):
    """Delegate the domain to other name servers at its registry (DOM-02)."""
    domain = selectors.client_domain(access.client, public_id)
    access.require_write(AREA)
    form = NameServersForm(request.POST)
    if form.is_valid():
        try:
            domain_name_servers_change(
                domain=domain, name_servers=form.cleaned_data["name_servers"], actor=request.user
            )
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, _("The name servers were changed at the registry."))
            return redirect("web:domain_detail", public_id=domain.public_id)
    return _detail(request, access, domain, bound={"name_servers": form}, status=400)


@require_POST
@client_area(reads=AREA)
def domain_lock(request, access, public_id):
    """Lock the domain against transfer and changes, or unlock it (DOM-02)."""
    domain = selectors.client_domain(access.client, public_id)
    access.require_write(AREA)
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to lock or unlock the domain."))
        return redirect("web:domain_detail", public_id=domain.public_id)
    try:
        domain = domain_lock_set(
            domain=domain, locked=form.cleaned_data["locked"], actor=request.user
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Locked.") if domain.locked else _("Unlocked."))
    return redirect("web:domain_detail", public_id=domain.public_id)


@require_POST
@client_area(reads=AREA)
def domain_auth_code(request, access, public_id):
    """Show the domain's transfer code once, on this page only; each reveal is audited."""
    domain = selectors.client_domain(access.client, public_id)
    access.require_write(AREA)
    try:
        code = domain_auth_code_show(domain=domain, actor=request.user)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return redirect("web:domain_detail", public_id=domain.public_id)
    domain.refresh_from_db()
    return _detail(request, access, domain, auth_code=code)


def _domain_tariffs(today):
    for offered in catalog_for_browsing(today=today):
        if offered.family.code == FamilyCode.DOMAIN:
            return offered.tariffs
    return []


@require_http_methods(["GET", "POST"])
@client_area(reads=AREA)
def domain_transfer(request, access):
    """Transfer a domain the client holds at another registrar, with its transfer code: an
    order of the zone's tariff, paid like any other; the domain counts as the client's here
    once its registry reports the transfer done (DOM-02)."""
    access.require_write(AREA)
    today = timezone.localdate()
    tariffs = _domain_tariffs(today)
    payers = list(access.payers())
    periods = [months for months in allowed_periods() if months % 12 == 0]
    form = DomainTransferForm(
        request.POST if request.method == "POST" else None,
        tariffs=tariffs,
        payers=payers,
        periods=periods or allowed_periods(),
        natural_person=access.client.kind == access.client.Kind.NATURAL,
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = order_place(
                client=access.client,
                payer=form.chosen_payer(),
                tariff=form.chosen_tariff(),
                period_months=form.cleaned_data["period_months"],
                host_name=form.cleaned_data["host_name"],
                transfer_auth_code=form.cleaned_data["transfer_auth_code"],
                domain_admin=form.domain_admin(),
                actor=request.user,
                today=today,
                start_at_once=form.cleaned_data.get("start_at_once", False),
            )
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Transfer ordered. Once its proforma is paid we ask the registry to move "
                    "the domain here."
                ),
            )
            return redirect("web:order_detail", public_id=order.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "has_tariffs": bool(tariffs), "has_payers": bool(payers)}
    return render(request, "web/client/domains/domain_transfer.html", context, status=status)
