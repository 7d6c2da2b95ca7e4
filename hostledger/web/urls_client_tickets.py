"""URLs of the client-area support tickets (SUP-01, ACC-06).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_tickets

urlpatterns: list = [
    path("tickets/", client_tickets.ticket_list, name="ticket_list"),
    path("tickets/new/", client_tickets.ticket_create, name="ticket_create"),
    path(
        "tickets/attachments/<str:public_id>/",
        client_tickets.ticket_attachment,
        name="ticket_attachment",
    ),
    path("tickets/<str:public_id>/", client_tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<str:public_id>/reply/", client_tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<str:public_id>/close/", client_tickets.ticket_close, name="ticket_close"),
    path("tickets/<str:public_id>/rate/", client_tickets.ticket_rate, name="ticket_rate"),
]
