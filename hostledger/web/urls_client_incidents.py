"""URLs of the client-area interruption pages (SUP-03, SUP-04, BIL-09).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_incidents

urlpatterns: list = [
    path("interruptions/", client_incidents.interruption_list, name="interruption_list"),
    path(
        "interruptions/report/",
        client_incidents.interruption_report_view,
        name="interruption_report",
    ),
    path(
        "interruptions/<str:public_id>/",
        client_incidents.interruption_detail,
        name="interruption_detail",
    ),
]
