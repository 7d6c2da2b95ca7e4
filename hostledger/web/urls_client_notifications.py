"""URLs of the client area's messages and notification settings (NTF-01).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_notifications

urlpatterns: list = [
    path("messages/", client_notifications.inbox, name="notification_inbox"),
    path("messages/read-all/", client_notifications.mark_all_read, name="notification_read_all"),
    path(
        "messages/unread-badge/",
        client_notifications.unread_badge,
        name="notification_unread_badge",
    ),
    path("messages/<str:public_id>/", client_notifications.message_detail, name="notification"),
    path(
        "settings/notifications/",
        client_notifications.preferences,
        name="notification_preferences",
    ),
    path(
        "settings/notifications/marketing/",
        client_notifications.marketing_consent,
        name="notification_marketing",
    ),
]
