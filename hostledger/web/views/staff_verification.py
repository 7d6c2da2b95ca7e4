"""Staff actions on data verification requests (ACC-10, 003 §2.2.9): open one for a client,
accept or reject the client's answer, withdraw it.

The requests are listed on the staff client page (``staff.client_detail``) to holders of
``clients.view_personal_data``; acting on them needs ``clients.edit`` (ACC-11) and two-factor
sign-in (ACC-09). Each action answers with a redirect back to the client page and a message
saying what happened or why nothing did.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostledger.accounts import actions
from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client, staff_verification_request
from hostledger.core.errors import DomainError
from hostledger.web.decorators import staff_area
from hostledger.web.forms_verification import VerificationDecisionForm, VerificationOpenForm
from hostledger.web.templatetags.hostledger_display import day


def _back_to(client_public_id: str):
    return redirect(reverse("web:staff_client_detail", args=[client_public_id]) + "#verification")


def _form_problem(form) -> str:
    return "; ".join(
        f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
        for field, errors in form.errors.items()
    )


@require_POST
@staff_area(perms.CLIENTS_EDIT)
def verification_open(request, public_id):
    """Ask the client a question about their data; it is emailed to them at once."""
    client = staff_client(public_id)
    form = VerificationOpenForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Nothing was sent. %(problem)s") % {"problem": _form_problem(form)}
        )
        return _back_to(client.public_id)
    try:
        opened = actions.verification_request_open(
            client=client, question=form.cleaned_data["question"], actor=request.user
        )
    except DomainError as error:
        messages.error(request, _("Nothing was sent. %(problem)s") % {"problem": error.message})
    else:
        messages.success(
            request,
            _("The request is sent; the answer is due by %(date)s.")
            % {"date": day(opened.answer_due_on)},
        )
    return _back_to(client.public_id)


def _decide(request, public_id, action, done):
    verification = staff_verification_request(public_id)
    form = VerificationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Nothing changed. %(problem)s") % {"problem": _form_problem(form)}
        )
        return _back_to(verification.client.public_id)
    try:
        action(request=verification, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, done)
    return _back_to(verification.client.public_id)


@require_POST
@staff_area(perms.CLIENTS_EDIT)
def verification_accept(request, public_id):
    """Accept the client's answer: any restriction lifts at once."""
    return _decide(
        request,
        public_id,
        actions.verification_request_accept,
        _("The answer is accepted; the account is no longer restricted by this request."),
    )


@require_POST
@staff_area(perms.CLIENTS_EDIT)
def verification_reject(request, public_id):
    """Reject the answer with a note saying what is missing; the client is asked again."""
    return _decide(
        request,
        public_id,
        actions.verification_request_reject,
        _("The answer is rejected and the client is asked again with a new deadline."),
    )


@require_POST
@staff_area(perms.CLIENTS_EDIT)
def verification_withdraw(request, public_id):
    """Withdraw a request that is not settled; any restriction lifts at once."""
    return _decide(
        request,
        public_id,
        actions.verification_request_withdraw,
        _("The request is withdrawn."),
    )
