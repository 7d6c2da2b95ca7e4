"""URLs of the public help pages (no sign-in): the knowledge base's categories, articles and
search. In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import public_knowledge as views

urlpatterns: list = [
    path("help/", views.knowledge_home, name="knowledge_home"),
    path("help/search/", views.knowledge_search, name="knowledge_search"),
    path("help/articles/<slug:slug>/", views.knowledge_article, name="knowledge_article"),
    path("help/<slug:slug>/", views.knowledge_category, name="knowledge_category"),
]
