"""URLs of the client area's data-centre pages: equipment, applications for actions on it,
colocation and IP addresses (SUP-02, SUP-05, SUP-06).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_datacenter as views

urlpatterns: list = [
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/applications/", views.equipment_applications, name="equipment_applications"),
    path(
        "equipment/applications/new/",
        views.equipment_application_file,
        name="equipment_application_file",
    ),
    path(
        "equipment/applications/<str:public_id>/",
        views.equipment_application,
        name="equipment_application",
    ),
    path("equipment/<str:public_id>/", views.equipment_detail, name="equipment_detail"),
    path("colocation/", views.colocation, name="colocation"),
    path("colocation/representatives/new/", views.representative_add, name="representative_add"),
    path(
        "colocation/representatives/<str:public_id>/remove/",
        views.representative_remove,
        name="representative_remove",
    ),
    path("colocation/visits/new/", views.visit_request, name="visit_request"),
    path("ip-addresses/", views.ip_address_list, name="ip_address_list"),
    path("ip-addresses/<str:public_id>/usage/", views.ip_usage_report, name="ip_usage_report"),
    path(
        "ip-addresses/<str:public_id>/reverse-dns/",
        views.reverse_dns_set,
        name="reverse_dns_set",
    ),
]
