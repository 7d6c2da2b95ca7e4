"""URLs of the staff-area privacy pages: the request queue and its steps (GDPR-07) and
corrections of clients' data (GDPR-03).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_requests

urlpatterns: list = [
    path("staff/privacy/requests/", staff_requests.privacy_queue, name="staff_privacy_queue"),
    path(
        "staff/privacy/requests/<str:public_id>/",
        staff_requests.privacy_request_detail,
        name="staff_privacy_request",
    ),
    path(
        "staff/privacy/requests/<str:public_id>/verify/",
        staff_requests.privacy_request_verify,
        name="staff_privacy_request_verify",
    ),
    path(
        "staff/privacy/requests/<str:public_id>/extend/",
        staff_requests.privacy_request_extend,
        name="staff_privacy_request_extend",
    ),
    path(
        "staff/privacy/requests/<str:public_id>/respond/",
        staff_requests.privacy_request_respond,
        name="staff_privacy_request_respond",
    ),
    path(
        "staff/privacy/requests/<str:public_id>/refuse/",
        staff_requests.privacy_request_refuse,
        name="staff_privacy_request_refuse",
    ),
    path(
        "staff/privacy/requests/<str:public_id>/objection/",
        staff_requests.privacy_request_objection,
        name="staff_privacy_request_objection",
    ),
    path(
        "staff/clients/<str:public_id>/privacy-requests/new/",
        staff_requests.privacy_request_record,
        name="staff_privacy_request_record",
    ),
    path(
        "staff/clients/<str:public_id>/rectify/",
        staff_requests.client_rectify,
        name="staff_client_rectify",
    ),
]
