"""Reads of the knowledge base shared by the public pages, the API, the new-ticket form and
the staff pages.

Public reads see published articles only, each in the visitor's language where staff wrote
it and in English otherwise. :func:`article_search` is the one search: PostgreSQL's full
text search where the database is PostgreSQL, a case-insensitive match of each word on
SQLite; either way an article matching more of the words comes first, the text of any
language is searched and the visitor's is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import add, or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When

from hostledger.core.errors import NotFound
from hostledger.knowledge.models import (
    FALLBACK_LANGUAGE,
    Article,
    ArticleText,
    Category,
    CategoryName,
)

SUGGESTIONS_SHOWN = 5
SEARCH_RESULTS = 20
MAX_QUERY_LENGTH = 200
MIN_WORD_LENGTH = 3
MAX_WORDS = 10


@dataclass(frozen=True)
class ArticleView:
    """An article as a visitor reads it: the text of their language or English."""

    public_id: str
    slug: str
    category_slug: str
    category_name: str
    language: str
    title: str
    body: str
    published_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class CategoryView:
    slug: str
    name: str
    articles: list[ArticleView]


def visitor_language(language: str | None) -> str:
    """One of the site's languages: ``language`` or its base ("et-EE" → "et"), else English."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").lower()
    for candidate in (language, language.split("-", 1)[0]):
        if candidate in codes:
            return candidate
    return FALLBACK_LANGUAGE


def _in_language(rows, language: str):
    """The row of ``language`` among a category's names or an article's texts, else the
    English one."""
    by_language = {row.language: row for row in rows}
    return by_language.get(language) or by_language.get(FALLBACK_LANGUAGE)


def _published() -> QuerySet[Article]:
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("category")
        .prefetch_related("texts", "category__names")
    )


def _view(article: Article, language: str) -> ArticleView:
    text = _in_language(article.texts.all(), language)
    name = _in_language(article.category.names.all(), language)
    return ArticleView(
        public_id=article.public_id,
        slug=article.slug,
        category_slug=article.category.slug,
        category_name=name.name if name else article.category.slug,
        language=text.language if text else FALLBACK_LANGUAGE,
        title=text.title if text else article.slug,
        body=text.body if text else "",
        published_at=article.published_at,
        updated_at=article.updated_at,
    )


def public_categories(language: str) -> list[CategoryView]:
    """Every category with at least one published article, in order, with its published
    articles by title; three statements whatever the number of categories."""
    language = visitor_language(language)
    articles = _published().prefetch_related(None).prefetch_related("texts")
    categories = Category.objects.prefetch_related(
        "names", Prefetch("articles", queryset=articles, to_attr="published")
    )
    result = []
    for category in categories:
        if not category.published:
            continue
        for article in category.published:
            article._state.fields_cache["category"] = category
        views = sorted(
            (_view(article, language) for article in category.published),
            key=lambda view: view.title.lower(),
        )
        name = _in_language(category.names.all(), language)
        result.append(CategoryView(category.slug, name.name if name else category.slug, views))
    return result


def public_category(slug: str, language: str) -> CategoryView:
    """One category with its published articles; NotFound without any."""
    for category in public_categories(language):
        if category.slug == slug:
            return category
    raise NotFound("category")


def public_article(slug: str, language: str) -> ArticleView:
    """A published article by its address, in the visitor's language or English."""
    article = _published().filter(slug=slug).first()
    if article is None:
        raise NotFound("article")
    return _view(article, visitor_language(language))


def public_articles(language: str, *, limit: int | None = None) -> list[ArticleView]:
    """Every published article, newest first."""
    articles = _published().order_by(F("published_at").desc(nulls_last=True), "-id")
    if limit is not None:
        articles = articles[:limit]
    return [_view(article, visitor_language(language)) for article in articles]


def _search_words(query: str) -> list[str]:
    """The words of ``query`` worth searching for: those of three letters or more (all of
    them when none is that long), at most ten, each once."""
    words = list(dict.fromkeys(query.lower().split()))
    long_words = [word for word in words if len(word) >= MIN_WORD_LENGTH]
    return (long_words or words)[:MAX_WORDS]


def article_search(query: str, *, language: str, limit: int = SEARCH_RESULTS) -> list[ArticleView]:
    """Published articles whose title or body, in any language, holds any word of ``query``,
    the articles matching more (on PostgreSQL: ranked by full text search, titles above
    bodies) first; an empty query finds nothing. A subject typed into the new-ticket form
    finds the articles that share its telling words."""
    words = _search_words(" ".join((query or "").split())[:MAX_QUERY_LENGTH])
    if not words:
        return []
    texts = ArticleText.objects.filter(article__status=Article.Status.PUBLISHED)
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            "body", weight="B", config="simple"
        )
        search = reduce(or_, (SearchQuery(word, config="simple") for word in words))
        matches = (
            texts.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "article_id")
            .values_list("article_id", flat=True)
        )
    else:
        hits = [
            Case(
                When(Q(title__icontains=word) | Q(body__icontains=word), then=Value(1)),
                default=Value(0),
            )
            for word in words
        ]
        matches = (
            texts.annotate(hits=reduce(add, hits))
            .filter(hits__gt=0)
            .order_by("-hits", F("article__published_at").desc(nulls_last=True), "article_id")
            .values_list("article_id", flat=True)
        )
    ordered: list[int] = []
    for article_id in matches[: limit * len(settings.LANGUAGES)]:
        if article_id not in ordered:
            ordered.append(article_id)
    ordered = ordered[:limit]
    found = {article.pk: article for article in _published().filter(pk__in=ordered)}
    language = visitor_language(language)
    return [_view(found[pk], language) for pk in ordered if pk in found]


# ----------------------------------------------------------------------------- staff


def staff_categories() -> QuerySet[Category]:
    return Category.objects.prefetch_related(
        Prefetch("names", queryset=CategoryName.objects.order_by("language"))
    )


def staff_category(slug: str) -> Category:
    category = staff_categories().filter(slug=slug).first()
    if category is None:
        raise NotFound("category")
    return category


def staff_articles() -> QuerySet[Article]:
    """Every article, drafts included, by category and address."""
    return (
        Article.objects.select_related("category", "updated_by")
        .prefetch_related("texts")
        .order_by("category__position", "category__slug", "slug")
    )


def staff_article(public_id: str) -> Article:
    article = staff_articles().filter(public_id=public_id).first()
    if article is None:
        raise NotFound("article")
    return article


def english_title(article: Article) -> str:
    text = _in_language(article.texts.all(), FALLBACK_LANGUAGE)
    return text.title if text else article.slug
