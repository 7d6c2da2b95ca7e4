"""The public help pages (no sign-in): categories, articles and search, in the visitor's
language with English where an article has no text in it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from hostledger.core.errors import NotFound
from hostledger.knowledge import selectors as knowledge
from hostledger.knowledge.markup import render_article_body
from hostledger.web.forms_knowledge import KnowledgeSearchForm


def _language(request) -> str:
    return knowledge.visitor_language(getattr(request, "LANGUAGE_CODE", None) or get_language())


@require_GET
def knowledge_home(request):
    """Every category with its published articles, and the search box."""
    context = {
        "categories": knowledge.public_categories(_language(request)),
        "form": KnowledgeSearchForm(),
    }
    return render(request, "web/public/knowledge/home.html", context)


@require_GET
def knowledge_search(request):
    """Published articles matching the words searched for."""
    form = KnowledgeSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = knowledge.article_search(query, language=_language(request))
    context = {"form": form, "query": query, "results": results}
    return render(request, "web/public/knowledge/search.html", context)


@require_GET
def knowledge_category(request, slug):
    """One category's published articles."""
    try:
        category = knowledge.public_category(slug, _language(request))
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "web/public/knowledge/category.html", {"category": category})


@require_GET
def knowledge_article(request, slug):
    """A published article, its body rendered from Markdown without raw HTML."""
    try:
        article = knowledge.public_article(slug, _language(request))
    except NotFound as error:
        raise Http404(error.message) from error
    context = {"article": article, "body_html": render_article_body(article.body)}
    return render(request, "web/public/knowledge/article.html", context)
