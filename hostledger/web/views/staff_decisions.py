"""Staff pages of the decisions the billing run proposed or made (AUT-06): a list by state,
kind and review, one decision with the facts it rested on, and the forms to confirm or
reject a proposal and to answer a client's request for a human review.

Reading needs ``clients.view`` like the other client pages of the staff area (ACC-11);
confirming, rejecting and answering need ``services.manage``, which the actions check
again. A form with a missing reason answers the page again with the field marked (400);
a refusal by the action (the decision is no longer open, the debt was paid meanwhile) is
shown as a message on the decision's page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import permissions as perms
from hostledger.automation import selectors
from hostledger.automation.actions import (
    NOTE_MAX,
    decision_confirm,
    decision_reject,
    decision_review_answer,
)
from hostledger.automation.models import AutomatedDecision
from hostledger.core.errors import DomainError
from hostledger.web.decorators import staff_area
from hostledger.web.forms_services import OrderFilterForm

VIEW = perms.CLIENTS_VIEW
MANAGE = perms.SERVICES_MANAGE


class DecisionFilterForm(OrderFilterForm):
    """Filters of the staff list of decisions; the client by id, email or name as on the
    other staff lists."""

    status = None  # an order's status; decisions have a state
    state = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any state")), *AutomatedDecision.State.choices]
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any kind")), *AutomatedDecision.Kind.choices]
    )
    review = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Review or not")), *selectors.REVIEW_FILTERS.items()],
        label=gettext_lazy("Review"),
    )

    field_order = ["state", "kind", "review", "client"]


class ConfirmForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Optional; kept with the decision."),
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Why it is rejected"),
        help_text=gettext_lazy("Kept with the decision; the client sees it."),
    )


class ReviewAnswerForm(forms.Form):
    outcome = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Outcome of the review"),
        help_text=gettext_lazy("What a person found on review; the client reads it."),
    )


@require_GET
@staff_area(VIEW)
def decision_list(request):
    """Decisions of every client, newest first, by state, kind, review and client."""
    form = DecisionFilterForm(request.GET or None)
    decisions = []
    if not (form.is_bound and not form.is_valid()):
        decisions = list(
            selectors.decisions_for_staff(**form.filters())[: selectors.STAFF_LIST_LIMIT]
        )
    context = {
        "form": form,
        "decisions": decisions,
        "limit": selectors.STAFF_LIST_LIMIT,
        "open_reviews": selectors.open_reviews_count(),
    }
    return render(request, "web/staff/decisions/list.html", context)


def _detail_page(request, decision, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    is_open = decision.state == AutomatedDecision.State.PROPOSED
    review_open = selectors.review_is_open(decision)
    context = {
        "decision": decision,
        "facts": selectors.decision_facts(decision),
        "kind_words": selectors.kind_in_plain_words(decision),
        "can_manage": perms.has_permission(request.user, MANAGE),
        "confirm_form": (bound.get("confirm") or ConfirmForm(prefix="confirm"))
        if is_open
        else None,
        "reject_form": (bound.get("reject") or RejectForm(prefix="reject")) if is_open else None,
        "answer_form": (bound.get("answer") or ReviewAnswerForm(prefix="answer"))
        if review_open
        else None,
        "review_open": review_open,
    }
    return render(request, "web/staff/decisions/detail.html", context, status=status)


@require_GET
@staff_area(VIEW)
def decision_detail(request, public_id):
    """One decision: what it is about, the facts it rested on, where it stands, the client's
    review request and the staff's forms."""
    return _detail_page(request, selectors.staff_decision(public_id))


def _act(request, public_id, *, kind: str, form_class, act, done: str):
    decision = selectors.staff_decision(public_id)
    form = form_class(request.POST, prefix=kind)
    if not form.is_valid():
        return _detail_page(request, decision, bound={kind: form}, status=400)
    try:
        result = act(decision, request.user, form.cleaned_data)
    except DomainError as error:
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        if result.state == AutomatedDecision.State.LAPSED:
            messages.warning(
                request,
                _(
                    "Nothing was carried out: what the decision rested on no longer holds (the "
                    "debt was paid, the client answered, the addresses are in use), so the "
                    "decision has lapsed."
                ),
            )
        else:
            messages.success(request, done)
    return redirect("web:staff_decision", public_id=decision.public_id)


@require_POST
@staff_area(MANAGE)
def decision_confirm_view(request, public_id):
    """Confirm a proposed termination: it is carried out now; any debt remains (AUT-02)."""
    return _act(
        request,
        public_id,
        kind="confirm",
        form_class=ConfirmForm,
        act=lambda decision, actor, data: decision_confirm(
            decision=decision, actor=actor, note=data["note"]
        ),
        done=_("The decision is confirmed and carried out."),
    )


@require_POST
@staff_area(MANAGE)
def decision_reject_view(request, public_id):
    """Reject a proposed termination, saying why; nothing is terminated."""
    return _act(
        request,
        public_id,
        kind="reject",
        form_class=RejectForm,
        act=lambda decision, actor, data: decision_reject(
            decision=decision, actor=actor, note=data["note"]
        ),
        done=_("The decision is rejected; nothing was terminated."),
    )


@require_POST
@staff_area(MANAGE)
def decision_review_answer_view(request, public_id):
    """Answer the client's request for a human review with its outcome, in words."""
    return _act(
        request,
        public_id,
        kind="answer",
        form_class=ReviewAnswerForm,
        act=lambda decision, actor, data: decision_review_answer(
            decision=decision, actor=actor, outcome=data["outcome"]
        ),
        done=_("The review is answered; the client sees the outcome."),
    )
