"""The staff editors of the knowledge base (``knowledge.manage``): categories and articles,
each with its text in every language of the site, drafts until published."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.knowledge import actions
from hostledger.knowledge import selectors as knowledge
from hostledger.knowledge.actions import languages
from hostledger.knowledge.markup import render_article_body
from hostledger.knowledge.models import FALLBACK_LANGUAGE
from hostledger.web.decorators import staff_area
from hostledger.web.forms_knowledge import ArticleForm, CategoryForm
from hostledger.web.views.common import form_data, render_form_page

MANAGE = perms.KNOWLEDGE_MANAGE


@require_GET
@staff_area(MANAGE)
def knowledge_overview(request):
    """Every category and article, drafts included."""
    articles = list(knowledge.staff_articles())
    rows = [(article, knowledge.english_title(article)) for article in articles]
    context = {"categories": list(knowledge.staff_categories()), "rows": rows}
    return render(request, "web/staff/knowledge/overview.html", context)


def _category_initial(category) -> dict:
    initial = {"slug": category.slug, "position": category.position}
    initial.update({f"name_{row.language}": row.name for row in category.names.all()})
    return initial


def _category_page(request, category):
    initial = _category_initial(category) if category else None
    form = CategoryForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.category_save(
                actor=request.user,
                category=category,
                slug=form.cleaned_data["slug"],
                position=form.cleaned_data["position"],
                names=form.names(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Category %(slug)s is saved.") % {"slug": saved.slug})
            return redirect("web:staff_knowledge")
    context = {"form": form, "category": category}
    return render_form_page(request, "web/staff/knowledge/category_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def knowledge_category_create(request):
    return _category_page(request, None)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def knowledge_category_edit(request, slug):
    return _category_page(request, knowledge.staff_category(slug))


def _article_initial(article) -> dict:
    initial = {
        "slug": article.slug,
        "category": article.category.slug,
        "published": article.status == article.Status.PUBLISHED,
    }
    for text in article.texts.all():
        initial[f"title_{text.language}"] = text.title
        initial[f"body_{text.language}"] = text.body
    return initial


def _article_page(request, article):
    categories = list(knowledge.staff_categories())
    initial = _article_initial(article) if article else None
    form = ArticleForm(form_data(request), initial=initial, categories=categories)
    if request.method == "POST" and form.is_valid():
        by_slug = {category.slug: category for category in categories}
        try:
            saved = actions.article_save(
                actor=request.user,
                article=article,
                slug=form.cleaned_data["slug"],
                category=by_slug.get(form.cleaned_data["category"]),
                published=form.cleaned_data["published"],
                texts=form.texts(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Article %(slug)s is saved.") % {"slug": saved.slug})
            return redirect("web:staff_knowledge_article", public_id=saved.public_id)
    previews = []
    if article is not None:
        texts = {text.language: text for text in article.texts.all()}
        previews = [
            (language, texts[language].title, render_article_body(texts[language].body))
            for language in languages()
            if language in texts
        ]
    context = {
        "form": form,
        "article": article,
        "previews": previews,
        "has_categories": bool(categories),
        "languages": languages(),
        "fallback": FALLBACK_LANGUAGE,
    }
    return render_form_page(request, "web/staff/knowledge/article_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def knowledge_article_create(request):
    return _article_page(request, None)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def knowledge_article_edit(request, public_id):
    return _article_page(request, knowledge.staff_article(public_id))
