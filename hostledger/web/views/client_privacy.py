"""Client-area page of personal data: accepting a new version of the terms or the privacy
policy that asks for re-acceptance (GDPR-10, ACC-02).

Signing in leads here while a version is waiting to be accepted; until it is, orders are
refused. The acceptance is the signed-in person's own, recorded with time and IP.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hostledger.core.errors import DomainError
from hostledger.core.middleware import client_ip_of
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import (
    policies_reaccept,
    policies_to_reaccept,
    policy_version,
    render_policy_markdown,
)
from hostledger.web.decorators import client_area


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _documents_named(values: list[str]) -> list[PolicyDocument] | None:
    """The versions named ``kind:version`` in the form, or None when one does not exist."""
    documents = []
    for value in values:
        kind, _separator, version = value.partition(":")
        document = policy_version(kind, version) if kind in PolicyDocument.Kind.values else None
        if document is None:
            return None
        documents.append(document)
    return documents


@require_http_methods(["GET", "POST"])
@client_area
def policy_reaccept(request, access):
    """The new versions to accept, each in full, and the form to accept them (GDPR-10)."""
    pending = policies_to_reaccept(request.user)
    error = ""
    if request.method == "POST" and pending:
        named = _documents_named(request.POST.getlist("documents"))
        if not request.POST.get("accept"):
            error = _("accept: tick the box to accept the new versions.")
        elif named is None or {doc.pk for doc in named} != {doc.pk for doc in pending}:
            error = _("The versions to accept changed meanwhile; read the versions below.")
        else:
            try:
                policies_reaccept(
                    user=request.user, documents=named, ip_address=client_ip_of(request)
                )
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(request, _("Thank you: the new versions are accepted."))
                return redirect(_next_url(request))
    context = {
        "pending": [
            {"document": document, "body_html": render_policy_markdown(document.body)}
            for document in pending
        ],
        "next": _next_url(request),
        "error": error,
    }
    return render(
        request, "web/privacy/policy_reaccept.html", context, status=400 if error else 200
    )
