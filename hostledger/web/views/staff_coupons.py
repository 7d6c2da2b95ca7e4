"""Staff pages of coupons: the list with redemption counts, creating, editing, switching off
and on (decision 0055). Every page needs ``catalog.manage`` (ACC-11); each write is one
catalog action whose DomainError is shown next to the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.catalog import actions
from hostledger.catalog.coupons import coupon_redemptions, coupons_for_staff, staff_coupon
from hostledger.core.errors import DomainError
from hostledger.web.decorators import staff_area
from hostledger.web.forms_staff_catalog import AvailabilityForm
from hostledger.web.forms_staff_coupons import CouponForm, coupon_initial
from hostledger.web.views.common import form_data, render_form_page

CATALOG = perms.CATALOG_MANAGE


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def coupon_list(request):
    """Every coupon with its terms and uses, and the form of a new one."""
    form = CouponForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            coupon = actions.coupon_create(**form.action_values(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Coupon %(code)s created.") % {"code": coupon.code})
            return redirect("web:staff_coupon", public_id=coupon.public_id)
    context = {"coupons": list(coupons_for_staff()), "form": form}
    return render_form_page(request, "web/staff/catalog/coupons.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def coupon_detail(request, public_id):
    """A coupon's terms (fixed once redeemed), limits, dates and products, and its uses."""
    coupon = staff_coupon(public_id)
    form = CouponForm(form_data(request), initial=coupon_initial(coupon))
    if request.method == "POST" and form.is_valid():
        try:
            actions.coupon_update(coupon=coupon, **form.action_values(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Coupon %(code)s saved.") % {"code": coupon.code})
            return redirect("web:staff_coupon", public_id=coupon.public_id)
    context = {"coupon": coupon, "form": form, "redemptions": coupon_redemptions(coupon)}
    return render_form_page(request, "web/staff/catalog/coupon.html", context, form=form)


@require_POST
@staff_area(CATALOG)
def coupon_availability(request, public_id):
    """Accept a coupon in new orders again, or stop accepting it; services that carry an
    every-period coupon keep it."""
    coupon = staff_coupon(public_id)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the coupon is accepted or not."))
    else:
        offered = form.cleaned_data["offered"] == "yes"
        if offered:
            actions.coupon_activate(coupon=coupon, actor=request.user)
            messages.success(request, _("Coupon %(code)s is accepted.") % {"code": coupon.code})
        else:
            actions.coupon_deactivate(coupon=coupon, actor=request.user)
            messages.success(
                request, _("Coupon %(code)s is no longer accepted.") % {"code": coupon.code}
            )
    return redirect("web:staff_coupon", public_id=coupon.public_id)
