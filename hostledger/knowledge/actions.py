"""Every write of the knowledge base: staff with ``knowledge.manage`` keep its categories
and articles (ACC-11). Each action is one transaction, checks every field at once and names
each field that is wrong; each change is recorded in the audit trail."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import User
from hostledger.accounts.selectors import require_staff_permission
from hostledger.accounts.validation import FieldErrors, clean_text
from hostledger.core.audit import record_audit_event
from hostledger.knowledge.models import (
    FALLBACK_LANGUAGE,
    Article,
    ArticleText,
    Category,
    CategoryName,
)

MAX_TITLE_LENGTH = 200
MAX_NAME_LENGTH = 120
MAX_BODY_LENGTH = 50_000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def languages() -> list[str]:
    """The site's languages, English (every text's fallback) first."""
    codes = [code for code, _name in settings.LANGUAGES]
    return [FALLBACK_LANGUAGE, *(code for code in codes if code != FALLBACK_LANGUAGE)]


def _clean_slug(value: str | None, errors: FieldErrors, *, taken) -> str:
    slug = (value or "").strip().lower()
    if not slug:
        errors.add("slug", _("This field is required."))
    elif len(slug) > 60 or not _SLUG.match(slug):
        errors.add("slug", _("Lower-case letters, digits and hyphens, at most 60 characters."))
    elif taken(slug):
        errors.add("slug", _("Another one already uses this address."))
    return slug


def _clean_body(value: str | None, field: str, errors: FieldErrors, *, required: bool) -> str:
    body = (value or "").replace("\r\n", "\n").strip()
    if required and not body:
        errors.add(field, _("This field is required."))
    elif len(body) > MAX_BODY_LENGTH:
        errors.add(
            field,
            _("At most %(max_body_length)s characters.")
            % {"max_body_length": f"{MAX_BODY_LENGTH:,}"},
        )
    elif "\x00" in body:
        errors.add(field, _("Control characters are not allowed."))
    return body


@transaction.atomic
def category_save(
    *,
    actor: User,
    category: Category | None = None,
    slug: str,
    position: int,
    names: dict[str, str],
) -> Category:
    """Create or change a category: its address (slug), its place in the list and its name
    in each language; the English name is required."""
    require_staff_permission(actor, perms.KNOWLEDGE_MANAGE)
    errors = FieldErrors()
    others = Category.objects.exclude(pk=category.pk if category else None)
    slug = _clean_slug(slug, errors, taken=lambda value: others.filter(slug=value).exists())
    if not isinstance(position, int) or not 0 <= position <= 10_000:
        errors.add("position", _("A whole number from 0 to 10,000."))
    cleaned = {
        language: clean_text(
            names.get(language),
            f"name_{language}",
            errors,
            required=language == FALLBACK_LANGUAGE,
            max_length=MAX_NAME_LENGTH,
        )
        for language in languages()
    }
    errors.raise_if_any()
    created = category is None
    if created:
        category = Category.objects.create(slug=slug, position=position)
    else:
        category.slug, category.position = slug, position
        category.save(update_fields=["slug", "position"])
    for language, name in cleaned.items():
        if name:
            CategoryName.objects.update_or_create(
                category=category, language=language, defaults={"name": name}
            )
        else:
            CategoryName.objects.filter(category=category, language=language).delete()
    record_audit_event(
        action="knowledge.category_created" if created else "knowledge.category_changed",
        actor=actor,
        obj=category,
        data={"slug": slug, "languages": sorted(code for code, name in cleaned.items() if name)},
    )
    return category


@transaction.atomic
def article_save(
    *,
    actor: User,
    article: Article | None = None,
    slug: str,
    category: Category | None,
    published: bool,
    texts: dict[str, tuple[str, str]],
) -> Article:
    """Create or change an article: its address, category, whether it is published, and its
    title and body in each language. English title and body are required; in another
    language both or neither. Publishing a draft notes the moment it was first published."""
    require_staff_permission(actor, perms.KNOWLEDGE_MANAGE)
    errors = FieldErrors()
    others = Article.objects.exclude(pk=article.pk if article else None)
    slug = _clean_slug(slug, errors, taken=lambda value: others.filter(slug=value).exists())
    if category is None:
        errors.add("category", _("Choose a category."))
    cleaned: dict[str, tuple[str, str]] = {}
    for language in languages():
        title, body = texts.get(language, ("", ""))
        required = language == FALLBACK_LANGUAGE
        title = clean_text(
            title, f"title_{language}", errors, required=required, max_length=MAX_TITLE_LENGTH
        )
        body = _clean_body(body, f"body_{language}", errors, required=required)
        if not required and bool(title) != bool(body):
            missing = f"body_{language}" if title else f"title_{language}"
            errors.add(
                missing, _("Write both the title and the body of this language, or neither.")
            )
        cleaned[language] = (title, body)
    errors.raise_if_any()
    now = timezone.now()
    status = Article.Status.PUBLISHED if published else Article.Status.DRAFT
    created = article is None
    if created:
        article = Article(created_at=now)
    if published and article.published_at is None:
        article.published_at = now
    article.slug, article.category, article.status = slug, category, status
    article.updated_at, article.updated_by = now, actor
    article.save()
    for language, (title, body) in cleaned.items():
        if title:
            ArticleText.objects.update_or_create(
                article=article, language=language, defaults={"title": title, "body": body}
            )
        else:
            ArticleText.objects.filter(article=article, language=language).delete()
    record_audit_event(
        action="knowledge.article_created" if created else "knowledge.article_changed",
        actor=actor,
        obj=article,
        data={
            "slug": slug,
            "status": status,
            "languages": sorted(code for code, (title, _body) in cleaned.items() if title),
        },
    )
    return article
