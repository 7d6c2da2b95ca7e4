"""URLs of the staff reports (``reports.view``) and of the CSV/XLSX exports of the staff
lists (each needs the permission of its list).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_reports as views

urlpatterns: list = [
    path("staff/reports/", views.report_index, name="staff_reports"),
    path("staff/reports/<slug:slug>/", views.report, name="staff_report"),
    path(
        "staff/reports/<slug:slug>/download.<str:file_format>",
        views.report_download,
        name="staff_report_download",
    ),
    path(
        "staff/exports/clients.<str:file_format>",
        views.clients_export,
        name="staff_clients_export",
    ),
    path(
        "staff/exports/services.<str:file_format>",
        views.services_export,
        name="staff_services_export",
    ),
    path(
        "staff/exports/invoices.<str:file_format>",
        views.invoices_export,
        name="staff_invoices_export",
    ),
    path(
        "staff/exports/payments.<str:file_format>",
        views.payments_export,
        name="staff_payments_export",
    ),
    path(
        "staff/exports/tickets.<str:file_format>",
        views.tickets_export,
        name="staff_tickets_export",
    ),
]
