"""URLs of the staff-area pages: plan changes, cancellation, withdrawal, contract notice.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_service_changes as views

urlpatterns: list = [
    # Open cancellations and notices, due first (ORD-06, ORD-08): clients.view;
    # carrying one out needs services.manage
    path("staff/cancellations/", views.cancellation_list, name="staff_cancellations"),
    path(
        "staff/cancellations/<str:public_id>/carry-out/",
        views.cancellation_carry_out,
        name="staff_cancellation_carry_out",
    ),
    # On a client's behalf, services.manage: plan change (ORD-04)
    path(
        "staff/services/<str:public_id>/plan/",
        views.plan_change,
        name="staff_service_plan_change",
    ),
    path(
        "staff/services/<str:public_id>/plan/withdraw/",
        views.plan_change_withdraw,
        name="staff_service_plan_change_withdraw",
    ),
    # Cancellation and contract notices (ORD-06, ORD-08)
    path("staff/services/<str:public_id>/end/", views.service_end, name="staff_service_end"),
    path(
        "staff/services/<str:public_id>/end/notice/",
        views.contract_notice,
        name="staff_service_contract_notice",
    ),
    path(
        "staff/services/<str:public_id>/end/withdraw/",
        views.cancellation_withdraw,
        name="staff_service_cancellation_withdraw",
    ),
]
