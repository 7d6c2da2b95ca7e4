from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hostledger.notifications"
    label = "notifications"
    verbose_name = "Notifications"
