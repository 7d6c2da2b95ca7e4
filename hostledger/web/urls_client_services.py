"""URLs of the client-area services pages: ordering, orders, services and cloud pool servers
(ORD-01 … ORD-05, CAT-03, CAT-04).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_service_controls, client_services

urlpatterns: list = [
    # Ordering and orders (ORD-01, ORD-03, CAT-04); the catalog links to order_new.
    path("orders/", client_services.order_list, name="order_list"),
    path("orders/new/", client_services.order_new, name="order_new"),
    path("orders/<str:public_id>/", client_services.order_detail, name="order_detail"),
    path("orders/<str:public_id>/pay/", client_services.order_pay, name="order_pay"),
    path("orders/<str:public_id>/withdraw/", client_services.order_withdraw, name="order_withdraw"),
    # Services (ORD-02, CAT-03, CAT-04)
    path("services/", client_services.service_list, name="service_list"),
    path("services/<str:public_id>/", client_services.service_detail, name="service_detail"),
    path(
        "services/<str:public_id>/continue/",
        client_services.service_trial_continue,
        name="service_trial_continue",
    ),
    # Access details and controls of a running service (PRV-01, SUP-02)
    path(
        "services/<str:public_id>/control/",
        client_service_controls.service_control,
        name="service_control",
    ),
    path(
        "services/<str:public_id>/access/",
        client_service_controls.service_access_secrets,
        name="service_access_reveal",
    ),
    path(
        "services/<str:public_id>/console/",
        client_service_controls.service_console,
        name="service_console",
    ),
    # Servers inside a cloud pool (ORD-05)
    path(
        "services/<str:public_id>/servers/",
        client_services.pool_server_add,
        name="pool_server_add",
    ),
    path(
        "services/<str:public_id>/servers/<str:server_id>/resize/",
        client_services.pool_server_change,
        name="pool_server_resize",
    ),
    path(
        "services/<str:public_id>/servers/<str:server_id>/delete/",
        client_services.pool_server_remove,
        name="pool_server_delete",
    ),
]
