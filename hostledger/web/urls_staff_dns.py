"""URLs of the staff area's DNS hosting pages (DOM-04, PRV-02): reading needs
``clients.view``, sending a push again ``services.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_dns as views

urlpatterns: list = [
    path("staff/dns/", views.zone_list, name="staff_dns_zones"),
    path("staff/dns/<str:public_id>/", views.zone_detail, name="staff_dns_zone"),
    path("staff/dns/pushes/<str:public_id>/retry/", views.push_retry, name="staff_dns_push_retry"),
]
