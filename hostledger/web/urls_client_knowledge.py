"""URLs of the knowledge base in the client area: the articles suggested on the new-ticket
form. In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_knowledge as views

urlpatterns: list = [
    path(
        "tickets/new/suggested-articles/",
        views.ticket_article_suggestions,
        name="ticket_article_suggestions",
    ),
]
