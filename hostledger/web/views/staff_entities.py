"""Staff pages of the provider entities: list, open a further one, edit the details.

Guarded like the other provider settings (``settings.edit``). The views validate the form and
call one flow or action; they never write an entity themselves.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.flows.provider_entities import provider_entity_open
from hostledger.providers.actions import TEXT_FIELDS, provider_entity_update
from hostledger.providers.selectors import entity_by_public_id, provider_entities
from hostledger.web.decorators import staff_area
from hostledger.web.forms_entities import ProviderEntityCreateForm, ProviderEntityForm
from hostledger.web.views.common import form_data, render_form_page


@require_GET
@staff_area(perms.SETTINGS_EDIT)
def entity_list(request):
    """Every provider entity, the default first, with its series and bank account."""
    return render(request, "web/staff/entity_list.html", {"entities": list(provider_entities())})


@require_http_methods(["GET", "POST"])
@staff_area(perms.SETTINGS_EDIT)
def entity_create(request):
    """Open a further entity with its own details and numbering series."""
    form = ProviderEntityCreateForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            entity = provider_entity_open(
                code=form.cleaned_data["code"], details=form.details(), actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Provider entity created."))
            return redirect("web:staff_entity_detail", public_id=entity.public_id)
    return render_form_page(
        request, "web/staff/entity_form.html", {"form": form, "entity": None}, form=form
    )


@require_http_methods(["GET", "POST"])
@staff_area(perms.SETTINGS_EDIT)
def entity_detail(request, public_id):
    """Change an entity's details; documents already issued keep theirs."""
    entity = entity_by_public_id(public_id)
    initial = {name: getattr(entity, name) for name in TEXT_FIELDS}
    form = ProviderEntityForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            provider_entity_update(entity=entity, details=form.details(), actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Provider entity saved."))
            return redirect("web:staff_entity_detail", public_id=entity.public_id)
    return render_form_page(
        request, "web/staff/entity_form.html", {"form": form, "entity": entity}, form=form
    )
