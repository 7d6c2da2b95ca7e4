"""URLs of the client-area page of decisions about the client (AUT-06).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_decisions

urlpatterns: list = [
    path("decisions/", client_decisions.decision_list, name="decision_list"),
    path(
        "decisions/<str:public_id>/review/",
        client_decisions.decision_review,
        name="decision_review",
    ),
]
