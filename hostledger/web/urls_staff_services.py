"""URLs of the staff-area services pages: orders, services, their life-cycle forms and the
activation queue (ORD-01, ORD-02, CAT-03, PRV-01).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_services

urlpatterns: list = [
    # Orders (ORD-01), clients.view
    path("staff/orders/", staff_services.order_list, name="staff_orders"),
    path("staff/orders/<str:public_id>/", staff_services.order_detail, name="staff_order"),
    # Services (ORD-02), clients.view; changes and the queue need services.manage
    path("staff/services/", staff_services.service_list, name="staff_services"),
    path(
        "staff/services/activation-queue/",
        staff_services.activation_queue,
        name="staff_activation_queue",
    ),
    path("staff/services/<str:public_id>/", staff_services.service_detail, name="staff_service"),
    path(
        "staff/services/<str:public_id>/activate/",
        staff_services.service_activate_view,
        name="staff_service_activate",
    ),
    path(
        "staff/services/<str:public_id>/host-name/",
        staff_services.service_host_name_view,
        name="staff_service_host_name",
    ),
    path(
        "staff/services/<str:public_id>/suspend/",
        staff_services.service_suspend_view,
        name="staff_service_suspend",
    ),
    path(
        "staff/services/<str:public_id>/resume/",
        staff_services.service_resume_view,
        name="staff_service_resume",
    ),
    path(
        "staff/services/<str:public_id>/terminate/",
        staff_services.service_terminate_view,
        name="staff_service_terminate",
    ),
]
