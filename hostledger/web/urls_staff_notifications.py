"""URLs of the staff notification pages: message templates (settings.edit), the outbox
(clients.view_personal_data) and announcements (services.manage).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_notifications

TEMPLATE = "staff/notifications/templates/<slug:event>/<slug:language>/"

urlpatterns: list = [
    # Message templates per event and language (NTF-02)
    path(
        "staff/notifications/templates/",
        staff_notifications.template_list,
        name="staff_notification_templates",
    ),
    path(TEMPLATE, staff_notifications.template_edit, name="staff_notification_template"),
    path(
        TEMPLATE + "preview/",
        staff_notifications.template_preview,
        name="staff_notification_template_preview",
    ),
    path(
        TEMPLATE + "restore/",
        staff_notifications.template_restore,
        name="staff_notification_template_restore",
    ),
    # The outbox (NTF-02)
    path("staff/notifications/outbox/", staff_notifications.outbox, name="staff_outbox"),
    path(
        "staff/notifications/outbox/<str:public_id>/",
        staff_notifications.outbox_delivery,
        name="staff_outbox_delivery",
    ),
    path(
        "staff/notifications/outbox/<str:public_id>/resend/",
        staff_notifications.outbox_resend,
        name="staff_outbox_resend",
    ),
    # Announcements of policy changes (NTF-03) and planned maintenance (SUP-04)
    path(
        "staff/notifications/announcements/",
        staff_notifications.announcement_list,
        name="staff_announcements",
    ),
    path(
        "staff/notifications/announcements/new/",
        staff_notifications.announcement_new,
        name="staff_announcement_new",
    ),
    path(
        "staff/notifications/announcements/<str:public_id>/",
        staff_notifications.announcement_detail,
        name="staff_announcement",
    ),
    path(
        "staff/notifications/announcements/<str:public_id>/publish/",
        staff_notifications.announcement_send,
        name="staff_announcement_publish",
    ),
]
