"""Support tickets: departments, tickets, their messages and attachments, canned replies and
the keyed-hash search tokens of tickets (SUP-01).

A :class:`Ticket` is a conversation between a client (or, for mail from an unknown sender,
the sender's address) and the provider's staff in one :class:`Department`. Every message is
kept (SUP-01): a :class:`TicketMessage` is never edited or deleted by the ticket pages; a
merge moves the messages of one ticket into another. Internal notes are messages that only
staff read. Subjects, bodies, file names and attachment contents are personal data,
encrypted under the client's key (GDPR-11) and found by staff through
:class:`TicketSearchToken` (keyed hashes of word prefixes, never the words).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id


class Department(models.Model):
    """Where a ticket goes (SUP-01): support, billing, sales, abuse and what staff add.

    ``mail_address`` is the department's own address: mail from a known client to it opens a
    ticket here, and the staff answers are signed with a reply address made from it. The
    target hours feed the first-response and resolution timers of the staff queue.
    """

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    mail_address = models.EmailField(blank=True, default="")
    first_response_hours = models.PositiveIntegerField()
    resolution_hours = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TicketStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    ANSWERED = "answered", _("Answered")
    WAITING_FOR_CLIENT = "waiting_for_client", _("Waiting for the client")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_ORDER = {
    TicketPriority.URGENT: 0,
    TicketPriority.HIGH: 1,
    TicketPriority.NORMAL: 2,
    TicketPriority.LOW: 3,
}


class TicketSource(models.TextChoices):
    WEB = "web", _("Client area")
    API = "api", _("API")
    MAIL = "mail", _("Mail")
    STAFF = "staff", _("Staff")


class Ticket(models.Model):
    """One support conversation of a client with the provider (SUP-01).

    ``client`` is empty only for mail from an unknown sender, which waits in the staff review
    queue (``needs_review``) with the sender's address until staff link it to a client,
    merge it or close it. ``first_response_at`` is the first staff answer the client could
    read (notes do not count), ``resolved_at`` when the ticket was closed. A merged ticket
    points at the ticket its messages moved to (``merged_into``) and is closed.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "tkt"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tickets")
    subject = EncryptedTextField()
    status = models.CharField(
        max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    priority = models.CharField(
        max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    source = models.CharField(max_length=10, choices=TicketSource.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    needs_review = models.BooleanField(default=False)
    sender_address = EncryptedTextField(blank=True, default="")
    sender_address_index = BlindIndexField(source="sender_address", purpose="support-sender")
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = EncryptedTextField(blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="support_ticket_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False)
                | Q(needs_review=True)
                | Q(status=TicketStatus.CLOSED),
                name="support_ticket_client_or_review",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="support_ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values),
                name="support_ticket_priority_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=TicketSource.values), name="support_ticket_source_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-updated_at"], name="support_ticket_client_idx"),
            models.Index(
                fields=["department", "status", "created_at"], name="support_ticket_queue_idx"
            ),
            models.Index(fields=["assignee", "status"], name="support_ticket_assignee_idx"),
            models.Index(fields=["status", "created_at", "id"], name="support_ticket_status_idx"),
            # The queue: tickets not closed and not merged, oldest first, over all departments
            # or one; their counts per department read the same small index.
            models.Index(
                fields=["created_at", "id"],
                name="support_ticket_waiting_idx",
                condition=Q(merged_into__isnull=True) & ~Q(status=TicketStatus.CLOSED),
            ),
            models.Index(
                fields=["department", "created_at", "first_response_at"],
                name="support_ticket_dept_wait_idx",
                condition=Q(merged_into__isnull=True) & ~Q(status=TicketStatus.CLOSED),
            ),
            models.Index(
                fields=["created_at"],
                name="support_ticket_review_idx",
                condition=Q(needs_review=True) & ~Q(status=TicketStatus.CLOSED),
            ),
        ]

    def __str__(self) -> str:
        return self.number_display

    @property
    def number_display(self) -> str:
        """The number people read and quote: ``T-000123`` (the row's key)."""
        return f"T-{self.pk:06d}" if self.pk else "T-new"

    @property
    def is_closed(self) -> bool:
        return self.status == TicketStatus.CLOSED

    def first_response_due_at(self) -> datetime:
        return self.created_at + timedelta(hours=self.department.first_response_hours)

    def resolution_due_at(self) -> datetime:
        return self.created_at + timedelta(hours=self.department.resolution_hours)


class AuthorKind(models.TextChoices):
    CLIENT = "client", _("Client")
    TRUSTED_USER = "trusted_user", _("Trusted user")
    STAFF = "staff", _("Staff")
    SENDER = "sender", _("Mail sender")


class TicketMessage(models.Model):
    """One message of a ticket, kept for good (SUP-01).

    ``is_internal_note`` messages are written by staff for staff: clients never read them,
    by any page, API operation, mail or export of the client's own data view. ``mail_key``
    is a keyed hash of the Message-ID of the mail a message came by, so the same mail
    delivered twice adds it once.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "tms"), editable=False
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="messages")
    author_kind = models.CharField(max_length=20, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = EncryptedTextField()
    is_internal_note = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=TicketSource.choices)
    mail_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_kind__in=AuthorKind.values),
                name="support_message_author_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=TicketSource.values), name="support_message_source_valid"
            ),
            models.UniqueConstraint(
                fields=["mail_key"],
                condition=~Q(mail_key=""),
                name="support_message_mail_once",
            ),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="support_message_tkt_idx")]

    def __str__(self) -> str:
        return self.public_id


class AttachmentContent(models.Model):
    """The bytes of an attachment, kept once per client and content (SUP-01).

    ``content_hash`` is an HMAC-SHA-256 of the bytes (keyed, so the column cannot confirm a
    guessed file); ``data`` is the bytes in base64, encrypted under the client's key like any
    other personal text (GDPR-11), so an erasure reaches them with the key.
    """

    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    data = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "content_hash"], name="support_content_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"content {self.content_hash[:8]}…"


class Attachment(models.Model):
    """A file attached to a ticket message (SUP-01): its name as sent, the media type
    recognised from its content (never the sender's claim) and its size."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "att"), editable=False
    )
    message = models.ForeignKey(TicketMessage, on_delete=models.PROTECT, related_name="attachments")
    content = models.ForeignKey(AttachmentContent, on_delete=models.PROTECT, related_name="+")
    file_name = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


class CannedReply(models.Model):
    """A prepared answer staff insert into a reply (SUP-01): the provider's own text."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "cnr"), editable=False
    )
    title = models.CharField(max_length=120)
    body = models.TextField()
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TicketSearchToken(models.Model):
    """A keyed hash of one searchable word prefix of a ticket's subject or messages (SUP-01,
    GDPR-11), so staff find tickets by a word while the text stays encrypted. Written only by
    :mod:`hostledger.support.actions.search`."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "ticket"], name="support_search_token_unique")
        ]
        indexes = [models.Index(fields=["ticket"], name="support_search_token_tkt_idx")]

    def __str__(self) -> str:
        return f"search token {self.token[:8]}…"
