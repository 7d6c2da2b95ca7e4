"""URLs of the client-area pages: plan changes, cancellation, withdrawal, contract notice.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_service_changes as views

urlpatterns: list = [
    # Change of tariff and add-ons, prorated to the day (ORD-04)
    path("services/<str:public_id>/plan/", views.plan_change, name="service_plan_change"),
    path(
        "services/<str:public_id>/plan/withdraw/",
        views.plan_change_withdraw,
        name="service_plan_change_withdraw",
    ),
    # Cancellation with notice (ORD-06, CAT-03)
    path("services/<str:public_id>/cancel/", views.cancel, name="service_cancel"),
    path(
        "services/<str:public_id>/cancel/withdraw/",
        views.cancellation_withdraw,
        name="service_cancellation_withdraw",
    ),
    # Consumer withdrawal from the contract (ORD-07)
    path("services/<str:public_id>/withdrawal/", views.withdrawal, name="service_withdrawal"),
    # Contract term and notices (ORD-08)
    path("services/<str:public_id>/contract/", views.contract, name="service_contract"),
    path(
        "services/<str:public_id>/contract/notice/",
        views.contract_notice,
        name="service_contract_notice",
    ),
]
