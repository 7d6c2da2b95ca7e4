"""URLs of the client area's domain pages (DOM-01, DOM-02, DOM-03)."""

from django.urls import path

from hostledger.web.views import client_domains as views

urlpatterns = [
    path("domains/", views.domain_list, name="domain_list"),
    path("domains/transfer/", views.domain_transfer, name="domain_transfer"),
    path("domains/<str:public_id>/", views.domain_detail, name="domain_detail"),
    path("domains/<str:public_id>/check/", views.domain_check, name="domain_check"),
    path(
        "domains/<str:public_id>/name-servers/",
        views.domain_name_servers,
        name="domain_name_servers",
    ),
    path("domains/<str:public_id>/lock/", views.domain_lock, name="domain_lock"),
    path("domains/<str:public_id>/auth-code/", views.domain_auth_code, name="domain_auth_code"),
]
