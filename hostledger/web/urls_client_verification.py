"""URLs of the client-area data verification pages (ACC-10).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_verification

urlpatterns: list = [
    path(
        "verification/",
        client_verification.verification_list,
        name="verification_list",
    ),
    path(
        "verification/<str:public_id>/",
        client_verification.verification_detail,
        name="verification_detail",
    ),
]
