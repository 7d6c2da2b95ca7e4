"""URLs of the staff-area support desk (SUP-01): ``tickets.answer`` for the queue, search and
tickets, ``tickets.manage`` for departments and canned replies.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_tickets as views

urlpatterns: list = [
    path("staff/tickets/", views.ticket_queue, name="staff_tickets"),
    path("staff/tickets/search/", views.ticket_search, name="staff_ticket_search"),
    path(
        "staff/tickets/attachments/<str:public_id>/",
        views.ticket_attachment,
        name="staff_ticket_attachment",
    ),
    path("staff/tickets/<str:public_id>/", views.ticket_detail, name="staff_ticket"),
    path("staff/tickets/<str:public_id>/reply/", views.ticket_reply, name="staff_ticket_reply"),
    path("staff/tickets/<str:public_id>/note/", views.ticket_note, name="staff_ticket_note"),
    path("staff/tickets/<str:public_id>/assign/", views.ticket_assign, name="staff_ticket_assign"),
    path(
        "staff/tickets/<str:public_id>/priority/",
        views.ticket_priority,
        name="staff_ticket_priority",
    ),
    path("staff/tickets/<str:public_id>/status/", views.ticket_status, name="staff_ticket_status"),
    path(
        "staff/tickets/<str:public_id>/department/",
        views.ticket_department,
        name="staff_ticket_department",
    ),
    path("staff/tickets/<str:public_id>/merge/", views.ticket_merge, name="staff_ticket_merge"),
    path(
        "staff/tickets/<str:public_id>/link-client/",
        views.ticket_link_client,
        name="staff_ticket_link_client",
    ),
    path("staff/support/departments/", views.department_list, name="staff_support_departments"),
    path(
        "staff/support/departments/<slug:slug>/",
        views.department_edit,
        name="staff_support_department",
    ),
    path("staff/support/canned-replies/", views.canned_reply_list, name="staff_canned_replies"),
    path(
        "staff/support/canned-replies/<str:public_id>/",
        views.canned_reply_edit,
        name="staff_canned_reply",
    ),
]
