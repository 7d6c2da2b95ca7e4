"""URLs of the client area's DNS hosting pages (DOM-04).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_dns as views

urlpatterns: list = [
    path("dns/", views.zone_list, name="dns_zone_list"),
    path("dns/new/", views.zone_create, name="dns_zone_create"),
    path("dns/<str:public_id>/", views.zone_detail, name="dns_zone"),
    path("dns/<str:public_id>/remove/", views.zone_remove, name="dns_zone_remove"),
    path("dns/<str:public_id>/records/", views.record_create, name="dns_record_create"),
    path(
        "dns/<str:public_id>/records/<str:record_id>/",
        views.record_edit,
        name="dns_record_edit",
    ),
    path(
        "dns/<str:public_id>/records/<str:record_id>/delete/",
        views.record_delete,
        name="dns_record_delete",
    ),
]
