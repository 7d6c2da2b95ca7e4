"""Pages of the links in messages that work without signing in: confirming a marketing
opt-in and unsubscribing from marketing messages (NTF-01).

The signed token in the address is the authorisation. Opening a page changes nothing (mail
scanners open links); the button on it sends the POST that does. A bad, expired or altered
link shows an error page with status 400.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from hostledger.core.errors import DomainError
from hostledger.notifications.models import Channel, ConsentState
from hostledger.notifications.selectors import opt_in_link_consent, unsubscribe_link_consent
from hostledger.privacy.actions_consents import marketing_consent_confirm, marketing_unsubscribe

LINK_ERROR_TEMPLATE = "web/public/notification_link_error.html"


def _link_error(request, error: DomainError):
    return render(request, LINK_ERROR_TEMPLATE, {"error": error}, status=400)


@require_http_methods(["GET", "POST"])
def opt_in_confirm(request, token):
    """GET: ask the client to confirm the opt-in; POST: confirm it."""
    try:
        if request.method == "POST":
            consent = marketing_consent_confirm(token=token)
            return render(
                request,
                "web/public/notification_opt_in.html",
                {"consent": consent, "done": True, "token": token},
            )
        consent = opt_in_link_consent(token)
    except DomainError as error:
        return _link_error(request, error)
    return render(
        request,
        "web/public/notification_opt_in.html",
        {
            "consent": consent,
            "done": consent.state == ConsentState.CONFIRMED,
            "token": token,
        },
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: ask whether to stop marketing messages; POST: withdraw the consent."""
    try:
        if request.method == "POST":
            consent = marketing_unsubscribe(token=token)
            channel = consent.channel if consent is not None else None
            done = True
        else:
            channel, consent = unsubscribe_link_consent(token)
            done = consent is None or consent.state == ConsentState.WITHDRAWN
    except DomainError as error:
        return _link_error(request, error)
    return render(
        request,
        "web/public/notification_unsubscribe.html",
        {
            "done": done,
            "token": token,
            "channel_label": Channel(channel).label if channel else "",
        },
    )
