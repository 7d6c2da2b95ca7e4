"""Help articles suggested on the client's new-ticket form: as the client types the
subject, the published articles matching it are shown before the ticket is opened."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from hostledger.knowledge import selectors as knowledge
from hostledger.support import selectors as support
from hostledger.web.decorators import client_area


@require_GET
@client_area(reads=support.TICKETS_AREA)
def ticket_article_suggestions(request, access):
    """An htmx fragment: up to five published articles matching ``subject``, in the
    person's language (their preference, else the page's) with English where missing."""
    language = request.user.preferred_language or getattr(request, "LANGUAGE_CODE", None)
    articles = knowledge.article_search(
        request.GET.get("subject", ""), language=language, limit=knowledge.SUGGESTIONS_SHOWN
    )
    return render(request, "web/client/tickets/_article_suggestions.html", {"articles": articles})
