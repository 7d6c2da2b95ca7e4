"""URLs of the staff bulk actions and of one bulk job's page.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_bulk

urlpatterns: list = [
    path("staff/bulk/services/", staff_bulk.services_bulk, name="staff_services_bulk"),
    path("staff/bulk/invoices/", staff_bulk.invoices_bulk, name="staff_invoices_bulk"),
    path("staff/bulk/tickets/", staff_bulk.tickets_bulk, name="staff_tickets_bulk"),
    path("staff/bulk/<int:run_id>/", staff_bulk.bulk_job_detail, name="staff_bulk_job"),
    path(
        "staff/bulk/<int:run_id>/resume/",
        staff_bulk.bulk_job_resume_view,
        name="staff_bulk_job_resume",
    ),
]
