"""Links in messages that work without signing in (NTF-01)."""

from django.urls import path

from hostledger.web.views import public_notifications

urlpatterns = [
    path(
        "notifications/opt-in/<str:token>/",
        public_notifications.opt_in_confirm,
        name="notifications_opt_in_confirm",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        public_notifications.unsubscribe,
        name="notifications_unsubscribe",
    ),
]
