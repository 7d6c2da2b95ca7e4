"""URLs of the staff tools on a client's account: viewing as the client
(``clients.view_as``) and the activity timeline (``clients.view``).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_tools as views

urlpatterns: list = [
    path(
        "staff/clients/<str:public_id>/view-as/",
        views.client_view_as_start,
        name="staff_view_as_start",
    ),
    path("staff/view-as/end/", views.client_view_as_end, name="staff_view_as_end"),
    path(
        "staff/clients/<str:public_id>/activity/",
        views.client_timeline_page,
        name="staff_client_timeline",
    ),
]
