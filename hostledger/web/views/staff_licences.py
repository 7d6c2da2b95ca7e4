"""Staff pages of Microsoft licence rental (CAT-01, PRV-01; seed 003, annex 9): the pool of
keys per product with the tariffs drawing from it, the upload of keys, each product's keys
(shown only by their last characters) with retirement, and the monthly usage report with its
CSV download.

Reading needs ``clients.view`` (the pages name clients and services by their ids; never a
key); uploading and retiring need ``services.manage``, which the actions check again. A
refusal is shown on the field it names with status 400 and nothing written.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceKeyStatus
from hostledger.web.decorators import staff_area
from hostledger.web.forms_licences import KeyRetireForm, KeysUploadForm
from hostledger.web.views.datacenter_common import refusal_on_form

VIEW = perms.CLIENTS_VIEW
MANAGE = perms.SERVICES_MANAGE
LIMIT = selectors.STAFF_LIST_LIMIT


def _can_manage(request) -> bool:
    return perms.has_permission(request.user, MANAGE)


# The pool -------------------------------------------------------------------------------------


def _pool_page(request, form=None, status=200):
    context = {
        "pools": selectors.pool_counts(),
        "tariffs": selectors.licence_tariffs(),
        "form": (form or KeysUploadForm()) if _can_manage(request) else None,
    }
    return render(request, "web/staff/licences/pool.html", context, status=status)


@require_GET
@staff_area(VIEW)
def pool(request):
    """Each product with its free, allocated and retired keys, and the licence tariffs with
    the product each draws from, warning of a tariff whose product has no keys (CAT-01)."""
    return _pool_page(request)


@require_POST
@staff_area(MANAGE)
def keys_upload(request):
    """Add pasted keys, or the keys of a text or CSV file, to a product's pool: all or none,
    each line at fault named (PRV-01)."""
    form = KeysUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            uploaded = actions.keys_upload(
                actor=request.user,
                product_code=data["product"],
                product_name=data["product_name"],
                text=data["keys"],
            )
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s key added to %(product)s.",
                    "%(count)s keys added to %(product)s.",
                    uploaded.added,
                )
                % {"count": uploaded.added, "product": uploaded.product.code},
            )
            return redirect("web:staff_licence_product", uploaded.product.public_id)
    return _pool_page(request, form, 400)


# A product and its keys -----------------------------------------------------------------------


def _product_page(request, product, *, bound: dict | None = None, status=200):
    bound = bound or {}
    chosen = request.GET.get("status", "")
    chosen = chosen if chosen in LicenceKeyStatus.values else ""
    can_manage = _can_manage(request)
    keys = [
        (
            key,
            selectors.key_hint(key),
            (bound.get(key.pk) or KeyRetireForm(prefix=key.public_id))
            if can_manage and key.status != LicenceKeyStatus.RETIRED
            else None,
        )
        for key in selectors.product_keys(product, status=chosen)[:LIMIT]
    ]
    context = {
        "pool": selectors.pool_counts_of(product),
        "keys": keys,
        "limit": LIMIT,
        "status": chosen,
        "statuses": LicenceKeyStatus.choices,
    }
    return render(request, "web/staff/licences/product.html", context, status=status)


@require_GET
@staff_area(VIEW)
def product(request, public_id):
    """One product: its keys, oldest first, by their last characters and state, with the
    service holding each allocated one."""
    return _product_page(request, selectors.staff_product(public_id))


@require_POST
@staff_area(MANAGE)
def key_retire(request, public_id):
    """Take a key out of use for good, with the reason; an allocated key leaves its service
    (PRV-01)."""
    key = selectors.staff_key(public_id)
    form = KeyRetireForm(request.POST, prefix=key.public_id)
    if form.is_valid():
        try:
            actions.key_retire(key=key, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, _("Key %(key)s is retired.") % {"key": key.public_id})
            return redirect("web:staff_licence_product", key.product.public_id)
    return _product_page(request, key.product, bound={key.pk: form}, status=400)


# The monthly usage report ---------------------------------------------------------------------


def _month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


@require_GET
@staff_area(VIEW)
def usage(request):
    """How many keys of each product were allocated on any day of a month and their
    key-days, per product and per client and service, for the licensor's monthly report
    (annex 9; CAT-01)."""
    value = request.GET.get("month", "")[:16]
    try:
        month = selectors.clean_month(value)
    except DomainError as error:
        context = {"error": error.message, "month_value": value}
        return render(request, "web/staff/licences/usage.html", context, status=400)
    report = selectors.usage_report(month=month)
    this_month = selectors.clean_month("")
    context = {
        "report": report,
        "month_value": report.label,
        "previous": f"{month - timedelta(days=1):%Y-%m}",
        "next": f"{_month_after(month):%Y-%m}" if month < this_month else "",
        "csv_url": reverse("web:staff_licence_usage_csv") + f"?month={report.label}",
    }
    return render(request, "web/staff/licences/usage.html", context)


@require_GET
@staff_area(VIEW)
def usage_csv(request):
    """The monthly usage report as CSV: a row of totals per product, then its services."""
    try:
        month = selectors.clean_month(request.GET.get("month", "")[:16])
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    report = selectors.usage_report(month=month)
    response = HttpResponse(
        selectors.usage_report_csv(report), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="licence-usage-{report.label}.csv"'
    return response
