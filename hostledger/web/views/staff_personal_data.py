"""The staff page that imports a client's export of personal data from another HostLedger
(GDPR-02, seed 000: "export or import of data"). Needs ``privacy.manage``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hostledger.accounts.permissions import PRIVACY_MANAGE
from hostledger.core.errors import DomainError
from hostledger.flows.personal_data_import import MAX_DOCUMENT_BYTES, personal_data_import
from hostledger.web.decorators import staff_area
from hostledger.web.views.common import form_data, render_form_page


class PersonalDataImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export file"),
        help_text=gettext_lazy(
            "The ZIP a client downloaded from another HostLedger, or its personal-data.json. "
            "The profile, payers, contacts and notification settings become a new client "
            "account here."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.json,application/zip"}),
    )


@require_http_methods(["GET", "POST"])
@staff_area(PRIVACY_MANAGE)
def staff_personal_data_import(request):
    """Upload an export; a valid one becomes a client account, in one transaction."""
    form = PersonalDataImportForm(form_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            form.add_error("file", _("The file is larger than 200 MB."))
        else:
            try:
                client = personal_data_import(content=upload.read(), actor=request.user)
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    _("Imported %(email)s: they set a password with 'forgot password'.")
                    % {"email": client.owner.email},
                )
                return redirect("web:staff_client_detail", public_id=client.public_id)
    return render_form_page(
        request, "web/staff/personal_data_import.html", {"form": form}, form=form
    )
