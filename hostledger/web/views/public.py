"""Pages anyone may open: the policy documents in force (ACC-02, GDPR-10)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import current_policy, render_policy_markdown


@require_GET
def policy(request, kind):
    """The version of the terms or the privacy policy in force, as people accept it at sign-up."""
    if kind not in PolicyDocument.Kind.values:
        raise Http404("No such policy.")
    document = current_policy(kind)
    if document is None:
        raise Http404("This policy is not published yet.")
    context = {
        "document": document,
        "body_html": render_policy_markdown(document.body),
        "in_force_until": None,
        "is_current": True,
    }
    return render(request, "web/public/policy.html", context)
