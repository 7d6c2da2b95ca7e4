"""The client area's data verification requests (ACC-10, 003 §2.2.9).

Staff who doubt the account's data ask a question; the client answers it here. Until the
answer is in, after the deadline, the account cannot order, upgrade or extend services. The
account owner answers; trusted users see the requests but cannot answer (the account's data
are the owner's). Every request is loaded through the client's own selectors, so another
client's is a 404 (habit 6).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hostledger.accounts.actions import verification_request_answer
from hostledger.accounts.selectors import (
    client_is_restricted,
    client_verification_request,
    client_verification_requests,
)
from hostledger.core.errors import DomainError
from hostledger.web.decorators import client_area
from hostledger.web.forms_verification import VerificationAnswerForm
from hostledger.web.views.common import form_data, render_form_page


@require_GET
@client_area
def verification_list(request, access):
    """Every verification request of the account, newest first, with its state."""
    context = {
        "access": access,
        "requests": list(client_verification_requests(access.client)),
        "restricted": client_is_restricted(access.client, on=timezone.localdate()),
    }
    return render(request, "web/client/verification/list.html", context)


@require_http_methods(["GET", "POST"])
@client_area
def verification_detail(request, access, public_id):
    """One request: the question, the deadline and, while an answer is owed, the answer form
    (the owner's alone)."""
    verification = client_verification_request(access.client, public_id)
    if request.method == "POST":
        access.require_owner()
    form = VerificationAnswerForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            verification_request_answer(
                request=verification, answer=form.cleaned_data["answer"], actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Thank you: your answer is sent. The provider reviews it shortly.")
            )
            return redirect("web:verification_detail", public_id=verification.public_id)
    context = {
        "access": access,
        "verification": verification,
        "form": form,
        "can_answer": access.is_owner and verification.awaits_answer,
        "overdue": verification.awaits_answer and verification.answer_due_on < timezone.localdate(),
    }
    return render_form_page(request, "web/client/verification/detail.html", context, form=form)
