"""The client area's privacy requests (GDPR-07): the owner files a request after signing in
again, follows where it stands and when it is due, reads the answer, confirms a request filed
through the API, and withdraws one still open.

Filing and confirming pass allauth's re-authentication (``reauthentication_required``); a
client with two-factor sign-in must re-authenticate with the second factor, not the password
alone. How the client re-authenticated is recorded with the request as its identity
verification. Requests are the data subject's, the account's owner: a trusted user gets a 403.
Another client's request is a 404 (habit 6).
"""

from __future__ import annotations

import time
from functools import wraps

from allauth.account import app_settings as allauth_account_settings
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.core.errors import DomainError
from hostledger.privacy import selectors_requests as selectors
from hostledger.privacy.actions_objections import objection_record
from hostledger.privacy.actions_requests import (
    DETAILS_MAX,
    request_confirm,
    request_file,
    request_withdraw,
)
from hostledger.privacy.models import DataSubjectRequest, Objection
from hostledger.web.decorators import client_area

Method = DataSubjectRequest.VerificationMethod

KIND_HELP = {
    "access": gettext_lazy("A copy of the personal data we hold about you and how we use it."),
    "portability": gettext_lazy("Your data in a machine-readable file you can take elsewhere."),
    "rectification": gettext_lazy("Correct data that is wrong or incomplete; say what and how."),
    "erasure": gettext_lazy("Delete your data, except what the law requires us to keep."),
    "restriction": gettext_lazy(
        "Keep your data but use it for nothing except storage and legal claims."
    ),
    "objection": gettext_lazy(
        "Object to marketing, profiling or processing on our legitimate interest."
    ),
}


class PrivacyRequestForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=DataSubjectRequest.Kind.choices,
        widget=forms.RadioSelect,
        label=gettext_lazy("What do you ask for?"),
    )
    details = forms.CharField(
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Details"),
        help_text=gettext_lazy(
            "Optional: anything that helps us answer, e.g. which data is wrong."
        ),
    )


def recent_reauthentication(request) -> str | None:
    """How the user re-authenticated within allauth's re-authentication window: the second
    factor or the password; None when they did not."""
    records = [
        record
        for record in get_authentication_records(request, request.user)
        if record.get("reauthenticated")
    ]
    if not records:
        return None
    latest = records[-1]
    if time.time() - latest.get("at", 0) >= allauth_account_settings.REAUTHENTICATION_TIMEOUT:
        return None
    return Method.SECOND_FACTOR if latest.get("method") == "mfa" else Method.PASSWORD


def _second_factor_redirect(request, next_url: str):
    """A client with two-factor sign-in proves the request with the second factor; None
    when the latest re-authentication already did, or the client has no second factor."""
    if not is_mfa_enabled(request.user):
        return None
    if recent_reauthentication(request) == Method.SECOND_FACTOR:
        return None
    messages.info(request, _("Confirm with your authenticator app that it is you."))
    return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")


def owner_only(view):
    """Requests are the data subject's: a trusted user of the account gets a 403, before any
    re-authentication is asked for."""

    @wraps(view)
    def wrapper(request, access, *args, **kwargs):
        if not access.is_owner:
            raise HttpForbidden(_("Privacy requests are made by the account's owner."))
        return view(request, access, *args, **kwargs)

    return wrapper


class ObjectionForm(forms.Form):
    processing = forms.ChoiceField(
        choices=Objection.Processing.choices,
        label=gettext_lazy("I object to"),
        widget=forms.RadioSelect,
    )
    grounds = forms.CharField(
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Why (optional)"),
        help_text=gettext_lazy(
            "For processing on our legitimate interest, your particular situation."
        ),
    )


def _list_page(request, access, *, objection_form=None, status=200):
    context = {
        "access": access,
        "requests": list(selectors.client_requests(access.client)),
        "objections": list(selectors.client_objections(access.client)),
        "objection_form": objection_form or ObjectionForm(),
        "kind_help": KIND_HELP,
    }
    return render(request, "web/client/privacy/list.html", context, status=status)


@require_GET
@client_area
@owner_only
def privacy_request_list(request, access):
    """The owner's requests, newest first, with status, due day and answer; their
    objections, and the form to object."""
    return _list_page(request, access)


@require_POST
@client_area
@owner_only
def objection_file(request, access):
    """Object to marketing, profiling or processing on legitimate interest; in force at once
    (GDPR-06). An objection to marketing withdraws every marketing consent."""
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _list_page(request, access, objection_form=form, status=400)
    objection = objection_record(
        client=access.client,
        processing=form.cleaned_data["processing"],
        grounds=form.cleaned_data["grounds"],
        source="client_area",
        actor=request.user,
    )
    messages.success(
        request,
        _("Your objection to %(processing)s is in force.")
        % {"processing": objection.get_processing_display().lower()},
    )
    return redirect("web:privacy_request_list")


@require_http_methods(["GET", "POST"])
@client_area
@owner_only
@reauthentication_required
def privacy_request_new(request, access):
    """File a request, after signing in again (with the second factor when the client has
    one); it is verified at once and due one month from today."""
    asked = _second_factor_redirect(request, request.path)
    if asked is not None:
        return asked
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = request_file(
                client=access.client,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                reauthentication=recent_reauthentication(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Your request is received. We answer it by %(date)s.")
                % {"date": f"{filed.due_on:%d.%m.%Y}"},
            )
            return redirect("web:privacy_request", public_id=filed.public_id)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"access": access, "form": form, "kind_help": KIND_HELP}
    return render(request, "web/client/privacy/new.html", context, status=status)


@require_GET
@client_area
@owner_only
def privacy_request_detail(request, access, public_id):
    """One request: what was asked, the steps so far, when it is due, the answer."""
    item = selectors.client_request(access.client, public_id)
    context = {"access": access, "item": item, "urgency": selectors.urgency(item)}
    return render(request, "web/client/privacy/detail.html", context)


@require_POST
@client_area
@owner_only
def privacy_request_confirm(request, access, public_id):
    """Confirm a request filed through the API by signing in again: the identity is then
    verified and the request is handled. Another client's request is a 404 before any
    re-authentication is asked for."""
    return _confirm(request, selectors.client_request(access.client, public_id))


@reauthentication_required
def _confirm(request, item):
    asked = _second_factor_redirect(
        request, reverse("web:privacy_request", kwargs={"public_id": item.public_id})
    )
    if asked is not None:
        return asked
    try:
        request_confirm(
            request=item, actor=request.user, reauthentication=recent_reauthentication(request)
        )
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("Thank you: your request is confirmed and being handled."))
    return redirect("web:privacy_request", public_id=item.public_id)


@require_POST
@client_area
@owner_only
def privacy_request_withdraw(request, access, public_id):
    """Withdraw a request still open."""
    item = selectors.client_request(access.client, public_id)
    try:
        request_withdraw(request=item, actor=request.user)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("web:privacy_request", public_id=item.public_id)
