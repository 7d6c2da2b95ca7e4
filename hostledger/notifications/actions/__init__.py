"""Every write of the notifications app (NTF-01, NTF-02, NTF-03, SUP-04). Marketing consents
are the privacy app's: :mod:`hostledger.privacy.actions_consents`."""

from hostledger.notifications.actions.announcements import (
    announcement_create,
    announcement_publish,
)
from hostledger.notifications.actions.consents import (
    channel_preference_set,
    marketing_deliveries_skip,
)
from hostledger.notifications.actions.messages import (
    notification_enqueue,
    notification_mark_read,
    notifications_mark_all_read,
)
from hostledger.notifications.actions.notices import (
    interruption_confirmed_notify,
    interruption_rejected_notify,
    interruption_restored_notify,
    order_received_notify,
    payment_received_notify,
    price_change_notify,
    proforma_issued_notify,
    security_notice_send,
    service_activated_notify,
    service_moved_by_staff_notify,
    trial_started_notify,
)
from hostledger.notifications.actions.outbox import (
    deliveries_fan_out,
    deliveries_mark_interrupted,
    deliveries_send_due,
    delivery_resend,
)
from hostledger.notifications.actions.templates import (
    message_template_restore_default,
    message_template_save,
)

__all__ = [
    "announcement_create",
    "announcement_publish",
    "channel_preference_set",
    "deliveries_fan_out",
    "deliveries_mark_interrupted",
    "deliveries_send_due",
    "delivery_resend",
    "interruption_confirmed_notify",
    "interruption_rejected_notify",
    "interruption_restored_notify",
    "marketing_deliveries_skip",
    "message_template_restore_default",
    "message_template_save",
    "notification_enqueue",
    "notification_mark_read",
    "notifications_mark_all_read",
    "order_received_notify",
    "payment_received_notify",
    "price_change_notify",
    "proforma_issued_notify",
    "security_notice_send",
    "service_activated_notify",
    "service_moved_by_staff_notify",
    "trial_started_notify",
]
