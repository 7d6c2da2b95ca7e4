"""URLs of the staff-area privacy pages (GDPR-04, GDPR-05, GDPR-08), all needing
``privacy.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_erasure

urlpatterns: list = [
    path("staff/privacy/", staff_erasure.privacy_overview, name="staff_privacy"),
    path(
        "staff/clients/<str:public_id>/privacy/",
        staff_erasure.client_privacy,
        name="staff_client_privacy",
    ),
    path(
        "staff/clients/<str:public_id>/erasure/",
        staff_erasure.client_erase_view,
        name="staff_client_erase",
    ),
    path(
        "staff/erasure-reports/<str:public_id>/",
        staff_erasure.erasure_report_view,
        name="staff_erasure_report",
    ),
    path(
        "staff/clients/<str:public_id>/restrictions/",
        staff_erasure.restriction_start_view,
        name="staff_restriction_start",
    ),
    path(
        "staff/restrictions/<str:public_id>/lift/",
        staff_erasure.restriction_lift_view,
        name="staff_restriction_lift",
    ),
    path(
        "staff/clients/<str:public_id>/legal-holds/",
        staff_erasure.legal_hold_start_view,
        name="staff_legal_hold_start",
    ),
    path(
        "staff/legal-holds/<str:public_id>/lift/",
        staff_erasure.legal_hold_lift_view,
        name="staff_legal_hold_lift",
    ),
]
