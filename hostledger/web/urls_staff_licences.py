"""URLs of the staff area's licence rental pages (CAT-01, PRV-01; seed 003, annex 9):
reading needs ``clients.view``, uploading and retiring keys ``services.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_licences as views

urlpatterns: list = [
    path("staff/licences/", views.pool, name="staff_licences"),
    path("staff/licences/keys/", views.keys_upload, name="staff_licence_keys_upload"),
    path("staff/licences/usage/", views.usage, name="staff_licence_usage"),
    path("staff/licences/usage.csv", views.usage_csv, name="staff_licence_usage_csv"),
    path(
        "staff/licences/products/<str:public_id>/",
        views.product,
        name="staff_licence_product",
    ),
    path(
        "staff/licences/keys/<str:public_id>/retire/",
        views.key_retire,
        name="staff_licence_key_retire",
    ),
]
