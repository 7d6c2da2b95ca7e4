"""URLs of the staff-area data verification actions (ACC-10), all needing ``clients.edit``.
The requests are listed on the staff client page.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_verification

urlpatterns: list = [
    path(
        "staff/clients/<str:public_id>/verification-requests/",
        staff_verification.verification_open,
        name="staff_verification_open",
    ),
    path(
        "staff/verification-requests/<str:public_id>/accept/",
        staff_verification.verification_accept,
        name="staff_verification_accept",
    ),
    path(
        "staff/verification-requests/<str:public_id>/reject/",
        staff_verification.verification_reject,
        name="staff_verification_reject",
    ),
    path(
        "staff/verification-requests/<str:public_id>/withdraw/",
        staff_verification.verification_withdraw,
        name="staff_verification_withdraw",
    ),
]
