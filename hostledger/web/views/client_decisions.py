"""The client area's page of decisions about the client (AUT-06, GDPR art. 22).

Every termination the billing run proposed or made is listed with what it means in plain
words, where it stands and the facts it rested on; the client may ask for a person to review
any of them, once, saying why. Decisions are loaded through the automation selectors scoped
to the client, so another client's are a 404 (habit 6). Asking for a review needs the owner
or a trusted user who may act on the account's services or billing (ACC-06); a read-only
trusted user reads the page only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.automation import selectors
from hostledger.automation.actions import NOTE_MAX, decision_review_request
from hostledger.automation.models import AutomatedDecision
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.web.decorators import client_area

REVIEW_AREAS = (AccessGrant.Scope.SERVICES, AccessGrant.Scope.BILLING)
"""A trusted user with either scope may ask for a review: the decisions end service
contracts, for debt or for unverified data."""


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why should a person look at this?",
        help_text="For example: the invoice was paid by bank transfer on a given day.",
    )


def can_ask_for_review(access) -> bool:
    return any(access.can_write(area) for area in REVIEW_AREAS)


@dataclass(frozen=True)
class DecisionRow:
    decision: AutomatedDecision
    kind_words: str
    state_words: str
    facts: list
    form: ReviewRequestForm | None


def _rows(access, decisions, *, bound: tuple[int, ReviewRequestForm] | None = None):
    can_ask = can_ask_for_review(access)
    rows = []
    for decision in decisions:
        form = None
        if can_ask and decision.review_requested_at is None:
            form = (
                bound[1]
                if bound and bound[0] == decision.pk
                else ReviewRequestForm(prefix=decision.public_id)
            )
        rows.append(
            DecisionRow(
                decision,
                selectors.kind_in_plain_words(decision),
                selectors.state_in_plain_words(decision),
                selectors.decision_facts(decision),
                form,
            )
        )
    return rows


def _page(request, access, *, bound=None, status=200):
    decisions = list(selectors.client_decisions(access.client))
    context = {
        "access": access,
        "rows": _rows(access, decisions, bound=bound),
        "can_ask": can_ask_for_review(access),
    }
    return render(request, "web/client/decisions/list.html", context, status=status)


@require_GET
@client_area
def decision_list(request, access):
    """Every decision about the client, newest first, with the facts it rested on, where it
    stands and any review asked for and answered (AUT-06)."""
    return _page(request, access)


@require_POST
@client_area
def decision_review(request, access, public_id):
    """Ask for a person to review a decision, saying why; staff answer on the same page."""
    decision = selectors.client_decision(access.client, public_id)
    if not can_ask_for_review(access):
        raise PermissionDenied(_("Your access to this account is read-only."))
    form = ReviewRequestForm(request.POST, prefix=decision.public_id)
    if not form.is_valid():
        return _page(request, access, bound=(decision.pk, form), status=400)
    try:
        decision_review_request(
            decision=decision, client=access.client, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Your request is sent. A staff member will review the decision and answer."
        )
    return redirect(f"{reverse('web:decision_list')}#{decision.public_id}")
