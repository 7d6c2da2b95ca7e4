"""Who may open every knowledge-base page (ACC-06, ACC-09, ACC-11).

The actors of tests/web/test_authorization_matrix.py. The help pages are public: everyone,
signed in or not, reads published articles; a draft is 404 for everyone. The suggestions on
the new-ticket form are a client-area fragment: clients and trusted users read them, staff
without a client account are sent to the staff area. The editors need ``knowledge.manage``
(support, administrator). Every refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.knowledge.models import Article, ArticleText, Category, CategoryName
from tests.knowledge.helpers import help_article
from tests.module_world import kept_for_the_module
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    built_world,
    database_state,
)

EDITORS = ("support", "administrator")
CLIENT_ACTORS = ("owner_a", "owner_b", "readonly_a")


@pytest.fixture(scope="module")
def knowledge_world(built_world, django_db_blocker):  # noqa: F811
    with kept_for_the_module(django_db_blocker):
        published = help_article()
        draft = help_article("draft-article", published=False)
        yield {"world": built_world, "published": published, "draft": draft}


@pytest.fixture
def kw(knowledge_world, db):
    return knowledge_world


def state() -> dict:
    return {
        **database_state(),
        "categories": list(Category.objects.order_by("pk").values()),
        "names": list(CategoryName.objects.order_by("pk").values()),
        "articles": list(Article.objects.order_by("pk").values()),
        "texts": list(ArticleText.objects.order_by("pk").values()),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def everyone(status: int) -> dict:
    return dict.fromkeys(ACTORS, status)


def staff_page(*roles: str, granted: int = 200) -> dict:
    return {
        "anonymous": 302,
        **dict.fromkeys(CLIENT_ACTORS, 403),
        **{role: granted if role in roles else 403 for role in STAFF_ROLES},
    }


def client_fragment() -> dict:
    return {
        "anonymous": 302,
        **dict.fromkeys(CLIENT_ACTORS, 200),
        **dict.fromkeys(STAFF_ROLES, 302),
    }


ENDPOINTS = [
    # ---- public help pages
    Endpoint("knowledge_home", everyone(200)),
    Endpoint("knowledge_search", everyone(200)),
    Endpoint("knowledge_category", everyone(200), lambda kw: ["servers"]),
    Endpoint("knowledge_article", everyone(200), lambda kw: [kw["published"].slug]),
    # ---- client area
    Endpoint("ticket_article_suggestions", client_fragment()),
    # ---- staff editors (knowledge.manage)
    Endpoint("staff_knowledge", staff_page(*EDITORS)),
    Endpoint("staff_knowledge_category_create", staff_page(*EDITORS)),
    Endpoint(
        "staff_knowledge_category_create",
        staff_page(*EDITORS, granted=302),
        method="POST",
        data=lambda kw: {"slug": "billing", "position": "3", "name_en": "Billing"},
        writers=frozenset(EDITORS),
    ),
    Endpoint("staff_knowledge_category", staff_page(*EDITORS), lambda kw: ["servers"]),
    Endpoint(
        "staff_knowledge_category",
        staff_page(*EDITORS, granted=302),
        lambda kw: ["servers"],
        method="POST",
        data=lambda kw: {"slug": "servers", "position": "5", "name_en": "Servers and VPS"},
        writers=frozenset(EDITORS),
    ),
    Endpoint("staff_knowledge_article_create", staff_page(*EDITORS)),
    Endpoint(
        "staff_knowledge_article_create",
        staff_page(*EDITORS, granted=302),
        method="POST",
        data=lambda kw: {
            "slug": "new-article",
            "category": "servers",
            "title_en": "New",
            "body_en": "Text",
        },
        writers=frozenset(EDITORS),
    ),
    Endpoint("staff_knowledge_article", staff_page(*EDITORS), lambda kw: [kw["draft"].public_id]),
    Endpoint(
        "staff_knowledge_article",
        staff_page(*EDITORS, granted=302),
        lambda kw: [kw["draft"].public_id],
        method="POST",
        data=lambda kw: {
            "slug": "draft-article",
            "category": "servers",
            "published": "on",
            "title_en": "Now published",
            "body_en": "Text",
        },
        writers=frozenset(EDITORS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_knowledge_page_is_in_the_table():
    """A new URL of the knowledge-base modules fails here until this matrix names it."""
    from hostledger.web import urls_client_knowledge, urls_public_knowledge, urls_staff_knowledge

    modules = (urls_public_knowledge, urls_client_knowledge, urls_staff_knowledge)
    names = {pattern.name for module in modules for pattern in module.urlpatterns}
    assert names == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_knowledge_pages_authorization_matrix__ACC_06_ACC_11(endpoint, actor, kw, client):
    world = kw["world"]
    http = world.sign_in(client, actor)
    url = reverse(f"web:{endpoint.name}", args=endpoint.args(kw))
    before = state() if endpoint.method == "POST" else None

    response = http.post(url, endpoint.data(kw)) if endpoint.method == "POST" else http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused request changed data"


@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_is_not_found_on_the_public_pages_for_anyone(actor, kw, client):
    http = kw["world"].sign_in(client, actor)
    response = http.get(reverse("web:knowledge_article", args=[kw["draft"].slug]))
    assert response.status_code == 404
