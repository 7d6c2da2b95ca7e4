"""URL of the staff page importing a client's export of personal data (GDPR-02).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_personal_data

urlpatterns: list = [
    path(
        "staff/personal-data/import/",
        staff_personal_data.staff_personal_data_import,
        name="staff_personal_data_import",
    ),
]
