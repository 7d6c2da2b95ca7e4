"""Pages anyone may open: the policy documents in force (ACC-02, GDPR-10), and the language
switcher every page carries."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.accounts import actions as account_actions
from hostledger.core.errors import DomainError
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import current_policy, render_policy_markdown


@require_GET
def policy(request, kind):
    """The version of the terms or the privacy policy in force, as people accept it at sign-up."""
    if kind not in PolicyDocument.Kind.values:
        raise Http404(_("No such policy."))
    document = current_policy(kind)
    if document is None:
        raise Http404(_("This policy is not published yet."))
    context = {
        "document": document,
        "body_html": render_policy_markdown(document.body),
        "in_force_until": None,
        "is_current": True,
    }
    return render(request, "web/public/policy.html", context)


def _back_url(request) -> str:
    """Where the switcher leads back to: the page it was used on, never another site."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@require_POST
def language_set(request):
    """The language switcher: the chosen language for this browser (a cookie, read before
    sign-in) and, for a signed-in person, saved on their profile, where it also decides the
    language of their e-mails and documents."""
    try:
        language = account_actions.clean_language(request.POST.get("language"))
    except DomainError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    if request.user.is_authenticated:
        account_actions.user_language_set(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_back_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
