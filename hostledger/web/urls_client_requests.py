"""URLs of the client-area privacy requests (GDPR-07).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_requests

urlpatterns: list = [
    path("privacy/objections/", client_requests.objection_file, name="privacy_objection_file"),
    path("privacy/requests/", client_requests.privacy_request_list, name="privacy_request_list"),
    path("privacy/requests/new/", client_requests.privacy_request_new, name="privacy_request_new"),
    path(
        "privacy/requests/<str:public_id>/",
        client_requests.privacy_request_detail,
        name="privacy_request",
    ),
    path(
        "privacy/requests/<str:public_id>/confirm/",
        client_requests.privacy_request_confirm,
        name="privacy_request_confirm",
    ),
    path(
        "privacy/requests/<str:public_id>/withdraw/",
        client_requests.privacy_request_withdraw,
        name="privacy_request_withdraw",
    ),
]
