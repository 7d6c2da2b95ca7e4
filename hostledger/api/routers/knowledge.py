"""The knowledge base, read-only and public: the published help articles, listed or
searched, and one article by its address, in the language asked for with English where an
article has no text in it. No credential is needed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate
from hostledger.knowledge import selectors as knowledge
from hostledger.knowledge.markup import render_article_body

router = Router(tags=["Knowledge base"])

Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]


class ArticleListQuery(PageParams):
    q: str = Field(
        "",
        max_length=200,
        description="Words to search for in titles and bodies; empty lists every article.",
    )
    language: Language = Field(  # type: ignore[valid-type]
        "en", description="The language to read in; English where an article has no text in it."
    )


class ArticleQuery(Schema):
    language: Language = Field(  # type: ignore[valid-type]
        "en", description="The language to read in; English where the article has no text in it."
    )


class ArticleSummaryOut(Schema):
    """A published article without its body."""

    id: str = Field(examples=["kba_3k9d2m7q8w1x4z6v"])
    slug: str = Field(examples=["reset-root-password"])
    category: str = Field(description="The category's address.", examples=["servers"])
    category_name: str = Field(examples=["Servers"])
    language: str = Field(description="The language of the title (and body).", examples=["en"])
    title: str = Field(examples=["Resetting the root password"])
    published_at: datetime | None
    updated_at: datetime


class ArticleOut(ArticleSummaryOut):
    """A published article with its body: the Markdown as written and as safe HTML."""

    body: str = Field(description="Plain text or Markdown, as staff wrote it.")
    body_html: str = Field(description="The body as HTML; raw HTML in the body is escaped.")


def _summary(view: knowledge.ArticleView) -> dict:
    return {
        "id": view.public_id,
        "slug": view.slug,
        "category": view.category_slug,
        "category_name": view.category_name,
        "language": view.language,
        "title": view.title,
        "published_at": view.published_at,
        "updated_at": view.updated_at,
    }


@router.get(
    "/knowledge/articles",
    auth=None,
    response=responses({200: page_of(ArticleSummaryOut)}, 400),
    summary="List or search the published help articles",
)
def knowledge_article_list(request: HttpRequest, params: Query[ArticleListQuery]):
    """Every published article, newest first; with ``q``, those whose title or body in any
    language matches the words, best match first."""
    if params.q.strip():
        views = knowledge.article_search(
            params.q, language=params.language, limit=knowledge.SEARCH_RESULTS
        )
    else:
        views = knowledge.public_articles(params.language)
    return paginate([_summary(view) for view in views], params)


@router.get(
    "/knowledge/articles/{slug}",
    auth=None,
    response=responses({200: ArticleOut}, 400, 404),
    summary="Read a published help article",
)
def knowledge_article(request: HttpRequest, slug: str, params: Query[ArticleQuery]):
    """One published article by its address; a draft or an unknown address is 404."""
    view = knowledge.public_article(slug, params.language)
    return {**_summary(view), "body": view.body, "body_html": str(render_article_body(view.body))}
