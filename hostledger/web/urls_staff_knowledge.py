"""URLs of the staff editors of the knowledge base (``knowledge.manage``).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_knowledge as views

urlpatterns: list = [
    path("staff/knowledge/", views.knowledge_overview, name="staff_knowledge"),
    path(
        "staff/knowledge/categories/new/",
        views.knowledge_category_create,
        name="staff_knowledge_category_create",
    ),
    path(
        "staff/knowledge/categories/<slug:slug>/",
        views.knowledge_category_edit,
        name="staff_knowledge_category",
    ),
    path(
        "staff/knowledge/articles/new/",
        views.knowledge_article_create,
        name="staff_knowledge_article_create",
    ),
    path(
        "staff/knowledge/articles/<str:public_id>/",
        views.knowledge_article_edit,
        name="staff_knowledge_article",
    ),
]
