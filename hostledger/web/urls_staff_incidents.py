"""URLs of the staff-area interruption, maintenance and repair pages (SUP-03, SUP-04,
SUP-07); all need services.manage.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_incidents

urlpatterns: list = [
    path("staff/interruptions/", staff_incidents.interruption_queue, name="staff_interruptions"),
    path(
        "staff/interruptions/<str:public_id>/",
        staff_incidents.interruption_detail,
        name="staff_interruption",
    ),
    path(
        "staff/interruptions/<str:public_id>/confirm/",
        staff_incidents.interruption_confirm_view,
        name="staff_interruption_confirm",
    ),
    path(
        "staff/interruptions/<str:public_id>/reject/",
        staff_incidents.interruption_reject_view,
        name="staff_interruption_reject",
    ),
    path(
        "staff/interruptions/<str:public_id>/restore/",
        staff_incidents.interruption_restore_view,
        name="staff_interruption_restore",
    ),
    path("staff/maintenance/", staff_incidents.maintenance_list, name="staff_maintenance"),
    path(
        "staff/maintenance/announce/",
        staff_incidents.maintenance_announce_view,
        name="staff_maintenance_announce",
    ),
    path("staff/repairs/", staff_incidents.repair_list, name="staff_repairs"),
    path("staff/repairs/record/", staff_incidents.repair_record_view, name="staff_repair_record"),
]
