"""The knowledge-base pages: public help pages in the visitor's language, the staff
editors, and the articles suggested on the client's new-ticket form."""

from __future__ import annotations

from django.urls import reverse

from hostledger.knowledge.models import Article, ArticleText, Category
from tests.knowledge.helpers import help_article
from tests.web.conftest import login, make_staff_user


def test_public_help_pages_need_no_sign_in_and_speak_the_visitors_language(client, db):
    help_article()

    home = client.get(reverse("web:knowledge_home"), headers={"Accept-Language": "et"})
    article = client.get(
        reverse("web:knowledge_article", args=["reset-root-password"]),
        headers={"Accept-Language": "ru"},
    )

    assert home.status_code == 200
    assert "Serverid" in home.content.decode()
    assert "Root-parooli lähtestamine" in home.content.decode()
    html = article.content.decode()
    assert "Resetting the root password" in html
    assert "<strong>rescue console</strong>" in html
    assert 'lang="en"' in html


def test_public_search_finds_published_articles_only(client, db):
    help_article()
    help_article("secret-draft", published=False, texts={"en": ("Rescue draft", "rescue")})

    page = client.get(reverse("web:knowledge_search"), {"q": "rescue"}).content.decode()

    assert "Resetting the root password" in page
    assert "Rescue draft" not in page
    assert client.get(reverse("web:knowledge_article", args=["secret-draft"])).status_code == 404


def test_staff_write_a_category_and_an_article_in_three_languages(client, db):
    login(client, make_staff_user("support"))

    client.post(
        reverse("web:staff_knowledge_category_create"),
        {"slug": "domains", "position": "2", "name_en": "Domains", "name_et": "Domeenid"},
    )
    created = client.post(
        reverse("web:staff_knowledge_article_create"),
        {
            "slug": "transfer-a-domain",
            "category": "domains",
            "published": "on",
            "title_en": "Transferring a domain",
            "body_en": "Ask the current registrar for the **auth code**.",
            "title_ru": "Перенос домена",
            "body_ru": "Запросите код авторизации.",
        },
    )

    article = Article.objects.get(slug="transfer-a-domain")
    assert created["Location"] == reverse("web:staff_knowledge_article", args=[article.public_id])
    assert Category.objects.get(slug="domains").names.count() == 2
    assert set(ArticleText.objects.filter(article=article).values_list("language", flat=True)) == {
        "en",
        "ru",
    }
    editor = client.get(created["Location"]).content.decode()
    assert "<strong>auth code</strong>" in editor


def test_a_staff_form_with_mistakes_names_the_fields_and_writes_nothing(client, db):
    login(client, make_staff_user("administrator"))
    help_article()

    response = client.post(
        reverse("web:staff_knowledge_article_create"),
        {"slug": "reset-root-password", "category": "servers", "title_en": "T", "body_en": "B"},
    )

    assert response.status_code == 400
    assert "Another one already uses this address." in response.content.decode()
    assert Article.objects.count() == 1


def test_the_new_ticket_form_suggests_articles_matching_the_subject(client, owner_a):
    help_article()
    login(client, owner_a)

    form = client.get(reverse("web:ticket_create")).content.decode()
    suggestions = client.get(
        reverse("web:ticket_article_suggestions"),
        {"subject": "root password"},
        headers={"HX-Request": "true"},
    ).content.decode()
    nothing = client.get(reverse("web:ticket_article_suggestions"), {"subject": "zzz"})

    assert reverse("web:ticket_article_suggestions") in form
    assert "data-article-suggestions" in suggestions
    assert reverse("web:knowledge_article", args=["reset-root-password"]) in suggestions
    assert "data-article-suggestions" not in nothing.content.decode()
