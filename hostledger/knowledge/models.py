"""The knowledge base: categories and articles, each with its text in the site's languages.

English is the language every category and article has; a visitor reading in another
language of ``settings.LANGUAGES`` sees that language's text where staff wrote one and the
English text otherwise. Articles are drafts until staff publish them; only published
articles reach the public pages, the API and the suggestions on the new-ticket form.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hostledger.core.ids import new_public_id

FALLBACK_LANGUAGE = "en"


class Category(models.Model):
    """A group of articles on the public help pages, shown in ``position`` order."""

    slug = models.SlugField(max_length=60, unique=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.slug


class CategoryName(models.Model):
    """A category's name in one language."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="names")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="knowledge_category_name_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.language}: {self.name}"


class Article(models.Model):
    """A help article: a draft until published, then on the public pages and in search."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "kba"), editable=False
    )
    slug = models.SlugField(max_length=80, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category", "slug"]
        indexes = [models.Index(fields=["status", "category"], name="knowledge_article_list_idx")]

    def __str__(self) -> str:
        return self.slug


class ArticleText(models.Model):
    """An article's title and body in one language; the body is plain text or Markdown
    without raw HTML (see :mod:`hostledger.knowledge.markup`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="knowledge_text_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.language}: {self.title}"
