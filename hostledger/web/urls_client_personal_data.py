"""URLs of the client area's "Your data" pages (GDPR-02) and the public schema of exports.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.privacy.export import SCHEMA_PATH
from hostledger.web.views import client_personal_data

urlpatterns: list = [
    path("privacy/your-data/", client_personal_data.personal_data, name="personal_data"),
    path(
        "privacy/exports/<str:public_id>/",
        client_personal_data.personal_data_export,
        name="personal_data_export",
    ),
    path(
        "privacy/exports/<str:public_id>/download/",
        client_personal_data.personal_data_export_download,
        name="personal_data_export_download",
    ),
    path(
        SCHEMA_PATH.removeprefix("/"),
        client_personal_data.personal_data_export_schema,
        name="personal_data_export_schema",
    ),
]
