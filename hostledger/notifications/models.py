"""Messages to clients, their deliveries by channel, templates, preferences and marketing
consents (NTF-01, NTF-02, NTF-03, SUP-04).

A :class:`Notification` is one message to one client about one event; the row itself is the
message shown in the client area. The outbox job turns it into one :class:`Delivery` per
channel (email, SMS) the client receives it by, and sends those with retries. Bulk inserts
(the billing run, announcements) write Notification rows with plain SQL, so every column
beyond the ones :mod:`hostledger.notifications.bulk` names is nullable or has a database
default.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY


class Channel(models.TextChoices):
    """The channels a message goes out by besides the client area."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Category(models.TextChoices):
    """What a message is about. Every category but marketing is a system message that always
    goes out by email and in the client area (NTF-01)."""

    BILLING = "billing", _("Payments and invoices")
    SERVICE = "service", _("Service status")
    ACCOUNT = "account", _("Account and security")
    ANNOUNCEMENTS = "announcements", _("Policy changes and maintenance")
    MARKETING = "marketing", _("Offers and news")


SYSTEM_CATEGORIES = tuple(value for value in Category.values if value != Category.MARKETING)

LANGUAGES = ("en", "et", "ru")
"""The languages every message template exists in; others fall back to the first."""


class Notification(models.Model):
    """One message to one client about one event, idempotent by ``key`` (NTF-01).

    ``key`` is chosen by the caller, e.g. ``"renewal_invoice_issued:inv_…"``: enqueueing the
    same key again returns the stored row. ``created_at`` is set explicitly (bulk inserts pass
    it). ``fanned_out_at`` is set when the outbox job made the deliveries; ``read_at`` when
    the client opened the message in the client area.
    """

    key = models.CharField(max_length=200, unique=True)
    public_id = models.CharField(max_length=24, unique=True, null=True, blank=True)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.CharField(max_length=60)
    category = models.CharField(max_length=20, choices=Category.choices)
    service = models.ForeignKey(
        "subscriptions.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    announcement = models.ForeignKey(
        "notifications.Announcement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, db_default=DEFAULT_CURRENCY)
    on_date = models.DateField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="notifications_ntf_cli_idx"),
            models.Index(
                fields=["id"],
                condition=Q(fanned_out_at__isnull=True),
                name="notifications_ntf_new_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "uncertain", _("Interrupted while sending")
    SKIPPED = "skipped", _("Skipped")


class Delivery(models.Model):
    """The outbox: a notification to be sent, or sent, by one channel (NTF-02).

    ``subject`` and ``body`` are the text as rendered for the first attempt and as sent;
    retries send the same text. They, and ``recipient`` (the address or number it went to),
    are encrypted under the client's key (GDPR-11).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dlv"), editable=False
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    language = models.CharField(max_length=8, blank=True, default="")
    subject = EncryptedTextField(blank=True, default="")
    body = EncryptedTextField(blank=True, default="")
    recipient = EncryptedTextField(blank=True, default="")
    provider_message_id = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notifications_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notifications_dlv_due_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id


class DeliveryAttempt(models.Model):
    """One attempt to send a delivery, with its outcome and error (NTF-02)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    retryable = models.BooleanField(default=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="notifications_attempt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"


class MessageTemplate(models.Model):
    """A staff override of an event's message in one language, versioned (NTF-02).

    The row with the highest ``version`` for (event, language) is in force; a row with
    ``restores_default`` puts the text from the code back in force. Earlier versions are kept.
    """

    event = models.CharField(max_length=60)
    language = models.CharField(max_length=8)
    version = models.PositiveIntegerField()
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    sms_text = models.TextField(blank=True)
    restores_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language", "version"], name="notifications_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}/{self.language} v{self.version}"


class ChannelPreference(models.Model):
    """Whether a client receives a category of system messages by a channel besides email
    (SMS is off until the client turns it on). Email of system messages always goes out."""

    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="notification_preferences"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "channel", "category"], name="notifications_preference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.channel}:{self.category}={self.enabled}"


class ConsentState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Announcement(models.Model):
    """A message to a set of clients: a policy change (NTF-03), planned maintenance (SUP-04)
    or marketing. Publishing enqueues one notification per affected client.

    ``subject`` and ``body`` are in the provider's main language; ``translations`` holds
    ``{"et": {"subject": …, "body": …}, …}`` for the others.
    """

    class Kind(models.TextChoices):
        POLICY_CHANGE = "policy_change", _("Change of terms or policies")
        MAINTENANCE = "maintenance", _("Planned maintenance")
        MARKETING = "marketing", _("Offer or news")

    class Audience(models.TextChoices):
        ALL = "all", _("Every client with a live service")
        FAMILIES = "families", _("Clients with services of given product families")
        TARIFFS = "tariffs", _("Clients with services of given tariffs")
        SERVICES = "services", _("Clients of given services")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ann"), editable=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    translations = models.JSONField(default=dict, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    family_ids = models.JSONField(default=list, blank=True)
    tariff_ids = models.JSONField(default=list, blank=True)
    service_ids = models.JSONField(default=list, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) in ``language``, or in the main language when not translated."""
        translated = (self.translations or {}).get(language) or {}
        return (
            translated.get("subject") or self.subject,
            translated.get("body") or self.body,
        )
