"""Staff pages of the catalog: families and their terms, tariffs, add-ons, metered items,
OS images and announced price changes (CAT-01 … CAT-06).

Every page needs ``catalog.manage`` (ACC-11) and two-factor sign-in (ACC-09). Each write is
one catalog action; its DomainError is shown next to the field it names. Fees are set when
an item is created and later changed only by announcing a price version (CAT-06).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.catalog import actions, conf, selectors, staff_selectors
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.web.decorators import staff_area
from hostledger.web.forms_staff_catalog import (
    AddOnForm,
    AvailabilityForm,
    FamilyForm,
    MeteredItemForm,
    OsImageForm,
    PriceChangeForm,
    TariffForm,
    specs_as_text,
)
from hostledger.web.templatetags.hostledger_display import day
from hostledger.web.views.common import form_data, render_form_page

CATALOG = perms.CATALOG_MANAGE


def _earliest_price_change():
    """The first day an announced price may take effect (CAT-06)."""
    return timezone.localdate() + timedelta(days=setting_value(conf.PRICE_CHANGE_NOTICE_DAYS))


def _family_url(family):
    return redirect("web:staff_catalog_family", code=family.code)


# ----------------------------------------------------------------------------- families


@require_GET
@staff_area(CATALOG)
def catalog_overview(request):
    """The eight families with their terms in force and what each offers (CAT-01, CAT-03)."""
    context = {
        "overviews": staff_selectors.family_overviews(),
        "upcoming": selectors.upcoming_price_changes(),
    }
    return render(request, "web/staff/catalog/overview.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_family(request, code):
    """One family: its own minimum period and commencement term (CAT-03), its tariffs,
    add-ons and metered items (CAT-02)."""
    family = staff_selectors.family_for_staff(code)
    initial = {
        name: getattr(family, name)
        for name in (
            "name",
            "description",
            "minimum_service_months",
            "commencement_working_days",
            "sort_order",
            "is_active",
        )
    }
    form = FamilyForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.family_update(family=family, data=form.changes(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(family)s saved.") % {"family": family.name})
            return _family_url(family)
    context = {
        "family": family,
        "terms": selectors.family_terms(family),
        "form": form,
        "tariffs": staff_selectors.tariffs_with_fees(family),
        "add_ons": staff_selectors.add_ons_for_staff(family),
        "metered_items": staff_selectors.metered_items_for_staff(family),
    }
    return render_form_page(request, "web/staff/catalog/family.html", context, form=form)


# ----------------------------------------------------------------------------- tariffs


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_tariff_create(request, code):
    """A new tariff of a family with its monthly fee in EUR (CAT-02)."""
    family = staff_selectors.family_for_staff(code)
    form = TariffForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tariff = actions.tariff_create(
                family=family,
                code=data["code"],
                name=data["name"],
                monthly_fee=data["monthly_fee"],
                description=data["description"],
                specs=data["specs"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Tariff %(tariff)s created as a draft; publish it to offer it.")
                % {"tariff": tariff.name},
            )
            return redirect("web:staff_catalog_tariff", public_id=tariff.public_id)
    context = {"family": family, "form": form, "what": "tariff"}
    return render_form_page(request, "web/staff/catalog/item_create.html", context, form=form)


def _tariff_page(request, tariff, *, form=None, price_form=None):
    if form is None:
        form = TariffForm(
            initial={
                "name": tariff.name,
                "description": tariff.description,
                "specs": specs_as_text(tariff.specs),
                "sort_order": tariff.sort_order,
                "monthly_fee": str(tariff.monthly_fee.amount),
            },
            editing=True,
            draft=not tariff.is_published,
        )
    if price_form is None:
        price_form = PriceChangeForm(earliest=_earliest_price_change())
    context = {
        "item": tariff,
        "kind": "tariffs",
        "family": tariff.family,
        "form": form,
        "price_form": price_form,
        "versions": selectors.price_versions_of(tariff=tariff),
        "today": timezone.localdate(),
    }
    bound = form if form.is_bound else price_form
    return render_form_page(request, "web/staff/catalog/priced_item.html", context, form=bound)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_tariff(request, public_id):
    """A tariff's details, its price history and the form to announce a new fee (CAT-06)."""
    tariff = staff_selectors.tariff_with_fees(public_id)
    if request.method != "POST":
        return _tariff_page(request, tariff)
    form = TariffForm(request.POST, editing=True, draft=not tariff.is_published)
    if form.is_valid():
        try:
            actions.tariff_update(tariff=tariff, data=form.changes(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Tariff %(tariff)s saved.") % {"tariff": tariff.name})
            return redirect("web:staff_catalog_tariff", public_id=tariff.public_id)
    return _tariff_page(request, tariff, form=form)


# ----------------------------------------------------------------------------- add-ons


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_add_on_create(request, code):
    """A new add-on of a family, or of one of its tariffs, with its monthly fee (CAT-02)."""
    family = staff_selectors.family_for_staff(code)
    form = AddOnForm(form_data(request), tariffs=staff_selectors.tariffs_with_fees(family))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_on = actions.add_on_create(
                family=family,
                tariff=data["tariff"],
                code=data["code"],
                name=data["name"],
                monthly_fee=data["monthly_fee"],
                description=data["description"],
                max_quantity=data["max_quantity"],
                sort_order=data["sort_order"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Add-on %(add_on)s created.") % {"add_on": add_on.name})
            return redirect("web:staff_catalog_add_on", public_id=add_on.public_id)
    context = {"family": family, "form": form, "what": "add-on"}
    return render_form_page(request, "web/staff/catalog/item_create.html", context, form=form)


def _add_on_page(request, add_on, *, form=None, price_form=None):
    if form is None:
        form = AddOnForm(
            initial={
                "name": add_on.name,
                "description": add_on.description,
                "max_quantity": add_on.max_quantity,
                "sort_order": add_on.sort_order,
            },
            editing=True,
        )
    if price_form is None:
        price_form = PriceChangeForm(earliest=_earliest_price_change())
    context = {
        "item": add_on,
        "kind": "add-ons",
        "family": add_on.family,
        "form": form,
        "price_form": price_form,
        "versions": selectors.price_versions_of(add_on=add_on),
        "today": timezone.localdate(),
    }
    bound = form if form.is_bound else price_form
    return render_form_page(request, "web/staff/catalog/priced_item.html", context, form=bound)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_add_on(request, public_id):
    """An add-on's details, its price history and the form to announce a new fee (CAT-06)."""
    add_on = staff_selectors.add_on_with_fees(public_id)
    if request.method != "POST":
        return _add_on_page(request, add_on)
    form = AddOnForm(request.POST, editing=True)
    if form.is_valid():
        try:
            actions.add_on_update(add_on=add_on, data=form.changes(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Add-on %(add_on)s saved.") % {"add_on": add_on.name})
            return redirect("web:staff_catalog_add_on", public_id=add_on.public_id)
    return _add_on_page(request, add_on, form=form)


# ----------------------------------------------------------------------------- metered items


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_metered_item_create(request, code):
    """A new resource billed from usage, priced per unit finer than a cent (CAT-02, BIL-08)."""
    family = staff_selectors.family_for_staff(code)
    form = MeteredItemForm(form_data(request), tariffs=staff_selectors.tariffs_with_fees(family))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.metered_item_create(
                family=family,
                tariff=data["tariff"],
                code=data["code"],
                name=data["name"],
                unit=data["unit"],
                unit_price=data["unit_price"],
                included_quantity=data["included_quantity"],
                sort_order=data["sort_order"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Metered item %(item)s created.") % {"item": item.name})
            return redirect("web:staff_catalog_metered_item", public_id=item.public_id)
    context = {"family": family, "form": form, "what": "metered item"}
    return render_form_page(request, "web/staff/catalog/item_create.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_metered_item(request, public_id):
    """A metered item's name, unit label, included quantity and order (CAT-02)."""
    item = staff_selectors.metered_item_for_staff(public_id)
    initial = {
        "name": item.name,
        "unit": item.unit,
        "included_quantity": format(item.included_quantity.normalize(), "f"),
        "sort_order": item.sort_order,
    }
    form = MeteredItemForm(form_data(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.metered_item_update(metered_item=item, data=form.changes(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Metered item %(item)s saved.") % {"item": item.name})
            return redirect("web:staff_catalog_metered_item", public_id=item.public_id)
    context = {"item": item, "family": item.family, "form": form}
    return render_form_page(request, "web/staff/catalog/metered_item.html", context, form=form)


# ----------------------------------------------------------------------------- OS images


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_os_images(request):
    """The operating-system images of servers, free or with a paid licence (CAT-05)."""
    form = OsImageForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            image = actions.os_image_create(
                code=data["code"],
                name=data["name"],
                families=data["families"],
                requires_paid_licence=data["requires_paid_licence"],
                licence_monthly_fee=data["licence_monthly_fee"],
                sort_order=data["sort_order"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("OS image %(image)s added.") % {"image": image.name})
            return redirect("web:staff_catalog_os_images")
    context = {"images": staff_selectors.os_images_for_staff(), "form": form}
    return render_form_page(request, "web/staff/catalog/os_images.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(CATALOG)
def catalog_os_image(request, public_id):
    """An image's name, families, licence flag and fee (CAT-05)."""
    image = staff_selectors.os_image_for_staff(public_id)
    initial = {
        "name": image.name,
        "families": [family.code for family in image.families.all()],
        "requires_paid_licence": image.requires_paid_licence,
        "licence_monthly_fee": (
            str(image.licence_monthly_fee.amount) if image.requires_paid_licence else ""
        ),
        "sort_order": image.sort_order,
    }
    form = OsImageForm(form_data(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.os_image_update(os_image=image, data=form.changes(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("OS image %(image)s saved.") % {"image": image.name})
            return redirect("web:staff_catalog_os_images")
    context = {"image": image, "form": form}
    return render_form_page(request, "web/staff/catalog/os_image.html", context, form=form)


# ----------------------------------------------------------------------------- availability

AVAILABILITY = {
    "tariffs": (
        staff_selectors.tariff_with_fees,
        lambda item, actor: actions.tariff_activate(tariff=item, actor=actor),
        lambda item, actor: actions.tariff_deactivate(tariff=item, actor=actor),
    ),
    "add-ons": (
        staff_selectors.add_on_with_fees,
        lambda item, actor: actions.add_on_activate(add_on=item, actor=actor),
        lambda item, actor: actions.add_on_deactivate(add_on=item, actor=actor),
    ),
    "metered-items": (
        staff_selectors.metered_item_for_staff,
        lambda item, actor: actions.metered_item_activate(metered_item=item, actor=actor),
        lambda item, actor: actions.metered_item_deactivate(metered_item=item, actor=actor),
    ),
    "os-images": (
        staff_selectors.os_image_for_staff,
        lambda item, actor: actions.os_image_activate(os_image=item, actor=actor),
        lambda item, actor: actions.os_image_deactivate(os_image=item, actor=actor),
    ),
}
"""Per kind of item in the URL: its look-up, and the actions that offer it or stop offering
it to new orders (services that already use it keep it)."""


@require_POST
@staff_area(CATALOG)
def catalog_availability(request, kind, public_id):
    """Offer an item to new orders again, or stop offering it (CAT-02, CAT-05)."""
    if kind not in AVAILABILITY:
        raise Http404(_("No such kind of catalog item."))
    look_up, activate, deactivate = AVAILABILITY[kind]
    item = look_up(public_id)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the item is offered or not."))
    else:
        offered = form.cleaned_data["offered"] == "yes"
        try:
            (activate if offered else deactivate)(item, request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if offered:
                done = _("%(item)s is offered to new orders.")
            else:
                done = _("%(item)s is no longer offered.")
            messages.success(request, done % {"item": item.name})
    if kind == "os-images":
        return redirect("web:staff_catalog_os_images")
    return _family_url(item.family)


# ----------------------------------------------------------------------------- price changes

PRICED = {
    "tariffs": (staff_selectors.tariff_with_fees, "tariff", _tariff_page),
    "add-ons": (staff_selectors.add_on_with_fees, "add_on", _add_on_page),
}


def _priced_item(kind, public_id):
    if kind not in PRICED:
        raise Http404(_("Only tariffs and add-ons have announced prices."))
    look_up, target, page = PRICED[kind]
    return look_up(public_id), target, page


@require_GET
@staff_area(CATALOG)
def catalog_price_changes(request):
    """Announced fees that have not taken effect yet, soonest first (CAT-06)."""
    context = {
        "upcoming": selectors.upcoming_price_changes(),
        "notice_days": setting_value(conf.PRICE_CHANGE_NOTICE_DAYS),
        "earliest": _earliest_price_change(),
    }
    return render(request, "web/staff/catalog/price_changes.html", context)


@require_POST
@staff_area(CATALOG)
def catalog_price_change_announce(request, kind, public_id):
    """Prepare a new monthly fee of a tariff or add-on as a draft, from a date that gives
    clients the provider's notice (CAT-06); it is announced when published."""
    item, target, page = _priced_item(kind, public_id)
    form = PriceChangeForm(request.POST, earliest=_earliest_price_change())
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.price_version_create(
                new_fee=data["new_fee"],
                effective_from=data["effective_from"],
                note=data["note"],
                actor=request.user,
                **{target: item},
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "Draft: %(item)s at %(fee)s %(currency)s a month from %(date)s. "
                    "Publish it to announce it to clients."
                )
                % {
                    "item": item.name,
                    "fee": version.monthly_fee.amount,
                    "currency": version.currency,
                    "date": day(version.effective_from),
                },
            )
            return redirect(f"web:staff_catalog_{target}", public_id=item.public_id)
    return page(request, item, price_form=form)


@require_POST
@staff_area(CATALOG)
def catalog_price_change_publish(request, kind, public_id, version_id):
    """Announce a draft price change: clients are told and it applies from its date (CAT-06)."""
    item, target, _page = _priced_item(kind, public_id)
    version = staff_selectors.price_version_of(version_id, **{target: item})
    try:
        actions.price_version_publish(price_version=version, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(item)s costs %(fee)s %(currency)s a month from %(date)s; clients are told now.")
            % {
                "item": item.name,
                "fee": version.monthly_fee.amount,
                "currency": version.currency,
                "date": day(version.effective_from),
            },
        )
    return redirect(f"web:staff_catalog_{target}", public_id=item.public_id)


@require_POST
@staff_area(CATALOG)
def catalog_tariff_publish(request, public_id):
    """Make a draft tariff live: clients see and order it from now on (CAT-02)."""
    tariff = staff_selectors.tariff_with_fees(public_id)
    try:
        actions.tariff_publish(tariff=tariff, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Tariff %(tariff)s is published and offered to clients.") % {"tariff": tariff.name},
        )
    return redirect("web:staff_catalog_tariff", public_id=tariff.public_id)


@require_POST
@staff_area(CATALOG)
def catalog_price_change_withdraw(request, kind, public_id, version_id):
    """Withdraw an announced fee before it takes effect (CAT-06); it is kept, marked."""
    item, target, _page = _priced_item(kind, public_id)
    version = staff_selectors.price_version_of(version_id, **{target: item})
    try:
        actions.price_change_withdraw(price_version=version, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The change of %(item)s from %(date)s is withdrawn.")
            % {"item": item.name, "date": day(version.effective_from)},
        )
    if request.POST.get("back") == "list":
        return redirect("web:staff_catalog_price_changes")
    return redirect(f"web:staff_catalog_{target}", public_id=item.public_id)
