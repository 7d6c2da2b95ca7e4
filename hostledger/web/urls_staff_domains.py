"""URLs of the staff area's domain pages (DOM-02)."""

from django.urls import path

from hostledger.web.views import staff_domains as views

urlpatterns = [
    path("staff/domains/", views.domain_list, name="staff_domains"),
]
