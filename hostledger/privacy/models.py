"""Policy documents and their acceptances (ACC-02, GDPR-10); exports of personal data
(GDPR-02)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id


class PolicyDocument(models.Model):
    """One version of the terms of service or the privacy policy; published ones never change."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of service"
        PRIVACY = "privacy", "Privacy policy"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    requires_reacceptance = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="privacy_policy_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class PolicyAcceptance(models.Model):
    """A person's acceptance of a policy version, with time and IP (ACC-02)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acceptances"
    )
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="privacy_accept_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} accepted at {self.accepted_at:%Y-%m-%d %H:%M}"


class PersonalDataExport(models.Model):
    """One export of a client's personal data (GDPR-02): a ZIP built in the background from
    the personal-data declarations, stored encrypted under the var dir until its link expires.

    The file is encrypted with a key of its own (``file_key``), which is itself stored
    encrypted with the field keys, so key rotation re-wraps it and an expired export is
    unreadable as soon as the key is cleared (docs/decisions/0018h-personal-data-export.md).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "exp"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="personal_data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    row_counts = models.JSONField(default=dict, blank=True)
    file_path = models.CharField(max_length=300, blank=True)
    file_size = models.BigIntegerField(default=0)
    file_key = EncryptedTextField(blank=True)
    error = models.TextField(blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="privacy_export_expiry")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)
