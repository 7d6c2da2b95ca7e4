"""The knowledge base: categories and articles in every language of the site, drafts and
published articles, the language fallback to English, search, safe rendering of bodies,
and the public API (ACC-11 for the editors)."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.knowledge import actions, selectors
from hostledger.knowledge.markup import render_article_body
from hostledger.knowledge.models import Article, ArticleText
from tests.knowledge.helpers import help_article, help_category, knowledge_editor
from tests.web.conftest import make_staff_user


def test_an_article_reads_in_the_visitors_language_with_english_where_missing(db):
    help_article()

    estonian = selectors.public_article("reset-root-password", "et")
    russian = selectors.public_article("reset-root-password", "ru")

    assert (estonian.language, estonian.title) == ("et", "Root-parooli lähtestamine")
    assert (russian.language, russian.title) == ("en", "Resetting the root password")
    assert russian.category_name == "Серверы"
    assert selectors.public_article("reset-root-password", "et-EE").language == "et"
    assert selectors.public_article("reset-root-password", "de").language == "en"


def test_drafts_stay_off_the_public_pages_search_and_lists(db):
    help_article("draft-only", published=False)

    with pytest.raises(NotFound):
        selectors.public_article("draft-only", "en")
    assert selectors.public_categories("en") == []
    assert selectors.article_search("root password", language="en") == []
    assert selectors.public_articles("en") == []


def test_publishing_notes_the_first_publication_only(db):
    article = help_article(published=False)
    assert article.published_at is None

    editor = knowledge_editor()
    texts = {"en": ("Resetting the root password", "Use the rescue console.")}
    published = actions.article_save(
        actor=editor,
        article=article,
        slug=article.slug,
        category=article.category,
        published=True,
        texts=texts,
    )
    first = published.published_at
    again = actions.article_save(
        actor=editor,
        article=published,
        slug=article.slug,
        category=article.category,
        published=True,
        texts=texts,
    )

    assert first is not None and again.published_at == first
    # The Estonian text was left empty: it is removed and readers fall back to English.
    assert list(ArticleText.objects.filter(article=article).values_list("language", flat=True)) == [
        "en"
    ]
    actions_recorded = AuditEvent.objects.filter(object_id=article.public_id).values_list(
        "action", flat=True
    )
    assert list(actions_recorded) == [
        "knowledge.article_created",
        "knowledge.article_changed",
        "knowledge.article_changed",
    ]


def test_search_matches_any_language_and_shows_the_visitors(db):
    help_article()
    help_article(
        "invoice-copy",
        category=help_category("billing", names={"en": "Billing"}),
        texts={"en": ("A copy of an invoice", "Download it from the invoices page.")},
    )

    found = selectors.article_search("päästekonsool", language="ru")
    by_word = selectors.article_search("invoice", language="et")

    assert [(view.slug, view.language) for view in found] == [("reset-root-password", "en")]
    assert [view.slug for view in by_word] == ["invoice-copy"]
    sentence = selectors.article_search("Forgot the root password of my invoice", language="en")
    assert [view.slug for view in sentence] == ["reset-root-password", "invoice-copy"]
    assert selectors.article_search("   ", language="en") == []
    assert selectors.article_search("nothing matches this", language="en") == []


def test_the_english_text_is_required_and_other_languages_need_title_and_body(db):
    category = help_category()
    with pytest.raises(DomainError) as refused:
        actions.article_save(
            actor=knowledge_editor(),
            slug="Not A Slug",
            category=category,
            published=True,
            texts={"en": ("", ""), "et": ("Pealkiri", "")},
        )

    assert set(refused.value.fields) == {"slug", "title_en", "body_en", "body_et"}
    assert not Article.objects.exists()


def test_slugs_are_unique_and_a_category_needs_an_english_name(db):
    help_article()
    with pytest.raises(DomainError) as taken:
        help_article()
    assert "slug" in taken.value.fields
    with pytest.raises(DomainError) as unnamed:
        help_category("other", names={"et": "Muu"})
    assert set(unnamed.value.fields) == {"name_en"}


def test_only_staff_with_knowledge_manage_write__ACC_11(db):
    billing = make_staff_user("billing")
    with pytest.raises(PermissionDenied):
        actions.category_save(actor=billing, slug="servers", position=0, names={"en": "Servers"})


@pytest.mark.parametrize(
    ("body", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script>", "&lt;script&gt;"),
        ('<img src="x" onerror="alert(1)">', "<img", "&lt;img"),
        ("[click](javascript:alert(1))", 'href="javascript', "[click]"),
        ("![tracker](https://example.net/pixel.png)", "<img", "tracker"),
        ("**bold** and `code`", "**", "<strong>bold</strong>"),
    ],
)
def test_article_bodies_render_without_raw_html_or_script_links(body, absent, present):
    html = str(render_article_body(body))
    assert absent not in html
    assert present in html


# ----------------------------------------------------------------------------- API


def test_the_api_lists_searches_and_reads_published_articles_without_a_credential(client, db):
    help_article()
    help_article("hidden", published=False)

    listed = client.get("/api/v1/knowledge/articles?language=et").json()
    searched = client.get("/api/v1/knowledge/articles?q=rescue").json()
    article = client.get("/api/v1/knowledge/articles/reset-root-password?language=ru").json()

    assert [item["slug"] for item in listed["items"]] == ["reset-root-password"]
    assert listed["items"][0]["title"] == "Root-parooli lähtestamine"
    assert searched["count"] == 1
    assert article["language"] == "en"
    assert "<strong>rescue console</strong>" in article["body_html"]
    assert client.get("/api/v1/knowledge/articles/hidden").status_code == 404
    assert client.get("/api/v1/knowledge/articles?language=xx").status_code == 400
