"""Pages anyone may open about personal data: the archive of every policy version (GDPR-10),
the processors that work for the provider (GDPR-09), and the cookie policy with the choice of
cookie categories (GDPR-13).

The cookie choice is a form POST, so it works without JavaScript; with htmx the banner sends
the same form and is removed in place. Before a choice only necessary cookies are set; the
choice itself is kept in one necessary cookie holding the version and the categories, and for
a signed-in person also in the database with time and source.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.core.errors import DomainError
from hostledger.privacy.cookies import (
    CATEGORIES,
    OPTIONAL,
    cookie_consent_record,
    cookie_register,
    set_consent_cookie,
)
from hostledger.privacy.models import CookieConsent, PolicyDocument
from hostledger.privacy.policies import policy_version, policy_versions, render_policy_markdown
from hostledger.privacy.processors import processors_active

DECISIONS = ("accept_all", "reject_optional", "choose")


def _kind_or_404(kind: str) -> str:
    if kind not in PolicyDocument.Kind.values:
        raise Http404(_("No such policy."))
    return kind


@require_GET
def policy_archive(request, kind):
    """Every published version of a policy with the dates it was in force (GDPR-10)."""
    versions = policy_versions(_kind_or_404(kind))
    if not versions:
        raise Http404(_("This policy is not published yet."))
    context = {"versions": versions, "kind": kind, "current": versions[0]}
    return render(request, "web/privacy/policy_archive.html", context)


@require_GET
def policy_version_page(request, kind, version):
    """One version of a policy as it was published (GDPR-10)."""
    document = policy_version(_kind_or_404(kind), version)
    if document is None:
        raise Http404(_("No such version."))
    versions = policy_versions(kind)
    shown = next(item for item in versions if item.pk == document.pk)
    context = {
        "document": document,
        "body_html": render_policy_markdown(document.body),
        "in_force_until": shown.in_force_until,
        "is_current": versions[0].pk == document.pk,
    }
    return render(request, "web/public/policy.html", context)


@require_GET
def processors(request):
    """The processors working for the provider, their function and country (GDPR-09,
    000 §business partners)."""
    return render(request, "web/privacy/processors.html", {"processors": processors_active()})


@require_GET
def cookie_policy(request):
    """The cookie policy: every cookie HostLedger sets, by category, and the form to change
    the choice at any time (GDPR-13)."""
    register = cookie_register()
    categories = [
        {"category": category, "cookies": [c for c in register if c.category == category.code]}
        for category in CATEGORIES
    ]
    context = {"categories": categories, "next": _safe_next(request, request.GET.get("next"))}
    return render(request, "web/privacy/cookie_policy.html", context)


def _safe_next(request, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def cookie_consent(request):
    """Record a cookie choice: accept all, reject the optional categories, or the categories
    ticked (GDPR-13, GDPR-06). Answers with the consent cookie set: a redirect back to the
    page, or an empty banner for htmx."""
    decision = request.POST.get("decision", "choose")
    if decision not in DECISIONS:
        return HttpResponse(
            _("decision: choose accept_all, reject_optional or choose."), status=400
        )
    if decision == "accept_all":
        categories = list(OPTIONAL)
    elif decision == "reject_optional":
        categories = []
    else:
        categories = request.POST.getlist("categories")
    source = request.POST.get("source", CookieConsent.Source.BANNER)
    if source not in (CookieConsent.Source.BANNER, CookieConsent.Source.SETTINGS):
        source = CookieConsent.Source.BANNER
    try:
        choice = cookie_consent_record(user=request.user, categories=categories, source=source)
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    if request.htmx:
        response = HttpResponse("")
    else:
        response = redirect(_safe_next(request, request.POST.get("next")))
    set_consent_cookie(response, choice)
    return response
