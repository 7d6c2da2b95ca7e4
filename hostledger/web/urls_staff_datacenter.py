"""URLs of the staff area's data-centre pages (SUP-02, SUP-05, SUP-06): reading needs
``clients.view`` (the colocation page ``clients.view_personal_data``), writing
``services.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_datacenter as views

urlpatterns: list = [
    path("staff/equipment/", views.equipment_list, name="staff_equipment"),
    path("staff/equipment/new/", views.equipment_register, name="staff_equipment_register"),
    path(
        "staff/equipment/<str:public_id>/",
        views.equipment_detail,
        name="staff_equipment_detail",
    ),
    path(
        "staff/equipment/<str:public_id>/edit/",
        views.equipment_edit,
        name="staff_equipment_edit",
    ),
    path(
        "staff/equipment/<str:public_id>/move/",
        views.equipment_move,
        name="staff_equipment_move",
    ),
    path(
        "staff/equipment-applications/",
        views.application_list,
        name="staff_equipment_applications",
    ),
    path(
        "staff/equipment-applications/<str:public_id>/",
        views.application_detail,
        name="staff_equipment_application",
    ),
    path(
        "staff/equipment-applications/<str:public_id>/work/",
        views.application_work,
        name="staff_equipment_application_work",
    ),
    path(
        "staff/equipment-applications/<str:public_id>/run/",
        views.application_run,
        name="staff_equipment_application_run",
    ),
    path("staff/colocation/", views.colocation, name="staff_colocation"),
    path(
        "staff/colocation/visits/<str:public_id>/decide/",
        views.visit_decide,
        name="staff_visit_decide",
    ),
    path(
        "staff/colocation/visits/<str:public_id>/entry/",
        views.access_entry,
        name="staff_access_entry",
    ),
    path(
        "staff/colocation/access/<str:public_id>/exit/",
        views.access_exit,
        name="staff_access_exit",
    ),
    path("staff/ip-addresses/", views.ip_addresses, name="staff_ip_addresses"),
    path("staff/ip-addresses/pools/new/", views.ip_pool_create, name="staff_ip_pool_create"),
    path("staff/ip-addresses/allocations/new/", views.ip_allocate, name="staff_ip_allocate"),
    path(
        "staff/ip-addresses/allocations/<str:public_id>/release/",
        views.ip_release,
        name="staff_ip_release",
    ),
]
